/**
 * `${ ... }` expressions in a webhook stage's url, headers, payload and cancel fields. A small
 * grammar, parsed by hand (recursive descent) and evaluated over plain data: nothing is executed.
 *
 *   template   := (text | "${" expr "}")*
 *   expr       := primary accessor*
 *   primary    := "#stage" "(" string ")" | identifier          (flowInput, jobId, input, nodes)
 *   accessor   := "." identifier | "[" (string | integer) "]"
 *   string     := '...' | "..."   (backslash escapes the next character)
 */
export type PathKey = string | number;

export interface Expression {
  /** The text between "${" and "}", for error messages. */
  source: string;
  root: { kind: 'stage'; name: string } | { kind: 'identifier'; name: string };
  path: PathKey[];
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; expression: Expression };

export class ExpressionSyntaxError extends Error {}
export class ExpressionEvaluationError extends Error {}

export const ROOT_IDENTIFIERS = ['flowInput', 'jobId', 'input', 'nodes'] as const;

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Expression {
    this.space();
    const root = this.primary();
    const path: PathKey[] = [];
    for (;;) {
      this.space();
      const c = this.src[this.pos];
      if (c === undefined) break;
      if (c === '.') {
        this.pos++;
        this.space();
        path.push(this.identifier());
      } else if (c === '[') {
        this.pos++;
        this.space();
        path.push(this.key());
        this.space();
        this.expect(']');
      } else throw this.error(`unexpected "${c}"`);
    }
    return { source: this.src.trim(), root, path };
  }

  private primary(): Expression['root'] {
    if (this.src.startsWith('#stage', this.pos)) {
      this.pos += '#stage'.length;
      this.space();
      this.expect('(');
      this.space();
      const name = this.string();
      this.space();
      this.expect(')');
      return { kind: 'stage', name };
    }
    const name = this.identifier();
    if (!(ROOT_IDENTIFIERS as readonly string[]).includes(name)) {
      throw this.error(`unknown name "${name}" (expected #stage('node'), ${ROOT_IDENTIFIERS.join(', ')})`);
    }
    return { kind: 'identifier', name };
  }

  private key(): PathKey {
    const c = this.src[this.pos];
    if (c === "'" || c === '"') return this.string();
    const m = /^\d+/.exec(this.src.slice(this.pos));
    if (!m) throw this.error('expected a quoted key or an index inside [ ]');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private identifier(): string {
    const start = this.pos;
    if (!IDENT_START.test(this.src[this.pos] ?? '')) throw this.error('expected a name');
    while (IDENT_PART.test(this.src[this.pos] ?? '')) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private string(): string {
    const quote = this.src[this.pos];
    if (quote !== "'" && quote !== '"') throw this.error('expected a quoted string');
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined) throw this.error('unterminated string');
      if (c === quote) return out;
      if (c === '\\') {
        const next = this.src[this.pos++];
        if (next === undefined) throw this.error('unterminated string');
        out += next;
      } else out += c;
    }
  }

  private expect(c: string): void {
    if (this.src[this.pos] !== c) throw this.error(`expected "${c}"`);
    this.pos++;
  }

  private space(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private error(message: string): ExpressionSyntaxError {
    return new ExpressionSyntaxError(`\${ ${this.src.trim()} }: ${message} at position ${this.pos + 1}`);
  }
}

export function parseExpression(src: string): Expression {
  return new Parser(src).parse();
}

/** Splits a string into text and expressions; a string without "${" is one text part. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) {
      parts.push({ kind: 'text', text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: 'text', text: text.slice(i, open) });
    const close = closingBrace(text, open + 2);
    if (close < 0) throw new ExpressionSyntaxError(`"${text}": "\${" without a closing "}"`);
    parts.push({ kind: 'expression', expression: parseExpression(text.slice(open + 2, close)) });
    i = close + 1;
  }
  return parts;
}

/** The "}" that ends an expression, skipping quoted strings (a key may contain "}"). */
function closingBrace(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

/** Every expression in a value (strings inside objects and arrays, recursively). */
export function expressionsIn(value: unknown): Expression[] {
  const found: Expression[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.includes('${')) for (const p of parseTemplate(v)) if (p.kind === 'expression') found.push(p.expression);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/** Nodes an expression reads: `#stage('x')` and `nodes.x`. */
export function referencedNode(e: Expression): string | undefined {
  if (e.root.kind === 'stage') return e.root.name;
  if (e.root.name === 'nodes') return e.path.length > 0 ? String(e.path[0]) : undefined;
  return undefined;
}

/** What expressions read. `stage(name)` is undefined for a node that is unknown or not finished. */
export interface ExpressionScope {
  flowInput: Record<string, unknown>;
  jobId: string;
  input: unknown;
  stage: (name: string) => { result: unknown; context: unknown; status: string } | undefined;
}

function label(e: Expression): string {
  return `\${ ${e.source} }`;
}

export function evaluate(e: Expression, scope: ExpressionScope): unknown {
  let value: unknown;
  let path = e.path;
  if (e.root.kind === 'stage' || e.root.name === 'nodes') {
    const name = e.root.kind === 'stage' ? e.root.name : path[0];
    if (name === undefined) throw new ExpressionEvaluationError(`${label(e)}: name a node (nodes.<name>)`);
    if (e.root.kind !== 'stage') path = path.slice(1);
    value = scope.stage(String(name));
    if (value === undefined) throw new ExpressionEvaluationError(`${label(e)}: node "${name}" is unknown or has not finished`);
  } else if (e.root.name === 'flowInput') value = scope.flowInput;
  else if (e.root.name === 'jobId') value = scope.jobId;
  else value = scope.input;
  for (const key of path) {
    const container = value as Record<string | number, unknown>;
    const has = Array.isArray(container)
      ? typeof key === 'number' && key < container.length
      : container !== null && typeof container === 'object' && Object.hasOwn(container, String(key));
    if (!has) throw new ExpressionEvaluationError(`${label(e)}: no key ${JSON.stringify(key)}`);
    value = container[key];
  }
  return value;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A string that is exactly one expression keeps the value's type; mixed text concatenates. */
export function renderTemplate(text: string, scope: ExpressionScope): unknown {
  if (!text.includes('${')) return text;
  const parts = parseTemplate(text);
  if (parts.length === 1 && parts[0].kind === 'expression') return evaluate(parts[0].expression, scope);
  return parts.map((p) => (p.kind === 'text' ? p.text : asText(evaluate(p.expression, scope)))).join('');
}

/** Renders every string of a value, through objects and arrays. */
export function renderValue(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}
