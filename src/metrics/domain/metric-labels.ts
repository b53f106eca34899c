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

/** The route label of a request that no route answered (a 404, or refused before routing: 401, 413, 503). */
export const UNMATCHED_ROUTE = 'unmatched';
