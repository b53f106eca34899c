import type { Db, Tx } from '../../database/db';
import type { JobStatus } from '../../jobs/domain/job.state';
import { DELIVER_QUEUE, FANOUT_QUEUE } from '../../webhooks/infrastructure/work-queue.service';

// ---------------------------------------------------------------- statements (read at scrape time)
//
// Each is bounded and index-backed: a count over a partial index whose rows are the live work
// (pending and active tasks, waiting queue jobs, open messages, disabled subscriptions), or one
// index range per job status; the endpoint backlog answers at most $1 rows. None sorts or scans
// a whole table (docs/METRICS.md has the plans and timings).

/**
 * How long each of a scrape's reads may take (a scrape makes three). One that takes longer is
 * cancelled and its gauges are left out of that scrape; the others are still answered.
 */
export const READ_TIMEOUT = `SET LOCAL statement_timeout = 2000`;

/** Jobs per status: one index-only range of jobs_status_created_idx (status, created_at) per status. */
export const JOBS_BY_STATUS = `
SELECT s.status, (SELECT count(*) FROM jobs j WHERE j.status = s.status)::int AS n
  FROM unnest($1::text[]) AS s(status)`;

/** Pending and active tasks: a partial index of pending tasks (the planner takes the smallest, e.g. tasks_job_pending_idx) and tasks_active_lease_idx. */
export const TASKS_BY_STATE = `
SELECT (SELECT count(*) FROM tasks WHERE state = 'pending')::int AS pending,
       (SELECT count(*) FROM tasks WHERE state = 'active')::int AS active`;

/**
 * Per Herald queue: the waiting jobs (created or retry) and how long ago the oldest of them was
 * due (0 when none is), on pg-boss's job_i5 (name, start_after) WHERE state < 'active'. The queue
 * names are literals: pgboss.job is partitioned by name, so each branch reads one partition.
 */
export const QUEUE_DEPTHS = [FANOUT_QUEUE, DELIVER_QUEUE]
  .map(
    (q) => `
SELECT '${q}'::text AS queue, count(*)::int AS depth,
       greatest(0, coalesce(extract(epoch FROM now() - min(start_after)), 0))::float8 AS oldest_seconds
  FROM pgboss.job WHERE name = '${q}' AND state < 'active'`,
  )
  .join('\nUNION ALL');

/**
 * Open messages (pending, retrying) per endpoint, the $1 largest: counted per subscription on
 * webhook_messages_open_idx (partial: open messages only), then per origin of the subscriptions'
 * URLs (scheme://host[:port], default ports left out as URL.origin does; never a path or credentials).
 */
export const ENDPOINT_BACKLOG = `
WITH open AS (
  SELECT subscription_id, count(*) AS n FROM webhook_messages
   WHERE status IN ('pending', 'retrying') GROUP BY subscription_id
), parts AS (
  -- A primary key lookup per subscription with open messages, never a scan of every subscription
  -- (LIMIT 1 keeps the planner from turning the lookup into a join over the whole table).
  SELECT o.n, u.p FROM open o
    LEFT JOIN LATERAL (
      SELECT regexp_match(s.url, '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^@/?#]*@)?([^/?#]*)') AS p
        FROM webhook_subscriptions s WHERE s.id = o.subscription_id LIMIT 1) u ON true
)
SELECT coalesce(lower(p[1]) || '://' ||
         CASE WHEN (lower(p[1]) = 'http' AND p[2] LIKE '%:80') OR (lower(p[1]) = 'https' AND p[2] LIKE '%:443')
              THEN lower(regexp_replace(p[2], ':[0-9]+$', '')) ELSE lower(p[2]) END, 'unknown') AS endpoint,
       sum(n)::int AS waiting
  FROM parts GROUP BY 1 ORDER BY waiting DESC, endpoint LIMIT $1`;

/** Disabled subscriptions: webhook_subscriptions_disabled_idx (partial). */
export const SUBSCRIPTIONS_DISABLED = `SELECT count(*)::int AS n FROM webhook_subscriptions WHERE status = 'disabled'`;

/** Every job status (a compile error when one is added to JobStatus and not here). */
const STATUS_SET: Record<JobStatus, true> = { pending: true, active: true, paused: true, completed: true, failed: true, stopped: true };
export const JOB_STATUSES = Object.keys(STATUS_SET) as JobStatus[];

/** Endpoints listed in herald_endpoint_messages_waiting. */
export const TOP_ENDPOINTS = 20;

/** What a scrape read; a part whose read was cancelled (READ_TIMEOUT) is undefined. */
export interface DatabaseGauges {
  jobs?: Array<{ status: string; n: number }>;
  live?: {
    tasks: { pending: number; active: number };
    queues: Array<{ queue: string; depth: number; oldestSeconds: number }>;
    subscriptionsDisabled: number;
  };
  endpoints?: Array<{ endpoint: string; waiting: number }>;
}

/** SQLSTATE of a statement cancelled by its statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * What the metrics read from the database at scrape time, in three short read transactions, one
 * after the other (each its round trip): the live work (tasks, queues, disabled subscriptions,
 * pipelined together), the jobs per status, the endpoint backlog. The two that grow with the data
 * (every job; every subscription with open messages) are alone, so that one cancelled by its
 * timeout leaves the others' gauges. Any other failure (the database is down) fails the scrape.
 */
export class MetricsRepository {
  async read(db: Db): Promise<DatabaseGauges> {
    const live = await within(db, async (tx) => {
      const [[tasks], queues, [disabled]] = await Promise.all([
        tx.query<{ pending: number; active: number }>(TASKS_BY_STATE),
        tx.query<{ queue: string; depth: number; oldest_seconds: number }>(QUEUE_DEPTHS),
        tx.query<{ n: number }>(SUBSCRIPTIONS_DISABLED),
      ]);
      return { tasks, queues: queues.map((q) => ({ queue: q.queue, depth: q.depth, oldestSeconds: q.oldest_seconds })), subscriptionsDisabled: disabled.n };
    });
    const jobs = await within(db, (tx) => tx.query<{ status: string; n: number }>(JOBS_BY_STATUS, [JOB_STATUSES]));
    const endpoints = await within(db, (tx) => tx.query<{ endpoint: string; waiting: number }>(ENDPOINT_BACKLOG, [TOP_ENDPOINTS]));
    return { live, jobs, endpoints };
  }
}

/** fn's reads in one transaction under READ_TIMEOUT; undefined when they were cancelled by it. */
async function within<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T | undefined> {
  try {
    return await db.tx(async (tx) => {
      tx.defer(tx.query(READ_TIMEOUT));
      return fn(tx);
    });
  } catch (err) {
    if ((err as { code?: string }).code === QUERY_CANCELED) return undefined;
    throw err;
  }
}
