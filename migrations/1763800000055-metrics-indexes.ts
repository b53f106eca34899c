import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexesConcurrently, dropIndexesConcurrently, type ConcurrentIndex } from './concurrent-indexes';

/**
 * Indexes for what GET /metrics reads at scrape time (src/metrics/infrastructure/metrics.repository.ts):
 * the open messages (pending, retrying) per subscription, for the per-endpoint backlog, and the
 * disabled subscriptions. Both are partial: they hold the live backlog and the few disabled
 * subscriptions only, never the delivered history. Built CONCURRENTLY (outside a transaction) so
 * that a large webhook_messages table keeps taking writes meanwhile; an index left invalid by
 * an interrupted build is dropped and built again.
 */
const INDEXES: ConcurrentIndex[] = [
  {
    name: 'webhook_messages_open_idx',
    create: `CREATE INDEX CONCURRENTLY webhook_messages_open_idx ON webhook_messages (subscription_id) WHERE status IN ('pending', 'retrying')`,
  },
  {
    name: 'webhook_subscriptions_disabled_idx',
    create: `CREATE INDEX CONCURRENTLY webhook_subscriptions_disabled_idx ON webhook_subscriptions (id) WHERE status = 'disabled'`,
  },
];

export class MetricsIndexes1763800000055 implements MigrationInterface {
  name = 'MetricsIndexes1763800000055';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexesConcurrently(q, INDEXES);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(q, INDEXES);
  }
}
