import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexesConcurrently, dropIndexesConcurrently, type ConcurrentIndex } from './concurrent-indexes';

/**
 * Indexes for two reads of the dashboard (docs/API.md, docs/DASHBOARD.md):
 *  - webhook_messages_subscription_page_idx: GET /api/v1/deliveries?subscriptionId=, newest
 *    first in pages (src/webhooks/infrastructure/delivery-views.repository.ts): a page of one
 *    subscription reads its `limit` entries in the list's own order, however many messages the
 *    subscription has (webhook_messages_subscription_idx would read and sort all of them). Its
 *    key columns never change after a message is inserted.
 *  - webhook_attempts_subscription_idx: a subscription's attempts of the last hour (its health's
 *    `lastHour`, subscription-views.repository.ts), an index-only range with the outcome included.
 * Built CONCURRENTLY (outside a transaction) so that large tables keep taking writes meanwhile;
 * an index left invalid by an interrupted build is dropped and built again. A webhook_attempts
 * partitioned by deploy/sql/partition-attempts.sql cannot take CREATE INDEX CONCURRENTLY: there
 * the index is made on the parent alone, built CONCURRENTLY on each partition and attached
 * (valid once every partition has its own); partitions created later inherit it.
 */
const MESSAGE_INDEXES: ConcurrentIndex[] = [
  {
    name: 'webhook_messages_subscription_page_idx',
    create: `CREATE INDEX CONCURRENTLY webhook_messages_subscription_page_idx ON webhook_messages (subscription_id, created_at DESC, event_position DESC, id DESC)`,
  },
];

const ATTEMPTS_INDEX = 'webhook_attempts_subscription_idx';
const ATTEMPTS_COLUMNS = '(subscription_id, attempted_at) INCLUDE (outcome)';

async function createAttemptsIndex(q: QueryRunner): Promise<void> {
  const [table] = (await q.query(`SELECT c.relkind = 'p' AS partitioned FROM pg_class c WHERE c.oid = to_regclass('webhook_attempts')`)) as Array<{ partitioned: boolean }>;
  if (!table?.partitioned) {
    await createIndexesConcurrently(q, [{ name: ATTEMPTS_INDEX, create: `CREATE INDEX CONCURRENTLY ${ATTEMPTS_INDEX} ON webhook_attempts ${ATTEMPTS_COLUMNS}` }]);
    return;
  }
  await q.query(`CREATE INDEX IF NOT EXISTS ${ATTEMPTS_INDEX} ON ONLY webhook_attempts ${ATTEMPTS_COLUMNS}`);
  // Each partition without its part of the index (one left invalid by an interrupted build is built again).
  const partitions = (await q.query(
    `SELECT c.relname AS partition, left(c.relname, 45) || '_subscription_idx' AS index,
            (SELECT x.indisvalid FROM pg_index x WHERE x.indexrelid = to_regclass(quote_ident(left(c.relname, 45) || '_subscription_idx'))) AS valid,
            EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index x ON x.indexrelid = ii.inhrelid
                     WHERE ii.inhparent = to_regclass($1) AND x.indrelid = c.oid) AS attached
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'webhook_attempts'::regclass
      ORDER BY c.relname`,
    [ATTEMPTS_INDEX],
  )) as Array<{ partition: string; index: string; valid: boolean | null; attached: boolean }>;
  for (const p of partitions) {
    if (p.attached) continue;
    if (p.valid === false) await q.query(`DROP INDEX CONCURRENTLY ${p.index}`);
    if (p.valid !== true) await q.query(`CREATE INDEX CONCURRENTLY ${p.index} ON ${p.partition} ${ATTEMPTS_COLUMNS}`);
    await q.query(`ALTER INDEX ${ATTEMPTS_INDEX} ATTACH PARTITION ${p.index}`);
  }
}

export class DeliveryPageIndexes1763800000110 implements MigrationInterface {
  name = 'DeliveryPageIndexes1763800000110';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexesConcurrently(q, MESSAGE_INDEXES);
    await createAttemptsIndex(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(q, MESSAGE_INDEXES);
    // A partitioned index cannot be dropped CONCURRENTLY; its partitions' parts go with it.
    const [table] = (await q.query(`SELECT c.relkind = 'p' AS partitioned FROM pg_class c WHERE c.oid = to_regclass('webhook_attempts')`)) as Array<{ partitioned: boolean }>;
    if (table?.partitioned) await q.query(`DROP INDEX IF EXISTS ${ATTEMPTS_INDEX}`);
    else await dropIndexesConcurrently(q, [{ name: ATTEMPTS_INDEX, create: '' }]);
  }
}
