import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedHandle } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { freePort } from '../../src/common/free-port';
import { withDatabase } from '../../src/database/database-url';
import { ensureDashboardBuilt } from './dashboard-bundle';

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, otherwise an embedded server in a
 * temporary folder. A template database is migrated once; each test file clones its own.
 */


export default async function globalSetup(): Promise<void> {
  // The dashboard's bundle (dist/ui) the e2e tests serve: built when missing or stale.
  ensureDashboardBuilt();
  let adminUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedHandle | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'herald-test-pg-'));
    try {
      embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres', fast: true });
    } catch (err) {
      if (!(err instanceof EmbeddedPostgresError)) throw err;
      console.error(`\nHerald tests: ${err.message}`);
      process.exit(1);
    }
    adminUrl = embedded.url;
  }
  const template = `herald_test_tpl_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await runMigrations(withDatabase(adminUrl, template));
  // pg-boss's schema too, so each cloned database starts with it.
  const boss = new PgBoss({ connectionString: withDatabase(adminUrl, template), supervise: false, schedule: false, max: 2 });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, close: true, wait: true });

  process.env.HERALD_TEST_ADMIN_URL = adminUrl;
  process.env.HERALD_TEST_TEMPLATE = template;
  (globalThis as Record<string, unknown>).__heraldTest = { embedded, dir, adminUrl, template };
}
