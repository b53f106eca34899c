import { parseRetryAfter } from '../../webhooks/domain/retry-schedule';
import { jsonPathValues } from './json-path';
import { mapStatus } from './status-mapping';
import type { WebhookStageSpec } from './webhook-stage.types';
import { responseValue } from '../../webhooks/domain/attempt-settlement';

/** One HTTP answer as the stage sees it (or the network error instead of one). */
export interface CallOutcome {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  truncated?: boolean;
  durationMs: number;
  errorCode?: string;
  errorMessage?: string;
}

export interface StageContext {
  webhook: {
    url?: string;
    method?: string;
    statusCode?: number;
    headers?: Record<string, unknown>;
    body?: unknown;
    bodyTruncated?: boolean;
    statusBodyTruncated?: boolean;
    statusEndpoint?: string;
    monitor?: { percentComplete?: number; progressMessage?: string; resolvedValue?: unknown; pastStatusCodes: number[] };
  };
  buildInfo?: unknown;
}

/** Where a stage task stands; kept in webhook_stage_runs.run so that any instance can resume it. */
export interface StageRun {
  phase: 'start' | 'create' | 'monitor';
  deadline?: string;
  createStartedAt?: string;
  /** Calls made in the current phase. */
  attempts: number;
  /** Answers per status code during the create call (per-code `retries` budgets). */
  codeCounts: Record<string, number>;
  statusUrl?: string;
  monitorStartedAt?: string;
  /** The create call succeeded: a cancel request means something. */
  created: boolean;
  context: StageContext;
}

export function initialRun(): StageRun {
  return { phase: 'start', attempts: 0, codeCounts: {}, created: false, context: { webhook: {} } };
}

export type StepOutcome =
  | { kind: 'retry'; at: Date; reason: string }
  | { kind: 'poll'; at: Date }
  | { kind: 'succeeded'; result: unknown }
  | { kind: 'failed'; error: string }
  | { kind: 'canceled' };

export interface Step {
  run: StageRun;
  outcome: StepOutcome;
  monitor?: { percentComplete?: number; progressMessage?: string; resolvedValue?: unknown };
}


function header(result: CallOutcome, name: string): string | undefined {
  const v = result.headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

function describe(result: CallOutcome): string {
  return result.statusCode !== undefined ? `HTTP ${result.statusCode}` : `${result.errorCode ?? 'ERROR'}${result.errorMessage ? ` (${result.errorMessage})` : ''}`;
}

/** Exponential backoff from 1 s, capped at 30 s, +-20 % jitter; Retry-After wins when given. */
export function retryDelayMs(attempt: number, random: number, retryAfterSeconds: number | undefined): number {
  if (retryAfterSeconds !== undefined) return Math.round(retryAfterSeconds * 1000);
  const base = Math.min(1000 * 2 ** Math.max(0, attempt - 1), 30_000);
  return Math.round(base * (0.8 + 0.4 * random));
}

function resolveUrl(location: string, base: string): string | undefined {
  try {
    const u = new URL(location, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

function withResponse(run: StageRun, result: CallOutcome, request: { url: string; method: string }): StageRun {
  const body = responseValue(result.body);
  return {
    ...run,
    context: {
      ...run.context,
      webhook: {
        ...run.context.webhook,
        url: request.url,
        method: request.method,
        statusCode: result.statusCode,
        headers: { ...(result.headers ?? {}) },
        body,
        ...(result.truncated ? { bodyTruncated: true } : {}),
      },
      buildInfo: body,
    },
  };
}

/** After the create call: done, wait for completion, retry, or fail. */
export function afterCreate(run: StageRun, spec: WebhookStageSpec, request: { url: string; method: string }, result: CallOutcome, now: Date, random: number): Step {
  const attempts = run.attempts + 1;
  const code = result.statusCode;
  const base: StageRun = { ...run, attempts };
  const location = code !== undefined ? header(result, 'location') : undefined;
  const ok = code !== undefined && ((code >= 200 && code < 300) || (code >= 300 && code < 400 && spec.waitForCompletion && spec.statusUrlResolution === 'locationHeader' && location !== undefined));
  if (ok) {
    const done = withResponse({ ...base, created: true }, result, request);
    if (!spec.waitForCompletion) return { run: done, outcome: { kind: 'succeeded', result: done.context.buildInfo } };
    const statusUrl = statusUrlOf(spec, request.url, result, done.context.webhook.body);
    if (typeof statusUrl !== 'string') return { run: done, outcome: { kind: 'failed', error: statusUrl.error } };
    const monitorAt = new Date(now.getTime() + spec.waitBeforeMonitorSeconds * 1000);
    return {
      run: { ...done, phase: 'monitor', attempts: 0, statusUrl, monitorStartedAt: monitorAt.toISOString(), context: { ...done.context, webhook: { ...done.context.webhook, statusEndpoint: statusUrl } } },
      outcome: { kind: 'poll', at: monitorAt },
    };
  }
  const failed = (error: string): Step => ({ run: code !== undefined ? withResponse(base, result, request) : base, outcome: { kind: 'failed', error } });
  let retryable = code === undefined;
  if (code !== undefined) {
    if (spec.failFastStatusCodes.includes(code)) return failed(`${request.method} ${request.url} answered HTTP ${code} (fail fast)`);
    const counts: Record<string, number> = { ...base.codeCounts, [code]: (base.codeCounts[code] ?? 0) + 1 };
    base.codeCounts = counts;
    const budget = spec.retries[String(code)];
    if (budget) {
      if (counts[code] >= budget.maxAttempts) return failed(`${request.method} ${request.url} answered HTTP ${code} ${counts[code]} times (retries budget ${budget.maxAttempts})`);
      retryable = true;
    } else retryable = spec.retryStatusCodes.includes(code) || code >= 500;
    if (!retryable) return failed(`${request.method} ${request.url} answered HTTP ${code}`);
  }
  const retryAfter = parseRetryAfter(header(result, 'retry-after'), now);
  const at = new Date(now.getTime() + retryDelayMs(attempts, random, retryAfter));
  const budgetEnd = new Date(run.createStartedAt ?? now.toISOString()).getTime() + spec.createRetryBudgetSeconds * 1000;
  if (at.getTime() > budgetEnd) return failed(`${request.method} ${request.url}: ${describe(result)}; retry budget of ${spec.createRetryBudgetSeconds} s spent after ${attempts} attempts`);
  return { run: base, outcome: { kind: 'retry', at, reason: describe(result) } };
}

function statusUrlOf(spec: WebhookStageSpec, url: string, result: CallOutcome, body: unknown): string | { error: string } {
  switch (spec.statusUrlResolution) {
    case 'getMethod':
      return url;
    case 'locationHeader': {
      const location = header(result, 'location');
      const resolved = location !== undefined ? resolveUrl(location, url) : undefined;
      return resolved ?? { error: `the response to ${url} has no usable Location header for the status URL` };
    }
    case 'webhookResponse': {
      const found = jsonPathValues(spec.statusUrlJsonPath!, body)[0];
      const resolved = typeof found === 'string' ? resolveUrl(found, url) : undefined;
      return resolved ?? { error: `statusUrlJsonPath ${spec.statusUrlJsonPath} found no URL in the response to ${url}` };
    }
  }
}

/** Seconds between polls: pollIntervalSeconds, else 1 s for the first minute and 15 s after. */
export function pollIntervalMs(spec: WebhookStageSpec, run: StageRun, now: Date): number {
  if (spec.pollIntervalSeconds !== undefined) return spec.pollIntervalSeconds * 1000;
  const since = now.getTime() - new Date(run.monitorStartedAt ?? now.toISOString()).getTime();
  return since < 60_000 ? 1000 : 15_000;
}

/** After a poll of the status URL: keep polling, or the stage's outcome. */
export function afterPoll(run: StageRun, spec: WebhookStageSpec, result: CallOutcome, now: Date): Step {
  const code = result.statusCode;
  const prior = run.context.webhook.monitor ?? { pastStatusCodes: [] };
  const pastStatusCodes = code !== undefined ? [...prior.pastStatusCodes, code].slice(-20) : prior.pastStatusCodes;
  const base: StageRun = { ...run, attempts: run.attempts + 1, context: { ...run.context, webhook: { ...run.context.webhook, monitor: { ...prior, pastStatusCodes } } } };
  const retryAfter = parseRetryAfter(header(result, 'retry-after'), now);
  const next = new Date(now.getTime() + Math.max(pollIntervalMs(spec, run, now), (retryAfter ?? 0) * 1000));
  const budget = code !== undefined ? spec.retries[String(code)] : undefined;
  if (budget) {
    // A per-code budget counts the answers with that code over the polls, as for the call.
    const seen = pastStatusCodes.filter((c) => c === code).length;
    if (seen >= budget.maxAttempts) return { run: base, outcome: { kind: 'failed', error: `status URL ${run.statusUrl} answered HTTP ${code} ${seen} times (retries budget ${budget.maxAttempts})` } };
    return { run: base, outcome: { kind: 'poll', at: next } };
  }
  if (code === undefined || code === 429 || code >= 500 || spec.retryStatusCodes.includes(code)) {
    return { run: base, outcome: { kind: 'poll', at: next } };
  }
  if (code < 200 || code >= 300) return { run: base, outcome: { kind: 'failed', error: `status URL ${run.statusUrl} answered HTTP ${code}` } };
  const body = responseValue(result.body);
  const mapped = mapStatus(jsonPathValues(spec.statusJsonPath!, body), spec);
  const found = jsonPathValues(spec.statusJsonPath!, body)[0];
  const progress = spec.progressJsonPath !== undefined ? jsonPathValues(spec.progressJsonPath, body)[0] : undefined;
  const progressMessage = progress === undefined || progress === null ? undefined : typeof progress === 'string' ? progress : JSON.stringify(progress);
  const percentComplete = 'percentComplete' in mapped ? mapped.percentComplete : undefined;
  const monitor = {
    ...(percentComplete !== undefined ? { percentComplete } : {}),
    ...(progressMessage !== undefined ? { progressMessage: progressMessage.slice(0, 1024) } : {}),
    ...(found !== undefined && (found === null || typeof found !== 'object') ? { resolvedValue: found } : {}),
  };
  const truncated = result.truncated ? { statusBodyTruncated: true } : {};
  const updated: StageRun = {
    ...base,
    context: {
      ...base.context,
      webhook: { ...base.context.webhook, ...truncated, monitor: { ...prior, ...monitor, pastStatusCodes } },
      buildInfo: body,
    },
  };
  switch (mapped.kind) {
    case 'succeeded':
      return { run: updated, outcome: { kind: 'succeeded', result: body }, monitor };
    case 'terminal':
      return { run: updated, outcome: { kind: 'failed', error: mapped.reason }, monitor };
    case 'canceled':
      return { run: updated, outcome: { kind: 'canceled' }, monitor };
    case 'running':
      return { run: updated, outcome: { kind: 'poll', at: next }, monitor };
  }
}
