import type { QueryRunner } from 'typeorm';

/** An index a migration builds CONCURRENTLY: its name and its CREATE INDEX CONCURRENTLY statement. */
export interface ConcurrentIndex {
  name: string;
  create: string;
}

/**
 * Builds each index CONCURRENTLY (the migration runs outside a transaction: `transaction =
 * false`), so a large table keeps taking writes meanwhile. A valid index is left as it is; one
 * left invalid by an interrupted build is dropped and built again.
 */
export async function createIndexesConcurrently(q: QueryRunner, indexes: ConcurrentIndex[]): Promise<void> {
  for (const index of indexes) {
    const [existing] = (await q.query(`SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`, [index.name])) as Array<{ valid: boolean }>;
    if (existing?.valid) continue;
    if (existing) await q.query(`DROP INDEX CONCURRENTLY ${index.name}`);
    await q.query(index.create);
  }
}

export async function dropIndexesConcurrently(q: QueryRunner, indexes: ConcurrentIndex[]): Promise<void> {
  for (const index of indexes) await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index.name}`);
}
