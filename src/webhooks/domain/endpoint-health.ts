/**
 * Health of one endpoint (an origin: scheme, host, port) as this instance sees it, and the rules
 * that move it. Pure: time comes in as `now` (ms), nothing is read or written here.
 *
 * - healthy: up to `maxLimit` attempts at once.
 * - degraded: after a failure (no answer: timeout, connection refused or reset) or a 429/503
 *   (slow down) the limit halves, down to 1; each answer raises it by one until it is back at
 *   `maxLimit` (healthy again).
 * - open: after `openAfter` consecutive failures no attempt is made until `retryAt`; then one
 *   attempt goes out as a probe. A probe that succeeds closes the circuit (degraded, a quarter
 *   of the limit); one that fails opens it again for twice as long (up to `maxCooldownMs`).
 * Any answer shows the endpoint is alive: consecutive failures reset. An endpoint that answers
 * 500 quickly costs little; its messages follow their retry schedule.
 */
/** The endpoint a URL belongs to: its origin (scheme, host, port); the URL itself when it has none. */
export function endpointOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export type EndpointState = 'healthy' | 'degraded' | 'open';

export interface HealthPolicy {
  maxLimit: number;
  openAfter: number;
  firstCooldownMs: number;
  maxCooldownMs: number;
}

export interface EndpointHealth {
  state: EndpointState;
  /** Attempts allowed at once now. */
  limit: number;
  consecutiveFailures: number;
  /** Open: no attempt before this (ms); then one probe. */
  retryAt: number | null;
  cooldownMs: number;
  /** A probe is in flight (open, half-open). */
  probing: boolean;
  /** Mean duration of recent successful attempts (ms), for pacing deferrals. */
  okMs: number;
  lastError: string | null;
}

/** What an attempt's answer says about its endpoint: a 2xx, another answer, "slow down", or no answer. */
export type Verdict = 'ok' | 'alive' | 'throttle' | 'fail';

export function verdictOf(statusCode: number | undefined): Verdict {
  if (statusCode === undefined) return 'fail';
  if (statusCode === 429 || statusCode === 503) return 'throttle';
  return statusCode >= 200 && statusCode < 300 ? 'ok' : 'alive';
}

export function freshHealth(policy: HealthPolicy): EndpointHealth {
  return { state: 'healthy', limit: policy.maxLimit, consecutiveFailures: 0, retryAt: null, cooldownMs: policy.firstCooldownMs, probing: false, okMs: 50, lastError: null };
}

/** May an attempt start now? `probe`: it is the one request that tests an open endpoint. */
export type Admission = { kind: 'go' } | { kind: 'probe' } | { kind: 'closed'; until: number };

export function admit(h: EndpointHealth, now: number): Admission {
  if (h.state !== 'open') return { kind: 'go' };
  if (!h.probing && h.retryAt !== null && now >= h.retryAt) return { kind: 'probe' };
  // While a probe is out, the others wait at least until it can have come back.
  return { kind: 'closed', until: Math.max(h.retryAt ?? now, now + 1000) };
}

/** The state after an attempt's outcome. `probe`: that attempt was the probe of an open endpoint. */
export function afterOutcome(h: EndpointHealth, verdict: Verdict, durationMs: number, probe: boolean, now: number, policy: HealthPolicy, error?: string): EndpointHealth {
  if (verdict === 'throttle') {
    const limit = Math.max(1, Math.floor(h.limit / 2));
    if (h.state === 'open') return afterOutcome(h, 'alive', durationMs, probe, now, policy);
    return { ...h, state: limit >= policy.maxLimit ? 'healthy' : 'degraded', limit, consecutiveFailures: 0 };
  }
  if (verdict !== 'fail') {
    const okMs = verdict === 'ok' ? Math.round(h.okMs * 0.8 + durationMs * 0.2) : h.okMs;
    if (h.state === 'open') {
      // Only the probe's answer closes the circuit (a late answer of an earlier attempt counts too).
      const limit = Math.max(1, Math.ceil(policy.maxLimit / 4));
      return { ...h, state: limit >= policy.maxLimit ? 'healthy' : 'degraded', limit, consecutiveFailures: 0, retryAt: null, cooldownMs: policy.firstCooldownMs, probing: false, okMs };
    }
    const limit = Math.min(policy.maxLimit, h.limit + 1);
    return { ...h, state: limit >= policy.maxLimit ? 'healthy' : 'degraded', limit, consecutiveFailures: 0, okMs };
  }
  const failures = h.consecutiveFailures + 1;
  if (h.state === 'open') {
    if (!probe) return { ...h, consecutiveFailures: failures, lastError: error ?? h.lastError };
    const cooldownMs = Math.min(policy.maxCooldownMs, h.cooldownMs * 2);
    return { ...h, consecutiveFailures: failures, probing: false, cooldownMs, retryAt: now + cooldownMs, lastError: error ?? h.lastError };
  }
  const limit = Math.max(1, Math.floor(h.limit / 2));
  if (failures >= policy.openAfter) {
    return { ...h, state: 'open', limit: 1, consecutiveFailures: failures, probing: false, retryAt: now + h.cooldownMs, lastError: error ?? h.lastError };
  }
  return { ...h, state: 'degraded', limit, consecutiveFailures: failures, lastError: error ?? h.lastError };
}

/** Marks the probe as sent. */
export function probeSent(h: EndpointHealth): EndpointHealth {
  return { ...h, probing: true };
}
