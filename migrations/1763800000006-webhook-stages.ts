import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook stages: nodes that Herald runs itself. `tasks.context` keeps what a stage learnt (its
 * request, responses and monitor state), returned with results and read by later expressions.
 * `webhook_stage_runs` is the operational state of each stage task: when it is due, which
 * instance holds it (a lease, claimed with SKIP LOCKED), and where its call or polling stands.
 */
export class WebhookStages1763800000006 implements MigrationInterface {
  name = 'WebhookStages1763800000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN context jsonb`);
    await q.query(`
      CREATE TABLE webhook_stage_runs (
        task_id      uuid PRIMARY KEY,
        job_id       text NOT NULL,
        node_name    text NOT NULL,
        state        text NOT NULL CHECK (state IN ('running', 'canceling', 'done')),
        next_at      timestamptz NOT NULL,
        lease_token  uuid,
        lease_until  timestamptz,
        run          jsonb NOT NULL,
        created_at   timestamptz NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX webhook_stage_runs_due_idx ON webhook_stage_runs (next_at) WHERE state <> 'done'`);
    await q.query(`CREATE INDEX webhook_stage_runs_job_idx ON webhook_stage_runs (job_id) WHERE state <> 'done'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_stage_runs`);
    await q.query(`ALTER TABLE tasks DROP COLUMN context`);
  }
}
