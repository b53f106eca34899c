import { ValidationError } from '../../common/domain-error';
import { isLevel, LEVELS } from '../../event-store/event.types';
import { BATCH_OPERATIONS, type BatchOperation } from './input-expand';
import { formatInputPath, InputPathError, parseNodeInput, referencedNodes, RESERVED_NODE_NAMES, type InputLeaf } from './input-expression';
import { findCycle } from './pipeline-graph';
import { ALGORITHM_NAME, coerceNumber, coerceString, dataPath, HKUBE, nameProblem, NODE_NAME, PIPELINE_NAME } from './pipeline-rules';
import { jsonProblem } from './storable';
import { validateWebhookStage } from '../../stages/domain/webhook-stage.validate';
import { WEBHOOK_ALGORITHM } from '../../stages/domain/webhook-stage.types';
import {
  DEFAULT_OPTIONS,
  DEFAULT_PRIORITY,
  DEFAULT_RETRY,
  PIPELINE_LIMITS as L,
  type ConcurrentPipelines,
  type NodeSpec,
  type PipelineSpec,
  type WebhookTargets,
} from './pipeline.types';

/**
 * One problem of a request: its path and Herald's message; `hkube` is HKube's wording of it and
 * `rank` the step at which HKube finds it (1 schema, 2 node list, 3 graph, 4 cycles). The error's
 * message is the HKube wording of the first problem HKube would report.
 */
type Problem = { path: string; message: string; hkube?: string; rank?: number };

/** Project and batch ids (and Herald's own names). */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export { ALGORITHM_NAME, NODE_NAME, PIPELINE_NAME };

/** Fields of HKube's pipeline schema that Herald accepts and ignores (no meaning in Herald). */
const HKUBE_IGNORED = ['description', 'experimentName', 'tags'];
/** Fields of HKube's node schema that Herald accepts and ignores. */
const HKUBE_NODE_IGNORED = ['ttl', 'includeInResult', 'metrics'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function checkUnknownKeys(obj: Record<string, unknown>, allowed: string[], at: string, problems: Problem[], ignored: string[] = []): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key) && !ignored.includes(key)) problems.push({ path: at ? `${at}.${key}` : key, message: 'is not a known field', rank: 1 });
  }
}

function validateWebhooks(raw: unknown, problems: Problem[]): WebhookTargets | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) {
    problems.push({ path: 'webhooks', message: 'must be an object' });
    return undefined;
  }
  checkUnknownKeys(raw, ['progress', 'result', 'secret', 'headers'], 'webhooks', problems);
  const out: WebhookTargets = {};
  for (const key of ['progress', 'result'] as const) {
    if (raw[key] === undefined || raw[key] === null) continue;
    if (!isHttpUrl(raw[key])) problems.push({ path: `webhooks.${key}`, message: 'must be an http or https URL' });
    else out[key] = raw[key] as string;
  }
  if (raw.secret !== undefined) {
    if (typeof raw.secret !== 'string' || !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(raw.secret) || Buffer.from(raw.secret.slice(6), 'base64').length < 16) {
      problems.push({ path: 'webhooks.secret', message: 'must be whsec_ followed by at least 16 base64-encoded bytes' });
    } else out.secret = raw.secret;
  }
  if (raw.headers !== undefined) {
    if (!isObject(raw.headers) || Object.values(raw.headers).some((v) => typeof v !== 'string')) {
      problems.push({ path: 'webhooks.headers', message: 'must be an object of string header values' });
    } else {
      for (const name of Object.keys(raw.headers)) {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) problems.push({ path: `webhooks.headers.${name}`, message: 'is not a valid header name' });
        else if (/[\r\n\0]/.test((raw.headers as Record<string, string>)[name])) problems.push({ path: `webhooks.headers.${name}`, message: 'must be a single line (no CR, LF or NUL)' });
      }
      out.headers = raw.headers as Record<string, string>;
    }
  }
  return out;
}

/** A number in [min, max]; numeric strings are coerced as HKube (ajv coerceTypes) does. */
function numberIn(given: unknown, path: string, min: number, max: number, integer: boolean, problems: Problem[]): number | undefined {
  if (given === undefined) return undefined;
  const raw = coerceNumber(given);
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max || (integer && !Number.isInteger(raw))) {
    const at = dataPath(path);
    const hkube =
      typeof raw !== 'number' || !Number.isFinite(raw) || (integer && !Number.isInteger(raw))
        ? HKUBE.type(at, integer ? 'integer' : 'number')
        : raw < min
          ? HKUBE.min(at, min)
          : HKUBE.max(at, max);
    problems.push({ path, message: `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, hkube, rank: 1 });
    return undefined;
  }
  return raw;
}

/** HKube's `{ amount?: 1-10000, rejectOnFailure?: boolean (default true) }`, no other field. */
function validateConcurrentPipelines(raw: unknown, problems: Problem[]): ConcurrentPipelines | undefined {
  if (raw === undefined) return undefined;
  const at = 'options.concurrentPipelines';
  if (!isObject(raw)) {
    problems.push({ path: at, message: 'must be an object', hkube: HKUBE.type(dataPath(at), 'object'), rank: 1 });
    return undefined;
  }
  checkUnknownKeys(raw, ['amount', 'rejectOnFailure'], at, problems);
  const amount = numberIn(raw.amount, `${at}.amount`, L.concurrentPipelines.min, L.concurrentPipelines.max, true, problems);
  let rejectOnFailure = true;
  if (raw.rejectOnFailure !== undefined) {
    if (typeof raw.rejectOnFailure !== 'boolean') problems.push({ path: `${at}.rejectOnFailure`, message: 'must be a boolean', hkube: HKUBE.type(dataPath(`${at}.rejectOnFailure`), 'boolean'), rank: 1 });
    else rejectOnFailure = raw.rejectOnFailure;
  }
  return { ...(amount !== undefined ? { amount } : {}), rejectOnFailure };
}

function oneOf<T extends string>(raw: unknown, values: readonly T[], path: string, problems: Problem[]): T | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T;
  problems.push({ path, message: `must be one of ${values.join(', ')}`, hkube: HKUBE.oneOf(dataPath(path), values), rank: 1 });
  return undefined;
}

/** The error of a refused request: HKube's wording of the first problem HKube reports, every problem in details. */
function refusal(problems: Problem[]): ValidationError {
  const first = [...problems].sort((a, b) => (a.rank ?? 1) - (b.rank ?? 1))[0];
  const message =
    first.hkube ?? `invalid pipeline: ${first.path ? first.path + ' ' : ''}${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
  return new ValidationError(message, problems.map(({ path, message: m }) => ({ path, message: m })));
}

/**
 * Validates `POST /api/v1/exec/raw` bodies into a PipelineSpec, by HKube's rules (pipeline-rules.ts).
 * Every problem is reported at once in `details` as { path, message }; `message` is HKube's
 * wording of the first one (e.g. `found duplicate node "dup"`).
 */
export function validatePipelineRequest(body: unknown): PipelineSpec {
  const problems: Problem[] = [];
  // Herald's wording, as on every route (HKube: "data should be object").
  if (!isObject(body)) throw new ValidationError('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
  const unstorable = jsonProblem(body);
  if (unstorable) throw new ValidationError(`invalid pipeline: ${unstorable.path ? unstorable.path + ' ' : ''}${unstorable.message}`, [unstorable]);
  if (body.kind === 'stream') {
    throw new ValidationError('streaming pipelines (kind "stream") are not supported: submit a batch pipeline', [{ path: 'kind', message: 'must be "batch" (streaming is not supported)' }], 'STREAMING_NOT_SUPPORTED');
  }
  checkUnknownKeys(body, ['name', 'kind', 'nodes', 'flowInput', 'webhooks', 'options', 'priority', 'projectId', 'batchId'], '', problems, HKUBE_IGNORED);

  const name = coerceString(body.name);
  if (name === undefined) problems.push({ path: 'name', message: 'is required', hkube: HKUBE.required('data', 'name'), rank: 1 });
  else {
    const hkube = nameProblem(name, 'name', L.name, PIPELINE_NAME, HKUBE.PIPELINE_NAME_FORMAT);
    if (hkube) problems.push({ path: 'name', message: 'must be 1-128 letters, digits, ":", ".", "_" or "-"', hkube, rank: 1 });
  }
  oneOf(body.kind, ['batch', 'stream'], 'kind', problems);

  const nodes: NodeSpec[] = [];
  const parsed = new Map<string, InputLeaf[]>();
  // Nodes that webhook stages' expressions read, by node.
  const stageReads = new Map<string, string[]>();
  if (body.nodes !== undefined && !Array.isArray(body.nodes)) {
    problems.push({ path: 'nodes', message: 'must be a non-empty array', hkube: HKUBE.type('data.nodes', 'array'), rank: 1 });
  } else if (!Array.isArray(body.nodes) || body.nodes.length === 0) {
    problems.push({ path: 'nodes', message: 'must be a non-empty array', hkube: HKUBE.noNodes, rank: 2 });
  } else if (body.nodes.length > L.nodes) {
    problems.push({ path: 'nodes', message: `must have at most ${L.nodes} nodes`, rank: 2 });
  } else {
    body.nodes.forEach((n: unknown, i: number) => {
      const at = `nodes[${i}]`;
      if (!isObject(n)) {
        problems.push({ path: at, message: 'must be an object', hkube: HKUBE.type(dataPath(at), 'object'), rank: 1 });
        return;
      }
      // HKube's default kind "algorithm" is a worker node; "webhook" is Herald's stage (seed 004).
      const isStage = n.kind === 'webhook';
      if (n.kind !== undefined && n.kind !== 'webhook' && n.kind !== 'algorithm') {
        problems.push({ path: `${at}.kind`, message: 'must be "algorithm" or "webhook" (or absent for a worker node)', hkube: `node kind "${String(n.kind)}" is not supported`, rank: 1 });
      }
      checkUnknownKeys(n, isStage ? ['nodeName', 'kind', 'input', 'batchOperation', 'webhook'] : ['nodeName', 'kind', 'algorithmName', 'input', 'batchOperation', 'retry'], at, problems, HKUBE_NODE_IGNORED);
      const nodeName = coerceString(n.nodeName);
      if (nodeName === undefined) {
        problems.push({ path: `${at}.nodeName`, message: 'is required', hkube: HKUBE.required(dataPath(at), 'nodeName'), rank: 1 });
        return;
      }
      const badName = nameProblem(nodeName, `${at}.nodeName`, 128, NODE_NAME, `${dataPath(at)}.nodeName should be 1-128 characters`);
      if (badName || typeof nodeName !== 'string') {
        problems.push({ path: `${at}.nodeName`, message: 'must be 1-128 characters (no control characters)', hkube: badName, rank: 1 });
        return;
      }
      if (parsed.has(nodeName)) problems.push({ path: `${at}.nodeName`, message: `duplicates node "${nodeName}"`, hkube: HKUBE.duplicate(nodeName), rank: 3 });
      if (RESERVED_NODE_NAMES.includes(nodeName)) {
        problems.push({ path: `${at}.nodeName`, message: `"${nodeName}" is a reserved name`, hkube: HKUBE.reserved(String(name), nodeName), rank: 3 });
      }
      const algorithmName = coerceString(n.algorithmName);
      if (!isStage) {
        if (algorithmName === undefined) problems.push({ path: `${at}.algorithmName`, message: 'is required', hkube: HKUBE.noAlgorithm, rank: 3 });
        else {
          const hkube = nameProblem(algorithmName, `${at}.algorithmName`, L.algorithmName, ALGORITHM_NAME, HKUBE.ALGORITHM_NAME_FORMAT);
          if (hkube) problems.push({ path: `${at}.algorithmName`, message: `must be 1-${L.algorithmName} lower-case letters, digits, "-" or ".", starting and ending with a letter or digit`, hkube, rank: 1 });
        }
      }
      const batchOperation = oneOf<BatchOperation>(n.batchOperation, BATCH_OPERATIONS, `${at}.batchOperation`, problems);
      const input = n.input === undefined ? [] : n.input;
      let leaves: InputLeaf[] = [];
      if (!Array.isArray(input)) problems.push({ path: `${at}.input`, message: 'must be an array', hkube: HKUBE.type(`${dataPath(at)}.input`, 'array'), rank: 1 });
      else {
        const errors: InputPathError[] = [];
        leaves = parseNodeInput(input, errors);
        for (const err of errors) problems.push({ path: `${at}.input${formatInputPath(err.path)}`, message: err.message, hkube: err.message, rank: 3 });
      }
      parsed.set(nodeName, leaves);
      const extra = batchOperation !== undefined ? { batchOperation } : {};
      if (isStage) {
        const stage = validateWebhookStage(n.webhook, `${at}.webhook`, problems, nodeName);
        stageReads.set(nodeName, stage.reads);
        if (stage.spec) {
          // A stage retries its own calls; its task never goes back to pending.
          nodes.push({ nodeName, algorithmName: WEBHOOK_ALGORITHM, input: input as unknown[], ...extra, retry: { ...DEFAULT_RETRY, limit: 0 }, kind: 'webhook', webhook: stage.spec, reads: stage.reads });
        }
        return;
      }
      const retry = { ...DEFAULT_RETRY };
      if (n.retry !== undefined) {
        if (!isObject(n.retry)) problems.push({ path: `${at}.retry`, message: 'must be an object', hkube: HKUBE.type(`${dataPath(at)}.retry`, 'object'), rank: 1 });
        else {
          checkUnknownKeys(n.retry, ['limit', 'delaySeconds', 'backoff'], `${at}.retry`, problems);
          retry.limit = numberIn(n.retry.limit, `${at}.retry.limit`, L.retryLimit.min, L.retryLimit.max, true, problems) ?? retry.limit;
          retry.delaySeconds = numberIn(n.retry.delaySeconds, `${at}.retry.delaySeconds`, L.retryDelaySeconds.min, L.retryDelaySeconds.max, false, problems) ?? retry.delaySeconds;
          if (n.retry.backoff !== undefined && typeof n.retry.backoff !== 'boolean') problems.push({ path: `${at}.retry.backoff`, message: 'must be a boolean', rank: 1 });
          else if (n.retry.backoff !== undefined) retry.backoff = n.retry.backoff as boolean;
        }
      }
      nodes.push({ nodeName, algorithmName: algorithmName as string, input: input as unknown[], ...extra, retry });
    });
  }

  // References must name other nodes, and the graph must be acyclic.
  for (const [node, leaves] of parsed) {
    for (const dep of stageReads.get(node) ?? []) {
      if (dep === node) problems.push({ path: `nodes.${node}.webhook`, message: `node "${node}" cannot read its own context`, hkube: HKUBE.cyclic, rank: 4 });
      else if (!parsed.has(dep)) problems.push({ path: `nodes.${node}.webhook`, message: `an expression refers to unknown node "${dep}"`, hkube: HKUBE.unknownNode(node, dep), rank: 3 });
    }
    for (const dep of referencedNodes(leaves)) {
      if (dep === node) problems.push({ path: `nodes.${node}.input`, message: `node "${node}" cannot read its own output`, hkube: HKUBE.cyclic, rank: 4 });
      else if (!parsed.has(dep)) problems.push({ path: `nodes.${node}.input`, message: `refers to unknown node "${dep}"`, hkube: HKUBE.unknownNode(node, dep), rank: 3 });
    }
  }
  const cycle = findCycle(parsed, stageReads);
  if (cycle) problems.push({ path: 'nodes', message: `nodes form a cycle: ${cycle.join(' -> ')}`, hkube: HKUBE.cyclic, rank: 4 });

  // HKube: flowInput is an object or null.
  if (body.flowInput !== undefined && body.flowInput !== null && !isObject(body.flowInput)) {
    problems.push({ path: 'flowInput', message: 'must be an object or null', hkube: HKUBE.type('data.flowInput', 'object'), rank: 1 });
  }
  const webhooks = validateWebhooks(body.webhooks, problems);
  const options = { ...DEFAULT_OPTIONS };
  if (body.options !== undefined) {
    if (!isObject(body.options)) problems.push({ path: 'options', message: 'must be an object', hkube: HKUBE.type('data.options', 'object'), rank: 1 });
    else {
      checkUnknownKeys(body.options, ['progressVerbosityLevel', 'batchTolerance', 'ttl', 'activeTtl', 'concurrentPipelines'], 'options', problems);
      const level = oneOf(body.options.progressVerbosityLevel, LEVELS, 'options.progressVerbosityLevel', problems);
      if (level !== undefined && isLevel(level)) options.progressVerbosityLevel = level;
      options.batchTolerance = numberIn(body.options.batchTolerance, 'options.batchTolerance', L.batchTolerance.min, L.batchTolerance.max, false, problems) ?? options.batchTolerance;
      options.ttl = numberIn(body.options.ttl, 'options.ttl', L.ttlSeconds.min, L.ttlSeconds.max, true, problems) ?? options.ttl;
      // HKube: activeTtl is nullable (null: none).
      if (body.options.activeTtl !== null) {
        const activeTtl = numberIn(body.options.activeTtl, 'options.activeTtl', L.activeTtlSeconds.min, L.activeTtlSeconds.max, true, problems);
        if (activeTtl !== undefined) options.activeTtl = activeTtl;
      }
      const concurrent = validateConcurrentPipelines(body.options.concurrentPipelines, problems);
      if (concurrent) options.concurrentPipelines = concurrent;
    }
  }
  const priority = numberIn(body.priority, 'priority', L.priority.min, L.priority.max, true, problems) ?? DEFAULT_PRIORITY;
  for (const key of ['projectId', 'batchId'] as const) {
    if (body[key] !== undefined && !isGroupId(body[key])) problems.push({ path: key, message: GROUP_ID_RULE, rank: 1 });
  }
  if (body.batchId !== undefined && body.projectId === undefined) problems.push({ path: 'batchId', message: 'needs a projectId', rank: 1 });

  if (problems.length > 0) throw refusal(problems);
  return {
    kind: 'pipeline',
    name: name as string,
    nodes,
    flowInput: isObject(body.flowInput) ? body.flowInput : undefined,
    webhooks,
    options,
    priority,
    ...(body.projectId !== undefined ? { projectId: body.projectId as string } : {}),
    ...(body.batchId !== undefined ? { batchId: body.batchId as string } : {}),
  };
}

export const GROUP_ID_RULE = 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** Project and batch ids. */
export function isGroupId(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}
