/**
 * Whether an error means the database cannot be reached right now (down, restarting, the
 * connection lost or refused, the pool unable to connect in time), as opposed to a statement's
 * own failure. The HTTP answer is then 503 DATABASE_UNAVAILABLE with Retry-After, never a 500:
 * nothing was accepted, and the same request may be sent again.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // Class 08 (connection exception), 57P01-03 (admin or crash shutdown, cannot connect now), 53300 (too many connections).
  if (/^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(message);
}

export const DATABASE_UNAVAILABLE = { code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer: try again shortly' } as const;

/**
 * Whether PostgreSQL refused a value the caller sent because it cannot store it as text (a NUL
 * character, an unpaired surrogate): the caller's input, so a 400, not a 500. Routes check the
 * inputs they know of first (domain/storable.ts); this catches any the checks do not cover, such
 * as a NUL in a path parameter.
 */
export function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

export const UNSTORABLE_INPUT = { code: 'INVALID_TEXT', message: 'the request holds text that cannot be stored (a NUL character or an unpaired surrogate)' } as const;
