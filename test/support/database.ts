import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPool, Db } from '../../src/database/db';
import { withDatabase } from '../../src/database/database-url';

function adminUrl(): string {
  const url = process.env.HERALD_TEST_ADMIN_URL;
  if (!url) throw new Error('test database not set up (globalSetup did not run)');
  return url;
}


/** A fresh, migrated database for one test file (cloned from the run's template). */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const ppid = process.env.HERALD_TEST_TEMPLATE!.replace('herald_test_tpl_', '');
  const name = `herald_test_${ppid}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.HERALD_TEST_TEMPLATE}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl(), name),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A Db on a fresh test database, for integration tests below the HTTP layer. */
export async function openTestDb(max = 10): Promise<{ db: Db; url: string; close: () => Promise<void> }> {
  const { url, drop } = await createTestDatabase();
  const db = new Db(createPool(url, max));
  return {
    db,
    url,
    close: async () => {
      await db.end();
      await drop();
    },
  };
}

/** One statement on a connection of its own (a database no running Herald pool holds, or a quick look from outside). */
export async function queryOnce<T>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}
