import { z } from 'zod';
import { responseSchema } from '../../common/openapi';

/** Answers of the signing-key routes: the JWKS and a rotation. */

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
    keys: z.array(SigningJwkView).meta({ description: 'the current key first, then keys retired less than 24 h ago (they still verify)' }),
  }),
);

export const RotatedSigningKey = responseSchema(
  'RotatedSigningKey',
  z.object({
    kid: z.string().meta({ description: 'the key that signs from now on' }),
    previousKid: z.string().nullable().meta({ description: 'the key it replaces' }),
    previousPublishedUntil: z.string().nullable().meta({ format: 'date-time', description: 'the previous key stays in the JWKS (so verifies) until then' }),
  }),
);
