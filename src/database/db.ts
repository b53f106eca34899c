import { Pool, PoolClient, types } from 'pg';

// bigint columns (global positions, counts) fit comfortably in a JS number here.
types.setTypeParser(20, (v) => Number(v));

/** A statement runner: the pool itself, or one transaction's connection. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Tx extends Sql {
  /** The raw connection, for libraries that take an executor (pg-boss `send(..., { db })`). */
  readonly client: PoolClient;
  /** Runs fn once the transaction has committed (never if it rolls back). */
  afterCommit(fn: () => void): void;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** The one place Herald talks to its pool; SQL lives in each feature's repository. */
export class Db implements Sql {
  constructor(readonly pool: Pool) {}

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    const res = await this.pool.query(text, params as unknown[]);
    return res.rows as T[];
  }

  /** Runs fn in one transaction; deadlocks and serialization failures are retried a few times. */
  async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const committed: Array<() => void> = [];
      const tx: Tx = {
        client,
        query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params as unknown[])).rows as R[],
        afterCommit: (fn) => committed.push(fn),
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        client.release();
        for (const fn of committed) fn();
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        if (attempt < 5 && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
        throw err;
      }
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

export function createPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max, application_name: 'herald' });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}
