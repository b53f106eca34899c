import { rmSync } from 'node:fs';
import { Client } from 'pg';
import type { EmbeddedHandle } from '../../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__heraldTest as
    | { embedded?: EmbeddedHandle; dir?: string; adminUrl: string; template: string }
    | undefined;
  if (!state) return;
  if (state.embedded) {
    await state.embedded.stop();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
    return;
  }
  // External server: remove what this run created.
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  const dbs = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
    [state.template, `herald_test_${process.pid}_%`],
  );
  for (const { datname } of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}
