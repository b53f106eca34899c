import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects as tenants. API keys that belong to a project (only a SHA-256 digest of each key is
 * stored, with a short prefix to recognise it by), and the project of each row the API scopes
 * by, as an indexed column where a filter on it would otherwise scan:
 *  - jobs.project_id (it was only in summary->>'projectId'), with tasks.project_id copied from
 *    their job, so a project's worker finds its pending tasks by index instead of walking past
 *    every other project's;
 *  - webhook_messages.project_id existed: indexed for a project's delivery list;
 *  - stored pipelines belong to the project whose key stored them (none: an admin's); names are
 *    unique per project, and trigger receipts are kept per project.
 * `job_secrets` holds the secrets of a job's request (signing secret, header values) that its
 * job.submitted event carries masked: events are never rewritten, so what they must not keep is
 * kept here instead (a projection rebuild leaves this table alone).
 */
export class Tenants1763800000030 implements MigrationInterface {
  name = 'Tenants1763800000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id           uuid        PRIMARY KEY,
        project_id   text        NOT NULL,
        name         text        NOT NULL,
        prefix       text        NOT NULL,
        key_hash     bytea       NOT NULL,
        scopes       text[]      NOT NULL,
        created_at   timestamptz NOT NULL,
        last_used_at timestamptz,
        CONSTRAINT api_keys_hash_unique UNIQUE (key_hash)
      )`);
    await q.query(`CREATE INDEX api_keys_project_idx ON api_keys (project_id, created_at, id)`);

    await q.query(`ALTER TABLE jobs ADD COLUMN project_id text`);
    await q.query(`UPDATE jobs SET project_id = summary->>'projectId' WHERE summary ? 'projectId'`);
    await q.query(`CREATE INDEX jobs_project_created_idx ON jobs (project_id, created_at DESC, job_id DESC) WHERE project_id IS NOT NULL`);
    await q.query(`DROP INDEX jobs_project_idx`);

    await q.query(`ALTER TABLE tasks ADD COLUMN project_id text`);
    await q.query(`UPDATE tasks t SET project_id = j.project_id FROM jobs j WHERE j.job_id = t.job_id AND j.project_id IS NOT NULL`);
    await q.query(`
      CREATE INDEX tasks_project_pending_idx ON tasks (project_id, kind, algorithm_name, priority, available_at, job_id, batch_index)
      WHERE state = 'pending' AND project_id IS NOT NULL`);
    await q.query(`
      CREATE INDEX tasks_project_pending_any_idx ON tasks (project_id, priority, available_at, job_id, batch_index)
      WHERE state = 'pending' AND project_id IS NOT NULL`);

    await q.query(`CREATE INDEX webhook_messages_project_idx ON webhook_messages (project_id, created_at DESC, event_position DESC) WHERE project_id IS NOT NULL`);

    await q.query(`ALTER TABLE stored_pipelines ADD COLUMN project_id text`);
    await q.query(`ALTER TABLE stored_pipelines DROP CONSTRAINT stored_pipelines_pkey`);
    await q.query(`ALTER TABLE stored_pipelines ADD CONSTRAINT stored_pipelines_project_name_unique UNIQUE NULLS NOT DISTINCT (project_id, name)`);
    // '' is "no project" here: a primary key column cannot be NULL (project ids are never empty).
    await q.query(`ALTER TABLE trigger_receipts ADD COLUMN project_id text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE trigger_receipts DROP CONSTRAINT trigger_receipts_pkey`);
    await q.query(`ALTER TABLE trigger_receipts ADD PRIMARY KEY (project_id, pipeline_name, webhook_id)`);

    await q.query(`
      CREATE TABLE job_secrets (
        job_id     text        PRIMARY KEY,
        secrets    jsonb       NOT NULL,
        created_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_secrets`);
    await q.query(`ALTER TABLE trigger_receipts DROP CONSTRAINT trigger_receipts_pkey`);
    await q.query(`DELETE FROM trigger_receipts WHERE project_id <> ''`);
    await q.query(`ALTER TABLE trigger_receipts DROP COLUMN project_id`);
    await q.query(`ALTER TABLE trigger_receipts ADD PRIMARY KEY (pipeline_name, webhook_id)`);
    await q.query(`ALTER TABLE stored_pipelines DROP CONSTRAINT stored_pipelines_project_name_unique`);
    await q.query(`DELETE FROM stored_pipelines WHERE project_id IS NOT NULL`);
    await q.query(`ALTER TABLE stored_pipelines DROP COLUMN project_id`);
    await q.query(`ALTER TABLE stored_pipelines ADD PRIMARY KEY (name)`);
    await q.query(`DROP INDEX webhook_messages_project_idx`);
    await q.query(`DROP INDEX tasks_project_pending_any_idx`);
    await q.query(`DROP INDEX tasks_project_pending_idx`);
    await q.query(`ALTER TABLE tasks DROP COLUMN project_id`);
    await q.query(`CREATE INDEX jobs_project_idx ON jobs ((summary->>'projectId'))`);
    await q.query(`DROP INDEX jobs_project_created_idx`);
    await q.query(`ALTER TABLE jobs DROP COLUMN project_id`);
    await q.query(`DROP TABLE api_keys`);
  }
}
