import type { Db, Tx } from '../../database/db';
import type { JobStatus } from '../../jobs/domain/job.state';
import { DELIVER_QUEUE, FANOUT_QUEUE } from '../../webhooks/infrastructure/work-queue.service';

// ---------------------------------------------------------------- statements (read at scrape time)
//
// Each is bounded and index-backed: a count over a partial index whose rows are the live work
// (pending and active tasks, waiting queue jobs, open messages, disabled subscriptions), or one
// index range per job status; the webhook backlog answers at most $1 rows (it sorts its groups,
// one per endpoint with open messages, and nothing else). None scans a whole table
// (docs/METRICS.md has the plans and timings).

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
 * The webhook backlog: open messages (pending, retrying) per endpoint, the $1 largest, each row
 * with the totals (every endpoint's open messages, how many endpoints have some, how long ago the
 * oldest of them was created; no row when nothing is open). One index-only pass over
 * webhook_messages_open_endpoint_idx (endpoint, created_at), partial: open messages only, each
 * with its subscription's endpoint (migration 125: scheme://host[:port] as URL.origin, never a
 * path or credentials). Its cost grows with the open messages, at about 0.1 µs each, and not with
 * the subscriptions that have them (docs/METRICS.md, Measured).
 */
export const ENDPOINT_BACKLOG = `
WITH e AS (
  SELECT endpoint, count(*) AS n, min(created_at) AS oldest FROM webhook_messages
   WHERE status IN ('pending', 'retrying') GROUP BY endpoint
)
SELECT endpoint, n::int AS waiting,
       (sum(n) OVER ())::float8 AS total, (count(*) OVER ())::int AS endpoints,
       greatest(0, extract(epoch FROM now() - min(oldest) OVER ()))::float8 AS oldest_seconds
  FROM e ORDER BY n DESC, endpoint LIMIT $1`;

/** Disabled subscriptions: webhook_subscriptions_disabled_idx (partial). */
export const SUBSCRIPTIONS_DISABLED = `SELECT count(*)::int AS n FROM webhook_subscriptions WHERE status = 'disabled'`;

/** Every job status (a compile error when one is added to JobStatus and not here). */
const STATUS_SET: Record<JobStatus, true> = { pending: true, active: true, paused: true, completed: true, failed: true, stopped: true };
export const JOB_STATUSES = Object.keys(STATUS_SET) as JobStatus[];

/** Endpoints listed in herald_endpoint_messages_waiting unless configured (HERALD_METRICS_TOP_ENDPOINTS). */
export const TOP_ENDPOINTS = 50;

/** The webhook backlog: the largest endpoints' open messages, and the totals over every endpoint. */
export interface Backlog {
  /** The largest, most first (an endpoint is null if its messages have none: never, after migration 125). */
  endpoints: Array<{ endpoint: string | null; waiting: number }>;
  /** Open messages, every endpoint's. */
  total: number;
  /** Endpoints with at least one open message. */
  endpointCount: number;
  /** Seconds since the oldest open message was created (0 when none is open). */
  oldestSeconds: number;
}

/** What a scrape read; a part whose read was cancelled (READ_TIMEOUT) is undefined. */
export interface DatabaseGauges {
  jobs?: Array<{ status: string; n: number }>;
  live?: {
    tasks: { pending: number; active: number };
    queues: Array<{ queue: string; depth: number; oldestSeconds: number }>;
    subscriptionsDisabled: number;
  };
  backlog?: Backlog;
}

/** SQLSTATE of a statement cancelled by its statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * What the metrics read from the database at scrape time, in three short read transactions, one
 * after the other (each its round trip): the live work (tasks, queues, disabled subscriptions,
 * pipelined together), the jobs per status, the webhook backlog. The two that grow with the data
 * (every job; every open message) are alone, so that one cancelled by its timeout leaves the
 * others' gauges. Any other failure (the database is down) fails the scrape.
 */
export class MetricsRepository {
  /** `topEndpoints`: how many endpoints the backlog lists (the largest). */
  async read(db: Db, topEndpoints = TOP_ENDPOINTS): Promise<DatabaseGauges> {
    const live = await within(db, async (tx) => {
      const [[tasks], queues, [disabled]] = await Promise.all([
        tx.query<{ pending: number; active: number }>(TASKS_BY_STATE),
        tx.query<{ queue: string; depth: number; oldest_seconds: number }>(QUEUE_DEPTHS),
        tx.query<{ n: number }>(SUBSCRIPTIONS_DISABLED),
      ]);
      return { tasks, queues: queues.map((q) => ({ queue: q.queue, depth: q.depth, oldestSeconds: q.oldest_seconds })), subscriptionsDisabled: disabled.n };
    });
    const jobs = await within(db, (tx) => tx.query<{ status: string; n: number }>(JOBS_BY_STATUS, [JOB_STATUSES]));
    const backlog = await within(db, async (tx) => backlogOf(await tx.query<BacklogRow>(ENDPOINT_BACKLOG, [topEndpoints])));
    return { live, jobs, backlog };
  }
}

type BacklogRow = { endpoint: string | null; waiting: number; total: number; endpoints: number; oldest_seconds: number };

function backlogOf(rows: BacklogRow[]): Backlog {
  const [first] = rows;
  return {
    endpoints: rows.map((r) => ({ endpoint: r.endpoint, waiting: r.waiting })),
    total: first?.total ?? 0,
    endpointCount: first?.endpoints ?? 0,
    oldestSeconds: first?.oldest_seconds ?? 0,
  };
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
