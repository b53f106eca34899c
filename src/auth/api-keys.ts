import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export const UNAUTHORIZED_BODY = {
  error: { code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <key>" header is required' },
} as const;

/** The configured bearer keys (HERALD_API_KEYS), compared in constant time by their digests. */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = keys.map(digest);
  }

  /** No keys configured: the API is open. */
  get open(): boolean {
    return this.digests.length === 0;
  }

  /** True when the Authorization header carries one of the keys (or when the API is open). */
  accepts(authorization: string | undefined): boolean {
    if (this.open) return true;
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) return false;
    const given = digest(match[1].trim());
    let ok = false;
    for (const k of this.digests) ok = timingSafeEqual(k, given) || ok;
    return ok;
  }
}
