import type { Sql } from '../../database/db';
import type { KeyScope } from '../domain/caller';

// ---------------------------------------------------------------- statements (api_keys)

export const INSERT_KEY = `
INSERT INTO api_keys (id, project_id, name, prefix, key_hash, scopes, created_at)
VALUES ($1, $2, $3, $4, $5, $6::text[], $7)`;

/** The one lookup per request that is not cached: by the unique digest. */
export const KEY_BY_HASH = `SELECT id, project_id, scopes FROM api_keys WHERE key_hash = $1`;

export const KEYS_OF_PROJECT = `
SELECT id, project_id, name, prefix, scopes, created_at, last_used_at FROM api_keys
 WHERE project_id = $1 ORDER BY created_at, id`;

export const DELETE_KEY = `DELETE FROM api_keys WHERE project_id = $1 AND id = $2 RETURNING id`;

/** At most one write a minute per key, whichever instance saw it used. */
export const TOUCH_KEY = `
UPDATE api_keys SET last_used_at = $2
 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '1 minute')`;

export interface ApiKeyRow {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  scopes: KeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** api_keys: project keys, stored as digests. */
export class ApiKeysRepository {
  async insert(sql: Sql, k: { id: string; projectId: string; name: string; prefix: string; digest: Buffer; scopes: readonly KeyScope[] }, at: Date): Promise<void> {
    await sql.query(INSERT_KEY, [k.id, k.projectId, k.name, k.prefix, k.digest, [...k.scopes], at]);
  }

  async byDigest(sql: Sql, digest: Buffer): Promise<{ id: string; projectId: string; scopes: KeyScope[] } | undefined> {
    const rows = await sql.query<{ id: string; project_id: string; scopes: KeyScope[] }>(KEY_BY_HASH, [digest]);
    const r = rows[0];
    return r && { id: r.id, projectId: r.project_id, scopes: r.scopes };
  }

  async ofProject(sql: Sql, projectId: string): Promise<ApiKeyRow[]> {
    const rows = await sql.query<{ id: string; project_id: string; name: string; prefix: string; scopes: KeyScope[]; created_at: Date; last_used_at: Date | null }>(KEYS_OF_PROJECT, [projectId]);
    return rows.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes,
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at?.toISOString() ?? null,
    }));
  }

  async delete(sql: Sql, projectId: string, id: string): Promise<boolean> {
    return (await sql.query(DELETE_KEY, [projectId, id])).length === 1;
  }

  async touch(sql: Sql, id: string, at: Date): Promise<void> {
    await sql.query(TOUCH_KEY, [id, at]);
  }
}
