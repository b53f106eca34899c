import 'reflect-metadata';
import { MIGRATIONS } from '../../migrations';
import { loadConfigOrExit } from '../config/config';
import { isDatabaseUnavailable } from '../database/database-errors';
import { runMigrations } from '../database/migrate';
import { prepareQueueSchema, type QueueSchemaChange } from '../webhooks/infrastructure/queue-schema';

/**
 * `node dist/src/cli/migrate.js`: brings the database named by DATABASE_URL to this build's
 * schema and exits: pg-boss's schema and Herald's queues, then Herald's migrations, all under the
 * advisory lock instances take at start-up (so runs of it, and instances, may overlap). For a
 * Kubernetes Job or a release step before instances that run with HERALD_MIGRATE=off. Exit 0 once
 * the schema is current (whether or not this run changed it), 1 with one sentence otherwise.
 */

/** Where the URL points, without its credentials. */
function target(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message || String((err as { code?: string }).code ?? err.name) : String(err);
  return text.split('\n')[0].replace(/[.\s]+$/, '');
}

async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const url = config.databaseUrl;
  if (!url) {
    console.error('Herald migrate: DATABASE_URL is not set: the migration command works on an external PostgreSQL (an embedded one migrates as Herald starts).');
    return 1;
  }
  // pg-boss's schema and the queues first, under the same lock: an instance started with
  // HERALD_MIGRATE=off waits for Herald's migrations, so once they are there nothing is left to do.
  const prepared: { queues?: QueueSchemaChange } = {};
  const ran = await runMigrations(url, async () => {
    prepared.queues = await prepareQueueSchema(url);
  });
  const { from, to, createdQueues } = prepared.queues!;
  if (ran.length) console.log(`applied ${ran.length} migration(s): ${ran.join(', ')}`);
  else console.log(`no migration to apply: the database has all ${MIGRATIONS.length} of this build's`);
  if (from !== to) console.log(from === null ? `installed pg-boss schema ${to}` : `upgraded pg-boss schema ${from} -> ${to}`);
  if (createdQueues.length) console.log(`created queues: ${createdQueues.join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const url = process.env.DATABASE_URL?.trim() ?? '';
    console.error(
      isDatabaseUnavailable(err)
        ? `Herald migrate: the database at ${target(url)} does not answer (${firstLine(err)}): check DATABASE_URL and that PostgreSQL is up.`
        : `Herald migrate: failed (${firstLine(err)}); the migrations before the one that failed stay applied.`,
    );
    process.exit(1);
  },
);
