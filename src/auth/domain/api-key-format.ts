import { createHash } from 'node:crypto';

/**
 * Project API keys: `hk_` followed by 32 random bytes in base64url (43 characters). Herald keeps
 * only the key's SHA-256 digest and its first characters (the prefix shown to tell keys apart);
 * the key itself is answered once, when it is created.
 */
export const PROJECT_KEY_PREFIX = 'hk_';
const PROJECT_KEY = /^hk_[A-Za-z0-9_-]{43}$/;
/** Characters of a key shown in listings: `hk_` and 8 more (48 of its 256 bits). */
const DISPLAYED = PROJECT_KEY_PREFIX.length + 8;

export function newProjectKey(random: Buffer): string {
  if (random.length !== 32) throw new Error('a project key is made of 32 random bytes');
  return PROJECT_KEY_PREFIX + random.toString('base64url');
}

/** Whether a bearer token has the shape of a project key (then it is looked up, never taken for anything else). */
export function isProjectKeyShape(token: string): boolean {
  return token.startsWith(PROJECT_KEY_PREFIX);
}

export function isWellFormedProjectKey(token: string): boolean {
  return PROJECT_KEY.test(token);
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAYED);
}

export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The token of an `Authorization: Bearer <token>` (or `Key <token>`) header; undefined for any other header (or none). */
export function bearerToken(authorization: string | undefined): string | undefined {
  // `Key <key>` is fal's scheme (its clients send it): the same key, the same checks.
  const match = /^(?:Bearer|Key)\s+(.+)$/i.exec(authorization ?? '');
  const token = match?.[1].trim();
  return token ? token : undefined;
}

/** A key's last use is recorded at most once a minute (never a write per request). */
export const LAST_USED_GRANULARITY_MS = 60_000;

export function lastUseDue(lastRecordedMs: number | undefined, nowMs: number): boolean {
  return lastRecordedMs === undefined || nowMs - lastRecordedMs >= LAST_USED_GRANULARITY_MS;
}
