import { ExpressionEvaluationError, renderTemplate, renderValue, type ExpressionScope } from './stage-expression';
import type { WebhookStageSpec } from './webhook-stage.types';

export interface StageRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function urlOf(raw: string, field: string, scope: ExpressionScope): string {
  const url = renderTemplate(raw, scope);
  if (typeof url !== 'string') throw new ExpressionEvaluationError(`${field} rendered to ${JSON.stringify(url)}, not a URL`);
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {
    /* reported below */
  }
  throw new ExpressionEvaluationError(`${field} rendered to "${url}", which is not an http or https URL`);
}

function build(url: string, method: string, headers: Record<string, unknown> | undefined, payload: unknown, scope: ExpressionScope): StageRequest {
  const rendered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const v = renderTemplate(String(value), scope);
    rendered[name.toLowerCase()] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const hasBody = payload !== undefined && method !== 'GET' && method !== 'HEAD';
  if (hasBody && rendered['content-type'] === undefined) rendered['content-type'] = 'application/json';
  return { url, method, headers: rendered, ...(hasBody ? { body: JSON.stringify(renderValue(payload, scope)) } : {}) };
}

/** The stage's call with its expressions evaluated (throws ExpressionEvaluationError). */
export function createRequest(spec: WebhookStageSpec, scope: ExpressionScope): StageRequest {
  return build(urlOf(spec.url, 'url', scope), spec.monitorOnly ? 'GET' : spec.method, spec.customHeaders, spec.monitorOnly ? undefined : spec.payload, scope);
}

export function cancelRequest(spec: WebhookStageSpec, scope: ExpressionScope): StageRequest | undefined {
  if (spec.cancelEndpoint === undefined) return undefined;
  return build(urlOf(spec.cancelEndpoint, 'cancelEndpoint', scope), spec.cancelMethod, spec.customHeaders, spec.cancelPayload, scope);
}

export function pollRequest(spec: WebhookStageSpec, statusUrl: string, scope: ExpressionScope): StageRequest {
  const req = build(statusUrl, 'GET', spec.customHeaders, undefined, scope);
  return req;
}
