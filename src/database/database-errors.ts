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
