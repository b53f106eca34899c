import { z } from 'zod';
import { responseSchema } from '../../common/openapi';

/** Answers of the signing-key routes: the JWKS, the listing, a rotation and a revoke. */

export const SigningJwkView = responseSchema(
  'SigningJwk',
  z.object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().meta({ description: 'the public key, base64url (32 bytes)' }),
    kid: z.string().meta({ description: "the key's RFC 7638 thumbprint" }),
    use: z.literal('sig'),
    alg: z.literal('EdDSA'),
  }),
);

export const JwksView = responseSchema(
  'Jwks',
  z.object({
    keys: z
      .array(SigningJwkView)
      .meta({ description: 'the current key first, then the next key (it signs after the next rotation), then keys retired less than 24 h ago (they still verify); never a revoked key' }),
  }),
);

export const RotatedSigningKey = responseSchema(
  'RotatedSigningKey',
  z.object({
    kid: z.string().meta({ description: 'the key that signs from now on' }),
    previousKid: z.string().nullable().meta({ description: 'the key it replaces' }),
    previousPublishedUntil: z.string().nullable().meta({ format: 'date-time', description: 'the previous key stays in the JWKS (so verifies) until then' }),
    nextKid: z.string().meta({ description: 'the new next key: in the JWKS from now on, signing from the next rotation' }),
  }),
);

const STATES = ['current', 'next', 'retired', 'revoked'] as const;
const time = (description: string) => z.string().nullable().meta({ format: 'date-time', description });

export const SigningKeyListing = responseSchema(
  'SigningKeyListing',
  z.object({
    kid: z.string(),
    state: z.enum(STATES).meta({ description: 'current: signs; next: published, signs after the next rotation; retired: published 24 h after its retirement; revoked: never published again' }),
    createdAt: z.string().meta({ format: 'date-time' }),
    currentSince: time('when it began to sign (null: it never did)'),
    retiredAt: time('when it stopped signing (or being next)'),
    revokedAt: time('when it was revoked'),
    publishedUntil: time('a retired key: until when the JWKS still publishes it'),
  }),
);

export const SigningKeyList = responseSchema(
  'SigningKeyList',
  z.object({
    keys: z.array(SigningKeyListing).meta({ description: 'current, next, retired (latest first), revoked (latest first); retired keys go 24 h after their retirement, revoked ones stay' }),
  }),
);

export const RevokedSigningKey = responseSchema(
  'RevokedSigningKey',
  z.object({
    kid: z.string().meta({ description: 'the revoked key' }),
    previousState: z.enum(STATES).meta({ description: 'its state before this revoke; revoked: it was revoked already and nothing changed' }),
    revokedAt: z.string().meta({ format: 'date-time', description: 'when it was revoked (the first revoke)' }),
    currentKid: z.string().meta({ description: 'the key that signs now (the promoted next key when the current one was revoked)' }),
    nextKid: z.string().meta({ description: 'the next key now' }),
  }),
);
