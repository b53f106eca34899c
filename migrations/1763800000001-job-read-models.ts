import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of jobs and their tasks. Both are projections of `events`, updated in the
 * append's transaction and rebuilt from scratch by `npm run projections:rebuild`.
 */
export class JobReadModels1763800000001 implements MigrationInterface {
  name = 'JobReadModels1763800000001';

  async up(q: QueryRunner): Promise<void> {
    // One row per job: everything the status endpoint answers, kept in O(1) per event.
    await q.query(`
      CREATE TABLE jobs (
        job_id          text        PRIMARY KEY,
        kind            text        NOT NULL,
        pipeline        text        NOT NULL,
        status          text        NOT NULL,
        priority        integer     NOT NULL,
        version         integer     NOT NULL,
        level           text        NOT NULL,
        summary         jsonb       NOT NULL,
        spec            jsonb       NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        started_at      timestamptz,
        finished_at     timestamptz,
        ttl_expires_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX jobs_pipeline_created_idx ON jobs (pipeline, created_at DESC)`);
    await q.query(`CREATE INDEX jobs_status_created_idx ON jobs (status, created_at DESC)`);
    await q.query(`CREATE INDEX jobs_created_idx ON jobs (created_at DESC, job_id)`);
    await q.query(`CREATE INDEX jobs_running_ttl_idx ON jobs (ttl_expires_at) WHERE status IN ('pending', 'active')`);

    // One row per task (batch item). Workers acquire from here with SKIP LOCKED.
    await q.query(`
      CREATE TABLE tasks (
        task_id         uuid        PRIMARY KEY,
        job_id          text        NOT NULL REFERENCES jobs (job_id),
        node_name       text        NOT NULL,
        algorithm_name  text        NOT NULL,
        batch_index     integer,
        batch_id        text,
        input           jsonb       NOT NULL,
        state           text        NOT NULL,
        priority        integer     NOT NULL,
        attempt         integer     NOT NULL DEFAULT 0,
        worker_name     text,
        lease_expires_at timestamptz,
        available_at    timestamptz NOT NULL,
        result          jsonb,
        error           jsonb,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX tasks_job_node_idx ON tasks (job_id, node_name, batch_index)`);
    await q.query(`
      CREATE INDEX tasks_pending_idx ON tasks (algorithm_name, priority, available_at, job_id, batch_index)
      WHERE state = 'pending'`);
    await q.query(`CREATE INDEX tasks_pending_any_idx ON tasks (priority, available_at, job_id, batch_index) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX tasks_active_lease_idx ON tasks (lease_expires_at) WHERE state = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tasks`);
    await q.query(`DROP TABLE jobs`);
  }
}
