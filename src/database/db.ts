import { createHash } from 'node:crypto';
import { Pool, PoolClient, types, type QueryConfig } from 'pg';

// bigint columns (global positions, counts) fit comfortably in a JS number here.
types.setTypeParser(20, (v) => Number(v));

export interface QueryOptions {
  /** Turns a failure of this statement into a domain error (also when nobody awaits it). */
  mapError?: (err: unknown) => unknown;
}

/** A statement runner: the pool itself, one connection, or one transaction's connection. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
}

/**
 * One transaction. Statements are sent in call order on one connection, **pipelined**: a
 * statement is written at once, without waiting for the results of the ones before it, so
 * statements that nobody awaits cost no round trip of their own. The transaction guarantees:
 * COMMIT is sent when the callback resolves; every statement has settled before `tx()` returns;
 * if any statement failed, awaited or not, the transaction rolls back and `tx()` rejects with
 * the first failure. A statement nobody awaits must be issued (its `query()` called) before the
 * callback resolves; one issued later is refused.
 */
export interface Tx extends Sql {
  /** Runs fn once the transaction has committed (never if it rolls back). */
  afterCommit(fn: () => void): void;
  /** Runs fn once the transaction has ended without committing (rolled back, or failed at COMMIT). */
  afterRollback(fn: () => void): void;
  /**
   * Hands over a promise nobody awaits: a statement of this transaction, or one derived from
   * its statements. Its failure fails the transaction (reported by tx()), never as an unhandled
   * rejection. Every pipelined write goes through here. A failure that is not a statement's
   * (a step that throws before it issues its statement, e.g. a library validating its input)
   * rolls the transaction back too: COMMIT is sent only after one turn of the event loop has let
   * such rejections arrive.
   */
  defer(p: Promise<unknown>): void;
  /**
   * Runs fn as a transaction of its own on the same connection, sent right behind this one's
   * COMMIT in the same flight (no round trip of its own, and it sees what this one committed).
   * fn must issue its statements synchronously. It is sent only when this transaction's callback
   * succeeded, but before the COMMIT's answer: if this transaction still fails at COMMIT, the
   * chained one runs anyway, so its first statement must fail unless this one's work is there.
   * `settled` gets its outcome (undefined: committed) after tx() itself has returned; if this
   * transaction's callback fails, the chained one is not sent and `settled` gets that failure.
   */
  chain(fn: (next: Tx) => void, settled: (failure: unknown) => void): void;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

const names = new Map<string, string>();

/**
 * A statement as a named prepared statement: each connection parses and plans it once, and the
 * server soon keeps a generic plan. Measured on Herald's hot path, planning was more than half of
 * the server's time per event (pgboss.job is partitioned; the delivery statement is a big CTE).
 */
export function prepared(text: string, values?: unknown[]): QueryConfig {
  // Without parameters it may be a script of several statements: sent as a simple query.
  if (!values || values.length === 0) return { text };
  let name = names.get(text);
  if (!name) {
    name = `h_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values: values as unknown[] };
}

/** One checked-out connection whose statements are tracked (see Tx). */
class Session implements Sql {
  private outstanding = 0;
  private corked = false;
  private drained?: () => void;
  private failure: { err: unknown } | undefined;
  private closed = false;

  constructor(private readonly client: PoolClient) {}

  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error(`statement issued after its transaction ended: ${text.trim().slice(0, 80)}`));
    const mapError = options?.mapError;
    this.cork();
    this.outstanding++;
    const p = this.client.query(prepared(text, params)).then(
      (res) => {
        this.settled();
        return res.rows as T[];
      },
      (err: unknown) => {
        const mapped = mapError ? mapError(err) : err;
        this.failure ??= { err: mapped };
        this.settled();
        throw mapped;
      },
    );
    p.catch(() => undefined); // reported through `failure` when nobody awaits it
    return p;
  }

  /**
   * Statements issued in one turn of the event loop leave in one write: on this machine a write
   * to a loopback socket costs ~0.1 ms of the main thread (the kernel wakes the server inside it),
   * more than the statement itself often does. The stream is uncorked once the turn's microtasks
   * have run (setImmediate), so a transaction's pipelined writes and its COMMIT go together.
   */
  private cork(): void {
    if (this.corked) return;
    const stream = (this.client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
    if (!stream?.cork || !stream.uncork) return;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork!();
    });
  }

  private settled(): void {
    if (--this.outstanding === 0) this.drained?.();
  }

  /** Sends `text` as the last statement; waits for every statement; returns the last one's command tag. */
  async close(text?: string): Promise<{ command?: string; failure?: { err: unknown } }> {
    this.closed = true;
    if (text) this.cork();
    const last = text ? this.client.query(text) : undefined;
    if (this.outstanding > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    let command: string | undefined;
    if (last) {
      try {
        command = (await last).command;
      } catch (err) {
        this.failure ??= { err };
      }
    }
    return { command, failure: this.failure };
  }
}

/** The one place Herald talks to its pool; SQL lives in each feature's repository. */
export class Db implements Sql {
  constructor(readonly pool: Pool) {}

  async query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]> {
    try {
      const res = await this.pool.query(prepared(text, params));
      return res.rows as T[];
    } catch (err) {
      throw options?.mapError ? options.mapError(err) : err;
    }
  }

  /**
   * Runs fn with statements pipelined on one connection, each in its own implicit transaction
   * (no BEGIN): independent reads or writes that should cost one round trip together.
   */
  async session<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout();
    const session = new Session(client);
    let result: T;
    try {
      result = await fn(session);
    } finally {
      await session.close();
      release();
    }
    return result;
  }

  /**
   * A connection of the pool, watched while it is out: a connection that dies (server restart,
   * backend terminated, network) fails its statements and is thrown away on release, instead of
   * raising an 'error' event nobody listens to (which would end the process).
   */
  private async checkout(): Promise<{ client: PoolClient; release: () => void }> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (err: Error) => (lost = err);
    client.on('error', onError);
    return {
      client,
      release: () => {
        client.removeListener('error', onError);
        client.release(lost);
      },
    };
  }

  /** Runs fn in one pipelined transaction (see Tx); deadlocks and serialization failures are retried. */
  async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { client, release } = await this.checkout();
      const session = new Session(client);
      const committed: Array<() => void> = [];
      const rolledBack: Array<() => void> = [];
      const chained: Array<{ fn: (next: Tx) => void; settled: (failure: unknown) => void }> = [];
      const deferred: { failure?: { err: unknown } } = {};
      const tx = txOn(session, committed, rolledBack, (f, settled) => chained.push({ fn: f, settled }), deferred);
      let result: T;
      let error: { err: unknown } | undefined;
      try {
        result = await fn(tx);
        // Rejections of deferred steps that never reached the server arrive within a turn.
        await new Promise((r) => setImmediate(r));
        if (deferred.failure) error = deferred.failure;
      } catch (err) {
        error = { err };
      }
      const ended = session.close(error ? 'ROLLBACK' : 'COMMIT');
      const chains = error ? [] : chained.map((c) => runChained(client, c.fn, c.settled));
      // Chained transactions never sent are settled too (their owners may hold resources).
      if (error) for (const c of chained) report(c.settled, error.err);
      const end = await ended;
      // The connection goes back once the chained transactions are done with it too.
      void Promise.all(chains).finally(release);
      // The callback's own error wins (it may have turned a failed statement into a domain error),
      // unless it is only the echo of an earlier failure (25P02: the transaction is aborted).
      let failure = error && (error.err as { code?: string }).code !== '25P02' ? error : (end.failure ?? error);
      if (!failure && end.command !== 'COMMIT') failure = { err: new Error(`transaction ended with ${end.command ?? 'no answer'} instead of COMMIT`) };
      if (failure) {
        for (const f of rolledBack) report(f, undefined);
        const code = (failure.err as { code?: string }).code ?? '';
        if (attempt < 5 && RETRYABLE.has(code)) continue;
        throw failure.err;
      }
      for (const f of committed) f();
      return result!;
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** A transaction on a session: BEGIN is sent at once; the hooks are collected in `committed` and `rolledBack`. */
function txOn(session: Session, committed: Array<() => void>, rolledBack: Array<() => void>, chain: Tx['chain'], deferred: { failure?: { err: unknown } } = {}): Tx {
  void session.query('BEGIN');
  return {
    query: (text, params, options) => session.query(text, params, options),
    afterCommit: (f) => committed.push(f),
    afterRollback: (f) => rolledBack.push(f),
    defer: (p) =>
      void p.catch((err) => {
        deferred.failure ??= { err };
      }),
    chain,
  };
}

/** Sends a chained transaction (see Tx.chain) on the client; resolves once it settled and was reported. */
function runChained(client: PoolClient, fn: (next: Tx) => void, settled: (failure: unknown) => void): Promise<void> {
  const session = new Session(client);
  const committed: Array<() => void> = [];
  const rolledBack: Array<() => void> = [];
  const next = txOn(session, committed, rolledBack, () => {
    throw new Error('a chained transaction cannot chain another');
  });
  let thrown: { err: unknown } | undefined;
  try {
    fn(next);
  } catch (err) {
    thrown = { err };
  }
  return session.close(thrown ? 'ROLLBACK' : 'COMMIT').then((end) => {
    const failure = thrown ?? end.failure ?? (end.command === 'COMMIT' ? undefined : { err: new Error(`chained transaction ended with ${end.command}`) });
    report(() => {
      for (const f of failure ? rolledBack : committed) f();
    }, undefined);
    report(settled, failure?.err);
  });
}

function report(settled: (failure: unknown) => void, failure: unknown): void {
  try {
    settled(failure);
  } catch {
    // Reporting is the caller's business; the connection must still go back to the pool.
  }
}

export function createPool(url: string, max: number): Pool {
  // Pipeline mode: statements on one connection are written without waiting for earlier results.
  const pool = new Pool({ connectionString: url, max, application_name: 'herald', pipeline: true });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}
