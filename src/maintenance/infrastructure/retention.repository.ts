import type { Sql } from '../../database/db';
import type { AttemptPartition, Month } from '../domain/retention-policy';

// ---------------------------------------------------------------- statements (retention of webhook_messages, webhook_attempts, webhook_streams)

/** The advisory lock one instance holds (on a connection of its own) while it runs retention. */
export const RETENTION_LOCK = 7_303_070;
export const TRY_LOCK = `SELECT pg_try_advisory_lock($1) AS locked`;
export const UNLOCK = `SELECT pg_advisory_unlock($1) AS unlocked`;

/** webhook_attempts refuses DELETE unless the transaction says it is retention (migration 1763800000070). */
export const ALLOW_ATTEMPT_DELETES = `SELECT set_config('herald.retention', 'on', true)`;
/** DDL on webhook_attempts waits at most this long for its lock (then the next run tries again), never holding up deliveries. */
export const BOUND_LOCK_WAIT = `SELECT set_config('lock_timeout', $1, true)`;

export const ATTEMPTS_TABLE = `
SELECT n.nspname AS schema, c.relkind = 'p' AS partitioned
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = to_regclass('webhook_attempts')`;

/** Partitions of webhook_attempts with their bounds (read back as timestamptz in the session's own time zone, as printed). */
export const ATTEMPT_PARTITIONS = `
SELECT n.nspname AS schema, c.relname AS name, b.bound = 'DEFAULT' AS is_default,
       (regexp_match(b.bound, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS from_at,
       (regexp_match(b.bound, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS to_at
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
 WHERE i.inhparent = to_regclass('webhook_attempts')`;

/**
 * One batch of messages in a final state since before $1 (oldest first, at most $2), with
 * (`withAttempts`) their attempts, and the streams (webhook_streams) left with no message. Rows
 * another transaction holds (a resend resetting one) are skipped, never waited for: two
 * instances never remove a row twice nor deadlock with each other or with delivery. Each
 * delete names its rows by key (`= ANY(ARRAY(…))`, ctid for streams), so that it is an index or
 * TID lookup whatever the planner thinks of the batch's size, never a scan of the table.
 */
const deleteFinalMessages = (withAttempts: boolean) => `
WITH doomed AS (
  SELECT id FROM webhook_messages
   WHERE status IN ('delivered', 'failed', 'superseded', 'cancelled') AND updated_at < $1
   ORDER BY updated_at LIMIT $2
   FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM webhook_messages m WHERE m.id = ANY (ARRAY(SELECT id FROM doomed))
  RETURNING m.id, m.subscription_id, m.job_id
), ${withAttempts ? 'attempts AS (DELETE FROM webhook_attempts a WHERE a.message_id = ANY (ARRAY(SELECT id FROM gone)) RETURNING 1),' : ''}
streams AS (
  DELETE FROM webhook_streams s
   WHERE s.ctid = ANY (ARRAY(
     SELECT st.ctid
       FROM (SELECT subscription_id, job_id, count(*) AS n FROM gone GROUP BY subscription_id, job_id) g
       CROSS JOIN LATERAL (
         -- The statement still sees the rows it deletes: a stream is left with no message when
         -- all it has are this batch's.
         SELECT st.ctid FROM webhook_streams st
          WHERE st.subscription_id = g.subscription_id AND st.job_id = g.job_id
            AND (SELECT count(*) FROM webhook_messages o WHERE o.subscription_id = g.subscription_id AND o.job_id = g.job_id) = g.n
          FOR UPDATE OF st SKIP LOCKED) st))
  RETURNING 1
)
SELECT (SELECT count(*) FROM gone)::int AS messages,
       ${withAttempts ? '(SELECT count(*) FROM attempts)::int' : '0'} AS attempts,
       (SELECT count(*) FROM streams)::int AS streams`;

export const DELETE_FINAL_MESSAGES = deleteFinalMessages(true);
/** On a partitioned attempts table: the messages only (their attempts go with their partitions). */
export const DELETE_FINAL_MESSAGES_ONLY = deleteFinalMessages(false);

/**
 * One window of attempts after id $1 (at most $2, in id order, which is the order they were
 * made in): those made before $3 whose message is not open (final, or removed) are deleted.
 * `below`: only attempts made before $4 (a partitioned table: the partitions that cannot go
 * whole, and the default partition).
 */
const deleteOldAttempts = (below: boolean) => `
WITH scanned AS (
  SELECT a.id, a.attempted_at, a.message_id FROM webhook_attempts a
   WHERE a.id > $1 ${below ? 'AND a.attempted_at < $4' : ''}
   ORDER BY a.id LIMIT $2
), doomed AS (
  SELECT s.id FROM scanned s
   WHERE s.attempted_at < $3
     AND NOT EXISTS (SELECT 1 FROM webhook_messages m WHERE m.id = s.message_id AND m.status IN ('pending', 'retrying'))
), gone AS (
  DELETE FROM webhook_attempts a WHERE a.id = ANY (ARRAY(SELECT id FROM doomed)) AND a.attempted_at < ${below ? '$4' : '$3'}
  RETURNING 1
)
SELECT (SELECT count(*) FROM scanned)::int AS seen,
       (SELECT count(*) FROM scanned WHERE attempted_at < $3)::int AS old,
       (SELECT max(id) FROM scanned) AS last_id,
       (SELECT count(*) FROM gone)::int AS removed`;

export const DELETE_OLD_ATTEMPTS = deleteOldAttempts(false);
export const DELETE_OLD_ATTEMPTS_BELOW = deleteOldAttempts(true);

/** A partition's rows, and whether any of them is an attempt of an open message (then it is kept). */
export const partitionContents = (partition: string) => `
SELECT (SELECT count(*) FROM ${partition})::int AS rows,
       EXISTS (SELECT 1 FROM webhook_messages m
                WHERE m.status IN ('pending', 'retrying')
                  AND EXISTS (SELECT 1 FROM ${partition} a WHERE a.message_id = m.id)) AS open`;

/** Fails (HR404) unless $1 is still a partition of webhook_attempts, so that the DROP behind it never drops another table. */
export const IS_ATTEMPT_PARTITION = `
SELECT herald_assert(EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) AND inhparent = to_regclass('webhook_attempts')),
                     $1 || ' is not a partition of webhook_attempts', 'HR404')`;
export const dropPartition = (partition: string) => `DROP TABLE ${partition}`;

/** Bounds are Date.toISOString() values (DDL takes no parameters). */
export const createPartition = (schema: string, month: Month) =>
  `CREATE TABLE ${ident(schema)}.${ident(month.name)} PARTITION OF ${ident(schema)}.webhook_attempts FOR VALUES FROM ('${month.from.toISOString()}') TO ('${month.to.toISOString()}')`;

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(p: Pick<AttemptPartition, 'schema' | 'name'>): string {
  return `${ident(p.schema)}.${ident(p.name)}`;
}

export interface AttemptsTable {
  schema: string;
  partitioned: boolean;
  partitions: AttemptPartition[];
}

export interface MessagesBatch {
  messages: number;
  attempts: number;
  streams: number;
}

export interface AttemptsBatch {
  seen: number;
  old: number;
  lastId: number | null;
  removed: number;
}

/** The statements of retention (src/maintenance/retention.service.ts runs them). */
/** Rows of fan-outs that never completed (their pg-boss job failed for good: migration 098), a day after they were written. */
export const DELETE_STALE_PENDING_FANOUTS = `DELETE FROM webhook_pending_fanouts WHERE created_at < $1::timestamptz - interval '1 day'`;

export class RetentionRepository {
  async tryLock(sql: Sql): Promise<boolean> {
    const [row] = await sql.query<{ locked: boolean }>(TRY_LOCK, [RETENTION_LOCK]);
    return row.locked;
  }

  async unlock(sql: Sql): Promise<void> {
    await sql.query(UNLOCK, [RETENTION_LOCK]);
  }

  /** Lets this transaction delete from webhook_attempts (issue it first: pipelined, no round trip of its own). */
  allowAttemptDeletes(sql: Sql): Promise<unknown> {
    return sql.query(ALLOW_ATTEMPT_DELETES);
  }

  boundLockWait(sql: Sql, ms: number): Promise<unknown> {
    return sql.query(BOUND_LOCK_WAIT, [`${ms}ms`]);
  }

  async deleteStalePendingFanouts(sql: Sql, now: Date): Promise<void> {
    await sql.query(DELETE_STALE_PENDING_FANOUTS, [now]);
  }

  /** webhook_attempts as it is now: a plain table, or partitioned (deploy/sql/partition-attempts.sql) with its partitions. */
  async attemptsTable(sql: Sql): Promise<AttemptsTable | undefined> {
    const [table] = await sql.query<{ schema: string; partitioned: boolean }>(ATTEMPTS_TABLE);
    if (!table) return undefined;
    if (!table.partitioned) return { ...table, partitions: [] };
    const rows = await sql.query<{ schema: string; name: string; is_default: boolean; from_at: Date | null; to_at: Date | null }>(ATTEMPT_PARTITIONS);
    return { ...table, partitions: rows.map((r) => ({ schema: r.schema, name: r.name, isDefault: r.is_default, from: r.from_at, to: r.to_at })) };
  }

  async deleteFinalMessages(sql: Sql, cutoff: Date, limit: number, withAttempts: boolean): Promise<MessagesBatch> {
    const [row] = await sql.query<MessagesBatch>(withAttempts ? DELETE_FINAL_MESSAGES : DELETE_FINAL_MESSAGES_ONLY, [cutoff, limit]);
    return row;
  }

  async deleteOldAttempts(sql: Sql, after: number, limit: number, cutoff: Date, below?: Date): Promise<AttemptsBatch> {
    const [row] = await sql.query<{ seen: number; old: number; last_id: number | null; removed: number }>(
      below ? DELETE_OLD_ATTEMPTS_BELOW : DELETE_OLD_ATTEMPTS,
      below ? [after, limit, cutoff, below] : [after, limit, cutoff],
    );
    return { seen: row.seen, old: row.old, lastId: row.last_id, removed: row.removed };
  }

  async partitionContents(sql: Sql, p: AttemptPartition): Promise<{ rows: number; open: boolean }> {
    const [row] = await sql.query<{ rows: number; open: boolean }>(partitionContents(qualified(p)));
    return row;
  }

  /** In a transaction that bounded its lock wait: drops the partition, if it still is one (both statements in one flight). */
  dropPartition(sql: Sql, p: AttemptPartition): Promise<unknown> {
    return Promise.all([sql.query(IS_ATTEMPT_PARTITION, [qualified(p)]), sql.query(dropPartition(qualified(p)))]);
  }

  createPartition(sql: Sql, schema: string, month: Month): Promise<unknown> {
    return sql.query(createPartition(schema, month));
  }
}
