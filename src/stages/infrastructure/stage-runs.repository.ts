import type { Sql } from '../../database/db';
import type { StageRun } from '../domain/webhook-run';

export type RunState = 'running' | 'canceling' | 'done';

export interface ClaimedRun {
  taskId: string;
  jobId: string;
  nodeName: string;
  state: RunState;
  run: StageRun;
  leaseToken: string;
  /** The traceparent of the append that expanded the node (tracing on): its calls' spans are children of it. */
  traceParent: string | null;
}

/** All SQL of webhook stage runs (operational state: when due, who holds it, where it stands). */
export class StageRunsRepository {
  insertRuns(sql: Sql, jobId: string, nodeName: string, taskIds: string[], run: StageRun, at: string, traceParent: string | undefined): Promise<unknown> {
    return sql.query(
      `INSERT INTO webhook_stage_runs (task_id, job_id, node_name, state, next_at, run, created_at, updated_at, trace_parent)
       SELECT t, $1, $2, 'running', $4, $5, $4, $4, $6 FROM unnest($3::uuid[]) AS t`,
      [jobId, nodeName, taskIds, at, JSON.stringify(run), traceParent ?? null],
    );
  }

  /** The job ended: its unfinished stages send their cancel request (if any) and end. */
  markJobEnded(sql: Sql, jobId: string, at: string): Promise<unknown> {
    return sql.query(
      `UPDATE webhook_stage_runs SET state = 'canceling', next_at = $2, updated_at = $2
        WHERE job_id = $1 AND state = 'running'`,
      [jobId, at],
    );
  }

  /**
   * Claims due runs for this instance: a lease row per run (SKIP LOCKED, so instances never take
   * the same run; an expired lease is taken over). Held only while one HTTP call is made.
   */
  async claimDue(sql: Sql, leaseSeconds: number, limit: number): Promise<ClaimedRun[]> {
    const rows = await sql.query<{ task_id: string; job_id: string; node_name: string; state: RunState; run: StageRun; lease_token: string; trace_parent: string | null }>(
      `UPDATE webhook_stage_runs r
          SET lease_token = gen_random_uuid(), lease_until = clock_timestamp() + make_interval(secs => $1)
        WHERE r.task_id IN (
              SELECT task_id FROM webhook_stage_runs
               WHERE state <> 'done' AND next_at <= clock_timestamp()
                 AND (lease_until IS NULL OR lease_until < clock_timestamp())
               ORDER BY next_at LIMIT $2
               FOR UPDATE SKIP LOCKED)
      RETURNING r.task_id, r.job_id, r.node_name, r.state, r.run, r.lease_token, r.trace_parent`,
      [leaseSeconds, limit],
    );
    return rows.map((r) => ({ taskId: r.task_id, jobId: r.job_id, nodeName: r.node_name, state: r.state, run: r.run, leaseToken: r.lease_token, traceParent: r.trace_parent }));
  }

  /**
   * Stores a run's new state, fenced by the lease: a holder whose lease was taken over fails
   * the whole transaction (HR001), so its events are not appended either.
   */
  save(sql: Sql, claim: ClaimedRun, change: { state: RunState; nextAt: Date; run: StageRun; keepLease?: boolean }, at: Date): Promise<unknown> {
    return sql.query(
      `WITH u AS (
         UPDATE webhook_stage_runs
            SET state = $3, next_at = $4, run = $5, updated_at = $6,
                lease_token = CASE WHEN $7 THEN lease_token END,
                lease_until = CASE WHEN $7 THEN lease_until END
          WHERE task_id = $1 AND lease_token = $2
         RETURNING 1)
       SELECT herald_assert((SELECT count(*) FROM u) = 1, 'webhook stage run ' || $1 || ' is no longer held', 'HR001')`,
      [claim.taskId, claim.leaseToken, change.state, change.nextAt, JSON.stringify(change.run), at, change.keepLease === true],
    );
  }
}
