import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

const MIGRATION_LOCK = 7_303_011; // any constant; serialises instances starting together

/** Runs pending migrations under an advisory lock, so several instances can start at once. */
export async function runMigrations(url: string): Promise<string[]> {
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
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await ds.runMigrations({ transaction: 'each' });
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    return ran.map((m) => m.name);
  } finally {
    await lock.release();
    await ds.destroy();
  }
}
