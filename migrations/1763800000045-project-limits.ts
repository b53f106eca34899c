import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-project limits (issue: trust boundaries): an admin's overrides of the configured defaults
 * (`project_limits`, one row per project that has any), a partial index that counts a project's
 * unfinished jobs, and the check a submission's transaction runs among its pipelined writes: it
 * raises SQLSTATE HR429 when the project already has as many unfinished jobs as it may, so the
 * check costs no round trip of its own and a refused submission writes nothing. Submissions of
 * one project serialise on an advisory lock from the check to their COMMIT (the limit is exact
 * under races); jobs without a project and projects without a limit take no lock.
 */
export class ProjectLimits1763800000045 implements MigrationInterface {
  name = 'ProjectLimits1763800000045';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE project_limits (
        project_id          text PRIMARY KEY,
        requests_per_second integer CHECK (requests_per_second >= 0),
        max_jobs_in_flight  integer CHECK (max_jobs_in_flight >= 0),
        max_subscriptions   integer CHECK (max_subscriptions >= 0),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX jobs_project_unfinished_idx ON jobs (project_id) WHERE project_id IS NOT NULL AND status IN ('pending', 'active', 'paused')`);
    // A project's webhooks and channels (scope_id is the project, or "<project>/<batch>"), counted against maxSubscriptions.
    await q.query(`CREATE INDEX webhook_subscriptions_owner_idx ON webhook_subscriptions ((split_part(scope_id, '/', 1))) WHERE scope IN ('project', 'batch', 'channel') AND status <> 'deleted'`);
    // p_max null or 0: no limit. The count stops at p_max (a bounded index scan whatever the project holds).
    await q.query(`
      CREATE FUNCTION herald_assert_jobs_room(p_project text, p_default integer) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        cap integer := coalesce((SELECT max_jobs_in_flight FROM project_limits WHERE project_id = p_project), p_default);
        n integer;
      BEGIN
        IF cap IS NULL OR cap = 0 THEN RETURN; END IF;
        -- One submission of the project at a time from here to its COMMIT, so racing ones cannot
        -- both take the last place; the count below then sees the previous one's job.
        PERFORM pg_advisory_xact_lock(hashtextextended('herald.jobs_room:' || p_project, 0));
        SELECT count(*) INTO n FROM (
          SELECT 1 FROM jobs WHERE project_id = p_project AND status IN ('pending', 'active', 'paused') LIMIT cap) AS unfinished;
        IF n >= cap THEN
          RAISE EXCEPTION 'project % has % unfinished jobs, its limit', p_project, cap USING ERRCODE = 'HR429', DETAIL = cap::text;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION herald_assert_jobs_room(text, integer)`);
    await q.query(`DROP INDEX webhook_subscriptions_owner_idx`);
    await q.query(`DROP INDEX jobs_project_unfinished_idx`);
    await q.query(`DROP TABLE project_limits`);
  }
}
