import { performance } from 'node:perf_hooks';
import type { Db } from '../../src/database/db';
import { ENDPOINT_BACKLOG, MetricsRepository } from '../../src/metrics/infrastructure/metrics.repository';
import { endpointOf } from '../../src/webhooks/domain/endpoint-health';
import { openTestDb } from '../support/database';

/**
 * The webhook backlog of GET /metrics (herald_endpoint_messages_waiting and its totals) when
 * 100,000 subscriptions have open messages (one per job, as job webhooks are): one index-only
 * pass over the open messages, well inside the read's 2 s timeout, with no scan of
 * webhook_messages; and the endpoint each message carries (migration 125) follows its
 * subscription's URL.
 */
const SUBSCRIPTIONS = 100_000;
const HOSTS = 120;
const TOP = 50;
/** A statement's bound: a quarter of the read's timeout (measured: tens of ms; a lookup per subscription took 0.5-1 s here). */
const BOUND_MS = 500;

const subscriptionId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Every plan node of an EXPLAIN (FORMAT JSON). */
function nodes(plan: Record<string, unknown>): Array<Record<string, unknown>> {
  return [plan, ...((plan.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(nodes)];
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    all.push(performance.now() - t);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(runs / 2)], all };
}

describe('webhook backlog on 100,000 subscriptions with open messages', () => {
  let db: Db;
  let close: () => Promise<void>;
  /** Open messages per endpoint, as the data below makes them. */
  const expected = new Map<string, number>();

  beforeAll(async () => {
    ({ db, close } = await openTestDb(4));
    // Subscription i on host i % 120 (some with credentials and upper case, as callers write them).
    await db.query(`
      INSERT INTO webhook_subscriptions (id, scope, scope_id, url, format, status)
      SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'job', 'backlog:' || i,
             CASE WHEN i % 2 = 0 THEN 'https://user:secret@Hooks-' ELSE 'https://hooks-' END || (i % ${HOSTS}) || '.example.test:8443/h/' || i,
             'exec.progress', 'active'
        FROM generate_series(1, ${SUBSCRIPTIONS}) AS i`);
    // Each one: a delivered message and an open one (some retrying); host h's first subscription 2h more open ones,
    // so that every endpoint has a backlog of its own size; subscription 1 also the oldest (an hour old).
    await db.query(`
      INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, status, job_token, created_at)
      SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'backlog:' || i, k, 'task.succeeded',
             'exec.progress', 'latest-wins', repeat('b', 200),
             CASE WHEN k = 1 THEN 'delivered' WHEN i % 7 = 0 THEN 'retrying' ELSE 'pending' END, gen_random_uuid(),
             now() - (i % 600) * interval '1 second'
        FROM generate_series(1, ${SUBSCRIPTIONS}) AS i, generate_series(1, 2) AS k`);
    await db.query(`
      INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, status, job_token, created_at)
      SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(h::text, 12, '0'))::uuid, 'backlog:' || h, 2 + k, 'task.succeeded',
             'exec.progress', 'latest-wins', repeat('b', 200), 'pending', gen_random_uuid(), now()
        FROM generate_series(1, ${HOSTS - 1}) AS h, generate_series(1, 2 * h) AS k
      UNION ALL
      SELECT gen_random_uuid(), '${subscriptionId(1)}'::uuid, 'backlog:1', 1000, 'task.succeeded', 'exec.progress', 'latest-wins', 'b', 'pending', gen_random_uuid(), now() - interval '1 hour'`);
    for (let i = 1; i <= SUBSCRIPTIONS; i++) {
      const e = `https://hooks-${i % HOSTS}.example.test:8443`;
      expected.set(e, (expected.get(e) ?? 0) + 1 + (i < HOSTS ? 2 * i : 0) + (i === 1 ? 1 : 0));
    }
    // Statistics only: the open messages are as fresh as a live backlog's (their pages not yet all-visible).
    await db.query('ANALYZE');
  }, 300_000);
  afterAll(() => close?.());

  it(`answers the ${TOP} largest endpoints and the totals over all ${HOSTS}, within ${BOUND_MS} ms, before and after a vacuum`, async () => {
    const top = [...expected].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    const repo = new MetricsRepository();
    const check = async () => {
      const backlog = (await repo.read(db, TOP)).backlog!;
      expect(backlog.endpoints).toEqual(top.map(([endpoint, waiting]) => ({ endpoint, waiting })));
      expect([backlog.total, backlog.endpointCount]).toEqual([total, HOSTS]);
      expect(backlog.oldestSeconds).toBeGreaterThanOrEqual(3600);
      expect(backlog.oldestSeconds).toBeLessThan(3600 + 300);
    };
    await check();
    const fresh = await median(9, () => db.query(ENDPOINT_BACKLOG, [TOP]));
    const freshRead = await median(9, () => repo.read(db, TOP));
    await db.query('VACUUM ANALYZE webhook_messages');
    await check();
    const vacuumed = await median(9, () => db.query(ENDPOINT_BACKLOG, [TOP]));
    const vacuumedRead = await median(9, () => repo.read(db, TOP));
    const ms = (r: { median: number; all: number[] }) => `${r.median.toFixed(1)} ms median (${r.all.map((t) => t.toFixed(0)).join(', ')})`;
    console.log(
      [
        `webhook backlog, ${SUBSCRIPTIONS} subscriptions with ${total} open messages on ${HOSTS} endpoints:`,
        `  ENDPOINT_BACKLOG, fresh rows:   ${ms(fresh)}`,
        `  MetricsRepository.read, fresh:  ${ms(freshRead)}`,
        `  ENDPOINT_BACKLOG, vacuumed:     ${ms(vacuumed)}`,
        `  MetricsRepository.read, vacuumed: ${ms(vacuumedRead)}`,
      ].join('\n'),
    );
    for (const r of [fresh, vacuumed, freshRead, vacuumedRead]) expect(r.median).toBeLessThan(BOUND_MS);
  });

  it('reads the open messages of one partial index, in custom and generic plans: no scan of webhook_messages, no subscription lookup', async () => {
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      const plan = await db.tx(async (tx) => {
        await tx.query(`SET LOCAL plan_cache_mode = ${mode}`);
        const [row] = await tx.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>(`EXPLAIN (FORMAT JSON) ${ENDPOINT_BACKLOG}`, [TOP]);
        return row['QUERY PLAN'][0].Plan;
      });
      const scans = nodes(plan).filter((n) => typeof n['Relation Name'] === 'string');
      expect([mode, scans.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']])]).toEqual([
        mode,
        [['Index Only Scan', 'webhook_messages', 'webhook_messages_open_endpoint_idx']],
      ]);
    }
  });
});

describe('the endpoint of each open message (migration 125)', () => {
  let db: Db;
  let close: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ db, close } = await openTestDb(2));
  });
  afterAll(() => close?.());

  const subscribe = async (url: string): Promise<string> => {
    const id = subscriptionId(++n);
    await db.query(`INSERT INTO webhook_subscriptions (id, scope, scope_id, url, format, status) VALUES ($1, 'job', $2, $3, 'exec.progress', 'active')`, [id, `e:${n}`, url]);
    return id;
  };
  const message = async (sub: string, status = 'pending'): Promise<string> => {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, status, job_token)
       VALUES (gen_random_uuid(), $1, 'e', $2, 'job.completed', 'exec.progress', 'latest-wins', 'b', $3, gen_random_uuid()) RETURNING id`,
      [sub, ++n, status],
    );
    return row.id;
  };
  const endpointsOf = (ids: string[]) => db.query<{ id: string; endpoint: string | null }>(`SELECT id, endpoint FROM webhook_messages WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids]);
  const backlog = async () => Object.fromEntries((await new MetricsRepository().read(db)).backlog!.endpoints.map((e) => [e.endpoint, e.waiting]));

  it('is the subscription URL\'s origin, spelled as URL.origin spells it', async () => {
    const urls = [
      'https://user:secret@Hooks.Example.TEST:443/path?token=1',
      'HTTP://127.0.0.1:80/x',
      'http://127.0.0.1:8080',
      'http://[::1]:9000/p#frag',
      'https://h.example.test?q=1',
      'https://h.example.test:8443#f',
    ];
    for (const url of urls) {
      const id = await message(await subscribe(url));
      const [{ endpoint }] = await endpointsOf([id]);
      expect([url, endpoint]).toEqual([url, endpointOf(url)]);
    }
  });

  it('follows its subscription\'s new URL while the message is open (a delivered one is left as it is)', async () => {
    const sub = await subscribe('https://old.example.test/hook');
    const open = await message(sub);
    const retrying = await message(sub, 'retrying');
    const delivered = await message(sub, 'delivered');
    expect(await backlog()).toMatchObject({ 'https://old.example.test': 2 });
    await db.query(`UPDATE webhook_subscriptions SET url = 'https://New.example.test:8443/hook', updated_at = now() WHERE id = $1`, [sub]);
    expect(await backlog()).toMatchObject({ 'https://new.example.test:8443': 2 });
    expect((await backlog())['https://old.example.test']).toBeUndefined();
    expect((await endpointsOf([open, retrying, delivered])).map((r) => [r.id, r.endpoint]).sort()).toEqual(
      [
        [open, 'https://new.example.test:8443'],
        [retrying, 'https://new.example.test:8443'],
        [delivered, null],
      ].sort(),
    );
  });

  it('is given to a message opened again without one (a resend of a message written before migration 125)', async () => {
    const sub = await subscribe('https://resent.example.test/hook');
    const id = await message(sub, 'delivered');
    // As a message delivered before the migration: no endpoint.
    await db.query(`UPDATE webhook_messages SET endpoint = NULL WHERE id = $1`, [id]);
    expect((await backlog())['https://resent.example.test']).toBeUndefined();
    await db.query(`UPDATE webhook_messages SET status = 'pending', updated_at = now() WHERE id = $1`, [id]);
    expect(await endpointsOf([id])).toEqual([{ id, endpoint: 'https://resent.example.test' }]);
    expect(await backlog()).toMatchObject({ 'https://resent.example.test': 1 });
  });
});
