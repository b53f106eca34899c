import type { Db } from '../../src/database/db';
import { prepared } from '../../src/database/db';
import { openTestDb } from '../support/database';

/**
 * Pipelined transactions (src/database/db.ts): statements go out without waiting for the ones
 * before them; a statement nobody awaits still belongs to the transaction, and its failure rolls
 * all of it back.
 */
describe('pipelined transactions', () => {
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openTestDb(4));
    await db.query('CREATE TABLE pipe_t (id int PRIMARY KEY, note text)');
  });
  afterAll(() => close());

  const ids = async () => (await db.query<{ id: number }>('SELECT id FROM pipe_t ORDER BY id')).map((r) => r.id);

  beforeEach(() => db.query('DELETE FROM pipe_t'));

  it('commits statements nobody awaited, in the order they were issued', async () => {
    await db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'a']));
      tx.defer(tx.query('UPDATE pipe_t SET note = $2 WHERE id = $1', [1, 'b']));
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [2, 'c']));
    });
    expect(await db.query('SELECT id, note FROM pipe_t ORDER BY id')).toEqual([
      { id: 1, note: 'b' },
      { id: 2, note: 'c' },
    ]);
  });

  it('rolls everything back when a statement nobody awaited fails, and reports that statement', async () => {
    const failure = db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'a']));
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'duplicate'], { mapError: (e) => new Error(`mapped: ${(e as { code?: string }).code}`) }));
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [2, 'after']));
      return 'the callback itself succeeded';
    });
    await expect(failure).rejects.toThrow('mapped: 23505');
    expect(await ids()).toEqual([]);
  });

  it('rolls back when a deferred step fails before it issues any statement (not only on SQL failures)', async () => {
    const failure = db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'a']));
      // A step that validates its input and throws before sending its statement.
      tx.defer(Promise.resolve().then(() => Promise.reject(new Error('insert refused its input'))));
    });
    await expect(failure).rejects.toThrow('insert refused its input');
    expect(await ids()).toEqual([]);
  });

  it('reports the first failed statement, not the "transaction is aborted" echo the callback saw after it', async () => {
    const failure = db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'a']));
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'duplicate']));
      await tx.query('SELECT 1 FROM pipe_t WHERE id = $1', [1]); // fails with 25P02
    });
    await expect(failure).rejects.toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([]);
  });

  it("keeps the callback's own error when it turned a failed statement into something else", async () => {
    const failure = db.tx(async (tx) => {
      try {
        await tx.query('INSERT INTO pipe_t VALUES ($1, $2), ($1, $2)', [7, 'twice']);
      } catch {
        throw new Error('already there');
      }
    });
    await expect(failure).rejects.toThrow('already there');
  });

  it('refuses a statement issued after the callback returned, and runs nothing of it', async () => {
    let late: Promise<string> | undefined;
    await db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'in time']));
      setTimeout(() => (late = tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [2, 'too late']).then(() => 'ran', (e: Error) => e.message)), 0);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await late).toMatch(/after its transaction ended/);
    expect(await ids()).toEqual([1]);
  });

  it('runs afterCommit hooks only after a commit', async () => {
    const ran: string[] = [];
    await db.tx(async (tx) => {
      tx.afterCommit(() => ran.push('committed'));
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'a']));
    });
    await db
      .tx(async (tx) => {
        tx.afterCommit(() => ran.push('rolled back'));
        tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [1, 'again']));
      })
      .catch(() => undefined);
    expect(ran).toEqual(['committed']);
  });

  it('reads see the writes issued before them in the same transaction', async () => {
    const seen = await db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [5, 'x']));
      return tx.query<{ n: number }>('SELECT count(*)::int AS n FROM pipe_t WHERE id = $1', [5]);
    });
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('runs a session of independent statements on one connection, each on its own', async () => {
    const [a, b] = await db.session(async (sql) => {
      const first = sql.query('INSERT INTO pipe_t VALUES ($1, $2) RETURNING id', [1, 'a']);
      const second = sql.query('INSERT INTO pipe_t VALUES ($1, $2) RETURNING id', [1, 'dup']).catch((e: { code?: string }) => e.code);
      return Promise.all([first, second]);
    });
    expect(a).toEqual([{ id: 1 }]);
    expect(b).toBe('23505');
    // The failure of the second did not undo the first: no transaction spans them.
    expect(await ids()).toEqual([1]);
  });

  it('fails the transaction when its connection dies mid-flight, and the pool carries on', async () => {
    const attempt = db.tx(async (tx) => {
      const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, $1::int AS x', [1]);
      tx.defer(tx.query('INSERT INTO pipe_t VALUES ($1, $2)', [9, 'lost']));
      tx.defer(tx.query('SELECT pg_sleep($1)', [0.3]));
      setTimeout(() => void db.query('SELECT pg_terminate_backend($1)', [pid]), 50);
    });
    await expect(attempt).rejects.toThrow(/terminat/);
    // The process did not die of an unheard 'error' event, and the next transactions work.
    for (let i = 0; i < 6; i++) await db.tx(async (tx) => tx.defer(tx.query('SELECT $1::int', [i])));
    expect(await ids()).toEqual([]);
  });

  it('sends parameterised statements as named prepared statements, and scripts as simple queries', async () => {
    const one = prepared('SELECT $1::int AS v', [1]);
    expect(one.name).toMatch(/^h_[A-Za-z0-9_-]{20}$/);
    expect(prepared('SELECT $1::int AS v', [2]).name).toBe(one.name);
    expect(prepared('SELECT $1::int AS w', [2]).name).not.toBe(one.name);
    expect(prepared('SELECT 1; SELECT 2').name).toBeUndefined();
    // Several executions of one prepared statement on the pool (several connections) agree.
    const values = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((v) => db.query<{ v: number }>('SELECT $1::int AS v', [v])));
    expect(values.map((r) => r[0].v)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await db.query('CREATE TABLE IF NOT EXISTS pipe_s (x int); INSERT INTO pipe_s VALUES (1)');
    expect(await db.query('SELECT count(*)::int AS n FROM pipe_s')).toEqual([{ n: 1 }]);
  });
});

describe('chained transactions', () => {
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openTestDb(4));
    await db.query('CREATE TABLE chain_t (id int PRIMARY KEY, note text)');
    // Checked at COMMIT: lets a transaction fail after its callback succeeded.
    await db.query('CREATE TABLE chain_parent (id int PRIMARY KEY)');
    await db.query('CREATE TABLE chain_child (id int PRIMARY KEY, parent int REFERENCES chain_parent (id) DEFERRABLE INITIALLY DEFERRED)');
  });
  afterAll(() => close());

  /** A chained statement that fails unless the main transaction's row `id` is there. */
  const needs = (next: import('../../src/database/db').Tx, id: number) =>
    next.defer(next.query(`SELECT herald_assert(EXISTS (SELECT 1 FROM chain_t WHERE id = $1), 'main row missing')`, [id]));

  const settledWith = () => {
    let resolve!: (failure: unknown) => void;
    const outcome = new Promise<unknown>((r) => (resolve = r));
    return { outcome, settled: (failure: unknown) => resolve(failure ?? 'committed') };
  };

  it('runs behind the COMMIT on the same connection and sees what it committed', async () => {
    const { outcome, settled } = settledWith();
    const hooks: string[] = [];
    await db.tx(async (tx) => {
      tx.defer(tx.query('INSERT INTO chain_t VALUES ($1, $2)', [1, 'main']));
      tx.chain((next) => {
        needs(next, 1);
        next.defer(next.query('UPDATE chain_t SET note = $2 WHERE id = $1', [1, 'chained']));
        next.afterCommit(() => hooks.push('chained committed'));
      }, settled);
    });
    expect(await outcome).toBe('committed');
    expect(hooks).toEqual(['chained committed']);
    expect(await db.query('SELECT note FROM chain_t WHERE id = 1')).toEqual([{ note: 'chained' }]);
  });

  it('is not sent when the callback fails, and is told so', async () => {
    const { outcome, settled } = settledWith();
    const ran: string[] = [];
    await expect(
      db.tx(async (tx) => {
        tx.chain(() => ran.push('sent'), settled);
        throw new Error('callback failed');
      }),
    ).rejects.toThrow('callback failed');
    expect(await outcome).toEqual(new Error('callback failed'));
    expect(ran).toEqual([]);
  });

  it('runs anyway when the main transaction fails at COMMIT: its first statement must refuse', async () => {
    const { outcome, settled } = settledWith();
    await expect(
      db.tx(async (tx) => {
        tx.defer(tx.query('INSERT INTO chain_t VALUES ($1, $2)', [2, 'main']));
        tx.defer(tx.query('INSERT INTO chain_child VALUES ($1, $2)', [1, 999])); // no parent 999: fails at COMMIT
        tx.chain((next) => {
          needs(next, 2);
          next.defer(next.query('INSERT INTO chain_t VALUES ($1, $2)', [3, 'written by the chained one']));
        }, settled);
      }),
    ).rejects.toMatchObject({ code: '23503' });
    expect(await outcome).toMatchObject({ code: 'HR500', message: 'main row missing' });
    expect(await db.query('SELECT id FROM chain_t WHERE id IN (2, 3)')).toEqual([]);
  });
});
