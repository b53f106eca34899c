import { MAX_BATCH, parseNodeInput, pathGet, rebuildInput, type InputExpression } from './input-expression';

export class InputResolutionError extends Error {}

/** How a node's batch inputs combine (HKube's batchOperation): zipped by index, or every combination. */
export type BatchOperation = 'indexed' | 'cartesian';
export const BATCH_OPERATIONS: readonly BatchOperation[] = ['indexed', 'cartesian'];

/** A finished node's output as later nodes read it: its items in batch order (one for a plain node). */
export interface NodeOutput {
  batch: boolean;
  items: Array<{ succeeded: boolean; result: unknown }>;
}

/** The output of a plain (not batch) node that succeeded with `result`. */
export const plainOutput = (result: unknown): NodeOutput => ({ batch: false, items: [{ succeeded: true, result }] });

export interface InputSources {
  flowInput: Record<string, unknown> | undefined;
  outputOf: (node: string) => NodeOutput;
  /** Webhook stages: "@hook.context.x" reads the stage's context (undefined for worker nodes). */
  contextOf?: (node: string) => unknown;
}

type Resolved = { batch: boolean; value: unknown };

const at = (value: unknown, path: string[]): unknown => {
  const got = pathGet(value, path);
  return got.found ? got.value : null;
};

function resolveNode(e: Extract<InputExpression, { kind: 'node' }>, sources: InputSources): Resolved {
  const label = [e.node, ...e.path].join('.');
  const context = e.path[0] === 'context' ? sources.contextOf?.(e.node) : undefined;
  if (context !== undefined) {
    const value = at(context, e.path.slice(1));
    if (e.batch && !Array.isArray(value)) throw new InputResolutionError(`#@${label}: the context of ${e.node} is not an array`);
    return { batch: e.batch, value };
  }
  const out = sources.outputOf(e.node);
  if (!out.batch) {
    // A plain node: its one output (null when it failed or never ran).
    const first = out.items[0];
    const value = first?.succeeded ? at(first.result, e.path) : null;
    if (e.batch && !Array.isArray(value)) throw new InputResolutionError(`#@${label}: the output of ${e.node} is not an array`);
    return { batch: e.batch, value };
  }
  // A batch node: the path applies to each item's output (as HKube reads each item from storage).
  if (e.waitAny && e.batch) {
    // *#@: a batch over each succeeded item's array, one item after another.
    const value = out.items.filter((i) => i.succeeded).flatMap((i) => {
      const v = at(i.result, e.path);
      return Array.isArray(v) ? v : [];
    });
    return { batch: true, value };
  }
  // *@: one task per item (index-aligned: a failed item reads null). #@: succeeded items only (HKube drops failed ones).
  if (e.waitAny) return { batch: true, value: out.items.map((i) => (i.succeeded ? at(i.result, e.path) : null)) };
  if (e.batch) return { batch: true, value: out.items.filter((i) => i.succeeded).map((i) => at(i.result, e.path)) };
  return { batch: false, value: out.items.map((i) => (i.succeeded ? at(i.result, e.path) : null)) };
}

function resolve(e: InputExpression, sources: InputSources): Resolved {
  switch (e.kind) {
    case 'literal':
      return { batch: false, value: e.value };
    case 'batch-literal':
      return { batch: true, value: e.items };
    case 'flow': {
      const got = pathGet(sources.flowInput ?? {}, e.path);
      const label = ['flowInput', ...e.path].join('.');
      if (!got.found) throw new InputResolutionError(`unable to find ${label}`);
      if (e.batch && !Array.isArray(got.value)) throw new InputResolutionError(`#@${label} is not an array`);
      return { batch: e.batch, value: got.value };
    }
    case 'node':
      return resolveNode(e, sources);
  }
}

function cartesianSize(batches: unknown[][]): number {
  return batches.reduce((n, b) => n * b.length, 1);
}

/**
 * Resolves a node's raw input into the inputs of its tasks. Without batch input: one task. With
 * batch inputs: "indexed" zips them (the shorter padded with null), "cartesian" makes every
 * combination (the first batch varies slowest). Zero tasks: an empty batch (HKube skips the node).
 */
export function expandNodeInput(input: unknown[], sources: InputSources, operation: BatchOperation = 'indexed'): { batch: boolean; inputs: unknown[][] } {
  const leaves = parseNodeInput(input);
  const resolved = leaves.map((leaf) => resolve(leaf.expression, sources));
  const batches = resolved.filter((r) => r.batch).map((r) => r.value as unknown[]);
  if (batches.length === 0) return { batch: false, inputs: [rebuildInput(input, resolved.map((r) => r.value))] };
  const inputs: unknown[][] = [];
  if (operation === 'cartesian') {
    const size = cartesianSize(batches);
    if (size > MAX_BATCH) throw new InputResolutionError(`batch has more than ${MAX_BATCH} items`);
    for (let n = 0; n < size; n++) {
      // n in mixed radix: the last batch varies fastest.
      let rest = n;
      const picks = new Array<unknown>(batches.length);
      for (let b = batches.length - 1; b >= 0; b--) {
        picks[b] = batches[b][rest % batches[b].length];
        rest = Math.floor(rest / batches[b].length);
      }
      let next = 0;
      inputs.push(rebuildInput(input, resolved.map((r) => (r.batch ? picks[next++] : r.value))));
    }
    return { batch: true, inputs };
  }
  const length = Math.max(...batches.map((b) => b.length));
  if (length > MAX_BATCH) throw new InputResolutionError(`batch has more than ${MAX_BATCH} items`);
  for (let i = 0; i < length; i++) {
    inputs.push(rebuildInput(input, resolved.map((r) => (r.batch ? ((r.value as unknown[])[i] ?? null) : r.value))));
  }
  return { batch: true, inputs };
}
