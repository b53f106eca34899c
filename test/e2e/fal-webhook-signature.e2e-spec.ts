import { SigningKeys } from '../../src/webhooks/signing-keys.service';
import { createTestDatabase } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { queues, queueTestConfig } from '../support/queues';
import { Receiver, type Received } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';
import { falReceiverVerifies } from '../support/fal-receiver';

/**
 * fal's webhook signature over real HTTP: a request submitted on the fal routes with
 * ?fal_webhook= gets its result webhook signed as fal signs it (ED25519, X-Fal-Webhook-*), and a
 * receiver written from fal's documentation, pointed at Herald's JWKS instead of fal's, verifies
 * it; rotation keeps the old key published; two instances on one database share the keys.
 */
const ADMIN = 'fal-signature-admin-key-0123456789';
const admin = { authorization: `Key ${ADMIN}` };

interface Jwks {
  keys: Array<{ kty: string; crv: string; x: string; kid: string; use: string; alg: string }>;
}


const receivedAt = (r: Received) => Math.floor(r.at / 1000);
const only = (jwks: Jwks, kid: string): Jwks => ({ keys: jwks.keys.filter((k) => k.kid === kid) });

describe("fal webhooks signed with fal's ED25519 scheme", () => {
  let a: RunningHerald;
  let b: RunningHerald;
  let rx: Receiver;
  let drop: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    rx = await new Receiver().start();
    const database = await createTestDatabase();
    drop = database.drop;
    const shared = { url: database.url, drop: async () => undefined };
    const config = queueTestConfig({ apiKeys: [ADMIN] });
    // Only `a` delivers (b is API only), so which instance signs a webhook is known. One after the
    // other: two starting at the same moment can deadlock in pg-boss's createQueue (WorkQueue's
    // start-up); the keys' own race is the next test's.
    a = await startHerald(config, shared);
    b = await startHerald({ ...config, webhooks: { ...config.webhooks!, workers: false } }, shared);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop?.();
    await rx.stop();
  });

  const jwksOf = async (h: RunningHerald, path = '/fal/.well-known/jwks.json') => {
    // No key: the JWKS is public.
    const res = await api<Jwks>(h.baseUrl, 'GET', path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    return res.body;
  };

  /** A fal request through `a` with a webhook, completed by a worker; the fal body the receiver got. */
  async function falRequest(headers: Record<string, string> = {}): Promise<Received> {
    const path = `/hook/${++n}`;
    const sub = await api(a.baseUrl, 'POST', `/fal/queue/acme/signed?fal_webhook=${encodeURIComponent(rx.url + path)}`, { prompt: `p${n}` }, { ...admin, ...headers });
    expect(sub.status).toBe(200);
    const q = queues(a.baseUrl, admin);
    const [task] = await q.acquire(`w${n}`, ['acme/signed']);
    expect((await q.complete(task.taskId, `w${n}`, { images: [{ url: `https://x.test/${n}.png` }] })).status).toBe(200);
    const got = await eventually(async () => rx.requests.find((r) => r.path === path && r.body?.status === 'OK'));
    expect(got.body.request_id).toBe(sub.body.request_id);
    return got;
  }

  it('starts two instances on one database with one current key, the same JWKS on both and on both paths', async () => {
    const [current] = await a.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_signing_keys WHERE retired_at IS NULL');
    expect(current.n).toBe(1);
    const fromA = await jwksOf(a);
    expect(fromA.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: expect.any(String), use: 'sig', alg: 'EdDSA' }]);
    expect(await jwksOf(b)).toEqual(fromA);
    expect(await jwksOf(a, '/.well-known/jwks.json')).toEqual(fromA);
    expect(a.app.get(SigningKeys).kid).toBe(fromA.keys[0].kid);
    expect(b.app.get(SigningKeys).kid).toBe(fromA.keys[0].kid);
  });

  it('makes exactly one new key when both instances find the table empty at the same moment', async () => {
    await a.db.query('DELETE FROM webhook_signing_keys');
    // Each instance's reload finds no current key and makes one, both at once.
    await Promise.all([a.app.get(SigningKeys).reload(), b.app.get(SigningKeys).reload(), a.app.get(SigningKeys).reload()]);
    const rows = await a.db.query<{ kid: string }>('SELECT kid FROM webhook_signing_keys');
    expect(rows).toHaveLength(1);
    expect([a.app.get(SigningKeys).kid, b.app.get(SigningKeys).kid]).toEqual([rows[0].kid, rows[0].kid]);
    expect(await jwksOf(b)).toEqual(await jwksOf(a));
    expect((await jwksOf(a)).keys.map((k) => k.kid)).toEqual([rows[0].kid]);
  });

  it("delivers the result webhook with fal's four headers, which fal's receiver verifies with Herald's JWKS", async () => {
    const got = await falRequest({ 'x-project-id': 'proj-fal' });
    const jwks = await jwksOf(a);
    expect(got.headers['x-fal-webhook-request-id']).toBe(got.body.request_id);
    expect(got.headers['x-fal-webhook-user-id']).toBe('proj-fal');
    expect(Math.abs(Number(got.headers['x-fal-webhook-timestamp']) - receivedAt(got))).toBeLessThanOrEqual(2);
    expect(falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), jwks, receivedAt(got))).toBe(true);
    // One byte of the body changed: refused.
    const tampered = Buffer.from(got.raw, 'utf8');
    tampered[tampered.indexOf('"OK"') + 1] = 'K'.charCodeAt(0) + 1;
    expect(falReceiverVerifies(got.headers, tampered, jwks, receivedAt(got))).toBe(false);
    // Outside fal's ±300 s window: refused.
    expect(falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), jwks, receivedAt(got) + 301)).toBe(false);
    // The request's lifecycle webhooks (Herald's own format, to the same URL) carry none of them.
    const lifecycle = rx.requests.filter((r) => r.path === got.path && r !== got);
    expect(lifecycle.length).toBeGreaterThan(0);
    expect(lifecycle.flatMap((r) => Object.keys(r.headers).filter((h) => h.startsWith('x-fal-webhook-')))).toEqual([]);
  });

  it('names the user "herald" when the request has no project', async () => {
    const got = await falRequest();
    expect(got.headers['x-fal-webhook-user-id']).toBe('herald');
    expect(falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), await jwksOf(a), receivedAt(got))).toBe(true);
  });

  it('rotates for admin keys only; the next webhook verifies with the new kid, and the old one stays in the JWKS of both instances', async () => {
    const before = (await jwksOf(a)).keys[0].kid;
    expect((await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate')).status).toBe(401);
    const project = await createKey(a, ADMIN, 'proj-fal');
    const refused = await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, bearer(project.key));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN_SCOPE']);
    expect((await jwksOf(a)).keys.map((k) => k.kid)).toEqual([before]);

    // Rotated on the instance that delivers: it signs with the new key at once.
    const rotated = await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ kid: expect.any(String), previousKid: before, previousPublishedUntil: expect.any(String) });
    const kid = rotated.body.kid;
    expect(kid).not.toBe(before);
    const jwks = await jwksOf(a);
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid, before]);
    expect(await jwksOf(b)).toEqual(jwks);
    const got = await falRequest({ 'x-project-id': 'proj-fal' });
    expect(falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), jwks, receivedAt(got))).toBe(true);
    expect(falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), only(jwks, kid), receivedAt(got))).toBe(true);
    expect(falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), only(jwks, before), receivedAt(got))).toBe(false);

    // Rotated on the other instance: the delivering one picks the new key up when it reads the current kid again (its timer).
    const again = await api(b.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, admin);
    expect([again.status, again.body.previousKid]).toEqual([200, kid]);
    await a.app.get(SigningKeys).reload();
    expect(a.app.get(SigningKeys).kid).toBe(again.body.kid);
    const latest = await jwksOf(b);
    expect(latest.keys.map((k) => k.kid)).toEqual([again.body.kid, kid, before]);
    expect(await jwksOf(a)).toEqual(latest);
    const next = await falRequest();
    expect(falReceiverVerifies(next.headers, Buffer.from(next.raw, 'utf8'), only(latest, again.body.kid), receivedAt(next))).toBe(true);
    expect(falReceiverVerifies(next.headers, Buffer.from(next.raw, 'utf8'), { keys: latest.keys.filter((k) => k.kid !== again.body.kid) }, receivedAt(next))).toBe(false);
    const [current] = await a.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_signing_keys WHERE retired_at IS NULL');
    expect(current.n).toBe(1);
  });
});
