import { z } from 'zod';
import { jsonProblem } from '../jobs/domain/storable';
import { ValidationError } from './domain-error';

/**
 * Request validation from zod schemas: a failure becomes Herald's ValidationError (400
 * VALIDATION_FAILED) with one `{ path, message }` per bad field in `details`. The schemas
 * carry Herald's own messages (`z.number({ error: 'must be …' })`), so an answer states the
 * rule in Herald's words; the same schemas produce the OpenAPI document (common/openapi.ts).
 */
export type Problem = { path: string; message: string };

export interface ParseOptions {
  /** The error's message is "invalid <what>: <path> <message>" (default "request"). */
  what?: string;
  /** Append " (and N more)" when there are several problems. */
  countMore?: boolean;
}

/**
 * The whole message of the error when a field is its first problem, for fields whose error
 * reads as one sentence ("limit must be an integer from 1 to 1000") rather than as
 * "invalid request: limit …". Kept out of the JSON Schema output.
 */
export const errorSummaries = z.registry<{ summary: string }>();

/** Marks `schema` (a field of an object schema) with the sentence its first problem is told by. */
export function summarised<T extends z.ZodType>(schema: T, summary: string): T {
  errorSummaries.add(schema, { summary });
  return schema;
}

/**
 * Marks a field whose inner problems are told as one problem of the field itself (an array of
 * names: "algorithmNames must be a non-empty array of up to 100 names", not "algorithmNames[3] …").
 * Problems its own refinements raise (`ctx.addIssue` in a superRefine) keep their paths.
 */
export const wholeFields = z.registry<{ message: string }>();

export function asOneField<T extends z.ZodType>(schema: T, message: string): T {
  wholeFields.add(schema, { message });
  return schema;
}

/** Herald's spelling of a path: `tasks[0].taskId`, `nodes[1].webhook.url`, `` for the root. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

type RawProblem = Problem & { custom: boolean };

/** Unknown fields first (as the hand-written validators listed them): zod reports unknown keys after the known ones. */
function rawProblems(issues: readonly z.core.$ZodIssue[]): RawProblem[] {
  const unknown: RawProblem[] = [];
  const known: RawProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) unknown.push({ path: pathOf([...issue.path, key]), message: 'is not a known field', custom: false });
    } else {
      known.push({ path: pathOf(issue.path), message: issue.message, custom: issue.code === 'custom' });
    }
  }
  return [...unknown, ...known];
}

/** One problem per path (zod may raise several issues for one value). */
function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path) && seen.add(p.path)).map(({ path, message }) => ({ path, message }));
}

export function problemsOf(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return unique(rawProblems(issues));
}

/** What `registry` holds for the top-level field `key` of an object schema (through optional / default wrappers). */
function markOf<M extends object>(registry: z.core.$ZodRegistry<M>, schema: z.ZodType, key: string): M | undefined {
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  let field: z.ZodType | undefined = shape && Object.hasOwn(shape, key) ? shape[key] : undefined;
  while (field) {
    const found = registry.get(field);
    if (found) return found as M;
    field = (field as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
  }
  return undefined;
}

const topKey = (path: string) => path.split(/[.[]/)[0];

/** The ValidationError for a failed parse. */
export function validationError(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], options: ParseOptions = {}): ValidationError {
  const problems = unique(
    rawProblems(issues).map((p) => {
      const whole = p.path && !(p.custom && p.path !== topKey(p.path)) ? markOf(wholeFields, schema, topKey(p.path)) : undefined;
      return whole ? { path: topKey(p.path), message: whole.message } : p;
    }),
  );
  const first = problems[0] ?? { path: '', message: 'is invalid' };
  const summary = first.path ? markOf(errorSummaries, schema, topKey(first.path))?.summary : undefined;
  const more = options.countMore && problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ValidationError(summary ?? `invalid ${options.what ?? 'request'}: ${first.path ? `${first.path} ` : ''}${first.message}${more}`, problems);
}

/** Parses any value (a query object, a path parameter) with `schema`; a failure is a ValidationError. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, options: ParseOptions = {}): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(schema, parsed.error.issues, options);
  return parsed.data;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a JSON request body: it must be an object, every string in it storable by PostgreSQL
 * (storable.ts: no NUL, no unpaired surrogate, at most 100 levels deep), then valid by `schema`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, options: ParseOptions = {}): z.output<S> {
  if (!isObject(body)) throw new ValidationError('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
  const unstorable = jsonProblem(body);
  if (unstorable) throw new ValidationError(`invalid ${options.what ?? 'request'}: ${unstorable.path ? `${unstorable.path} ` : ''}${unstorable.message}`, [unstorable]);
  return parseWith(schema, body, options);
}
