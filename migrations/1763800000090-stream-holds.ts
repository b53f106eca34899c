import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One attempt at a time per ordered stream across instances: the take statement that moves a
 * (subscription, job) stream to a message also marks it held by its instance until the attempt's
 * outcome is recorded (or `held_until`, the longest an attempt can take, passes), and another
 * instance's take leaves a held stream alone. Nullable columns, no default: no table rewrite.
 */
export class StreamHolds1763800000090 implements MigrationInterface {
  name = 'StreamHolds1763800000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_streams ADD COLUMN held_by uuid, ADD COLUMN held_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_streams DROP COLUMN held_by, DROP COLUMN held_until`);
  }
}
