import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };
export type WebhookVerification = { ok: true; id: string; timestamp: number } | { ok: false; reason: string };

const TOLERANCE_SECONDS = 5 * 60;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies a Standard Webhooks delivery as Herald signs it: webhook-id, webhook-timestamp (within
 * 5 minutes of `now()`), webhook-signature with space-separated `v1,<base64>` entries; any
 * matching entry is accepted, so deliveries signed during a secret rotation verify.
 */
export function verifyWebhook(rawBody: string | Buffer, headers: WebhookHeaders, secret: string, now: () => Date = () => new Date()): WebhookVerification {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad webhook-timestamp' };
  if (Math.abs(now().getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return { ok: false, reason: 'webhook-timestamp outside the 5 minute tolerance' };
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  // Over the bytes as received (a Buffer is not decoded, so a body that is not UTF-8 verifies too).
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, id, timestamp: Number(timestamp) };
  }
  return { ok: false, reason: 'no matching webhook-signature' };
}
