import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fan-out order per job across instances: every append that enqueues a fan-out job also writes
 * a row here (its first event's position), and the fan-out's transaction deletes it. The take
 * statement holds back a job's message while an earlier event of the job is still being fanned
 * out (by any instance), so a later event's webhook never goes out before an earlier one's
 * message exists. Rows live for milliseconds; the table stays tiny.
 */
export class PendingFanouts1763800000098 implements MigrationInterface {
  name = 'PendingFanouts1763800000098';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_pending_fanouts (
        fanout_id      uuid PRIMARY KEY,
        job_id         text NOT NULL,
        first_position bigint NOT NULL,
        created_at     timestamptz NOT NULL
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000)`);
    await q.query(`CREATE INDEX webhook_pending_fanouts_job_idx ON webhook_pending_fanouts (job_id, first_position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_pending_fanouts`);
  }
}
