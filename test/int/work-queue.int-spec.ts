import { randomUUID } from 'node:crypto';
import { loadConfig, type HeraldConfig } from '../../src/config/config';
import { DatabaseConnection } from '../../src/database/database.module';
import type { Db } from '../../src/database/db';
import { CLAIM_FAILED, DELIVER_QUEUE, FANOUT_QUEUE, WorkQueue } from '../../src/webhooks/infrastructure/work-queue.service';
import { openTestDb } from '../support/database';
import { LiveInstances } from '../../src/common/live-instances';

/**
 * The statements Herald runs on pg-boss's job table itself (claim by id, claim-and-complete,
 * insert as already claimed, transactional send) against a real pg-boss schema.
 */
describe('work queue statements on pg-boss', () => {
  let db: Db;
  let close: () => Promise<void>;
  let queue: WorkQueue;
  const config: HeraldConfig = { ...loadConfig({}), webhooks: { ...loadConfig({}).webhooks, claimExpirySeconds: 77 } };

  beforeAll(async () => {
    const opened = await openTestDb(6);
    ({ db, close } = opened);
    queue = new WorkQueue(new DatabaseConnection(db, opened.url), config, new LiveInstances());
    await queue.onModuleInit();
  });
  afterAll(async () => {
    await queue.beforeApplicationShutdown();
    await close();
  });

  const state = async (id: string) =>
    (await db.query<{ state: string; retry_count: number }>('SELECT state::text, retry_count FROM pgboss.job WHERE id = $1', [id]))[0];
  const send = async (name = FANOUT_QUEUE) => (await queue.boss.send(name, { n: 1 }))!;

  it('claims waiting jobs by id, once, leaving out unknown and already taken ones', async () => {
    const [a, b] = [await send(), await send()];
    const fetched = await queue.fetch(FANOUT_QUEUE, 10);
    expect(fetched.map((j) => j.id).sort()).toEqual([a, b].sort());
    const [c, d] = [await send(), await send()];
    const claimed = await queue.claim(db, FANOUT_QUEUE, [a, c, d, randomUUID()]);
    expect([...claimed].sort()).toEqual([c, d].sort());
    expect(await queue.claim(db, FANOUT_QUEUE, [c, d])).toEqual(new Set());
    expect(await state(c)).toEqual({ state: 'active', retry_count: 0 });
    // A claimed job is an active job like a fetched one: complete() ends it.
    await queue.complete(db, FANOUT_QUEUE, [a, b, c, d]);
    expect((await Promise.all([a, b, c, d].map(state))).map((s) => s.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });

  it('claims and completes waiting jobs in one statement, or fails with CLAIM_FAILED and changes nothing', async () => {
    const [a, b] = [await send(), await send()];
    await queue.completeWaiting(db, FANOUT_QUEUE, [a, b]);
    expect((await state(a)).state).toBe('completed');
    expect((await state(b)).state).toBe('completed');

    const [c, d] = [await send(), await send()];
    await queue.claim(db, FANOUT_QUEUE, [d]); // another instance got d first
    const attempt = db.tx(async (tx) => {
      tx.defer(queue.completeWaiting(tx, FANOUT_QUEUE, [c, d]));
    });
    await expect(attempt).rejects.toMatchObject({ code: CLAIM_FAILED });
    expect((await state(c)).state).toBe('created');
    expect((await state(d)).state).toBe('active');
  });

  it('inserts jobs as already claimed, with the queue settings, out of reach of fetch()', async () => {
    const id = randomUUID();
    await queue.insertActive(db, DELIVER_QUEUE, [{ id, data: { m: 'x', t: 'y' } }]);
    const [row] = await db.query<Record<string, unknown>>(
      `SELECT state::text, data, retry_limit, retry_count, extract(epoch FROM expire_in)::int AS expire_s, started_on IS NOT NULL AS started,
              keep_until > now() + interval '1 day' AS kept
         FROM pgboss.job WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ state: 'active', data: { m: 'x', t: 'y' }, retry_limit: 100, retry_count: 0, expire_s: 77, started: true, kept: true });
    expect((await queue.fetch(DELIVER_QUEUE, 100)).map((j) => j.id)).not.toContain(id);
    await queue.complete(db, DELIVER_QUEUE, [id]);
    expect((await state(id)).state).toBe('completed');
  });

  it('hands a claimed job whose instance died back to the queue once its claim expires', async () => {
    const id = randomUUID();
    await queue.insertActive(db, DELIVER_QUEUE, [{ id, data: { m: 'crashed', t: 't' } }]);
    // The claiming instance died 78 s ago (the claim lasts 77 s): pg-boss's maintenance expires it.
    await db.query(`UPDATE pgboss.job SET started_on = now() - interval '78 seconds' WHERE id = $1`, [id]);
    await queue.boss.expire();
    expect(await state(id)).toEqual({ state: 'retry', retry_count: 0 });
    await db.query(`UPDATE pgboss.job SET start_after = now() WHERE id = $1`, [id]);
    const fetched = await queue.fetch<{ m: string }>(DELIVER_QUEUE, 100);
    expect(fetched.find((j) => j.id === id)?.data).toEqual({ m: 'crashed', t: 't' });
  });

  it('refuses an insert as claimed on a queue that does not exist', async () => {
    await expect(queue.insertActive(db, 'no_such_queue', [{ id: randomUUID(), data: {} }])).rejects.toThrow();
  });

  it('sends in a transaction: committed with it, or rolled back with it', async () => {
    const kept = randomUUID();
    await db.tx(async (tx) => queue.sendInTx(tx, FANOUT_QUEUE, { kept: true }, kept));
    expect((await state(kept)).state).toBe('created');
    const dropped = randomUUID();
    await expect(
      db.tx(async (tx) => {
        queue.sendInTx(tx, FANOUT_QUEUE, { kept: false }, dropped);
        throw new Error('append failed');
      }),
    ).rejects.toThrow('append failed');
    expect(await state(dropped)).toBeUndefined();
  });

  it('fails the transaction when pg-boss creates no job (a queue that does not exist)', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS wq_side (note text)');
    const id = randomUUID();
    const attempt = db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO wq_side VALUES ($1)', ['written with the send']));
      queue.sendInTx(tx, 'no_such_queue', { x: 1 }, id);
    });
    await expect(attempt).rejects.toMatchObject({ code: 'HR500', message: expect.stringContaining('did not create job') });
    expect(await db.query('SELECT * FROM wq_side')).toEqual([]);
  });

  it('parks an endpoint\'s waiting deliveries in one statement (until the park ends or the message\'s deadline), and releases one for a probe', async () => {
    const origin = 'http://127.0.0.1:9';
    const sub = randomUUID();
    await db.query(`INSERT INTO webhook_subscriptions (id, scope, scope_id, url, format) VALUES ($1, 'job', 'park-job', $2, 'progress')`, [sub, `${origin}/hook`]);
    // Three messages of the endpoint (one created long ago: its deadline is near), a resend, and one of another endpoint.
    const msg = async (createdAgo: string, e: string | undefined, force = false) => {
      const [id, token] = [randomUUID(), randomUUID()];
      await db.query(
        `INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, status, job_token, created_at)
         VALUES ($1, $2, 'park-job', 1, 'progress', 'progress', 'latest-wins', '{}', 'pending', $3, now() - $4::interval)`,
        [id, sub, token, createdAgo],
      );
      const job = (await queue.boss.send(DELIVER_QUEUE, { m: id, t: token, ...(e ? { e } : {}), ...(force ? { force: true } : {}) }))!;
      return { id, job };
    };
    const fresh = [await msg('0 s', origin), await msg('0 s', origin)];
    const old = await msg('55 min', origin);
    const resend = await msg('0 s', origin, true);
    const other = await msg('0 s', 'http://127.0.0.1:10');

    const deadlineMs = 60 * 60_000; // an hour after each message was created
    expect(await queue.parkEndpoint(db, origin, new Date(Date.now() + 30 * 60_000), deadlineMs)).toBe(3);
    const due = async (job: string) =>
      Number((await db.query<{ s: number }>(`SELECT extract(epoch FROM start_after - now())::float8 AS s FROM pgboss.job WHERE id = $1`, [job]))[0].s);
    for (const f of fresh) expect(Math.round((await due(f.job)) / 60)).toBe(30);
    expect(Math.round((await due(old.job)) / 60)).toBe(5); // its deadline comes first
    expect(await due(resend.job)).toBeLessThan(1);
    expect(await due(other.job)).toBeLessThan(1);
    // The messages say when they are looked at next.
    const [{ next }] = await db.query<{ next: number }>(`SELECT round(extract(epoch FROM next_attempt_at - now()) / 60)::int AS next FROM webhook_messages WHERE id = $1`, [fresh[0].id]);
    expect(next).toBe(30);
    // Nothing of it is fetched now; a probe releases exactly one.
    const fetched = (await queue.fetch<{ m: string }>(DELIVER_QUEUE, 100)).map((j) => j.data.m);
    for (const f of fresh) expect(fetched).not.toContain(f.id);
    expect(fetched).not.toContain(old.id);
    expect(await queue.releaseOne(db, origin)).toBe(true);
    const probe = (await queue.fetch<{ m: string }>(DELIVER_QUEUE, 100)).map((j) => j.data.m);
    expect(probe.filter((m) => [...fresh, old].some((x) => x.id === m))).toHaveLength(1);
    // The circuit closes: the rest are due at once.
    expect(await queue.releaseParked(db, DELIVER_QUEUE, origin)).toBe(2);
  });
});
