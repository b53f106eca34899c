import { ConcurrencyError } from '../../src/event-store/event-store.errors';
import { EventStoreRepository } from '../../src/event-store/event-store.repository';
import { START, type NewEvent } from '../../src/event-store/event.types';
import type { Db } from '../../src/database/db';
import { openTestDb } from '../support/database';

const store = new EventStoreRepository();
const ev = (type: string, data: unknown = {}): NewEvent => ({ type, data, metadata: { level: 'info', actor: 'test' } });

describe('event store (PostgreSQL)', () => {
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openTestDb());
  });
  afterAll(() => close());

  it('appends at the expected version and numbers events per stream', async () => {
    const first = await db.tx((tx) => store.append(tx, 's-1', 'job', 0, [ev('a'), ev('b')], new Date()));
    expect(first.map((e) => e.version)).toEqual([1, 2]);
    expect(first[0].globalPosition).toBeLessThan(first[1].globalPosition);
    const next = await db.tx((tx) => store.append(tx, 's-1', 'job', 2, [ev('c')], new Date()));
    expect(next[0].version).toBe(3);
    expect((await store.readStream(db, 's-1')).map((e) => e.type)).toEqual(['a', 'b', 'c']);
  });

  it('rejects a stale expected version with a typed concurrency error and writes nothing', async () => {
    await db.tx((tx) => store.append(tx, 's-2', 'job', 0, [ev('a')], new Date()));
    await expect(db.tx((tx) => store.append(tx, 's-2', 'job', 0, [ev('b')], new Date()))).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(db.tx((tx) => store.append(tx, 's-2', 'job', 5, [ev('b')], new Date()))).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', status: 409 });
    expect(await store.readStream(db, 's-2')).toHaveLength(1);
  });

  it('names the real version of a stream that is behind the expected one', async () => {
    await db.tx((tx) => store.append(tx, 's-behind', 'job', 0, [ev('a')], new Date()));
    await expect(db.tx((tx) => store.append(tx, 's-behind', 'job', 3, [ev('b')], new Date()))).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      details: { streamId: 's-behind', expectedVersion: 3, actualVersion: 1 },
    });
    expect((await store.readStream(db, 's-behind')).map((e) => e.version)).toEqual([1]);
  });

  it('fails the whole transaction on a conflict even when nobody awaits the append', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS es_side (note text)');
    await db.tx((tx) => store.append(tx, 's-unawaited', 'job', 0, [ev('a')], new Date()));
    const attempt = db.tx(async (tx) => {
      tx.defer(store.append(tx, 's-unawaited', 'job', 0, [ev('b')], new Date()));
      tx.defer(tx.query('INSERT INTO es_side VALUES ($1)', ['written with the conflicting append']));
    });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await db.query('SELECT * FROM es_side')).toEqual([]);
    expect((await store.readStream(db, 's-unawaited')).map((e) => e.type)).toEqual(['a']);
  });

  it('finds the global positions of events by stream and version', async () => {
    const [a, b] = await db.tx((tx) => store.append(tx, 's-pos', 'job', 0, [ev('a'), ev('b')], new Date()));
    const found = await store.positionsOf(db, [
      { streamId: 's-pos', version: 2 },
      { streamId: 's-pos', version: 1 },
      { streamId: 's-pos', version: 9 },
    ]);
    expect(Object.fromEntries(found)).toEqual({ 's-pos|1': a.globalPosition, 's-pos|2': b.globalPosition });
  });

  it('lets only one of two racing appends at the same version win', async () => {
    const results = await Promise.allSettled([0, 1].map((i) => db.tx((tx) => store.append(tx, 's-race', 'job', 0, [ev(`racer-${i}`)], new Date()))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConcurrencyError);
    expect(await store.readStream(db, 's-race')).toHaveLength(1);
  });

  it.each(['UPDATE events SET event_type = $1', 'DELETE FROM events WHERE event_type <> $1', 'TRUNCATE events'])(
    'refuses to change stored events: %s',
    async (statement) => {
      await db.tx((tx) => store.append(tx, 's-immutable', 'job', 0, [ev('a')], new Date())).catch(() => undefined);
      const params = statement.includes('$1') ? ['x'] : [];
      await expect(db.query(statement, params)).rejects.toThrow(/append-only/);
      expect((await store.readStream(db, 's-immutable'))[0].type).toBe('a');
    },
  );

  it('stores transaction id, level and metadata on every event', async () => {
    const [e] = await db.tx((tx) => store.append(tx, 's-meta', 'job', 0, [ev('a', { x: 1 })], new Date('2026-01-02T03:04:05Z')));
    const [row] = await db.query<{ transaction_id: string; metadata: unknown; created_at: Date }>(
      'SELECT transaction_id::text, metadata, created_at FROM events WHERE global_position = $1',
      [e.globalPosition],
    );
    expect(row.transaction_id).toBe(e.transactionId);
    expect(row.metadata).toEqual({ level: 'info', actor: 'test' });
    expect(row.created_at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('never lets a reader skip an event whose transaction commits late', async () => {
    const consumer = 'late-commit-reader';
    const readAll = async () => {
      const cp = (await store.loadCheckpoint(db, consumer)) ?? START;
      const batch = await store.readAfter(db, cp, 1000);
      if (batch.length) {
        const last = batch[batch.length - 1];
        await db.tx((tx) => store.storeCheckpoint(tx, consumer, cp.transactionId === '0' && cp.globalPosition === 0 ? undefined : cp, last));
      }
      // Only this test's streams: earlier tests' events may still be coming (see below).
      return batch.map((e) => e.streamId).filter((id) => id === 'late' || id === 'early');
    };
    await readAll(); // past earlier tests' events (what is left of them is filtered out)

    // T1 starts and appends first (lower global position) but commits last.
    const slow = await db.pool.connect();
    await slow.query('BEGIN');
    await store.append({ query: async (t, p) => (await slow.query(t, p as unknown[])).rows }, 'late', 'job', 0, [ev('late')], new Date());
    // T2 appends after it and commits at once.
    await db.tx((tx) => store.append(tx, 'early', 'job', 0, [ev('early')], new Date()));

    // While T1 is open the reader must not move past it: T2's event is held back too.
    expect(await readAll()).toEqual([]);

    await slow.query('COMMIT');
    slow.release();
    // Both, in commit-safe order. The snapshot's xmin is the whole server's: a transaction still
    // open in another test file's database (jest runs two files at once) may hold back 'early'
    // for a moment, never let it skip 'late'.
    const got: string[] = [];
    for (const until = Date.now() + 10_000; got.length < 2 && Date.now() < until; ) {
      got.push(...(await readAll()));
      if (got.length < 2) await new Promise((r) => setTimeout(r, 20));
    }
    expect(got).toEqual(['late', 'early']);
    expect(await readAll()).toEqual([]);
  });

  it('refuses a checkpoint write from a consumer that lost the race', async () => {
    const cp1 = { transactionId: '10', globalPosition: 1 };
    await db.tx((tx) => store.storeCheckpoint(tx, 'cas', undefined, cp1));
    await db.tx((tx) => store.storeCheckpoint(tx, 'cas', cp1, { transactionId: '11', globalPosition: 2 }));
    await expect(db.tx((tx) => store.storeCheckpoint(tx, 'cas', cp1, { transactionId: '12', globalPosition: 3 }))).rejects.toMatchObject({ code: 'CHECKPOINT_CONFLICT' });
    expect(await store.loadCheckpoint(db, 'cas')).toEqual({ transactionId: '11', globalPosition: 2 });
  });
});
