import { nextDelayMs, parseRetryAfter } from './retry-schedule';

/** What one HTTP attempt came back with (status code, or an error code such as TIMEOUT). */
export interface AttemptResult {
  statusCode?: number;
  statusMessage?: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  durationMs: number;
  errorCode?: string;
  errorMessage?: string;
}

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'disable'; reason: string };

/**
 * Success is any 2xx; 3xx is a failure (redirects are not followed); 410 Gone disables the
 * subscription; anything else is retried on the schedule until it runs out.
 */
export function classify(result: AttemptResult, attempt: number, schedule: number[], random: number, now: Date): Outcome {
  const code = result.statusCode;
  if (code !== undefined && code >= 200 && code < 300) return { kind: 'delivered' };
  if (code === 410) return { kind: 'disable', reason: 'endpoint answered 410 Gone' };
  const header = result.headers?.['retry-after'];
  const retryAfter = code === 429 || code === 503 ? parseRetryAfter(Array.isArray(header) ? header[0] : header, now) : undefined;
  const delay = nextDelayMs(schedule, attempt, random, retryAfter);
  const reason = code !== undefined ? `HTTP ${code}` : (result.errorCode ?? 'ERROR');
  return delay === null ? { kind: 'failed', reason: `${reason} after ${attempt} attempts` } : { kind: 'retry', delayMs: delay };
}

/** A channel's test notification: sent once, never retried, never disabling the channel. */
export function classifyTest(result: AttemptResult): Outcome {
  const code = result.statusCode;
  if (code !== undefined && code >= 200 && code < 300) return { kind: 'delivered' };
  return { kind: 'failed', reason: code !== undefined ? `HTTP ${code}` : (result.errorCode ?? 'ERROR') };
}
