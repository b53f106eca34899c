import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project and batch webhooks, notification channels and routings: more subscription scopes on
 * the same delivery engine. Channels are subscriptions (scope 'channel') with a name; routings
 * say which event types reach which channel.
 */
export class Projects1763800000004 implements MigrationInterface {
  name = 'Projects1763800000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN name text`);
    await q.query(`ALTER TABLE webhook_messages ADD COLUMN project_id text`);
    await q.query(`CREATE INDEX webhook_messages_subscription_idx ON webhook_messages (subscription_id, status)`);
    // One project webhook per project, one batch webhook per batch.
    await q.query(`
      CREATE UNIQUE INDEX webhook_subscriptions_project_batch_unique ON webhook_subscriptions (scope, scope_id)
      WHERE scope IN ('project', 'batch')`);
    await q.query(`
      CREATE TABLE notification_routings (
        id          uuid        PRIMARY KEY,
        project_id  text        NOT NULL,
        event       text        NOT NULL,
        channel_id  uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notification_routings_unique UNIQUE (project_id, event, channel_id)
      )`);
    await q.query(`CREATE INDEX notification_routings_channel_idx ON notification_routings (channel_id)`);
    await q.query(`CREATE INDEX jobs_project_idx ON jobs ((summary->>'projectId'))`);
    // Replays (projections:rebuild) walk streams by their first event.
    await q.query(`CREATE INDEX events_stream_start_idx ON events (stream_type, global_position) WHERE version = 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_stream_start_idx`);
    await q.query(`DROP INDEX jobs_project_idx`);
    await q.query(`DROP TABLE notification_routings`);
    await q.query(`DROP INDEX webhook_subscriptions_project_batch_unique`);
    await q.query(`DROP INDEX webhook_messages_subscription_idx`);
    await q.query(`ALTER TABLE webhook_messages DROP COLUMN project_id`);
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN name`);
  }
}
