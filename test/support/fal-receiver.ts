import { createHash, createPublicKey, verify } from 'node:crypto';

/** A JWKS as a receiver fetches it (only `x` matters to the verifier). */
export interface FalJwks {
  keys: Array<{ x?: unknown; kid?: string; kty?: string; crv?: string; use?: string; alg?: string }>;
}

/**
 * fal's documented receiver ("Verifying Your Webhook", docs.fal.ai), written out for the tests:
 * the four X-Fal-Webhook-* headers must be there (one value each); the timestamp within ±300 s
 * of the receiver's clock; the message is request id, user id, timestamp and the hex SHA-256 of
 * the raw body joined by "\n" (UTF-8); the signature header is hex; each JWKS key's `x` is the
 * raw 32-byte public key in base64url, and any key that verifies the ED25519 signature accepts
 * the webhook.
 */
export function falReceiverVerifies(headers: Record<string, string | string[] | undefined>, rawBody: Buffer, jwks: FalJwks, nowSeconds: number): boolean {
  const one = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
  const [requestId, userId, timestamp, signatureHex] = ['request-id', 'user-id', 'timestamp', 'signature'].map((h) => one(`x-fal-webhook-${h}`));
  if (!requestId || !userId || !timestamp || !signatureHex) return false;
  const ts = parseInt(timestamp, 10);
  if (Number.isNaN(ts) || Math.abs(nowSeconds - ts) > 300) return false;
  const message = Buffer.from([requestId, userId, timestamp, createHash('sha256').update(rawBody).digest('hex')].join('\n'), 'utf-8');
  const signature = Buffer.from(signatureHex, 'hex');
  for (const key of jwks.keys) {
    if (typeof key.x !== 'string') continue;
    const raw = Buffer.from(key.x, 'base64url');
    // The raw key as libsodium / PyNaCl take it, wrapped as SPKI for node's verify.
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
    try {
      if (raw.length === 32 && verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature)) return true;
    } catch {
      /* the next key */
    }
  }
  return false;
}
