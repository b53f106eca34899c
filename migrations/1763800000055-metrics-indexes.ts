import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for what GET /metrics reads at scrape time (src/metrics/infrastructure/metrics.repository.ts):
 * the open messages (pending, retrying) per subscription, for the per-endpoint backlog, and the
 * disabled subscriptions. Both are partial: they hold the live backlog and the few disabled
 * subscriptions only, never the delivered history. Built CONCURRENTLY (outside a transaction) so
 * that a large webhook_messages table keeps taking writes meanwhile; an index left invalid by
 * an interrupted build is dropped and built again.
 */
const INDEXES: Array<{ name: string; create: string }> = [
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
    for (const index of INDEXES) {
      const [existing] = (await q.query(`SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`, [index.name])) as Array<{ valid: boolean }>;
      if (existing?.valid) continue;
      if (existing) await q.query(`DROP INDEX CONCURRENTLY ${index.name}`);
      await q.query(index.create);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of INDEXES) await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index.name}`);
  }
}
