import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '../../src/client/verify-webhook';
import { signatureHeaders } from '../../src/webhooks/domain/signature';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const at = new Date('2026-12-02T12:00:00.000Z');
const body = '{"type":"job.completed"}';

describe('verifyWebhook (client)', () => {
  it('accepts what standardwebhooks signs, and standardwebhooks accepts what Herald signs', () => {
    const sig = new Webhook(SECRET).sign('msg_1', at, body);
    expect(verifyWebhook(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': sig }, SECRET, () => at).ok).toBe(true);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const h = signatureHeaders([OLD, SECRET], 'msg_2', nowSeconds, body);
    expect(() => new Webhook(SECRET).verify(body, h)).not.toThrow();
    expect(verifyWebhook(Buffer.from(body), h, SECRET)).toEqual({ ok: true, id: 'msg_2', timestamp: nowSeconds });
  });
  it('rejects a wrong secret, a changed body and an old timestamp', () => {
    const h = signatureHeaders([SECRET], 'msg_3', at.getTime() / 1000, body);
    expect(verifyWebhook(body, h, OLD, () => at).ok).toBe(false);
    expect(verifyWebhook(body + ' ', h, SECRET, () => at).ok).toBe(false);
    expect(verifyWebhook(body, h, SECRET, () => new Date(at.getTime() + 301_000)).ok).toBe(false);
    expect(verifyWebhook(body, {}, SECRET, () => at).ok).toBe(false);
  });
});
