import { ValidationError } from '../../common/domain-error';
import { validatePipelineRequest } from '../../jobs/domain/pipeline.validate';
import type { PipelineSpec } from '../../jobs/domain/pipeline.types';
import { jsonPathProblem } from '../../stages/domain/json-path';
import { MASKED_SECRET, splitSecrets } from '../../jobs/domain/spec-secrets';

export interface WebhookTrigger {
  /** whsec_…: requests must carry a valid Standard Webhooks signature. */
  secret?: string;
  /** JSONPath into the request body for flowInput (absent: the whole body). */
  flowInputPath?: string;
}

export interface StoredPipeline {
  name: string;
  /** The project whose key stored it; absent: stored with an admin key (Herald's own, POST /api/v1/hooks/{name}). */
  projectId?: string;
  /** The exec/raw body, as submitted (without triggers). */
  definition: Record<string, unknown>;
  triggers?: { webhook?: WebhookTrigger };
  createdAt?: string;
  updatedAt?: string;
}

type Problem = { path: string; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

function fail(problems: Problem[]): never {
  throw new ValidationError(`invalid pipeline: ${problems[0].path} ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
}

function validateTriggers(raw: unknown): StoredPipeline['triggers'] {
  if (raw === undefined) return undefined;
  const problems: Problem[] = [];
  if (!isObject(raw)) fail([{ path: 'triggers', message: 'must be an object' }]);
  for (const key of Object.keys(raw)) if (key !== 'webhook') problems.push({ path: `triggers.${key}`, message: 'is not a known field' });
  const out: { webhook?: WebhookTrigger } = {};
  if (raw.webhook !== undefined) {
    const w = raw.webhook;
    if (!isObject(w)) problems.push({ path: 'triggers.webhook', message: 'must be an object' });
    else {
      for (const key of Object.keys(w)) if (key !== 'secret' && key !== 'flowInputPath') problems.push({ path: `triggers.webhook.${key}`, message: 'is not a known field' });
      const webhook: WebhookTrigger = {};
      if (w.secret !== undefined) {
        if (typeof w.secret !== 'string' || !SECRET.test(w.secret) || Buffer.from(w.secret.slice(6), 'base64').length < 16) {
          problems.push({ path: 'triggers.webhook.secret', message: 'must be whsec_ followed by at least 16 base64-encoded bytes' });
        } else webhook.secret = w.secret;
      }
      if (w.flowInputPath !== undefined) {
        const problem = typeof w.flowInputPath === 'string' ? jsonPathProblem(w.flowInputPath) : 'must be a JSONPath string';
        if (problem) problems.push({ path: 'triggers.webhook.flowInputPath', message: problem });
        else webhook.flowInputPath = w.flowInputPath as string;
      }
      out.webhook = webhook;
    }
  }
  if (problems.length) fail(problems);
  return out;
}

/** A stored pipeline: an exec/raw body (validated the same way) plus optional triggers. */
export function validateStoredPipeline(body: unknown, name?: string): StoredPipeline {
  if (!isObject(body)) throw new ValidationError('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
  const { triggers, ...definition } = body;
  if (name !== undefined && definition.name === undefined) definition.name = name;
  if (name !== undefined && definition.name !== name) fail([{ path: 'name', message: `must be "${name}", the name in the path` }]);
  validatePipelineRequest(definition);
  return { name: definition.name as string, definition, triggers: validateTriggers(triggers) };
}

/** A run of a stored pipeline: flowInput and options merged over the stored ones. */
export function runSpec(stored: StoredPipeline, run: { flowInput?: unknown; options?: unknown }): PipelineSpec {
  const problems: Problem[] = [];
  if (run.flowInput !== undefined && !isObject(run.flowInput)) problems.push({ path: 'flowInput', message: 'must be an object' });
  if (run.options !== undefined && !isObject(run.options)) problems.push({ path: 'options', message: 'must be an object' });
  if (problems.length) fail(problems);
  const d = stored.definition;
  const merged = {
    ...d,
    ...(run.flowInput !== undefined ? { flowInput: { ...(isObject(d.flowInput) ? d.flowInput : {}), ...(run.flowInput as object) } } : {}),
    ...(run.options !== undefined ? { options: { ...(isObject(d.options) ? d.options : {}), ...(run.options as object) } } : {}),
  };
  return validatePipelineRequest(merged);
}

/** A stored pipeline as the API shows it: its secrets (webhook and trigger secrets, header values) masked, always. */
export function storedPipelineView(p: StoredPipeline): StoredPipeline {
  const out: StoredPipeline = { ...p, definition: splitSecrets(p.definition).masked };
  const webhook = p.triggers?.webhook;
  if (!webhook) return out;
  const { secret, ...rest } = webhook;
  return { ...out, triggers: { ...p.triggers, webhook: { ...rest, ...(secret ? { secret: MASKED_SECRET } : {}) } } };
}
