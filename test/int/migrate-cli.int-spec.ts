import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { freePort } from '../../src/common/free-port';
import { withDatabase } from '../../src/database/database-url';
import { MigrationsPendingError, pendingMigrations } from '../../src/database/migrate';
import { run } from '../support/child-process';
import { queryOnce } from '../support/database';
import { api, startHerald } from '../support/herald';

const MIGRATE = 'src/cli/migrate.ts';
const NAMES = MIGRATIONS.map((m) => new m().name as string);

/** A database with nothing in it (not the suite's migrated template). */
async function emptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.HERALD_TEST_ADMIN_URL!;
  const name = `herald_empty_${randomBytes(5).toString('hex')}`;
  const sql = async (text: string) => {
    const c = new Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  await sql(`CREATE DATABASE ${name}`);
  return { url: withDatabase(admin, name), drop: () => sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The migration names a run of the command printed as applied. */
function appliedBy(stdout: string): string[] {
  const m = stdout.match(/applied \d+ migration\(s\): (.*)/);
  return m ? m[1].split(', ') : [];
}

describe('the migration command (src/cli/migrate.ts) and HERALD_MIGRATE=off', () => {
  const dropped: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of dropped) await drop();
  });
  async function fresh() {
    const db = await emptyDatabase();
    dropped.push(db.drop);
    return db;
  }

  it('on an empty database: applies every migration, installs pg-boss and the queues, exits 0; run again it applies nothing', async () => {
    const { url } = await fresh();
    const first = await run(MIGRATE, [], { DATABASE_URL: url, HERALD_MIGRATE: undefined });
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(appliedBy(first.stdout)).toEqual(NAMES);
    expect(first.stdout).toMatch(/installed pg-boss schema 24/);
    expect(first.stdout).toMatch(/created queues: herald_fanout, herald_deliver/);
    expect(await pendingMigrations(url)).toEqual([]);
    const queues = await queryOnce<{ name: string }>(url, `SELECT name FROM pgboss.queue WHERE name LIKE 'herald_%' ORDER BY name`);
    expect(queues.map((q) => q.name)).toEqual(['herald_deliver', 'herald_fanout']);

    const again = await run(MIGRATE, [], { DATABASE_URL: url });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`no migration to apply: the database has all ${NAMES.length} of this build's`);
  });

  it('two runs at once on an empty database both succeed, and each migration is applied once', async () => {
    const { url } = await fresh();
    const [a, b] = await Promise.all([run(MIGRATE, [], { DATABASE_URL: url }), run(MIGRATE, [], { DATABASE_URL: url })]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const applied = [...appliedBy(a.stdout), ...appliedBy(b.stdout)];
    expect(applied.sort()).toEqual([...NAMES].sort());
    const recorded = await queryOnce<{ name: string; n: number }>(url, 'SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
    expect(recorded).toHaveLength(NAMES.length);
    expect(recorded.every((r) => r.n === 1)).toBe(true);
  });

  it('a database that does not answer: exit 1 and one sentence naming it, without credentials or a stack', async () => {
    const port = await freePort();
    const out = await run(MIGRATE, [], { DATABASE_URL: `postgres://herald:s3cret@127.0.0.1:${port}/herald` });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Herald migrate: the database at 127\\.0\\.0\\.1:${port}/herald does not answer \\(.*\\): check DATABASE_URL`));
    expect(lines[0]).not.toContain('s3cret');
  });

  it('no DATABASE_URL: exit 1 and one sentence', async () => {
    const out = await run(MIGRATE, [], { DATABASE_URL: '' });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toMatch(/^Herald migrate: DATABASE_URL is not set: [^\n]+$/);
  });

  it('HERALD_MIGRATE=off: Herald refuses to start on a database lacking migrations and migrates nothing; after the command it starts and is ready', async () => {
    const db = await fresh();
    const refused = startHerald({ migrate: false }, db);
    await expect(refused).rejects.toBeInstanceOf(MigrationsPendingError);
    await expect(refused).rejects.toThrow(`lacks ${NAMES.length} migration(s) of this build (${NAMES.join(', ')}): run the migration command`);
    expect(await pendingMigrations(db.url)).toEqual(NAMES);

    // The service's entry point says it in one sentence too (a plain line, or a JSON log line's msg), without a stack.
    const main = await run('src/main.ts', [], { DATABASE_URL: db.url, HERALD_MIGRATE: 'off', PORT: '0' }, 60_000);
    expect(main.code).toBe(1);
    const lines = `${main.stdout}\n${main.stderr}`.split('\n').filter((l) => l.trim());
    const said = lines.map((l) => (l.startsWith('{') ? String(JSON.parse(l).msg) : l)).filter((l) => l.includes('HERALD_MIGRATE'));
    expect(said).toEqual([expect.stringMatching(/^Herald: HERALD_MIGRATE is off and the database lacks \d+ migration\(s\) of this build \(.*\): run the migration command/)]);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);

    expect((await run(MIGRATE, [], { DATABASE_URL: db.url })).code).toBe(0);
    const herald = await startHerald({ migrate: false }, { url: db.url, drop: async () => undefined });
    try {
      const ready = await api(herald.baseUrl, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.migrations).toEqual({ current: true, pending: [] });
    } finally {
      await herald.stop();
    }
  });
});
