import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auto-disable (issue 13): webhook_subscriptions.failing_since, the first failed attempt after
 * the subscription's last successful one (null while its last attempt succeeded). Written with
 * its last call by the delivery recorder; a failed attempt HERALD_WEBHOOK_DISABLE_AFTER_DAYS
 * after it disables the subscription. A nullable column without a default: no table rewrite.
 */
export class FailingSince1763800000085 implements MigrationInterface {
  name = 'FailingSince1763800000085';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN failing_since timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_subscriptions DROP COLUMN failing_since`);
  }
}
