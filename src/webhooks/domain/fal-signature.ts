import { createHash, sign, type KeyObject } from 'node:crypto';

/**
 * fal's webhook signature (docs.fal.ai, "Verifying Your Webhook"), so that a receiver written
 * against fal verifies Herald's fal webhooks unchanged. Every webhook carries four headers:
 *
 *   X-Fal-Webhook-Request-Id   the request's id (the body's `request_id`)
 *   X-Fal-Webhook-User-Id      whose request it is (Herald: its project, else "herald")
 *   X-Fal-Webhook-Timestamp    unix seconds of the attempt
 *   X-Fal-Webhook-Signature    hex of the ED25519 signature of the UTF-8 message
 *                              request_id "\n" user_id "\n" timestamp "\n" hex(sha256(raw body))
 *
 * The receiver takes the public keys from a JWKS (OKP / Ed25519 JWKs, `x` base64url), accepts a
 * timestamp within ±300 s of its clock and a signature that verifies with any key of the set.
 */

/** Header names, as HTTP sends them (case does not matter on the wire). */
export const FAL_HEADERS = {
  requestId: 'x-fal-webhook-request-id',
  userId: 'x-fal-webhook-user-id',
  timestamp: 'x-fal-webhook-timestamp',
  signature: 'x-fal-webhook-signature',
} as const;

/** The window fal's documented receiver accepts around its clock. */
export const FAL_TIMESTAMP_TOLERANCE_SECONDS = 300;

/** The user id of a request that has no project. */
export const FAL_DEFAULT_USER_ID = 'herald';

/** How long a retired key stays in the JWKS (it still verifies what it signed before). */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 60 * 60 * 1000;

/** Signs a message (ED25519: 64 bytes). */
export type FalSigner = (message: Buffer) => Buffer;

/** What signs one fal webhook: its request, its user, the key. */
export interface FalSigning {
  requestId: string;
  userId: string;
  signer: FalSigner;
}

export function ed25519Signer(privateKey: KeyObject): FalSigner {
  return (message) => sign(null, message, privateKey);
}

/** The exact bytes signed: request id, user id, timestamp and the body's SHA-256 (hex), one a line. */
export function falSignedMessage(requestId: string, userId: string, timestampSeconds: number, body: string | Buffer): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.from(`${requestId}\n${userId}\n${timestampSeconds}\n${digest}`, 'utf8');
}

/** The four fal headers of one attempt (`body`: exactly the bytes sent). */
export function falSignatureHeaders(requestId: string, userId: string, timestampSeconds: number, body: string | Buffer, signer: FalSigner | KeyObject): Record<string, string> {
  const signWith = typeof signer === 'function' ? signer : ed25519Signer(signer);
  return {
    [FAL_HEADERS.requestId]: requestId,
    [FAL_HEADERS.userId]: userId,
    [FAL_HEADERS.timestamp]: String(timestampSeconds),
    [FAL_HEADERS.signature]: signWith(falSignedMessage(requestId, userId, timestampSeconds, body)).toString('hex'),
  };
}

/** The user id of a request: its project's id, else "herald". */
export function falUserId(projectId: string | null | undefined): string {
  return projectId ? projectId : FAL_DEFAULT_USER_ID;
}

/** A public key as the JWKS publishes it. */
export interface SigningJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

/**
 * The key id of an Ed25519 public key (`x`, base64url): its RFC 7638 JWK thumbprint (base64url
 * SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":"…"}`), the same whoever computes it.
 */
export function jwkThumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

export function publicJwk(x: string): SigningJwk {
  return { kty: 'OKP', crv: 'Ed25519', x, kid: jwkThumbprint(x), use: 'sig', alg: 'EdDSA' };
}
