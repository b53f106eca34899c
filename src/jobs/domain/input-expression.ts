/**
 * Input expressions of the pipeline format (seed 000, parsed as HKube's @hkube/parsers does):
 *   literal              any JSON value that is not one of the strings below
 *   "#[1,2,3]"           a batch: one task per item (a JSON array)
 *   "#[1,2,1...10,hello]" HKube's list: comma-separated items, "a...b" inclusive ranges, bare words
 *   "@flowInput.a.b"     a value from flowInput
 *   "#@flowInput.list"   a batch over that array
 *   "@green" / "@green.x"   the output of node green (the node waits for green)
 *   "#@green"            a batch over green's output (a batch node: its succeeded items)
 *   "*@green"            waitAny: one task per item of green (HKube starts each as its item ends;
 *                        Herald once green is done), each reading that item's output
 *   "*#@green"           waitAny batch: a batch over each item's output array, one after another
 * Strings nested in objects and arrays are expressions too (HKube flattens the input): a nested
 * batch expands the node, and its items are put back at the place of the expression.
 */
export type InputExpression =
  | { kind: 'literal'; value: unknown }
  | { kind: 'batch-literal'; items: unknown[] }
  | { kind: 'flow'; path: string[]; batch: boolean }
  | { kind: 'node'; node: string; path: string[]; batch: boolean; waitAny?: boolean };

export class InputSyntaxError extends Error {}

/** Largest batch one node may expand to. */
export const MAX_BATCH = 1_000_000;

/** Node names an input cannot refer to as nodes (HKube's reserved names). */
export const RESERVED_NODE_NAMES = ['flowInput', 'dataSource'];

const RANGE_ITEM = /^(-?\d+)\.\.\.(-?\d+)$/;
const PREFIXES = [
  { prefix: '*#@', batch: true, waitAny: true },
  { prefix: '*@', batch: false, waitAny: true },
  { prefix: '#@', batch: true, waitAny: false },
  { prefix: '@', batch: false, waitAny: false },
] as const;

export function parseInputExpression(raw: unknown): InputExpression {
  if (typeof raw !== 'string') return { kind: 'literal', value: raw };
  if (raw.startsWith('#[')) return { kind: 'batch-literal', items: parseBatchLiteral(raw) };
  const found = PREFIXES.find((p) => raw.startsWith(p.prefix));
  if (!found) return { kind: 'literal', value: raw };
  const [head, ...path] = raw.slice(found.prefix.length).split('.');
  if (head === '' || path.some((segment) => segment === '')) {
    throw new InputSyntaxError(`"${raw}" is not a valid reference (expected @node, @node.path or @flowInput.path)`);
  }
  if (head === 'dataSource') throw new InputSyntaxError(`"${raw}": dataSource inputs are not supported`);
  if (head === 'flowInput') {
    if (found.waitAny) throw new InputSyntaxError(`"${raw}": waitAny (${found.prefix}) needs a node, not flowInput`);
    return { kind: 'flow', path, batch: found.batch };
  }
  return { kind: 'node', node: head, path, batch: found.batch, ...(found.waitAny ? { waitAny: true } : {}) };
}

function checkSize(count: number, raw: string): void {
  if (count > MAX_BATCH) throw new InputSyntaxError(`batch "${raw.length > 40 ? raw.slice(0, 40) + '...' : raw}" has more than ${MAX_BATCH} items`);
}

function parseBatchLiteral(raw: string): unknown[] {
  // A JSON array first (Herald's seed form, items of any JSON type).
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.slice(1));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed)) {
    checkSize(parsed.length, raw);
    return parsed;
  }
  // HKube's list: brackets and white space dropped, then comma-separated items.
  const body = raw.slice(1).replace(/[[\]]+/g, '').replace(/\s/g, '');
  if (body === '') return [];
  const items: unknown[] = [];
  for (const token of body.split(',')) {
    const range = RANGE_ITEM.exec(token);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new InputSyntaxError(`range "${token}" in "${raw}" is out of bounds`);
      if (to < from) throw new InputSyntaxError(`range "${token}" in "${raw}" ends before it starts`);
      checkSize(items.length + to - from + 1, raw);
      for (let i = from; i <= to; i++) items.push(i);
      continue;
    }
    if (token === '') throw new InputSyntaxError(`"${raw}" has an empty item`);
    if (token.includes('...')) throw new InputSyntaxError(`"${token}" in "${raw}" is not a range: expected <from>...<to> (integers)`);
    items.push(scalarOf(token));
    checkSize(items.length, raw);
  }
  return items;
}

/** An item of HKube's list: a JSON number, true, false, null or "string"; else the bare word. */
function scalarOf(token: string): unknown {
  try {
    const value: unknown = JSON.parse(token);
    if (value === null || typeof value !== 'object') return value;
  } catch {
    // a bare word
  }
  return token;
}

/** Where a leaf sits in a node's input: indexes into arrays, keys into objects. */
export type InputPath = Array<string | number>;

export interface InputLeaf {
  path: InputPath;
  expression: InputExpression;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A node's input flattened into its leaves (HKube's flattening): every non-container value, in
 * document order, parsed as an expression. Empty arrays and objects are literal leaves (HKube
 * drops them). A bad expression throws an InputPathError (its `path` says where), or is added to `errors`.
 */
export function parseNodeInput(input: unknown[], errors?: InputPathError[]): InputLeaf[] {
  const leaves: InputLeaf[] = [];
  const visit = (value: unknown, path: InputPath): void => {
    if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => visit(v, [...path, i]));
    else if (isPlainObject(value) && Object.keys(value).length > 0) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    else {
      try {
        leaves.push({ path, expression: parseInputExpression(value) });
      } catch (err) {
        if (!(err instanceof InputSyntaxError)) throw err;
        const located = new InputPathError(err.message, path);
        // Collected (every bad leaf is reported) or thrown at the first.
        if (!errors) throw located;
        errors.push(located);
      }
    }
  };
  input.forEach((v, i) => visit(v, [i]));
  return leaves;
}

/** A syntax error of one leaf, with its path (e.g. [0, "b", 1]). */
export class InputPathError extends InputSyntaxError {
  constructor(
    message: string,
    readonly path: InputPath,
  ) {
    super(message);
  }
}

/** "[0].b[1]" for [0, "b", 1]. */
export function formatInputPath(path: InputPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/**
 * The node's input with each leaf replaced by values[i] (in parseNodeInput's order). Objects are
 * rebuilt with own data properties only ("__proto__" stays a plain key).
 */
export function rebuildInput(input: unknown[], values: unknown[]): unknown[] {
  let next = 0;
  const build = (value: unknown): unknown => {
    if (Array.isArray(value) && value.length > 0) return value.map(build);
    if (isPlainObject(value) && Object.keys(value).length > 0) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, build(v)]));
    return values[next++];
  };
  return input.map(build);
}

/** Nodes an input list reads from (its dependencies). */
export function referencedNodes(expressions: Array<InputExpression | InputLeaf>): string[] {
  const names = new Set<string>();
  for (const item of expressions) {
    const e = 'expression' in item ? item.expression : item;
    if (e.kind === 'node') names.add(e.node);
  }
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
