import type { Sql } from '../../database/db';

/**
 * Fan-outs committed and not yet done (webhook_pending_fanouts, migration 098), so that a job's
 * messages go out in event order even when its fan-outs run on different instances: the append
 * that enqueues a fan-out job writes its row (with the outbox's other statements, pipelined), the
 * fan-out's own transaction deletes it, and the take statement holds back a message of the job
 * while an earlier event of the job is still in a pending fan-out (PENDING_EARLIER_FANOUT).
 */

/** How long a pending fan-out holds its job's later messages back at most (one that keeps failing stops blocking). */
export const PENDING_FANOUT_BLOCKS_MS = 60_000;

const INSERT_PENDING = `
INSERT INTO webhook_pending_fanouts (fanout_id, job_id, first_position, created_at)
SELECT $1::uuid, $2::text, global_position, $4::timestamptz FROM events WHERE stream_id = $2::text AND version = $3::int`;

/** The fan-out job `fanoutId` of job `jobId`, whose first event is the job's version `firstVersion`, is pending. */
export function insertPendingFanout(sql: Sql, fanoutId: string, jobId: string, firstVersion: number, at: Date): Promise<unknown> {
  return sql.query(INSERT_PENDING, [fanoutId, jobId, firstVersion, at]);
}

const DELETE_PENDING = `DELETE FROM webhook_pending_fanouts WHERE fanout_id = ANY($1::uuid[])`;
const DELETE_ONE_PENDING = `DELETE FROM webhook_pending_fanouts WHERE fanout_id = $1::uuid`;

/** These fan-out jobs are done (in their transaction). One id is sent as a scalar (one generic plan). */
export function deletePendingFanouts(sql: Sql, fanoutIds: string[]): Promise<unknown> {
  if (fanoutIds.length === 0) return Promise.resolve();
  return fanoutIds.length === 1 ? sql.query(DELETE_ONE_PENDING, [fanoutIds[0]]) : sql.query(DELETE_PENDING, [fanoutIds]);
}

/**
 * For the take statement (message `m`, Herald's now `$6`): 'epoch' (due now: wait) when an event
 * of m's job before m's is in a fan-out still pending, written less than PENDING_FANOUT_BLOCKS_MS
 * ago; else null.
 */
export const PENDING_EARLIER_FANOUT = `(SELECT 'epoch'::timestamptz FROM webhook_pending_fanouts f
   WHERE f.job_id = m.job_id AND f.first_position < m.event_position
     AND f.created_at > $6::timestamptz - ${PENDING_FANOUT_BLOCKS_MS} * interval '1 millisecond' LIMIT 1)`;
