import { mergeStreaks, type StreakReport } from './auto-disable';
import type { MessageStatus, Ordering, PayloadFormat, Subscription } from './subscription.types';

/** The rows delivery writes, as values (the repositories turn them into SQL). */

/** A subscription to create (its status is active, its secret not yet rotated). */
export type NewSubscription = Pick<Subscription, 'id' | 'scope' | 'scopeId' | 'url' | 'headers' | 'secret' | 'format' | 'eventTypes' | 'minLevel'> & { name?: string | null };

export interface NewMessage {
  id: string;
  subscriptionId: string;
  jobId: string;
  eventPosition: number;
  eventType: string;
  kind: PayloadFormat;
  ordering: Ordering;
  body: string;
  jobToken: string;
  projectId?: string | null;
  /** W3C traceparent of the fan-out span that wrote it (tracing on only): its attempts' spans are children of it. */
  traceParent?: string | null;
  /** The correlationId of the event it is for (the request that appended it): named by its delivery log lines. */
  correlationId?: string | null;
}

/** One row of webhook_attempts (append-only). */
export interface AttemptRecord {
  messageId: string;
  subscriptionId: string;
  jobId: string;
  eventPosition: number;
  attempt: number;
  url: string;
  statusCode: number | null;
  statusMessage: string | null;
  responseBody: string | null;
  durationMs: number;
  errorCode: string | null;
  outcome: 'delivered' | 'retrying' | 'failed' | 'disabled';
  attemptedAt: Date;
  nextAttemptAt: Date | null;
  /** The endpoint's state when the attempt was made: healthy, degraded (a reduced limit) or probe. */
  endpointState: 'healthy' | 'degraded' | 'probe';
}

/** A message's new state; null fields keep what the row has (except status and nextAttemptAt). */
export interface MessageUpdate {
  id: string;
  status: MessageStatus;
  attempts: number | null;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  supersededBy: string | null;
  /** New token when a new pg-boss job takes over the message (retry, deferral); null keeps it. */
  jobToken: string | null;
}

/** A subscription's last call and last error (seed 003); a reason disables it (410 Gone). */
export interface SubscriptionCall {
  id: string;
  lastCall: { statusCode: number | null; message: string; date: string };
  lastError?: { statusCode: number | null; message: string; body: unknown; date: string };
  disableReason?: string;
  /** Its failing streak (failing_since, domain/auto-disable.ts); absent: left as it is. */
  streak?: StreakReport;
  /** The message of the (latest) attempt: a subscription.disabled notice is about it. */
  attempted?: { messageId: string; jobId: string; eventPosition: number; correlationId: string | null };
}

/** Two calls of one subscription in one batch, `next` recorded after `prev`: the last call wins, the rest accumulates. */
export function mergeCalls(prev: SubscriptionCall | undefined, next: SubscriptionCall): SubscriptionCall {
  if (!prev) return next;
  const streak = next.streak ? mergeStreaks(prev.streak, next.streak) : prev.streak;
  return {
    ...next,
    lastError: next.lastError ?? prev.lastError,
    disableReason: next.disableReason ?? prev.disableReason,
    ...(streak ? { streak } : {}),
    attempted: next.disableReason ? next.attempted : prev.disableReason ? prev.attempted : (next.attempted ?? prev.attempted),
  };
}

export interface EndpointRow {
  endpoint: string;
  state: 'healthy' | 'degraded' | 'open';
  concurrency: number;
  consecutiveFailures: number;
  retryAt: Date | null;
  lastError: string | null;
}

/** A message update that changes only its status (and what `extra` names). */
export function statusUpdate(id: string, status: MessageStatus, extra: Partial<MessageUpdate> = {}): MessageUpdate {
  return { id, status, attempts: null, nextAttemptAt: null, lastStatusCode: null, lastError: null, deliveredAt: null, supersededBy: null, jobToken: null, ...extra };
}
