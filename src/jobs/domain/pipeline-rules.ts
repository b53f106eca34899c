/**
 * The name rules and error wording of HKube's exec API (core/api-server: swagger schema,
 * lib/consts/regex.js, lib/consts/validationMessages.js, @hkube/dag). Pure.
 */

/** Pipeline names: HKube's PIPELINE_NAME_REGEX (letters, digits, ":", "-", "_", "."), at most 128 (Herald's bound). */
export const PIPELINE_NAME = /^[:\-_.A-Za-z0-9]{1,128}$/;
/**
 * Algorithm names: HKube's ALGORITHM_NAME_REGEX (lower-case letters, digits, "-", "."; starting
 * and ending with a letter or digit), at most 32 characters. One character is allowed too
 * (HKube's regex needs two).
 */
export const ALGORITHM_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Node names: HKube only needs a non-empty string; Herald bounds it to 128 characters without control characters. */
export const NODE_NAME = /^[^\p{Cc}]{1,128}$/u;

export const HKUBE = {
  PIPELINE_NAME_FORMAT: 'pipeline name must contain only alphanumeric, dash, dot or underscore',
  ALGORITHM_NAME_FORMAT: 'algorithm name must contain only lower-case alphanumeric, dash or dot',
  noNodes: 'pipeline must have at least one node',
  noAlgorithm: 'please provide algorithm name',
  duplicate: (node: string) => `found duplicate node "${node}"`,
  reserved: (pipeline: string, node: string) => `pipeline "${pipeline}" has invalid reserved name "${node}"`,
  unknownNode: (target: string, source: string) => `node "${target}" is depend on node "${source}" which is not exists`,
  cyclic: 'cyclic nodes are not allowed on batch pipeline',
  required: (at: string, key: string) => `${at} should have required property '${key}'`,
  type: (at: string, type: string) => `${at} should be ${type}`,
  shorter: (at: string, n: number) => `${at} should NOT be shorter than ${n} characters`,
  longer: (at: string, n: number) => `${at} should NOT be longer than ${n} characters`,
  min: (at: string, n: number) => `${at} should be >= ${n}`,
  max: (at: string, n: number) => `${at} should be <= ${n}`,
  oneOf: (at: string, values: readonly string[]) => `${at} should be equal to one of the allowed values (${values.join(',')})`,
} as const;

/** HKube's (ajv's) name of a path: "data", "data.name", "data.nodes[0].algorithmName". */
export function dataPath(path: string): string {
  return path ? `data${path.startsWith('[') ? '' : '.'}${path}` : 'data';
}

/**
 * HKube validates with ajv's coerceTypes: a numeric string is a number, a boolean is 1 or 0.
 * Anything else is returned as is (and then fails its type check).
 */
export function coerceNumber(raw: unknown): unknown {
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  return raw;
}

/** ajv's coerceTypes for strings: a number or a boolean becomes its text. */
export function coerceString(raw: unknown): unknown {
  return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
}

/** HKube's (ajv's) message for a bad name, in ajv's keyword order: type, maxLength, minLength, format. */
export function nameProblem(raw: unknown, path: string, maxLength: number, format: RegExp, formatMessage: string): string | undefined {
  const at = dataPath(path);
  if (typeof raw !== 'string') return HKUBE.type(at, 'string');
  if (raw.length > maxLength) return HKUBE.longer(at, maxLength);
  if (raw.length < 1) return HKUBE.shorter(at, 1);
  if (!format.test(raw)) return formatMessage;
  return undefined;
}
