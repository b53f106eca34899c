import { createHash } from 'node:crypto';

/**
 * Stream tokens, for browsers' EventSource (which sends no headers): `hst_` followed by 32 random
 * bytes in base64url, valid for one job's status stream for ten minutes. Herald keeps only the
 * SHA-256 digest (stream_tokens), so any instance accepts a token any other one issued.
 */
export const STREAM_TOKEN_PREFIX = 'hst_';
const STREAM_TOKEN = /^hst_[A-Za-z0-9_-]{43}$/;
export const STREAM_TOKEN_TTL_MS = 10 * 60_000;

export function newStreamToken(random: Buffer): string {
  if (random.length !== 32) throw new Error('a stream token is made of 32 random bytes');
  return STREAM_TOKEN_PREFIX + random.toString('base64url');
}

export function isWellFormedStreamToken(token: string): boolean {
  return STREAM_TOKEN.test(token);
}

export function streamTokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
