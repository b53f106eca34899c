import type { Sql, Tx } from '../../database/db';
import type { SigningJwk } from '../domain/fal-signature';

/** The current key: the one row not retired (webhook_signing_keys_current_idx keeps it to one). */
export const CURRENT_KEY = `
  SELECT kid, private_key, public_jwk, created_at FROM webhook_signing_keys WHERE retired_at IS NULL`;

/** Only the current key's id: what an instance asks to see whether another one rotated. */
export const CURRENT_KID = `SELECT kid FROM webhook_signing_keys WHERE retired_at IS NULL`;

/**
 * A first key when there is none: of several instances starting at once exactly one inserts (the
 * others' inserts meet the unique partial index and do nothing; they read the winner's).
 */
export const INSERT_FIRST_KEY = `
  INSERT INTO webhook_signing_keys (kid, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT ((retired_at IS NULL)) WHERE retired_at IS NULL DO NOTHING
  RETURNING kid, private_key, public_jwk, created_at`;

/** Rotations one at a time (each statement after it sees the previous rotation committed). */
export const LOCK_ROTATION = `SELECT pg_advisory_xact_lock(hashtext('herald.webhook_signing_keys'))`;

export const RETIRE_CURRENT = `UPDATE webhook_signing_keys SET retired_at = $1 WHERE retired_at IS NULL RETURNING kid`;

export const INSERT_KEY = `INSERT INTO webhook_signing_keys (kid, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4)`;

/** Keys retired before $1: they verify nothing any more, and their private part goes. */
export const DELETE_EXPIRED = `DELETE FROM webhook_signing_keys WHERE retired_at < $1`;

/** Public parts of the current key and of those retired after $1. */
export const PUBLISHED_KEYS = `
  SELECT public_jwk, created_at, retired_at FROM webhook_signing_keys
   WHERE retired_at IS NULL OR retired_at > $1`;

interface KeyRow {
  kid: string;
  private_key: string;
  public_jwk: SigningJwk;
  created_at: Date;
}

export interface StoredKey {
  kid: string;
  /** PKCS8 PEM. */
  privateKey: string;
  jwk: SigningJwk;
  createdAt: Date;
}

const stored = (r: KeyRow): StoredKey => ({ kid: r.kid, privateKey: r.private_key, jwk: r.public_jwk, createdAt: r.created_at });

/** SQL of Herald's webhook signing keys (webhook_signing_keys, migration 1763800000100). */
export class SigningKeysRepository {
  async current(sql: Sql): Promise<StoredKey | undefined> {
    const [row] = await sql.query<KeyRow>(CURRENT_KEY);
    return row && stored(row);
  }

  async currentKid(sql: Sql): Promise<string | undefined> {
    const [row] = await sql.query<{ kid: string }>(CURRENT_KID);
    return row?.kid;
  }

  /** Inserts `key` as the current key unless there is one; undefined: another was there first. */
  async insertFirst(sql: Sql, key: StoredKey): Promise<StoredKey | undefined> {
    const [row] = await sql.query<KeyRow>(INSERT_FIRST_KEY, [key.kid, key.privateKey, JSON.stringify(key.jwk), key.createdAt]);
    return row && stored(row);
  }

  /** Retires the current key (at `key.createdAt`) and makes `key` current; returns the retired kid. */
  async rotate(tx: Tx, key: StoredKey, expiredBefore: Date): Promise<string | undefined> {
    await tx.query(LOCK_ROTATION);
    const [retired] = await tx.query<{ kid: string }>(RETIRE_CURRENT, [key.createdAt]);
    await tx.query(INSERT_KEY, [key.kid, key.privateKey, JSON.stringify(key.jwk), key.createdAt]);
    await tx.query(DELETE_EXPIRED, [expiredBefore]);
    return retired?.kid;
  }

  async published(sql: Sql, retiredAfter: Date): Promise<Array<{ jwk: SigningJwk; createdAt: Date; retiredAt: Date | null }>> {
    const rows = await sql.query<{ public_jwk: SigningJwk; created_at: Date; retired_at: Date | null }>(PUBLISHED_KEYS, [retiredAfter]);
    return rows.map((r) => ({ jwk: r.public_jwk, createdAt: r.created_at, retiredAt: r.retired_at }));
  }
}
