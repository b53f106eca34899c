import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracing (docs/TRACING.md): a message keeps the W3C traceparent of the fan-out span that wrote
 * it, so each of its delivery attempts, in whichever instance and however late, is a span of the
 * same trace, read with the message by the take statement (no statement of its own). Null when
 * tracing is off. Nullable without a default: adding it rewrites nothing.
 */
export class MessageTrace1763800000060 implements MigrationInterface {
  name = 'MessageTrace1763800000060';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_messages ADD COLUMN trace_parent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_messages DROP COLUMN trace_parent`);
  }
}
