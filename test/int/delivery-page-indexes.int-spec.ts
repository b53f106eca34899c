import type { Db } from '../../src/database/db';
import { runMigrations } from '../../src/database/migrate';
import { SubscriptionViewsRepository } from '../../src/webhooks/infrastructure/subscription-views.repository';
import { openTestDb } from '../support/database';
import { partitionAttempts } from '../support/retention';

/**
 * Migration 110 on a webhook_attempts partitioned by deploy/sql/partition-attempts.sql (where
 * CREATE INDEX CONCURRENTLY is refused): the index is made on the parent alone, built on each
 * partition and attached, and is valid once all are; a build interrupted half-way (the parent's
 * index, one partition's built but not attached) is finished; a partition created later has it.
 */
const MIGRATION = 'DeliveryPageIndexes1763800000110';
const INDEX = 'webhook_attempts_subscription_idx';
const SUB = '00000000-0000-4000-8000-000000000110';

describe('the last hour index on a partitioned webhook_attempts', () => {
  let db: Db;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, url, close } = await openTestDb(2));
    // Attempts of three months ago and of now: the script makes a partition per month from the oldest.
    await db.query(`
      INSERT INTO webhook_attempts (message_id, subscription_id, job_id, event_position, attempt, url, status_code, duration_ms, outcome, attempted_at)
      SELECT gen_random_uuid(), $1, 'idx:' || i, i, 1, 'https://hooks.example.test/', CASE WHEN i % 2 = 0 THEN 200 ELSE 500 END, 5,
             CASE WHEN i % 2 = 0 THEN 'delivered' ELSE 'retrying' END, now() - (i % 4) * interval '1 month' - i * interval '1 second'
        FROM generate_series(1, 400) AS i`,
      [SUB],
    );
    await partitionAttempts(url);
  }, 60_000);
  afterAll(() => close?.());

  const partitions = () => db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'webhook_attempts'::regclass ORDER BY 1`);
  /** The partitions whose part of the index is attached to it. */
  const attached = () =>
    db.query<{ name: string }>(
      `SELECT t.relname AS name FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE i.inhparent = to_regclass($1) ORDER BY 1`,
      [INDEX],
    );
  const valid = async () => (await db.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)`, [INDEX]))[0]?.valid;

  it('builds it partition by partition, finishing an interrupted build, and later partitions inherit it', async () => {
    const all = (await partitions()).map((p) => p.name);
    expect(all.length).toBeGreaterThanOrEqual(6);
    // As a database partitioned before this migration ran, interrupted after one partition's build.
    await db.query(`DROP INDEX ${INDEX}`);
    await db.query(`DELETE FROM migrations WHERE name = $1`, [MIGRATION]);
    await db.query(`CREATE INDEX ${INDEX} ON ONLY webhook_attempts (subscription_id, attempted_at) INCLUDE (outcome)`);
    await db.query(`CREATE INDEX ${all[0]}_subscription_idx ON ${all[0]} (subscription_id, attempted_at) INCLUDE (outcome)`);
    expect(await valid()).toBe(false);

    expect(await runMigrations(url)).toEqual([MIGRATION]);
    expect(await valid()).toBe(true);
    expect((await attached()).map((p) => p.name)).toEqual(all);

    await db.query(`CREATE TABLE webhook_attempts_p2099_01 PARTITION OF webhook_attempts FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')`);
    expect((await attached()).map((p) => p.name)).toContain('webhook_attempts_p2099_01');

    // The hour's counts, across the partitioned table.
    const now = new Date();
    const [{ attempts, succeeded }] = await db.query<{ attempts: number; succeeded: number }>(
      `SELECT count(*)::int AS attempts, (count(*) FILTER (WHERE outcome = 'delivered'))::int AS succeeded FROM webhook_attempts WHERE subscription_id = $1 AND attempted_at > $2 AND attempted_at <= $3`,
      [SUB, new Date(now.getTime() - 3600_000), now],
    );
    expect(attempts).toBeGreaterThan(0);
    expect((await new SubscriptionViewsRepository().recentAttempts(db, [SUB], new Date(now.getTime() - 3600_000), now)).get(SUB)).toEqual({ attempts, succeeded });

    // Down and up again: gone, then whole again.
    await db.query(`DELETE FROM migrations WHERE name = $1`, [MIGRATION]);
    await db.query(`DROP INDEX ${INDEX}`);
    expect(await runMigrations(url)).toEqual([MIGRATION]);
    expect(await valid()).toBe(true);
    expect((await attached()).map((p) => p.name)).toEqual((await partitions()).map((p) => p.name));
  });
});
