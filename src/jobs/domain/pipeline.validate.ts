import { ValidationError } from '../../common/domain-error';
import { isLevel, LEVELS } from '../../event-store/event.types';
import { InputSyntaxError, parseInputExpression, referencedNodes, type InputExpression } from './input-expression';
import { jsonProblem } from './storable';
import { validateWebhookStage } from '../../stages/domain/webhook-stage.validate';
import { WEBHOOK_ALGORITHM } from '../../stages/domain/webhook-stage.types';
import {
  DEFAULT_OPTIONS,
  DEFAULT_PRIORITY,
  DEFAULT_RETRY,
  PIPELINE_LIMITS as L,
  type NodeSpec,
  type PipelineSpec,
  type WebhookTargets,
} from './pipeline.types';

type Problem = { path: string; message: string };

/** Pipeline, algorithm, project and batch names. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const NODE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

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

function checkUnknownKeys(obj: Record<string, unknown>, allowed: string[], at: string, problems: Problem[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push({ path: at ? `${at}.${key}` : key, message: 'is not a known field' });
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

function numberIn(raw: unknown, path: string, min: number, max: number, integer: boolean, problems: Problem[]): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max || (integer && !Number.isInteger(raw))) {
    problems.push({ path, message: `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}` });
    return undefined;
  }
  return raw;
}

/**
 * Validates `POST /api/v1/exec/raw` bodies into a PipelineSpec. Every problem is reported at
 * once in `details` as { path, message }.
 */
export function validatePipelineRequest(body: unknown): PipelineSpec {
  const problems: Problem[] = [];
  if (!isObject(body)) throw new ValidationError('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
  const unstorable = jsonProblem(body);
  if (unstorable) throw new ValidationError(`invalid pipeline: ${unstorable.path ? unstorable.path + ' ' : ''}${unstorable.message}`, [unstorable]);
  checkUnknownKeys(body, ['name', 'nodes', 'flowInput', 'webhooks', 'options', 'priority', 'projectId', 'batchId'], '', problems);

  if (typeof body.name !== 'string' || !NAME.test(body.name)) {
    problems.push({ path: 'name', message: 'is required: 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit' });
  }
  if (body.flowInput !== undefined && !isObject(body.flowInput)) problems.push({ path: 'flowInput', message: 'must be an object' });

  const nodes: NodeSpec[] = [];
  const parsed = new Map<string, InputExpression[]>();
  // Nodes that webhook stages' expressions read, by node.
  const stageReads = new Map<string, string[]>();
  if (!Array.isArray(body.nodes) || body.nodes.length === 0) {
    problems.push({ path: 'nodes', message: 'must be a non-empty array' });
  } else if (body.nodes.length > L.nodes) {
    problems.push({ path: 'nodes', message: `must have at most ${L.nodes} nodes` });
  } else {
    body.nodes.forEach((n: unknown, i: number) => {
      const at = `nodes[${i}]`;
      if (!isObject(n)) {
        problems.push({ path: at, message: 'must be an object' });
        return;
      }
      const isStage = n.kind !== undefined;
      if (isStage && n.kind !== 'webhook') problems.push({ path: `${at}.kind`, message: 'must be "webhook" (or absent for a worker node)' });
      checkUnknownKeys(n, isStage ? ['nodeName', 'kind', 'input', 'webhook'] : ['nodeName', 'algorithmName', 'input', 'retry'], at, problems);
      const nodeName = n.nodeName;
      if (typeof nodeName !== 'string' || !NODE_NAME.test(nodeName) || nodeName === 'flowInput') {
        problems.push({ path: `${at}.nodeName`, message: 'is required: 1-128 letters, digits, "_" or "-" (not "flowInput")' });
        return;
      }
      if (parsed.has(nodeName)) problems.push({ path: `${at}.nodeName`, message: `duplicates node "${nodeName}"` });
      if (!isStage && (typeof n.algorithmName !== 'string' || !NAME.test(n.algorithmName))) {
        problems.push({ path: `${at}.algorithmName`, message: 'is required: 1-128 letters, digits, ".", "_" or "-"' });
      }
      const input = n.input === undefined ? [] : n.input;
      const expressions: InputExpression[] = [];
      if (!Array.isArray(input)) problems.push({ path: `${at}.input`, message: 'must be an array' });
      else {
        input.forEach((raw, j) => {
          try {
            expressions.push(parseInputExpression(raw));
          } catch (err) {
            if (!(err instanceof InputSyntaxError)) throw err;
            problems.push({ path: `${at}.input[${j}]`, message: err.message });
          }
        });
      }
      parsed.set(nodeName, expressions);
      if (isStage) {
        const stage = validateWebhookStage(n.webhook, `${at}.webhook`, problems, nodeName);
        stageReads.set(nodeName, stage.reads);
        if (stage.spec) {
          // A stage retries its own calls; its task never goes back to pending.
          nodes.push({ nodeName, algorithmName: WEBHOOK_ALGORITHM, input: input as unknown[], retry: { ...DEFAULT_RETRY, limit: 0 }, kind: 'webhook', webhook: stage.spec, reads: stage.reads });
        }
        return;
      }
      const retry = { ...DEFAULT_RETRY };
      if (n.retry !== undefined) {
        if (!isObject(n.retry)) problems.push({ path: `${at}.retry`, message: 'must be an object' });
        else {
          checkUnknownKeys(n.retry, ['limit', 'delaySeconds', 'backoff'], `${at}.retry`, problems);
          retry.limit = numberIn(n.retry.limit, `${at}.retry.limit`, L.retryLimit.min, L.retryLimit.max, true, problems) ?? retry.limit;
          retry.delaySeconds = numberIn(n.retry.delaySeconds, `${at}.retry.delaySeconds`, L.retryDelaySeconds.min, L.retryDelaySeconds.max, false, problems) ?? retry.delaySeconds;
          if (n.retry.backoff !== undefined && typeof n.retry.backoff !== 'boolean') problems.push({ path: `${at}.retry.backoff`, message: 'must be a boolean' });
          else if (n.retry.backoff !== undefined) retry.backoff = n.retry.backoff as boolean;
        }
      }
      nodes.push({ nodeName, algorithmName: n.algorithmName as string, input: input as unknown[], retry });
    });
  }

  // References must name other nodes, and the graph must be acyclic.
  for (const [name, expressions] of parsed) {
    for (const dep of stageReads.get(name) ?? []) {
      if (dep === name) problems.push({ path: `nodes.${name}.webhook`, message: `node "${name}" cannot read its own context` });
      else if (!parsed.has(dep)) problems.push({ path: `nodes.${name}.webhook`, message: `an expression refers to unknown node "${dep}"` });
    }
    for (const dep of referencedNodes(expressions)) {
      if (dep === name) problems.push({ path: `nodes.${name}.input`, message: `node "${name}" cannot read its own output` });
      else if (!parsed.has(dep)) problems.push({ path: `nodes.${name}.input`, message: `refers to unknown node "${dep}"` });
    }
  }
  const cycle = findCycle(parsed, stageReads);
  if (cycle) problems.push({ path: 'nodes', message: `nodes form a cycle: ${cycle.join(' -> ')}` });

  const options = { ...DEFAULT_OPTIONS };
  if (body.options !== undefined) {
    if (!isObject(body.options)) problems.push({ path: 'options', message: 'must be an object' });
    else {
      checkUnknownKeys(body.options, ['progressVerbosityLevel', 'batchTolerance', 'ttl'], 'options', problems);
      const level = body.options.progressVerbosityLevel;
      if (level !== undefined && !isLevel(level)) problems.push({ path: 'options.progressVerbosityLevel', message: `must be one of ${LEVELS.join(', ')}` });
      else if (level !== undefined) options.progressVerbosityLevel = level;
      options.batchTolerance = numberIn(body.options.batchTolerance, 'options.batchTolerance', L.batchTolerance.min, L.batchTolerance.max, false, problems) ?? options.batchTolerance;
      options.ttl = numberIn(body.options.ttl, 'options.ttl', L.ttlSeconds.min, L.ttlSeconds.max, false, problems) ?? options.ttl;
    }
  }
  const priority = numberIn(body.priority, 'priority', L.priority.min, L.priority.max, true, problems) ?? DEFAULT_PRIORITY;
  for (const key of ['projectId', 'batchId'] as const) {
    if (body[key] !== undefined && !isGroupId(body[key])) problems.push({ path: key, message: GROUP_ID_RULE });
  }
  if (body.batchId !== undefined && body.projectId === undefined) problems.push({ path: 'batchId', message: 'needs a projectId' });
  const webhooks = validateWebhooks(body.webhooks, problems);

  if (problems.length > 0) {
    throw new ValidationError(`invalid pipeline: ${problems[0].path ? problems[0].path + ' ' : ''}${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
  return {
    kind: 'pipeline',
    name: body.name as string,
    nodes,
    flowInput: body.flowInput as Record<string, unknown> | undefined,
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

function findCycle(graph: Map<string, InputExpression[]>, extra: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of [...referencedNodes(graph.get(node) ?? []), ...(extra.get(node) ?? [])]) {
      if (!graph.has(dep) || dep === node) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}
