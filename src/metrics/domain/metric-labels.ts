/**
 * The label values of Herald's metrics (docs/METRICS.md): every one is from a small fixed set
 * or from a set Herald defines (routes, event types, queues), never from what a caller sends.
 */

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'none';

const CLASSES: readonly StatusClass[] = ['none', 'none', '2xx', '3xx', '4xx', '5xx'];

/** The class of an HTTP status; `none` when there was no answer (timeout, refused, reset, TLS) or it is outside 200-599. */
export function statusClass(status: number | undefined | null): StatusClass {
  if (status === undefined || status === null || status < 200 || status > 599) return 'none';
  return CLASSES[Math.floor(status / 100)];
}

/** How a fan-out job was done: chained behind its append's COMMIT, handed over right after it, or fetched from the queue. */
export type FanoutPath = 'chained' | 'handoff' | 'queue';

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'disabled';

/** A channel test's outcome (POST …/channels/{id}/test): answered 2xx, or not. */
export type ChannelTestOutcome = 'delivered' | 'failed';

/** Which call of a webhook stage: its create call, a poll of its status URL, its cancel request. */
export type StageCallPhase = 'create' | 'monitor' | 'cancel';

/**
 * What a webhook stage's call led to: the stage `succeeded`, `failed` or was `canceled` (the
 * remote side said so), goes on `polling` its status URL, or calls again (`retrying`); a cancel
 * request is `sent` whatever its answer (its status class tells).
 */
export type StageCallOutcome = 'succeeded' | 'polling' | 'retrying' | 'failed' | 'canceled' | 'sent';

/** What a stage step decided (webhook-run.ts, StepOutcome['kind']) as the outcome of its call. */
export function stageCallOutcome(kind: 'retry' | 'poll' | 'succeeded' | 'failed' | 'canceled'): StageCallOutcome {
  return kind === 'retry' ? 'retrying' : kind === 'poll' ? 'polling' : kind;
}

/** The outcomes each phase can have: the series that exist from the start. */
export const STAGE_CALL_OUTCOMES: Record<StageCallPhase, readonly StageCallOutcome[]> = {
  create: ['succeeded', 'polling', 'retrying', 'failed'],
  monitor: ['succeeded', 'polling', 'failed', 'canceled'],
  cancel: ['sent'],
};

/** The route label of a request that no route answered (a 404, or refused before routing: 401, 413, 503). */
export const UNMATCHED_ROUTE = 'unmatched';
