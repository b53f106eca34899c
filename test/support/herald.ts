import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { loadConfig, type HeraldConfig } from '../../src/config/config';
import { Db } from '../../src/database/db';
import { createTestDatabase } from './database';
import type { Resolver } from '../../src/webhooks/infrastructure/egress-guard';
import type { HeraldLog } from '../../src/logging/herald-log';

export interface RunningHerald {
  app: INestApplication;
  baseUrl: string;
  db: Db;
  databaseUrl: string;
  /** Stops the application (the database stays, for a restart test). */
  stop: () => Promise<void>;
  /** Stops the application and drops its database. */
  close: () => Promise<void>;
}

/**
 * HERALD_TEST_FAST_PATHS=off runs every Herald of the suite with the webhook fast paths off
 * (everything through the queues), except those of the tests that are about the fast paths
 * themselves (`fastPaths: 'required'`).
 */
const FAST_PATHS_OFF = process.env.HERALD_TEST_FAST_PATHS === 'off';

/**
 * Starts Herald on 127.0.0.1 with its own database (or the given one). It logs errors only
 * (to stdout), unless `log` is given: a logger of the test's (LogCapture.log(): every line kept in memory).
 */
export async function startHerald(
  overrides: Partial<HeraldConfig> & { resolver?: Resolver; fastPaths?: 'required'; log?: HeraldLog } = {},
  existing?: { url: string; drop: () => Promise<void> },
): Promise<RunningHerald> {
  const database = existing ?? (await createTestDatabase());
  const { resolver, fastPaths, log, ...rest } = overrides;
  const config: HeraldConfig = { ...loadConfig({}), sweepIntervalMs: 100, poolSize: 10, ...rest, databaseUrl: database.url };
  if (FAST_PATHS_OFF && fastPaths !== 'required') config.webhooks = { ...config.webhooks, fastPaths: false };
  const app = await createApp(config, log ? { log, resolver } : { logger: ['error'], resolver });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
  };
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    db: app.get(Db),
    databaseUrl: database.url,
    stop,
    close: async () => {
      await stop();
      await database.drop();
    },
  };
}

/** JSON over real HTTP. */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
