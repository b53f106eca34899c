import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexesConcurrently, dropIndexesConcurrently, type ConcurrentIndex } from './concurrent-indexes';

/**
 * HKube's `options.concurrentPipelines { amount, rejectOnFailure }` (docs/API.md): a job held
 * back until a job of its pipeline ends is `waiting` (its jobs row; its summary says the same),
 * and the two checks a submission or a promotion runs. Both take one advisory lock per project
 * and pipeline name from the check to their COMMIT, so submissions and promotions of one pipeline
 * serialise and the count is exact under races; the count (read committed, a statement after the
 * lock) then sees the previous holder's job. A project's jobs are counted apart from every other
 * project's (jobs without a project are counted together, as an admin's).
 *
 * - herald_pipeline_unfinished(project, pipeline, cap): the unfinished jobs of the pipeline,
 *   counted up to cap (waiting ones included), under the lock.
 * - herald_assert_pipeline_room(project, pipeline, amount): the same, raising SQLSTATE HR430
 *   (DETAIL: the amount) when there are amount or more. Issued among a submission's pipelined
 *   writes: no round trip of its own, and a refused submission writes nothing.
 *
 * Indexes: a pipeline's unfinished jobs in one project (counted, and walked oldest first when a
 * waiting one is promoted), and the waiting jobs the sweeper looks for (a handful at most). Built
 * CONCURRENTLY, so the migration runs outside a transaction: each step can run again after an
 * interruption (IF NOT EXISTS, OR REPLACE; an invalid index is built again).
 */
const INDEXES: ConcurrentIndex[] = [
  {
    name: 'jobs_pipeline_unfinished_idx',
    create: `CREATE INDEX CONCURRENTLY jobs_pipeline_unfinished_idx ON jobs (pipeline, (coalesce(project_id, '')), waiting, created_at, job_id)
              WHERE status IN ('pending', 'active', 'paused')`,
  },
  {
    name: 'jobs_waiting_idx',
    create: `CREATE INDEX CONCURRENTLY jobs_waiting_idx ON jobs (created_at) WHERE waiting AND status IN ('pending', 'paused')`,
  },
];

export class ConcurrentPipelines1763800000130 implements MigrationInterface {
  name = 'ConcurrentPipelines1763800000130';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN IF NOT EXISTS waiting boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE OR REPLACE FUNCTION herald_pipeline_unfinished(p_project text, p_pipeline text, p_cap integer) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        n integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('herald.pipeline_room:' || coalesce(p_project, '') || ':' || p_pipeline, 0));
        SELECT count(*) INTO n FROM (
          SELECT 1 FROM jobs
           WHERE pipeline = p_pipeline AND coalesce(project_id, '') = coalesce(p_project, '')
             AND status IN ('pending', 'active', 'paused')
           LIMIT p_cap) AS unfinished;
        RETURN n;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION herald_assert_pipeline_room(p_project text, p_pipeline text, p_amount integer) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        IF herald_pipeline_unfinished(p_project, p_pipeline, p_amount) >= p_amount THEN
          RAISE EXCEPTION 'maximum number [%] of concurrent pipelines has been reached', p_amount USING ERRCODE = 'HR430', DETAIL = p_amount::text;
        END IF;
      END $$`);
    await createIndexesConcurrently(q, INDEXES);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(q, INDEXES);
    await q.query(`DROP FUNCTION herald_assert_pipeline_room(text, text, integer)`);
    await q.query(`DROP FUNCTION herald_pipeline_unfinished(text, text, integer)`);
    await q.query(`ALTER TABLE jobs DROP COLUMN waiting`);
  }
}
