import { streakOf } from './auto-disable';
import type { AttemptResult, Outcome } from './delivery-outcome';
import type { AttemptRecord, MessageUpdate, SubscriptionCall } from './delivery-records';

/** The message an attempt was made for, as the records need it. */
export interface AttemptedMessage {
  id: string;
  jobId: string;
  eventPosition: number;
  /** Attempts made before this one. */
  attempts: number;
  /** failingSince: the subscription's failing streak as the message was taken (domain/auto-disable.ts). */
  subscription: { id: string; url: string; failingSince?: string | null };
  correlationId?: string | null;
}

/** Everything one attempt's outcome writes: the attempt row, the message's new state, the subscription's last call. */
export interface AttemptSettlement {
  attempt: AttemptRecord;
  update: MessageUpdate;
  call: SubscriptionCall;
  /** When the next attempt is due (a retry), else null. */
  nextAt: Date | null;
  /** The message failed for good (or its subscription was disabled): its project's delivery.exhausted channels are told. */
  final: boolean;
}

/** "HTTP 500", or "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9" for a call with no answer. */
export function errorText(result: AttemptResult): string {
  return result.statusCode !== undefined ? `HTTP ${result.statusCode}` : `${result.errorCode}: ${result.errorMessage ?? ''}`.trim();
}

/** A response body as Herald keeps it (lastError, stage results): parsed JSON, else the text; null when empty. */
export function responseValue(body: string | undefined): unknown {
  if (body === undefined || body === '') return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Maps one attempt's result and outcome (classify, or a channel test's) to its records. Used by
 * deliveries and channel tests alike. `nextToken`: the token of the pg-boss job that takes the
 * retry (only asked for when there is one).
 */
export function settleAttempt(a: {
  message: AttemptedMessage;
  result: AttemptResult;
  outcome: Outcome;
  attemptedAt: Date;
  endpointState: AttemptRecord['endpointState'];
  nextToken: () => string;
}): AttemptSettlement {
  const { message: msg, result, outcome, attemptedAt } = a;
  const attemptNo = msg.attempts + 1;
  const nextAt = outcome.kind === 'retry' ? new Date(attemptedAt.getTime() + result.durationMs + outcome.delayMs) : null;
  const error = errorText(result);
  const delivered = outcome.kind === 'delivered';
  const status = delivered ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : 'failed';
  const date = attemptedAt.toISOString();
  const lastError = delivered
    ? null
    : outcome.kind === 'failed'
      ? `${error}; gave up after ${attemptNo} attempt${attemptNo === 1 ? '' : 's'}`
      : outcome.kind === 'disable'
        ? `${error}; ${outcome.reason}`
        : error;
  return {
    attempt: {
      messageId: msg.id,
      subscriptionId: msg.subscription.id,
      jobId: msg.jobId,
      eventPosition: msg.eventPosition,
      attempt: attemptNo,
      url: msg.subscription.url,
      statusCode: result.statusCode ?? null,
      statusMessage: result.statusMessage ?? null,
      responseBody: result.body ?? null,
      durationMs: result.durationMs,
      errorCode: result.errorCode ?? null,
      outcome: outcome.kind === 'disable' ? 'disabled' : status,
      attemptedAt,
      nextAttemptAt: nextAt,
      endpointState: a.endpointState,
    },
    update: {
      id: msg.id,
      status,
      attempts: attemptNo,
      nextAttemptAt: nextAt,
      lastStatusCode: result.statusCode ?? null,
      lastError,
      deliveredAt: delivered ? attemptedAt : null,
      supersededBy: null,
      jobToken: nextAt ? a.nextToken() : null,
    },
    call: {
      id: msg.subscription.id,
      lastCall: { statusCode: result.statusCode ?? null, message: result.statusMessage ?? result.errorCode ?? '', date },
      ...(delivered ? {} : { lastError: { statusCode: result.statusCode ?? null, message: result.statusMessage || error, body: responseValue(result.body), date } }),
      ...(outcome.kind === 'disable' ? { disableReason: outcome.reason } : {}),
      streak: streakOf(delivered, attemptedAt, msg.subscription.failingSince ?? null),
      ...(delivered ? {} : { attempted: { messageId: msg.id, jobId: msg.jobId, eventPosition: msg.eventPosition, correlationId: msg.correlationId ?? null } }),
    },
    nextAt,
    final: outcome.kind === 'failed' || outcome.kind === 'disable',
  };
}
