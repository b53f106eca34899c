import { createHmac } from 'node:crypto';
import { falSignatureHeaders, type FalSigning } from './fal-signature';

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
 * JSON content type, User-Agent Herald/<version>, with a secret the Standard Webhooks trio and,
 * with `fal` (a fal.result webhook), fal's four ED25519 headers (domain/fal-signature.ts), all
 * signed with the attempt's time.
 */
export function deliveryHeaders(
  sub: { headers: Record<string, string>; secret: string | null; previousSecret: string | null; previousSecretExpiresAt: string | null },
  messageId: string,
  body: string,
  at: Date,
  version: string,
  fal?: FalSigning,
): Record<string, string> {
  const seconds = Math.floor(at.getTime() / 1000);
  return {
    ...sub.headers,
    'content-type': 'application/json',
    'user-agent': `Herald/${version}`,
    ...signatureHeaders(activeSecrets(sub, at), `msg_${messageId}`, seconds, body),
    ...(fal ? falSignatureHeaders(fal.requestId, fal.userId, seconds, body, fal.signer) : {}),
  };
}
