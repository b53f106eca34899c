import 'reflect-metadata';
import { loadConfigOrExit } from '../config/config';
import { connect, type DatabaseConnection } from '../database/database.module';
import { rebuildJobProjections } from '../jobs/infrastructure/projection-rebuilder';

/**
 * `npm run projections:rebuild`: replays every event into fresh `jobs` and `tasks` read models.
 * Uses the same configuration as the service (DATABASE_URL, or the embedded PostgreSQL under
 * HERALD_DATA_DIR) and runs pending migrations first. Safe while Herald is running: writers
 * wait for the rebuild's table locks, readers see the old rows until it commits.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let connection: DatabaseConnection | undefined;
  try {
    connection = await connect(config);
    const started = Date.now();
    const { jobs, events } = await rebuildJobProjections(connection.db);
    console.log(`projections rebuilt: ${jobs} jobs from ${events} events in ${Date.now() - started} ms`);
  } finally {
    await connection?.onApplicationShutdown();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('projections:rebuild failed:', err);
    process.exit(1);
  },
);
