import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Structured logs (docs/LOGGING.md): a message keeps the correlationId of the event it is for
 * (the id of the request that appended it), written by fan-out, so that every log line of its
 * delivery attempts names that request without a statement of its own: the take statement reads
 * it with the message. Null for messages written before, and for channel tests. Nullable without
 * a default: adding it rewrites nothing.
 */
export class MessageCorrelation1763800000050 implements MigrationInterface {
  name = 'MessageCorrelation1763800000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_messages ADD COLUMN correlation_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_messages DROP COLUMN correlation_id`);
  }
}
