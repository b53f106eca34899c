import type { HeraldLog } from '../../logging/herald-log';
import type { TakenMessage } from '../domain/delivery-decision';
import type { AttemptResult, Outcome } from '../domain/delivery-outcome';
import type { EndpointHealth } from '../domain/endpoint-health';

/**
 * An endpoint as log lines name it: scheme://host:port, nothing else of its URL (its path and
 * query may hold tokens, its user info a password); the port is spelt out even when default.
 */
export function endpointLabel(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname}${port ? `:${port}` : ''}`;
  } catch {
    return 'invalid URL';
  }
}

/** What names a message in its lines: ids, its endpoint, and the request that caused it. */
function messageFields(msg: TakenMessage): Record<string, unknown> {
  return {
    ...(msg.correlationId ? { correlationId: msg.correlationId } : {}),
    messageId: msg.id,
    subscriptionId: msg.subscription.id,
    jobId: msg.jobId,
    eventType: msg.eventType,
    endpoint: endpointLabel(msg.subscription.url),
  };
}

/**
 * Delivery's log lines, structured: a warn line per failed attempt (with its HTTP status or error
 * code, and when it is retried or that it gave up), one when a subscription is disabled or a
 * message gives up waiting for its endpoint, and one per change of an endpoint's health (warn when
 * its circuit opens). Each line of a message carries its `correlationId`. Successful attempts log
 * nothing (the request line and the attempt records tell): nothing is added to the hot path.
 */
export class DeliveryLog {
  constructor(private readonly log: HeraldLog) {}

  /** An attempt that did not deliver; `attempt`: its number (1 = first), `nextAt`: when it is retried. */
  attemptFailed(msg: TakenMessage, result: AttemptResult, outcome: Outcome, attempt: number, nextAt: Date | null, now: Date): void {
    const why = result.statusCode !== undefined ? `HTTP ${result.statusCode}` : (result.errorCode ?? 'ERROR');
    const fields: Record<string, unknown> = {
      ...messageFields(msg),
      attempt,
      ...(result.statusCode !== undefined ? { status: result.statusCode } : { errorCode: result.errorCode ?? 'ERROR' }),
      durationMs: result.durationMs,
    };
    let then: string;
    if (nextAt) {
      fields.retryAt = nextAt.toISOString();
      fields.retryInMs = Math.max(0, nextAt.getTime() - now.getTime());
      then = `retry in ${fields.retryInMs} ms`;
    } else {
      fields.gaveUp = true;
      then = outcome.kind === 'disable' ? `gave up: ${outcome.reason}, the subscription is disabled` : `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
    }
    this.log.warn(fields, `delivery attempt ${attempt} of message ${msg.id} to ${fields.endpoint} failed (${why}); ${then}`);
    if (outcome.kind === 'disable') {
      this.log.warn({ ...messageFields(msg), reason: outcome.reason }, `subscription ${msg.subscription.id} disabled: ${outcome.reason}`);
    }
  }

  /** A message that waited for its endpoint's circuit to close for its whole retry schedule. */
  gaveUpWaiting(msg: TakenMessage, reason: string): void {
    this.log.warn({ ...messageFields(msg), attempts: msg.attempts, gaveUp: true, reason }, `message ${msg.id} to ${endpointLabel(msg.subscription.url)} gave up: ${reason}`);
  }

  /** An endpoint's health changed state (circuit open: warn; degraded, healthy again: info). */
  endpointChanged(origin: string, before: EndpointHealth, after: EndpointHealth, now: number): void {
    if (before.state === after.state) return;
    const endpoint = endpointLabel(origin);
    const fields = { endpoint, state: after.state, previous: before.state, limit: after.limit, consecutiveFailures: after.consecutiveFailures };
    if (after.state === 'open') {
      const probeInMs = after.retryAt === null ? null : Math.max(0, after.retryAt - now);
      this.log.warn(
        { ...fields, ...(after.retryAt === null ? {} : { retryAt: new Date(after.retryAt).toISOString() }), lastError: after.lastError },
        `endpoint ${endpoint}: circuit open after ${after.consecutiveFailures} failed attempts (${after.lastError ?? 'error'})${probeInMs === null ? '' : `; next probe in ${Math.round(probeInMs / 1000)} s`}`,
      );
    } else {
      this.log.info(fields, `endpoint ${endpoint}: ${after.state} (${after.limit} at once)`);
    }
  }
}
