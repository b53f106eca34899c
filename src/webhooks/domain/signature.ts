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

/** Secrets that sign now: the current one, and during a rotation the previous one until it expires. */
export function activeSecrets(sub: { secret: string | null; previousSecret: string | null; previousSecretExpiresAt: string | null }, at: Date): string[] {
  const previous = sub.previousSecret && sub.previousSecretExpiresAt && new Date(sub.previousSecretExpiresAt) > at ? sub.previousSecret : null;
  return [sub.secret, previous].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/**
 * Headers of one delivery attempt: the subscription's own headers, then the fixed ones (which win):
 * JSON content type, User-Agent Herald/<version> and, with a secret, the Standard Webhooks trio.
 */
export function deliveryHeaders(
  sub: { headers: Record<string, string>; secret: string | null; previousSecret: string | null; previousSecretExpiresAt: string | null },
  messageId: string,
  body: string,
  at: Date,
  version: string,
): Record<string, string> {
  return {
    ...sub.headers,
    'content-type': 'application/json',
    'user-agent': `Herald/${version}`,
    ...signatureHeaders(activeSecrets(sub, at), `msg_${messageId}`, Math.floor(at.getTime() / 1000), body),
  };
}
