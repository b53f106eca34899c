import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook delivery: subscriptions (who wants what), messages (one per subscription and event),
 * and the append-only log of every attempt. The queue itself is pg-boss (schema pgboss).
 */
export class Webhooks1763800000002 implements MigrationInterface {
  name = 'Webhooks1763800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id              uuid        PRIMARY KEY,
        scope           text        NOT NULL,
        scope_id        text        NOT NULL,
        url             text        NOT NULL,
        headers         jsonb       NOT NULL DEFAULT '{}'::jsonb,
        secret          text,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        format          text        NOT NULL,
        event_types     text[],
        min_level       text        NOT NULL DEFAULT 'trace',
        status          text        NOT NULL DEFAULT 'active',
        disabled_reason text,
        last_call       jsonb,
        last_error      jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_subscriptions_scope_idx ON webhook_subscriptions (scope, scope_id)`);

    await q.query(`
      CREATE TABLE webhook_messages (
        id              uuid        PRIMARY KEY,
        subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        job_id          text        NOT NULL,
        event_position  bigint      NOT NULL,
        event_type      text        NOT NULL,
        kind            text        NOT NULL,
        ordering        text        NOT NULL,
        body            text        NOT NULL,
        status          text        NOT NULL,
        attempts        integer     NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status_code integer,
        last_error      text,
        superseded_by   uuid,
        job_token       uuid        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        delivered_at    timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_messages_job_idx ON webhook_messages (job_id, event_position)`);
    await q.query(`CREATE INDEX webhook_messages_stream_idx ON webhook_messages (subscription_id, job_id, event_position)`);
    await q.query(`CREATE INDEX webhook_messages_failed_idx ON webhook_messages (updated_at) WHERE status = 'failed'`);

    // job_token: the one pg-boss job allowed to act on the message now (stale retry jobs are skipped).
    // Highest event position attempted per (subscription, job): attempts never go backwards.
    await q.query(`
      CREATE TABLE webhook_streams (
        subscription_id uuid   NOT NULL,
        job_id          text   NOT NULL,
        last_position   bigint NOT NULL,
        PRIMARY KEY (subscription_id, job_id)
      )`);

    await q.query(`
      CREATE TABLE webhook_attempts (
        id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id      uuid        NOT NULL,
        subscription_id uuid        NOT NULL,
        job_id          text        NOT NULL,
        event_position  bigint      NOT NULL,
        attempt         integer     NOT NULL,
        url             text        NOT NULL,
        status_code     integer,
        status_message  text,
        response_body   text,
        duration_ms     integer     NOT NULL,
        error_code      text,
        outcome         text        NOT NULL,
        attempted_at    timestamptz NOT NULL,
        next_attempt_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, attempt)`);
    await q.query(`CREATE INDEX webhook_attempts_job_idx ON webhook_attempts (job_id, attempted_at)`);
    await q.query(`
      CREATE TRIGGER webhook_attempts_no_update_delete BEFORE UPDATE OR DELETE ON webhook_attempts
      FOR EACH ROW EXECUTE FUNCTION events_reject_change()`);
    await q.query(`
      CREATE TRIGGER webhook_attempts_no_truncate BEFORE TRUNCATE ON webhook_attempts
      FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempts`);
    await q.query(`DROP TABLE webhook_streams`);
    await q.query(`DROP TABLE webhook_messages`);
    await q.query(`DROP TABLE webhook_subscriptions`);
  }
}
