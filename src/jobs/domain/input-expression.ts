/**
 * Input expressions of the pipeline format (seed 000):
 *   literal              any JSON value that is not one of the strings below
 *   "#[1,2,3]"           a batch: one task per item
 *   "#[1...5]"           an inclusive numeric range, as a batch
 *   "@flowInput.a.b"     a value from flowInput
 *   "#@flowInput.list"   a batch over that array
 *   "@green" / "@green.x"   the output of node green (the node waits for green)
 *   "#@green"            a batch over green's output array
 */
export type InputExpression =
  | { kind: 'literal'; value: unknown }
  | { kind: 'batch-literal'; items: unknown[] }
  | { kind: 'flow'; path: string[]; batch: boolean }
  | { kind: 'node'; node: string; path: string[]; batch: boolean };

export class InputSyntaxError extends Error {}

/** Largest batch one node may expand to. */
export const MAX_BATCH = 1_000_000;

const RANGE = /^#\[\s*(-?\d+)\s*\.\.\.\s*(-?\d+)\s*\]$/;
const REFERENCE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function parseInputExpression(raw: unknown): InputExpression {
  if (typeof raw !== 'string') return { kind: 'literal', value: raw };
  if (raw.startsWith('#[')) return { kind: 'batch-literal', items: parseBatchLiteral(raw) };
  const batch = raw.startsWith('#@');
  if (batch || raw.startsWith('@')) {
    const ref = raw.slice(batch ? 2 : 1);
    if (!REFERENCE.test(ref)) throw new InputSyntaxError(`"${raw}" is not a valid reference (expected @node, @node.path or @flowInput.path)`);
    const [head, ...path] = ref.split('.');
    return head === 'flowInput' ? { kind: 'flow', path, batch } : { kind: 'node', node: head, path, batch };
  }
  return { kind: 'literal', value: raw };
}

function parseBatchLiteral(raw: string): unknown[] {
  const range = RANGE.exec(raw);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new InputSyntaxError(`range "${raw}" is out of bounds`);
    if (to < from) throw new InputSyntaxError(`range "${raw}" ends before it starts`);
    if (to - from + 1 > MAX_BATCH) throw new InputSyntaxError(`range "${raw}" has more than ${MAX_BATCH} items`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.slice(1));
  } catch {
    throw new InputSyntaxError(`"${raw}" is not a batch: expected #[<JSON items>] or #[<from>...<to>]`);
  }
  if (!Array.isArray(parsed)) throw new InputSyntaxError(`"${raw}" is not a batch`);
  if (parsed.length > MAX_BATCH) throw new InputSyntaxError(`batch has more than ${MAX_BATCH} items`);
  return parsed;
}

/** Nodes an input list reads from (its dependencies). */
export function referencedNodes(expressions: InputExpression[]): string[] {
  const names = new Set<string>();
  for (const e of expressions) if (e.kind === 'node') names.add(e.node);
  return [...names];
}

export function pathGet(value: unknown, path: string[]): { found: boolean; value: unknown } {
  let current = value;
  for (const key of path) {
    // Own keys only: "@flowInput.constructor" must not resolve to Object.prototype members.
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

export class InputResolutionError extends Error {}

/**
 * Resolves a node's inputs into the inputs of its tasks. Batch inputs are zipped (the shorter
 * padded with null); plain inputs repeat in every task. No batch input: one task.
 */
export function expandInputs(
  expressions: InputExpression[],
  flowInput: Record<string, unknown> | undefined,
  outputOf: (node: string) => unknown,
  /** Webhook stages: "@hook.context.x" reads the stage's context (undefined for worker nodes). */
  contextOf: (node: string) => unknown = () => undefined,
): { batch: boolean; inputs: unknown[][] } {
  const resolved = expressions.map((e): { batch: boolean; value: unknown } => {
    switch (e.kind) {
      case 'literal':
        return { batch: false, value: e.value };
      case 'batch-literal':
        return { batch: true, value: e.items };
      case 'flow': {
        const got = pathGet(flowInput ?? {}, e.path);
        const label = ['flowInput', ...e.path].join('.');
        if (!got.found) throw new InputResolutionError(`${label} is not in flowInput`);
        if (e.batch && !Array.isArray(got.value)) throw new InputResolutionError(`#@${label} is not an array`);
        return { batch: e.batch, value: got.value };
      }
      case 'node': {
        const context = e.path[0] === 'context' ? contextOf(e.node) : undefined;
        const got = context !== undefined ? pathGet(context, e.path.slice(1)) : pathGet(outputOf(e.node), e.path);
        const label = [e.node, ...e.path].join('.');
        const value = got.found ? got.value : null;
        if (e.batch && !Array.isArray(value)) throw new InputResolutionError(`#@${label}: the output of ${e.node} is not an array`);
        return { batch: e.batch, value };
      }
    }
  });
  const batches = resolved.filter((r) => r.batch).map((r) => r.value as unknown[]);
  if (batches.length === 0) return { batch: false, inputs: [resolved.map((r) => r.value)] };
  const length = Math.max(...batches.map((b) => b.length));
  if (length > MAX_BATCH) throw new InputResolutionError(`batch has more than ${MAX_BATCH} items`);
  const inputs: unknown[][] = [];
  for (let i = 0; i < length; i++) {
    inputs.push(resolved.map((r) => (r.batch ? ((r.value as unknown[])[i] ?? null) : r.value)));
  }
  return { batch: true, inputs };
}
