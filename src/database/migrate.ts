import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

const MIGRATION_LOCK = 7_303_011; // any constant; serialises instances starting together
/** How often an instance waiting for another's migrations tries the lock again. */
const LOCK_RETRY_MS = 100;
const UNDEFINED_TABLE = '42P01';

/**
 * Runs pending migrations under an advisory lock, so several instances can start at once (and the
 * migration command with them). `first` runs under the same lock, before them (the command's
 * queue schema).
 */
export async function runMigrations(url: string, first?: () => Promise<void>): Promise<string[]> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: { max: 2, application_name: 'herald-migrate' },
  });
  await ds.initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    // Tried, not waited for: a session blocked in pg_advisory_lock() is a running statement, and a
    // migration that builds an index CONCURRENTLY in the instance holding the lock waits for every
    // running statement to end. Both would wait for ever: PostgreSQL sees no cycle, the holder's lock
    // and its migration being two connections of one process.
    while (!(await lock.query('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK]))[0].ok) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
    await first?.();
    const ran = await ds.runMigrations({ transaction: 'each' });
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    return ran.map((m) => m.name);
  } finally {
    await lock.release();
    await ds.destroy();
  }
}

/** This build's migrations that the database has not run, in order (all of them on an empty database). */
export async function pendingMigrations(url: string): Promise<string[]> {
  const expected = MIGRATIONS.map((m) => new m().name as string);
  const client = new Client({ connectionString: url, application_name: 'herald-migrate' });
  await client.connect();
  try {
    const applied = new Set((await client.query<{ name: string }>('SELECT name FROM migrations')).rows.map((r) => r.name));
    return expected.filter((n) => !applied.has(n));
  } catch (err) {
    if ((err as { code?: string }).code === UNDEFINED_TABLE) return expected;
    throw err;
  } finally {
    await client.end();
  }
}

/** Start-up with HERALD_MIGRATE=off on a database that lacks some of this build's migrations. */
export class MigrationsPendingError extends Error {
  constructor(readonly pending: string[]) {
    super(
      `HERALD_MIGRATE is off and the database lacks ${pending.length} migration(s) of this build (${pending.join(', ')}): run the migration command (node dist/src/cli/migrate.js) first`,
    );
  }
}
