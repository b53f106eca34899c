/**
 * Values JSON can carry but PostgreSQL cannot store: text never holds U+0000, jsonb also rejects
 * unpaired UTF-16 surrogates, and very deep nesting overflows serialization. Requests are checked
 * against these limits up front so that they are answered with a 400 (or a 404), never a 500.
 */
export const MAX_JSON_DEPTH = 100;

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT = 'must not contain NUL characters or unpaired surrogates';

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

function pathOf(visit: Visit, root: string): string {
  const keys: Array<string | number> = [];
  for (let v: Visit | undefined = visit; v?.parent; v = v.parent) keys.unshift(v.key!);
  return keys.reduce<string>((path, k) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k), root);
}

/**
 * The first part of a JSON value that cannot be stored, as { path, message }; undefined when all
 * of it can. Iterative, so arbitrarily deep input cannot overflow the stack here.
 */
export function jsonProblem(value: unknown, root = ''): { path: string; message: string } | undefined {
  const stack: Visit[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const v = visit.value;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { path: pathOf(visit, root), message: UNSTORABLE_TEXT };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (visit.depth >= MAX_JSON_DEPTH) return { path: pathOf(visit, root), message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      if (typeof key === 'string' && !isStorableText(key)) return { path: pathOf(visit, root), message: `has a key that ${UNSTORABLE_TEXT}` };
      stack.push({ value: item, depth: visit.depth + 1, parent: visit, key });
    }
  }
  return undefined;
}
