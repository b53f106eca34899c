import { referencedNodes, type InputLeaf } from './input-expression';

/** A cycle of the nodes' references (inputs and webhook stages' reads), as a path, or undefined. */
export function findCycle(graph: Map<string, InputLeaf[]>, extra: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of [...referencedNodes(graph.get(node) ?? []), ...(extra.get(node) ?? [])]) {
      if (!graph.has(dep) || dep === node) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}
