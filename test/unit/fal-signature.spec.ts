import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ed25519Signer, falSignatureHeaders, falSignedMessage, falUserId, jwkThumbprint, publicJwk, type SigningJwk } from '../../src/webhooks/domain/fal-signature';
import { deliveryHeaders } from '../../src/webhooks/domain/signature';
import { falReceiverVerifies } from '../support/fal-receiver';


/** RFC 8032 test 1 (RFC 8037 A.1): a known key pair. */
const RFC_D = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const rfcKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(RFC_D, 'hex').toString('base64url'), x: RFC_X }, format: 'jwk' });

function keyPair(): { privateKey: KeyObject; jwk: SigningJwk } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, jwk: publicJwk(publicKey.export({ format: 'jwk' }).x!) };
}

describe("fal's webhook signature", () => {
  const ts = 1_796_000_000;
  const body = '{"request_id":"42","gateway_request_id":"42","status":"OK","payload":{"images":[]},"error":null}';

  it('signs request id, user id, timestamp and the body digest, one a line, as fal lays them out', () => {
    expect(falSignedMessage('42', 'proj-1', ts, 'abc').toString('utf8')).toBe(`42\nproj-1\n${ts}\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad`);
    // RFC 8032 test 1: the known key signs the empty message to the known signature (plain ED25519, no prehash).
    expect(ed25519Signer(rfcKey)(Buffer.alloc(0)).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    const headers = falSignatureHeaders('42', 'proj-1', ts, body, rfcKey);
    expect(Object.keys(headers).sort()).toEqual(['x-fal-webhook-request-id', 'x-fal-webhook-signature', 'x-fal-webhook-timestamp', 'x-fal-webhook-user-id']);
    expect(headers).toMatchObject({ 'x-fal-webhook-request-id': '42', 'x-fal-webhook-user-id': 'proj-1', 'x-fal-webhook-timestamp': String(ts) });
    expect(headers['x-fal-webhook-signature']).toMatch(/^[0-9a-f]{128}$/);
    // A signer function and the key itself sign the same (ED25519 is deterministic).
    expect(falSignatureHeaders('42', 'proj-1', ts, body, ed25519Signer(rfcKey))).toEqual(headers);
  });

  it("verifies with fal's documented receiver against the public key in a JWKS", () => {
    const headers = falSignatureHeaders('42', 'proj-1', ts, body, rfcKey);
    expect(falReceiverVerifies(headers, Buffer.from(body), { keys: [publicJwk(RFC_X)] }, ts)).toBe(true);
    const { privateKey, jwk } = keyPair();
    expect(falReceiverVerifies(falSignatureHeaders('7', 'herald', ts, body, privateKey), Buffer.from(body), { keys: [jwk] }, ts + 12)).toBe(true);
  });

  it('is refused for a body changed by one byte, another request or user id, another key, or a timestamp more than 300 s away', () => {
    const headers = falSignatureHeaders('42', 'proj-1', ts, body, rfcKey);
    const jwks = { keys: [publicJwk(RFC_X)] };
    const raw = Buffer.from(body);
    const tampered = Buffer.from(raw);
    tampered[tampered.length - 2] ^= 1;
    expect(falReceiverVerifies(headers, tampered, jwks, ts)).toBe(false);
    expect(falReceiverVerifies({ ...headers, 'x-fal-webhook-request-id': '43' }, raw, jwks, ts)).toBe(false);
    expect(falReceiverVerifies({ ...headers, 'x-fal-webhook-user-id': 'proj-2' }, raw, jwks, ts)).toBe(false);
    expect(falReceiverVerifies({ ...headers, 'x-fal-webhook-timestamp': String(ts + 1) }, raw, jwks, ts)).toBe(false);
    expect(falReceiverVerifies(headers, raw, { keys: [keyPair().jwk] }, ts)).toBe(false);
    expect(falReceiverVerifies(headers, raw, jwks, ts + 300)).toBe(true);
    expect(falReceiverVerifies(headers, raw, jwks, ts - 300)).toBe(true);
    expect(falReceiverVerifies(headers, raw, jwks, ts + 301)).toBe(false);
    expect(falReceiverVerifies(headers, raw, jwks, ts - 301)).toBe(false);
  });

  it('verifies with any key of the set: a receiver holding the old and the new key accepts both', () => {
    const older = keyPair();
    const newer = keyPair();
    const jwks = { keys: [newer.jwk, older.jwk] };
    for (const k of [older, newer]) {
      expect(falReceiverVerifies(falSignatureHeaders('9', 'herald', ts, body, k.privateKey), Buffer.from(body), jwks, ts)).toBe(true);
    }
  });

  it("names a request's user by its project, else herald", () => {
    expect([falUserId('proj-1'), falUserId(null), falUserId(undefined)]).toEqual(['proj-1', 'herald', 'herald']);
  });

  it("publishes OKP/Ed25519 JWKs whose kid is the RFC 7638 thumbprint (RFC 8037's example)", () => {
    expect(jwkThumbprint(RFC_X)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(publicJwk(RFC_X)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: RFC_X, kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k', use: 'sig', alg: 'EdDSA' });
    // Node reads the published JWK as the same public key.
    expect(createPublicKey({ key: { ...publicJwk(RFC_X) }, format: 'jwk' }).export({ format: 'jwk' }).x).toBe(RFC_X);
  });

  it("adds fal's headers to a delivery's, beside the Standard Webhooks trio, signed with the attempt's time", () => {
    const sub = { headers: { 'x-custom': '1', 'x-fal-webhook-user-id': 'spoofed' }, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previousSecret: null, previousSecretExpiresAt: null };
    const at = new Date(ts * 1000 + 250);
    const signed = deliveryHeaders(sub, 'm1', body, at, '1.0.0', { requestId: '42', userId: 'proj-1', signer: ed25519Signer(rfcKey) });
    expect(signed).toMatchObject({ 'x-custom': '1', 'webhook-id': 'msg_m1', 'webhook-timestamp': String(ts), 'x-fal-webhook-timestamp': String(ts), 'x-fal-webhook-user-id': 'proj-1' });
    expect(falReceiverVerifies(signed, Buffer.from(body), { keys: [publicJwk(RFC_X)] }, ts)).toBe(true);
    const plain = deliveryHeaders({ ...sub, headers: {} }, 'm1', body, at, '1.0.0');
    expect(Object.keys(plain).filter((h) => h.startsWith('x-fal-'))).toEqual([]);
  });
});
