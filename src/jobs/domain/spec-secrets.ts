import { maskValue } from '../../webhooks/domain/mask';
import type { PipelineSpec } from './pipeline.types';

/**
 * The secrets of a job's request: the signing secret and header values of its webhooks
 * (`webhooks.secret`, `webhooks.headers`) and the headers of its webhook stages
 * (`nodes[].webhook.customHeaders`, where Authorization values go). They are what a job needs
 * to call out, never what its history shows: the job.submitted event carries the request with
 * them masked, and they are kept apart (job_secrets) for the code that sends requests.
 */
export interface SpecSecrets {
  secret?: string;
  headers?: Record<string, string>;
  /** Stage headers by node name. */
  stageHeaders?: Record<string, Record<string, unknown>>;
}

/** What a signing secret reads as once masked. */
export const MASKED_SECRET = 'whsec_…';

const maskHeaders = <T>(headers: Record<string, T>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? maskValue(v) : '****']));

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A pipeline request (a validated spec, or a body as submitted) with its secrets masked, and the
 * secrets taken out of it (undefined when it has none). The shape is kept: same fields, masked values.
 */
export function splitSecrets<T extends object>(request: T): { masked: T; secrets?: SpecSecrets } {
  const r = request as Obj;
  const secrets: SpecSecrets = {};
  let masked: Obj = r;
  const hooks = r.webhooks;
  if (isObject(hooks) && (typeof hooks.secret === 'string' || isObject(hooks.headers))) {
    const next: Obj = { ...hooks };
    if (typeof hooks.secret === 'string') {
      secrets.secret = hooks.secret;
      next.secret = MASKED_SECRET;
    }
    if (isObject(hooks.headers) && Object.keys(hooks.headers).length > 0) {
      secrets.headers = hooks.headers as Record<string, string>;
      next.headers = maskHeaders(hooks.headers);
    }
    masked = { ...masked, webhooks: next };
  }
  if (Array.isArray(r.nodes)) {
    let changed = false;
    const nodes = r.nodes.map((n: unknown) => {
      if (!isObject(n) || !isObject(n.webhook) || !isObject(n.webhook.customHeaders) || Object.keys(n.webhook.customHeaders).length === 0) return n;
      if (typeof n.nodeName === 'string') (secrets.stageHeaders ??= {})[n.nodeName] = n.webhook.customHeaders;
      changed = true;
      return { ...n, webhook: { ...n.webhook, customHeaders: maskHeaders(n.webhook.customHeaders) } };
    });
    if (changed) masked = { ...masked, nodes };
  }
  return Object.keys(secrets).length > 0 ? { masked: masked as T, secrets } : { masked: request };
}

/** The request as submitted again, from its masked form and its secrets. */
export function withSecrets(spec: PipelineSpec, secrets: SpecSecrets | undefined): PipelineSpec {
  if (!secrets) return spec;
  const out: PipelineSpec = { ...spec };
  if (spec.webhooks && (secrets.secret !== undefined || secrets.headers !== undefined)) {
    out.webhooks = { ...spec.webhooks, ...(secrets.secret !== undefined ? { secret: secrets.secret } : {}), ...(secrets.headers !== undefined ? { headers: secrets.headers } : {}) };
  }
  const stages = secrets.stageHeaders;
  if (stages) {
    out.nodes = spec.nodes.map((n) => (n.webhook && stages[n.nodeName] ? { ...n, webhook: { ...n.webhook, customHeaders: stages[n.nodeName] } } : n));
  }
  return out;
}
