import type { Sql, Tx } from '../../database/db';
import type { SigningJwk } from '../domain/fal-signature';
import type { RingChange, RingKey } from '../domain/signing-key-ring';

/**
 * The ring's rows (migrations 1763800000100, 1763800000120): the current key is the row with
 * `retired_at` NULL and `is_next` false, the next key the row with `retired_at` NULL and `is_next`
 * true (webhook_signing_keys_ring_idx keeps one of each); retired rows have `retired_at`, revoked
 * ones `revoked_at` (and `retired_at`) and no private part.
 */

/** The current key with its private part: what an instance signs with. */
export const CURRENT_KEY = `
  SELECT kid, private_key, public_jwk, created_at FROM webhook_signing_keys WHERE retired_at IS NULL AND NOT is_next`;

/** The current and next kids only: what an instance asks to see whether the ring changed elsewhere. */
export const LIVE_KIDS = `SELECT kid, is_next FROM webhook_signing_keys WHERE retired_at IS NULL`;

/** Every key, without its private part (a handful of rows: retired ones go after 24 h). */
export const RING = `
  SELECT kid, public_jwk, is_next, created_at, current_since, retired_at, revoked_at FROM webhook_signing_keys`;

/** Public parts of the keys the JWKS may publish: current, next, and those retired after $1 (never revoked ones). */
export const PUBLISHED_KEYS = `
  SELECT kid, public_jwk, is_next, created_at, current_since, retired_at, revoked_at FROM webhook_signing_keys
   WHERE revoked_at IS NULL AND (retired_at IS NULL OR retired_at > $1)`;

/**
 * Changes of the ring one at a time, whatever the instance (each statement after it sees the
 * previous change committed): rotations, revokes, and the first keys of instances starting together.
 */
export const LOCK_RING = `SELECT pg_advisory_xact_lock(hashtext('herald.webhook_signing_keys'))`;

/** $1: kids that stop signing or being next, at $2 (published 24 h more). */
export const RETIRE_KEYS = `
  UPDATE webhook_signing_keys SET retired_at = $2, is_next = false
   WHERE kid = ANY($1::text[]) AND retired_at IS NULL`;

/** $1: kids revoked at $2: out of the JWKS, private part erased; a retired key keeps its retirement time. */
export const REVOKE_KEYS = `
  UPDATE webhook_signing_keys SET revoked_at = $2, retired_at = COALESCE(retired_at, $2), is_next = false, private_key = NULL
   WHERE kid = ANY($1::text[]) AND revoked_at IS NULL`;

/** The next key $1 becomes current at $2. */
export const PROMOTE_KEY = `
  UPDATE webhook_signing_keys SET is_next = false, current_since = $2 WHERE kid = $1 AND is_next AND retired_at IS NULL`;

/** A new key: current ($5 false, signing since $4) or next ($5 true). */
export const INSERT_KEY = `
  INSERT INTO webhook_signing_keys (kid, private_key, public_jwk, created_at, current_since, is_next)
  VALUES ($1, $2, $3, $4, CASE WHEN $5::boolean THEN NULL ELSE $4::timestamptz END, $5)`;

/** Keys retired at or before $1: they verify nothing any more, and their private part goes (revoked ones stay listed). */
export const DELETE_EXPIRED = `DELETE FROM webhook_signing_keys WHERE retired_at <= $1 AND revoked_at IS NULL`;

/** Wakes every instance's signing (SigningKeys listens): the ring changed. */
export const KEYS_CHANNEL = 'herald_signing_keys';
export const NOTIFY_RING_CHANGED = `SELECT pg_notify('${KEYS_CHANNEL}', $1)`;

interface KeyRow {
  kid: string;
  private_key: string;
  public_jwk: SigningJwk;
  created_at: Date;
}

interface RingRow {
  kid: string;
  public_jwk: SigningJwk;
  is_next: boolean;
  created_at: Date;
  current_since: Date | null;
  retired_at: Date | null;
  revoked_at: Date | null;
}

export interface StoredKey {
  kid: string;
  /** PKCS8 PEM. */
  privateKey: string;
  jwk: SigningJwk;
  createdAt: Date;
}

const stored = (r: KeyRow): StoredKey => ({ kid: r.kid, privateKey: r.private_key, jwk: r.public_jwk, createdAt: r.created_at });

const ringKey = (r: RingRow): RingKey => ({
  kid: r.kid,
  jwk: r.public_jwk,
  next: r.is_next,
  createdAt: r.created_at,
  currentSince: r.current_since,
  retiredAt: r.retired_at,
  revokedAt: r.revoked_at,
});

/** SQL of Herald's webhook signing keys (webhook_signing_keys). */
export class SigningKeysRepository {
  async current(sql: Sql): Promise<StoredKey | undefined> {
    const [row] = await sql.query<KeyRow>(CURRENT_KEY);
    return row && stored(row);
  }

  /** The current kid and whether there is a next key. */
  async liveKids(sql: Sql): Promise<{ current?: string; next?: string }> {
    const rows = await sql.query<{ kid: string; is_next: boolean }>(LIVE_KIDS);
    return { current: rows.find((r) => !r.is_next)?.kid, next: rows.find((r) => r.is_next)?.kid };
  }

  async ring(sql: Sql): Promise<RingKey[]> {
    return (await sql.query<RingRow>(RING)).map(ringKey);
  }

  async published(sql: Sql, retiredAfter: Date): Promise<RingKey[]> {
    return (await sql.query<RingRow>(PUBLISHED_KEYS, [retiredAfter])).map(ringKey);
  }

  /** Takes the ring's lock for the rest of `tx`, then reads it. */
  async lockRing(tx: Tx): Promise<RingKey[]> {
    await tx.query(LOCK_RING);
    return this.ring(tx);
  }

  /**
   * Applies `change` at `at` (under the ring's lock) in the order that never has two current or
   * two next keys, deletes the keys retired at or before `expiredBefore`, and tells every instance.
   */
  async apply(tx: Tx, change: RingChange, at: Date, made: { current?: StoredKey; next?: StoredKey }, expiredBefore: Date): Promise<void> {
    const steps: Array<Promise<unknown>> = [];
    if (change.retire.length) steps.push(tx.query(RETIRE_KEYS, [change.retire, at]));
    if (change.revoke.length) steps.push(tx.query(REVOKE_KEYS, [change.revoke, at]));
    if (change.promote) steps.push(tx.query(PROMOTE_KEY, [change.promote, at]));
    for (const [key, next] of [
      [made.current, false],
      [made.next, true],
    ] as const) {
      if (key) steps.push(tx.query(INSERT_KEY, [key.kid, key.privateKey, JSON.stringify(key.jwk), at, next]));
    }
    steps.push(tx.query(DELETE_EXPIRED, [expiredBefore]));
    steps.push(tx.query(NOTIFY_RING_CHANGED, [made.current?.kid ?? change.promote ?? '']));
    await Promise.all(steps);
  }
}
