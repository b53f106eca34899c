import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Endpoint health (issue: one dead endpoint must not stop delivery to the others): the state of
 * each endpoint (origin) as the delivery workers last saw it, shown on subscriptions; and, on
 * each attempt, the endpoint's state when it was made (a probe of an open circuit, or an
 * attempt under a reduced limit).
 */
export class EndpointHealth1763800000020 implements MigrationInterface {
  name = 'EndpointHealth1763800000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        endpoint text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('healthy', 'degraded', 'open')),
        concurrency integer NOT NULL,
        consecutive_failures integer NOT NULL,
        retry_at timestamptz,
        last_error text,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`ALTER TABLE webhook_attempts ADD COLUMN endpoint_state text`);
    // Events a disabled subscription would have received: counted, not silently absent.
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN skipped_events bigint NOT NULL DEFAULT 0, ADD COLUMN disabled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN skipped_events, DROP COLUMN disabled_at`);
    await q.query(`ALTER TABLE webhook_attempts DROP COLUMN endpoint_state`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
