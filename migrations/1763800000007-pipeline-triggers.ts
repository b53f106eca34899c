import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored pipelines (run by name, or by a webhook trigger) and the receipts of trigger webhooks:
 * a webhook-id seen within 24 h answers with the job it started instead of starting another.
 */
export class PipelineTriggers1763800000007 implements MigrationInterface {
  name = 'PipelineTriggers1763800000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stored_pipelines (
        name        text PRIMARY KEY,
        definition  jsonb NOT NULL,
        triggers    jsonb,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE trigger_receipts (
        pipeline_name text NOT NULL,
        webhook_id    text NOT NULL,
        job_id        text NOT NULL,
        received_at   timestamptz NOT NULL,
        PRIMARY KEY (pipeline_name, webhook_id)
      )`);
    await q.query(`CREATE INDEX trigger_receipts_received_idx ON trigger_receipts (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE trigger_receipts`);
    await q.query(`DROP TABLE stored_pipelines`);
  }
}
