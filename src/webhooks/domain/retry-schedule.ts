/**
 * Retry schedule of webhook deliveries. schedule[i] is the delay in seconds before attempt i+1:
 * the default makes 8 attempts, at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.
 */
export const DEFAULT_SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];
export const JITTER = 0.2;

/** Parses "0,5,300" (seconds). */
export function parseSchedule(raw: string): number[] {
  const parts = raw.split(',').map((p) => Number(p.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new Error(`retry schedule must be comma-separated seconds >= 0, got "${raw}"`);
  }
  return parts;
}

/**
 * Delay in ms before the attempt after `attempt` (1-based), or null when it was the last.
 * `random` in [0, 1) gives the +-20% jitter; Retry-After (seconds) on 429/503 replaces the
 * scheduled delay, capped at twice that delay.
 */
export function nextDelayMs(schedule: number[], attempt: number, random: number, retryAfterSeconds?: number): number | null {
  if (attempt >= schedule.length) return null;
  const scheduled = schedule[attempt] * 1000;
  const jittered = scheduled * (1 - JITTER + 2 * JITTER * random);
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.round(Math.min(retryAfterSeconds * 1000, Math.max(scheduled, 1000) * 2));
  }
  return Math.round(jittered);
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  // Otherwise only an HTTP date (e.g. "Wed, 21 Oct 2015 07:28:00 GMT"); anything else is ignored.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now.getTime()) / 1000);
}
