import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../app.factory';
import { loadConfig } from '../config/config';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../database/embedded-postgres';
import { freePort } from '../common/free-port';
import { withDatabase } from '../database/database-url';



async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The OpenAPI document exactly as a running Herald serves it at /docs-json: Herald is started
 * in this process on a throwaway database (a new database on DATABASE_URL's server when it is
 * set, else an embedded PostgreSQL in a temporary folder), asked for the document over HTTP on
 * 127.0.0.1, then stopped and its database removed.
 */
export async function fetchOpenApiDocument(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  let embedded: EmbeddedHandle | undefined;
  let dir: string | undefined;
  let serverUrl = env.DATABASE_URL;
  if (!serverUrl) {
    dir = mkdtempSync(join(tmpdir(), 'herald-openapi-'));
    embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres', fast: true });
    serverUrl = embedded.url;
  }
  const database = `herald_openapi_${randomBytes(5).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${database}`);
  try {
    const config = { ...loadConfig({}), databaseUrl: withDatabase(serverUrl, database), poolSize: 2 };
    const app = await createApp(config, { logger: ['error'] });
    try {
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/docs-json`);
      if (!res.ok) throw new Error(`GET /docs-json answered ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await embedded?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
