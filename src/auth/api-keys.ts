import { timingSafeEqual } from 'node:crypto';
import { keyDigest } from './domain/api-key-format';

export const UNAUTHORIZED_BODY = {
  error: { code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <key>" header is required' },
} as const;

/**
 * The admin keys of this instance (HERALD_ADMIN_KEY and every key of HERALD_API_KEYS), compared
 * in constant time by their SHA-256 digests. None configured: the API is open (local use).
 */
export class AdminKeys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = [...new Set(keys)].map(keyDigest);
  }

  /** No admin key configured: the API is open. */
  get open(): boolean {
    return this.digests.length === 0;
  }

  /** True when the token is one of the admin keys. */
  matches(token: string): boolean {
    const given = keyDigest(token);
    let ok = false;
    for (const k of this.digests) ok = timingSafeEqual(k, given) || ok;
    return ok;
  }
}
