import { defaultSettings, type QueueSettings } from './queue-request';

/**
 * The listing of named queues (GET /api/v1/queues): every queue that has settings or an
 * unfinished (pending or active) request the caller may see, by name. A queue exists only
 * through its settings row and its requests' tasks (tasks.kind 'queue', algorithm_name = the
 * queue's name), so a queue whose requests are all finished and that has no settings is not
 * listed. Pages are cut by name: the cursor is the last queueName of the previous page.
 */

export const QUEUE_LIST_DEFAULT_LIMIT = 100;
export const QUEUE_LIST_MAX_LIMIT = 1000;

export interface QueueListing extends QueueSettings {
  /** Requests of the queue waiting for a worker (their task pending), the caller's project's only for a project key. */
  pending: number;
  /** Requests held by a worker (their task active), likewise. */
  active: number;
}

/** A row of the listing's SQL: a queue's name, its settings row if any, its counts. */
export interface QueueListRow {
  queueName: string;
  settings?: Omit<QueueSettings, 'queueName'>;
  pending: number;
  active: number;
}

export interface QueueListPage {
  queues: QueueListing[];
  nextCursor: string | null;
}

/** The answer from the rows of one page (at most `limit`) and whether more names follow them. */
export function queueListPage(rows: readonly QueueListRow[], more: boolean): QueueListPage {
  const queues = rows.map((r) => ({ ...(r.settings ? { queueName: r.queueName, ...r.settings } : defaultSettings(r.queueName)), pending: r.pending, active: r.active }));
  const last = queues[queues.length - 1];
  return { queues, nextCursor: more && last ? last.queueName : null };
}
