import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../src/database/embedded-postgres';
import { freePort } from '../src/common/free-port';

export { freePort };

export interface BenchDatabase {
  url: string;
  description: string;
  /** The embedded server's data folder (absent on an external server). */
  dataDir?: string;
  dispose: () => Promise<void>;
}

/**
 * A database of the benchmark's own: a dedicated one on the DATABASE_URL server, dropped after,
 * or an embedded PostgreSQL in a temporary folder (fsync off unless `durable`), removed after.
 */
export async function benchDatabase(durable = false, settings: Record<string, string> = {}): Promise<BenchDatabase> {
  const external = loadConfig().databaseUrl;
  if (external) {
    const name = `herald_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(external);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      description: `DATABASE_URL server, dedicated database ${name}`,
      dispose: async () => {
        const c = new Client({ connectionString: external });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-pg-'));
  let embedded: EmbeddedHandle;
  try {
    embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'herald_bench', fast: !durable, settings });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: embedded.url,
    dataDir: dir,
    description: `embedded PostgreSQL 18 in a temporary folder (${durable ? 'fsync on' : 'fsync, synchronous_commit and full_page_writes off, as in the test suite'})`,
    dispose: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
