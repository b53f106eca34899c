import { JSONPath } from 'jsonpath-plus';

/**
 * JSONPath through jsonpath-plus, with script evaluation off (a path never runs code). The
 * library accepts almost any text, so the syntax a user submits is checked here first.
 */
export function jsonPathProblem(path: string): string | undefined {
  if (!path.startsWith('$')) return 'must be a JSONPath starting with "$"';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '[') {
      if (path[i + 1] === ']') return `has an empty [] at position ${i + 1}`;
      depth++;
    } else if (c === ']') {
      if (--depth < 0) return `has an unmatched "]" at position ${i + 1}`;
    } else if (depth === 0 && (c === '(' || c === ')' || c === ' ')) return `has an unexpected "${c}" at position ${i + 1}`;
  }
  if (quote) return 'has an unterminated string';
  if (depth !== 0) return 'has an unclosed "["';
  if (/\.\.\.|\.$/.test(path)) return 'has a dangling "."';
  try {
    JSONPath({ path, json: {}, wrap: true, eval: false });
  } catch (err) {
    return `is not a valid JSONPath: ${(err as Error).message}`;
  }
  return undefined;
}

/** The values a path finds in a document (an empty list when it finds none). */
export function jsonPathValues(path: string, json: unknown): unknown[] {
  if (json === null || typeof json !== 'object') return [];
  const found = JSONPath({ path, json: json as object, wrap: true, eval: false }) as unknown[] | undefined;
  return found ?? [];
}
