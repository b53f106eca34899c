import type { Sql } from '../../database/db';
import { concurrentPipelinesReached, type WaitingJob } from '../domain/concurrent-pipelines';

/** Highest amount (HKube's bound): a count never goes further. */
const MAX_AMOUNT = 10_000;

/**
 * Raises HR430 (nothing of the transaction is written) when the pipeline already has `amount`
 * unfinished jobs in the project; takes the pipeline's advisory lock to the COMMIT (migration
 * 130). Issued among a submission's pipelined writes: no round trip of its own.
 */
export const ASSERT_PIPELINE_ROOM = `SELECT herald_assert_pipeline_room($1, $2, $3)`;

/** The pipeline's unfinished jobs in the project (waiting ones included), up to $3, under the same lock. */
export const PIPELINE_UNFINISHED = `SELECT herald_pipeline_unfinished($1, $2, $3) AS n`;

/**
 * Sent right behind PIPELINE_UNFINISHED (its lock held, a statement of its own so that it reads
 * what the previous holder committed): the admitted unfinished jobs, up to $3.
 */
export const PIPELINE_ADMITTED = `
  SELECT count(*)::int AS n FROM (
    SELECT 1 FROM jobs
     WHERE pipeline = $2 AND coalesce(project_id, '') = coalesce($1, '') AND waiting = false
       AND status IN ('pending', 'active', 'paused')
     LIMIT $3) AS admitted`;

/** The pipeline's waiting jobs, oldest first, each with its own amount (jobs_pipeline_unfinished_idx). */
export const PIPELINE_WAITING = `
  SELECT job_id, (summary #>> '{options,concurrentPipelines,amount}')::int AS amount FROM jobs
   WHERE pipeline = $2 AND coalesce(project_id, '') = coalesce($1, '') AND waiting
     AND status IN ('pending', 'paused')
   ORDER BY created_at, job_id
   LIMIT $3`;

/** The pipelines (per project) that have waiting jobs: the sweeper's one look per sweep (jobs_waiting_idx). */
export const WAITING_PIPELINES = `
  SELECT project_id, pipeline FROM (
    SELECT project_id, pipeline, min(created_at) AS since FROM jobs
     WHERE waiting AND status IN ('pending', 'paused')
     GROUP BY project_id, pipeline) w
   ORDER BY since LIMIT $1`;

export interface PipelineKey {
  projectId: string | null;
  pipeline: string;
}

/** SQL of HKube's concurrentPipelines over the jobs read model. */
export class ConcurrentPipelinesRepository {
  /** Not awaited by the submission: its failure (the limit) fails the transaction as CONCURRENT_PIPELINES_LIMIT. */
  assertRoom(sql: Sql, key: PipelineKey, amount: number): Promise<unknown> {
    return sql.query(ASSERT_PIPELINE_ROOM, [key.projectId, key.pipeline, amount], {
      mapError: (err) => {
        const e = err as { code?: string; detail?: string };
        return e.code === 'HR430' ? concurrentPipelinesReached(Number(e.detail), key.pipeline) : err;
      },
    });
  }

  /** Takes the pipeline's lock and counts its unfinished jobs, up to `upTo`. */
  async unfinished(sql: Sql, key: PipelineKey, upTo: number): Promise<number> {
    const [row] = await sql.query<{ n: number }>(PIPELINE_UNFINISHED, [key.projectId, key.pipeline, upTo]);
    return row.n;
  }

  /**
   * Under the pipeline's lock (taken by the first statement, the next ones read after it): its
   * admitted unfinished jobs and its oldest waiting ones. One round trip.
   */
  async room(sql: Sql, key: PipelineKey, limit: number): Promise<{ admitted: number; waiting: WaitingJob[] }> {
    const params = [key.projectId, key.pipeline];
    const [, admitted, waiting] = await Promise.all([
      sql.query(PIPELINE_UNFINISHED, [...params, 1]),
      sql.query<{ n: number }>(PIPELINE_ADMITTED, [...params, MAX_AMOUNT]),
      sql.query<{ job_id: string; amount: number | null }>(PIPELINE_WAITING, [...params, limit]),
    ]);
    return {
      admitted: admitted[0].n,
      waiting: waiting.filter((r) => r.amount !== null).map((r) => ({ jobId: r.job_id, amount: r.amount as number })),
    };
  }

  async waitingPipelines(sql: Sql, limit: number): Promise<PipelineKey[]> {
    const rows = await sql.query<{ project_id: string | null; pipeline: string }>(WAITING_PIPELINES, [limit]);
    return rows.map((r) => ({ projectId: r.project_id, pipeline: r.pipeline }));
  }
}
