import type { Sql } from '../../database/db';
import type { QueueListRow } from '../domain/queue-list';
import type { QueueSettings } from '../domain/queue-request';

/**
 * The names of one page of the queue listing, and their counts. $1 the cursor ('' for the first
 * page: every name is longer), $2 the page's size, $3 the project (project keys only).
 *
 * The tasks table holds every task ever run, so nothing here reads finished ones:
 *  - the names of queues with pending requests come from a loose index scan of the partial index
 *    of pending tasks (tasks_pending_idx, or tasks_project_pending_idx for a project): one index
 *    descent per distinct name, at most $2::int + 1 of them, whatever the backlog;
 *  - active tasks are those held by workers (a few per worker), found through their partial
 *    index (tasks_active_lease_idx) and filtered;
 *  - the counts are of the page's names only: pending ones by an index-only scan of the same
 *    partial index (as long as that queue's backlog), active ones from the active tasks.
 * One name more than the page is read, to tell whether another page follows.
 */
const listQueues = (project: string) => `
WITH RECURSIVE pending_names (name, n) AS (
  SELECT (SELECT algorithm_name FROM tasks
           WHERE state = 'pending' ${project} AND kind = 'queue' AND algorithm_name > $1::text
           ORDER BY algorithm_name LIMIT 1), 1
  UNION ALL
  SELECT (SELECT algorithm_name FROM tasks
           WHERE state = 'pending' ${project} AND kind = 'queue' AND algorithm_name > p.name
           ORDER BY algorithm_name LIMIT 1), p.n + 1
    FROM pending_names p
   WHERE p.name IS NOT NULL AND p.n <= $2::int
),
active AS MATERIALIZED (
  SELECT algorithm_name AS name, count(*)::int AS n FROM tasks
   WHERE state = 'active' ${project} AND kind = 'queue'
   GROUP BY algorithm_name
),
page AS MATERIALIZED (
  SELECT name FROM (
    SELECT name FROM pending_names WHERE name IS NOT NULL
    UNION
    SELECT name FROM active WHERE name > $1
    UNION
    (SELECT queue_name FROM queue_settings WHERE queue_name > $1 ORDER BY queue_name LIMIT $2::int + 1)
  ) names
  ORDER BY name LIMIT $2::int + 1
),
shown AS (SELECT name FROM page ORDER BY name LIMIT $2::int)
SELECT shown.name, s.retry_limit, s.retry_delay_seconds, s.retry_backoff, s.lease_seconds,
       pending.n AS pending, coalesce(active.n, 0) AS active,
       (SELECT count(*) FROM page) > $2::int AS more
  FROM shown
  LEFT JOIN queue_settings s ON s.queue_name = shown.name
  LEFT JOIN active ON active.name = shown.name
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS n FROM tasks
     WHERE state = 'pending' ${project} AND kind = 'queue' AND algorithm_name = shown.name
  ) pending
 ORDER BY shown.name`;

export const LIST_QUEUES = listQueues('');
/** A project key's listing: its project's requests only (queue settings are every project's). */
export const LIST_PROJECT_QUEUES = listQueues('AND project_id = $3');

/** SQL of named queues: settings, request ids, the listing. */
export class QueuesRepository {
  async settings(sql: Sql, queueName: string): Promise<QueueSettings | undefined> {
    const rows = await sql.query<{ retry_limit: number; retry_delay_seconds: number; retry_backoff: boolean; lease_seconds: number }>(
      'SELECT retry_limit, retry_delay_seconds, retry_backoff, lease_seconds FROM queue_settings WHERE queue_name = $1',
      [queueName],
    );
    const r = rows[0];
    return r && { queueName, retryLimit: r.retry_limit, retryDelaySeconds: r.retry_delay_seconds, retryBackoff: r.retry_backoff, leaseSeconds: r.lease_seconds };
  }

  async saveSettings(sql: Sql, s: QueueSettings): Promise<void> {
    await sql.query(
      `INSERT INTO queue_settings (queue_name, retry_limit, retry_delay_seconds, retry_backoff, lease_seconds, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (queue_name) DO UPDATE SET retry_limit = excluded.retry_limit, retry_delay_seconds = excluded.retry_delay_seconds,
         retry_backoff = excluded.retry_backoff, lease_seconds = excluded.lease_seconds, updated_at = now()`,
      [s.queueName, s.retryLimit, s.retryDelaySeconds, s.retryBackoff, s.leaseSeconds],
    );
  }

  async nextRequestId(sql: Sql): Promise<string> {
    const [row] = await sql.query<{ id: string }>(`SELECT nextval('queue_request_id_seq')::text AS id`);
    return row.id;
  }

  /** One page of the listing, by name after `after` ('' for the first); `more` when names follow it. */
  async list(sql: Sql, page: { after: string; limit: number; projectId: string | null }): Promise<{ rows: QueueListRow[]; more: boolean }> {
    const params: unknown[] = [page.after, page.limit];
    const rows = await sql.query<{
      name: string;
      retry_limit: number | null;
      retry_delay_seconds: number | null;
      retry_backoff: boolean | null;
      lease_seconds: number | null;
      pending: number;
      active: number;
      more: boolean;
    }>(page.projectId === null ? LIST_QUEUES : LIST_PROJECT_QUEUES, page.projectId === null ? params : [...params, page.projectId]);
    return {
      rows: rows.map((r) => ({
        queueName: r.name,
        ...(r.retry_limit === null
          ? {}
          : { settings: { retryLimit: r.retry_limit, retryDelaySeconds: r.retry_delay_seconds ?? 0, retryBackoff: r.retry_backoff ?? false, leaseSeconds: r.lease_seconds ?? 0 } }),
        pending: r.pending,
        active: r.active,
      })),
      more: rows[0]?.more ?? false,
    };
  }
}
