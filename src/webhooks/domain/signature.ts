import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signing: `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`, where
 * the secret is the base64 part of `whsec_<base64>`. Several secrets (during a rotation) give
 * several space-separated signatures.
 */
export function sign(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export function signatureHeaders(secrets: string[], msgId: string, timestampSeconds: number, body: string): Record<string, string> {
  if (secrets.length === 0) return {};
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => sign(s, msgId, timestampSeconds, body)).join(' '),
  };
}
