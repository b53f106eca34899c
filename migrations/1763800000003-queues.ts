import { MigrationInterface, QueryRunner } from 'typeorm';

/** Named queues: a request is a job of one task (kind 'queue'); settings per queue. */
export class Queues1763800000003 implements MigrationInterface {
  name = 'Queues1763800000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN kind text NOT NULL DEFAULT 'pipeline'`);
    await q.query(`ALTER TABLE tasks ADD COLUMN acquired_at timestamptz`);
    await q.query(`DROP INDEX tasks_pending_idx`);
    await q.query(`
      CREATE INDEX tasks_pending_idx ON tasks (kind, algorithm_name, priority, available_at, job_id, batch_index)
      WHERE state = 'pending'`);
    // A job's pending tasks in acquisition order (acquire never scans a big job's finished tasks).
    await q.query(`CREATE INDEX tasks_job_pending_idx ON tasks (job_id, available_at, node_name, batch_index) WHERE state = 'pending'`);
    // Queue request ids are positive integers, unique across queues (the seed shows integers).
    await q.query(`CREATE SEQUENCE queue_request_id_seq AS bigint START 1`);
    await q.query(`
      CREATE TABLE queue_settings (
        queue_name    text        PRIMARY KEY,
        retry_limit   integer     NOT NULL,
        retry_delay_seconds double precision NOT NULL DEFAULT 0,
        retry_backoff boolean     NOT NULL DEFAULT false,
        lease_seconds double precision NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE queue_settings`);
    await q.query(`DROP SEQUENCE queue_request_id_seq`);
    await q.query(`DROP INDEX tasks_job_pending_idx`);
    await q.query(`DROP INDEX tasks_pending_idx`);
    await q.query(`CREATE INDEX tasks_pending_idx ON tasks (algorithm_name, priority, available_at, job_id, batch_index) WHERE state = 'pending'`);
    await q.query(`ALTER TABLE tasks DROP COLUMN acquired_at`);
    await q.query(`ALTER TABLE tasks DROP COLUMN kind`);
  }
}
