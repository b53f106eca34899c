import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message that waits behind an ordered stream held by another instance marks the stream
 * `wanted` (in the take statement); the holder's release then NOTIFYs herald_streams with the
 * stream, so the waiter takes it again at once instead of polling. Nullable, no default: no
 * table rewrite.
 */
export class StreamWaiters1763800000095 implements MigrationInterface {
  name = 'StreamWaiters1763800000095';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_streams ADD COLUMN wanted boolean`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_streams DROP COLUMN wanted`);
  }
}
