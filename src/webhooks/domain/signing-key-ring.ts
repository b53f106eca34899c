import { RETIRED_KEY_PUBLISHED_MS, type SigningJwk } from './fal-signature';

/**
 * Herald's fal webhook signing keys as a ring (docs/SECURITY.md "Signing keys"), pure:
 *
 *   next ──rotate──▶ current ──rotate──▶ retired ──24 h──▶ deleted
 *     └──────────────────┴──revoke──▶ revoked ◀──revoke──────┘
 *
 * - **current**: the one key that signs. **next**: published in the JWKS, signs nothing yet, so a
 *   receiver that fetched the JWKS before a rotation already holds the key that signs after it.
 * - A rotation retires the current key, promotes next to current and makes a new next.
 * - A **retired** key is published 24 h more (an instance that has not heard of the rotation yet
 *   still signs with it), then deleted at the next change of the ring.
 * - A **revoked** key leaves the JWKS at once and never signs again (its private part is erased);
 *   revoking the current key promotes next first, as a rotation does, so signing never stops;
 *   revoking the next key makes a new next. Revoked keys stay listed.
 *
 * A ring is complete with one current and one next key; every change below leaves it complete.
 */

export type SigningKeyState = 'current' | 'next' | 'retired' | 'revoked';

/** A key as stored, without its private part. */
export interface RingKey {
  kid: string;
  jwk: SigningJwk;
  /** The next key (not retired, not signing yet). */
  next: boolean;
  createdAt: Date;
  /** When it began to sign (null: it never did, or a current key an earlier release made during an upgrade). */
  currentSince: Date | null;
  retiredAt: Date | null;
  revokedAt: Date | null;
}

export function keyState(key: Pick<RingKey, 'next' | 'retiredAt' | 'revokedAt'>): SigningKeyState {
  if (key.revokedAt) return 'revoked';
  if (key.retiredAt) return 'retired';
  return key.next ? 'next' : 'current';
}

/** Until when a retired key is still published (null for the other states). */
export function publishedUntil(key: RingKey): Date | null {
  return keyState(key) === 'retired' ? new Date(key.retiredAt!.getTime() + RETIRED_KEY_PUBLISHED_MS) : null;
}

/** Whether the JWKS publishes the key at `now`: current and next always, retired for 24 h, revoked never. */
export function isPublished(key: RingKey, now: Date): boolean {
  switch (keyState(key)) {
    case 'current':
    case 'next':
      return true;
    case 'retired':
      return publishedUntil(key)!.getTime() > now.getTime();
    case 'revoked':
      return false;
  }
}

const RANK: Record<SigningKeyState, number> = { current: 0, next: 1, retired: 2, revoked: 3 };

/** The ring in its listing order: current, next, then retired (latest first), then revoked (latest first). */
export function ringOrder<K extends RingKey>(keys: readonly K[]): K[] {
  const when = (k: RingKey) => (k.revokedAt ?? k.retiredAt ?? k.createdAt).getTime();
  return [...keys].sort((a, b) => RANK[keyState(a)] - RANK[keyState(b)] || when(b) - when(a) || b.createdAt.getTime() - a.createdAt.getTime());
}

/** The JWKS at `now`: the current key first, then the next one, then the keys retired less than 24 h ago, latest first. */
export function publishedKeys(keys: readonly RingKey[], now: Date): { keys: SigningJwk[] } {
  return { keys: ringOrder(keys.filter((k) => isPublished(k, now))).map((k) => k.jwk) };
}

/**
 * One change of the ring, applied in this order (so that there is never more than one current
 * or one next key): retire, revoke, promote, make the new keys, delete the expired ones.
 */
export interface RingChange {
  /** Keys that stop signing (or stop being next) and stay published 24 h. */
  retire: string[];
  /** Keys that leave the JWKS at once; their private part is erased. */
  revoke: string[];
  /** The next key that becomes current. */
  promote: string | null;
  /** A new current key is made (only when there is no next key to promote). */
  makeCurrent: boolean;
  /** A new next key is made. */
  makeNext: boolean;
}

const NO_CHANGE: RingChange = { retire: [], revoke: [], promote: null, makeCurrent: false, makeNext: false };

const current = (keys: readonly RingKey[]) => keys.find((k) => keyState(k) === 'current');
const nextKey = (keys: readonly RingKey[]) => keys.find((k) => keyState(k) === 'next');

/** Fills what `change` leaves missing: a current key (next promoted, else a new one) and a next key. */
function completed(keys: readonly RingKey[], change: RingChange): RingChange {
  const gone = new Set([...change.retire, ...change.revoke]);
  const left = keys.filter((k) => !gone.has(k.kid));
  const hasCurrent = change.makeCurrent || change.promote !== null || current(left) !== undefined;
  const next = nextKey(left);
  const promote = hasCurrent ? change.promote : (next?.kid ?? null);
  const makeCurrent = change.makeCurrent || (!hasCurrent && !next);
  const makeNext = change.makeNext || (next === undefined || next.kid === promote);
  return { ...change, promote, makeCurrent, makeNext };
}

const isNoChange = (c: RingChange) => !c.retire.length && !c.revoke.length && !c.promote && !c.makeCurrent && !c.makeNext;

/**
 * What an instance does when it finds the ring incomplete (the first start: a current and a next
 * key; a ring an earlier release rotated: a next key). Undefined: complete.
 */
export function completion(keys: readonly RingKey[]): RingChange | undefined {
  const change = completed(keys, NO_CHANGE);
  return isNoChange(change) ? undefined : change;
}

/** A rotation: next → current, current → retired, a new next. */
export function rotation(keys: readonly RingKey[]): RingChange {
  const now = current(keys);
  const next = nextKey(keys);
  return completed(keys, { ...NO_CHANGE, retire: now ? [now.kid] : [], promote: next?.kid ?? null, makeNext: true });
}

export type Revocation =
  | { outcome: 'unknown' }
  /** Revoked before: nothing changes (a revoke is idempotent). */
  | { outcome: 'already'; key: RingKey }
  | { outcome: 'revoke'; key: RingKey; was: Exclude<SigningKeyState, 'revoked'>; change: RingChange };

/**
 * A revoke of `kid`: the key leaves the JWKS; revoking the current key promotes next (signing never
 * stops), revoking the current or the next key makes a new next. A kid the ring does not hold
 * (never made, or retired more than 24 h ago and deleted) is unknown.
 */
export function revocation(keys: readonly RingKey[], kid: string): Revocation {
  const key = keys.find((k) => k.kid === kid);
  if (!key) return { outcome: 'unknown' };
  const was = keyState(key);
  if (was === 'revoked') return { outcome: 'already', key };
  return { outcome: 'revoke', key, was, change: completed(keys, { ...NO_CHANGE, revoke: [kid] }) };
}

/**
 * The ring after `change` at `at` (what the repository's statements do to the table), with the
 * keys it made (`made.current` when `change.makeCurrent`, `made.next` when `change.makeNext`).
 * Keys retired 24 h or more before `at` are gone.
 */
export function applyChange(keys: readonly RingKey[], change: RingChange, at: Date, made: { current?: RingKey; next?: RingKey } = {}): RingKey[] {
  const out: RingKey[] = keys.map((k) => {
    if (change.retire.includes(k.kid)) return { ...k, next: false, retiredAt: at };
    if (change.revoke.includes(k.kid)) return { ...k, next: false, retiredAt: k.retiredAt ?? at, revokedAt: at };
    if (k.kid === change.promote) return { ...k, next: false, currentSince: at };
    return k;
  });
  if (change.makeCurrent) out.push({ ...made.current!, next: false, currentSince: at, retiredAt: null, revokedAt: null });
  if (change.makeNext) out.push({ ...made.next!, next: true, currentSince: null, retiredAt: null, revokedAt: null });
  return out.filter((k) => keyState(k) !== 'retired' || k.retiredAt!.getTime() > expiredBefore(at).getTime());
}

/** Retired keys older than this are deleted (they verify nothing any more). */
export function expiredBefore(at: Date): Date {
  return new Date(at.getTime() - RETIRED_KEY_PUBLISHED_MS);
}
