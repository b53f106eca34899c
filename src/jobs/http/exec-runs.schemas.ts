import { z } from 'zod';
import { ValidationError } from '../../common/domain-error';
import { requestSchema, responseSchema } from '../../common/openapi';
import { parseBody, type Problem } from '../../common/zod-validation';
import { PIPELINE_LIMITS as L, type PipelineSpec } from '../domain/pipeline.types';
import { validatePipelineRequest } from '../domain/pipeline.validate';
import { ALGORITHM_NAME, HKUBE, nameProblem } from '../domain/pipeline-rules';
import { PipelineRequest } from './jobs.schemas';

/**
 * Requests and answers of HKube's exec/rerun, exec/algorithm, exec/caching and exec/tree
 * (core/api-server swagger: rerun, execAlgorithmRequest, caching). These small bodies are
 * answered in HKube's (ajv's) words for their first problem, e.g. "data should have required
 * property 'jobId'", with Herald's `{ path, message }` details.
 */

const REQUIRED = 'is required';
const NOT_KNOWN = 'is not a known field';
const EMPTY = 'must not be empty';
const TYPE_OF: Record<string, string> = { 'must be a string': 'string', 'must be an array': 'array', 'must be a boolean': 'boolean' };

/** zod's "missing" and "wrong type" told apart, in the words HKube's are mapped from. */
const typed = (type: 'string' | 'array' | 'boolean') => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? REQUIRED : type === 'array' ? 'must be an array' : `must be a ${type}`),
});

const JobId = z.string(typed('string')).min(1, { error: REQUIRED }).meta({ description: 'the job', examples: ['batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10'] });

/** The algorithm-name rule of exec/raw's nodes (pipeline-rules.ts): HKube's ALGORITHM_NAME_REGEX, at most 32 characters. */
const ALGORITHM_RULE = `must be 1-${L.algorithmName} lower-case letters, digits, "-" or ".", starting and ending with a letter or digit`;
const AlgorithmName = z
  .string(typed('string'))
  .refine((v) => nameProblem(v, 'name', L.algorithmName, ALGORITHM_NAME, HKUBE.ALGORITHM_NAME_FORMAT) === undefined, { error: ALGORITHM_RULE })
  .meta({ description: 'the algorithm; also the name of the pipeline and of its one node', examples: ['green-alg'] });

/** HKube's wording of a problem of a top-level field (the body as sent, for the name rule's own words). */
function hkubeWording(problem: Problem, body: Record<string, unknown>): string {
  const key = problem.path;
  if (problem.message === NOT_KNOWN) return `data should NOT have additional properties (${key})`;
  if (problem.message === REQUIRED) return HKUBE.required('data', key);
  if (TYPE_OF[problem.message]) return HKUBE.type(`data.${key}`, TYPE_OF[problem.message]);
  if (problem.message === EMPTY) return HKUBE.shorter(`data.${key}`, 1);
  if (problem.message === ALGORITHM_RULE) return nameProblem(body[key], key, L.algorithmName, ALGORITHM_NAME, HKUBE.ALGORITHM_NAME_FORMAT) ?? `invalid request: ${key} ${problem.message}`;
  return `invalid request: ${key ? `${key} ` : ''}${problem.message}`;
}

/** parseBody, with the message of the first problem in HKube's words. */
function parseInHkubeWords<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  try {
    return parseBody(schema, body);
  } catch (e) {
    if (!(e instanceof ValidationError) || !Array.isArray(e.details) || e.details.length === 0 || e.message.startsWith('the request body')) throw e;
    const problems = e.details as Problem[];
    // A body PostgreSQL could not store keeps Herald's wording (its path is not a top-level field).
    if (problems[0].path.includes('.') || problems[0].path.includes('[')) throw e;
    throw new ValidationError(hkubeWording(problems[0], body as Record<string, unknown>), problems);
  }
}

// ------------------------------------------------------------------ rerun

export const RerunRequest = requestSchema(
  'RerunRequest',
  z.strictObject({ jobId: JobId }).meta({ description: "HKube's rerun: a new job from the pipeline the job was submitted with" }),
);

export const parseRerun = (body: unknown) => parseInHkubeWords(RerunRequest, body);

// ------------------------------------------------------------------ algorithm

/** Herald's fields of a pipeline that exec/algorithm also takes (validated as on exec/raw). */
const HERALD_FIELDS = ['flowInput', 'webhooks', 'options', 'priority', 'projectId', 'batchId'] as const;

const algorithmFields = {
  name: AlgorithmName,
  input: z.array(z.unknown(), typed('array')).optional().meta({ description: "the node's input, as a node's input on exec/raw (default [])" }),
  debug: z.boolean(typed('boolean')).optional().meta({ description: 'HKube: run as a debug algorithm. Herald has no debug mode: true is 400 DEBUG_NOT_SUPPORTED' }),
};

export const AlgorithmRequest = requestSchema(
  'AlgorithmRequest',
  z
    .strictObject({ ...algorithmFields, ...PipelineRequest.pick({ flowInput: true, webhooks: true, options: true, priority: true, projectId: true, batchId: true }).shape })
    .meta({
      description:
        "HKube's exec/algorithm: a pipeline of one node, both named after the algorithm. flowInput, webhooks, options, priority, projectId, batchId are Herald's, as on exec/raw",
      examples: [{ name: 'green-alg', input: [1, '#[1,2]'] }],
    }),
);

/** name, input and debug by HKube's schema; Herald's pipeline fields are left to the pipeline validator. */
const AlgorithmBody = z.strictObject({ ...algorithmFields, ...Object.fromEntries(HERALD_FIELDS.map((k) => [k, z.unknown().optional()])) });

export const debugNotSupported = () =>
  new ValidationError('debug algorithms are not supported: Herald has no debug mode (leave debug out or false)', [{ path: 'debug', message: 'must be false' }], 'DEBUG_NOT_SUPPORTED');

/**
 * The pipeline exec/algorithm stands for, validated as exec/raw validates one:
 * `{ name, nodes: [{ nodeName: name, algorithmName: name, input }], ...Herald's fields }`.
 */
export function algorithmSpec(body: unknown): PipelineSpec {
  const { name, input, debug, ...herald } = parseInHkubeWords(AlgorithmBody, body);
  if (debug === true) throw debugNotSupported();
  const given = Object.fromEntries(Object.entries(herald).filter(([, v]) => v !== undefined));
  try {
    return validatePipelineRequest({ ...given, name, nodes: [{ nodeName: name, algorithmName: name, input: input ?? [] }] });
  } catch (e) {
    throw atAlgorithmFields(e, name);
  }
}

/**
 * A refusal of exec/algorithm's pipeline (by its validator, or by the submission's flowInput check)
 * told at the fields of exec/algorithm's body: `input[1]`, not `nodes[0].input[1]`.
 */
export function atAlgorithmFields(e: unknown, name: string): unknown {
  if (!(e instanceof ValidationError) || !Array.isArray(e.details)) return e;
  const field = (path: string) => (path.startsWith('nodes[0].') ? path.slice('nodes[0].'.length) : path.startsWith(`nodes.${name}.`) ? path.slice(`nodes.${name}.`.length) : path);
  const details = (e.details as Problem[]).map((p) => ({ ...p, path: field(p.path) }));
  return new ValidationError(e.message.split('nodes[0].').join(''), details, e.code);
}

// ------------------------------------------------------------------ caching

export const CachingRequest = requestSchema(
  'CachingRequest',
  z
    .strictObject({
      jobId: JobId,
      nodeName: z.string(typed('string')).min(1, { error: EMPTY }).meta({ description: 'the node to run from (it and every node after it run again)', examples: ['yellow'] }),
      debug: z.boolean(typed('boolean')).optional().meta({ description: 'HKube: run the node as a debug algorithm. Herald has no debug mode: true is 400 DEBUG_NOT_SUPPORTED' }),
    })
    .meta({ description: "HKube's caching run: the job's pipeline again from one node, the nodes before it taken completed with the job's results" }),
);

export const parseCaching = (body: unknown) => parseInHkubeWords(CachingRequest, body);

// ------------------------------------------------------------------ tree

export const TriggersTree = responseSchema(
  'TriggersTree',
  z
    .object({
      name: z.string().meta({ description: 'the pipeline of the job' }),
      jobId: z.string(),
      children: z.array(z.unknown()).meta({ description: 'the jobs it triggered, each { name, jobId, children }' }),
    })
    .meta({ description: "HKube's tree of the pipelines a job triggered. Herald has no pipeline triggers, so it never answers one (every job is 404 TRIGGERS_TREE_NOT_FOUND, as HKube for a job that triggered nothing)" }),
);
