import { Webhook } from 'standardwebhooks';
import { verifySignature } from '../../src/triggers/domain/trigger-signature';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const now = new Date('2026-12-02T12:00:00.000Z');
const headersOf = (h: Record<string, string>) => (name: string) => h[name];

describe('trigger signatures (Standard Webhooks)', () => {
  const body = '{"a":1}';
  const good = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now.getTime() / 1000), 'webhook-signature': new Webhook(SECRET).sign('msg_1', now, body) };

  it('accepts what the standardwebhooks package signs, among several signatures', () => {
    expect(verifySignature(SECRET, headersOf(good), body, now)).toEqual({ ok: true, id: 'msg_1' });
    expect(verifySignature(SECRET, headersOf({ ...good, 'webhook-signature': `v1,AAAA ${good['webhook-signature']}` }), body, now).ok).toBe(true);
  });

  it('rejects another body, another id, a missing header and a timestamp more than 5 minutes away', () => {
    expect(verifySignature(SECRET, headersOf(good), '{"a":2}', now)).toEqual({ ok: false, reason: 'no valid webhook-signature' });
    expect(verifySignature(SECRET, headersOf({ ...good, 'webhook-id': 'msg_2' }), body, now).ok).toBe(false);
    expect(verifySignature(SECRET, headersOf({ 'webhook-id': 'msg_1' }), body, now).ok).toBe(false);
    expect(verifySignature(SECRET, headersOf(good), body, new Date(now.getTime() + 301_000))).toEqual({ ok: false, reason: 'webhook-timestamp is more than 5 minutes from now' });
    expect(verifySignature(SECRET, headersOf(good), body, new Date(now.getTime() + 299_000)).ok).toBe(true);
  });
});
