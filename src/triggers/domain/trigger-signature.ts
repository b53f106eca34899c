import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a webhook-timestamp may be from now. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type Verification = { ok: true; id: string } | { ok: false; reason: string };

/**
 * Checks a Standard Webhooks request: `webhook-id`, `webhook-timestamp` (seconds, within 5
 * minutes of now) and `webhook-signature` (space-separated `v1,<base64>` entries, one of which
 * must be HMAC-SHA256 of "<id>.<timestamp>.<body>" under the secret's base64 key).
 */
export function verifySignature(secret: string, header: (name: string) => string | undefined, body: string, now: Date): Verification {
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature headers are required' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp must be seconds since the epoch' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: 'webhook-timestamp is more than 5 minutes from now' };
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, id };
  }
  return { ok: false, reason: 'no valid webhook-signature' };
}
