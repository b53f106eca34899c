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
 * it; the JWKS publishes the next key before it signs, so a receiver that fetched it once before
 * a rotation keeps verifying; rotation keeps the old key published; a revoke takes a key out of
 * both instances' JWKS at once and the promoted key signs; two instances on one database share
 * the keys.
 */
const ADMIN = 'fal-signature-admin-key-0123456789';
const admin = { authorization: `Key ${ADMIN}` };

interface Jwks {
  keys: Array<{ kty: string; crv: string; x: string; kid: string; use: string; alg: string }>;
}


interface KeyListing {
  kid: string;
  state: 'current' | 'next' | 'retired' | 'revoked';
  createdAt: string;
  currentSince: string | null;
  retiredAt: string | null;
  revokedAt: string | null;
  publishedUntil: string | null;
}

const receivedAt = (r: Received) => Math.floor(r.at / 1000);
const only = (jwks: Jwks, kid: string): Jwks => ({ keys: jwks.keys.filter((k) => k.kid === kid) });
const without = (jwks: Jwks, kid: string): Jwks => ({ keys: jwks.keys.filter((k) => k.kid !== kid) });
const kids = (jwks: Jwks) => jwks.keys.map((k) => k.kid);
const verifies = (got: Received, jwks: Jwks) => falReceiverVerifies(got.headers, Buffer.from(got.raw, 'utf8'), jwks, receivedAt(got));

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

  /** The ring as the admin listing answers it (and the instance the call went to). */
  const listKeys = async (h: RunningHerald = a): Promise<KeyListing[]> => {
    const res = await api<{ keys: KeyListing[] }>(h.baseUrl, 'GET', '/api/v1/admin/signing-keys', undefined, admin);
    expect(res.status).toBe(200);
    return res.body.keys;
  };
  const kidIn = (keys: KeyListing[], state: KeyListing['state']) => keys.find((k) => k.state === state)?.kid;

  it('starts two instances on one database with one current and one next key, the same JWKS on both and on both paths', async () => {
    const rows = await a.db.query<{ is_next: boolean }>('SELECT is_next FROM webhook_signing_keys WHERE retired_at IS NULL ORDER BY is_next');
    expect(rows.map((r) => r.is_next)).toEqual([false, true]);
    const fromA = await jwksOf(a);
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: expect.any(String), use: 'sig', alg: 'EdDSA' };
    expect(fromA.keys).toEqual([jwk, jwk]);
    // Current first, then next.
    const listed = await listKeys();
    expect(listed.map((k) => [k.kid, k.state])).toEqual([
      [fromA.keys[0].kid, 'current'],
      [fromA.keys[1].kid, 'next'],
    ]);
    expect(await jwksOf(b)).toEqual(fromA);
    expect(await jwksOf(a, '/.well-known/jwks.json')).toEqual(fromA);
    expect(a.app.get(SigningKeys).kid).toBe(fromA.keys[0].kid);
    expect(b.app.get(SigningKeys).kid).toBe(fromA.keys[0].kid);
  });

  it('makes exactly one current and one next key when both instances find the table empty at the same moment', async () => {
    await a.db.query('DELETE FROM webhook_signing_keys');
    // Each instance's reload finds no current key and makes the ring, all at once.
    await Promise.all([a.app.get(SigningKeys).reload(), b.app.get(SigningKeys).reload(), a.app.get(SigningKeys).reload()]);
    const rows = await a.db.query<{ kid: string }>('SELECT kid FROM webhook_signing_keys WHERE retired_at IS NULL ORDER BY is_next');
    expect((await a.db.query('SELECT kid FROM webhook_signing_keys')).length).toBe(2);
    expect([a.app.get(SigningKeys).kid, b.app.get(SigningKeys).kid]).toEqual([rows[0].kid, rows[0].kid]);
    expect(await jwksOf(b)).toEqual(await jwksOf(a));
    expect(kids(await jwksOf(a))).toEqual(rows.map((r) => r.kid));
  });

  it('completes a ring that lacks its next key (as an earlier release leaves it after a rotation)', async () => {
    const [next] = await a.db.query<{ kid: string }>('DELETE FROM webhook_signing_keys WHERE is_next RETURNING kid');
    await a.app.get(SigningKeys).reload();
    const listed = await listKeys();
    expect(listed.map((k) => k.state)).toEqual(['current', 'next']);
    expect(kidIn(listed, 'next')).not.toBe(next.kid);
    expect(kidIn(listed, 'current')).toBe(a.app.get(SigningKeys).kid);
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

  it('rotates for admin keys only: next signs, the old key stays in the JWKS of both instances, a new next is published', async () => {
    const [before, next] = kids(await jwksOf(a));
    expect((await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate')).status).toBe(401);
    const project = await createKey(a, ADMIN, 'proj-fal');
    const refused = await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, bearer(project.key));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN_SCOPE']);
    expect(kids(await jwksOf(a))).toEqual([before, next]);

    // Rotated on the instance that delivers: it signs with the promoted next key at once.
    const rotated = await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ kid: next, previousKid: before, previousPublishedUntil: expect.any(String), nextKid: expect.any(String) });
    const kid = rotated.body.kid;
    const newNext = rotated.body.nextKid;
    expect([before, next]).not.toContain(newNext);
    const jwks = await jwksOf(a);
    // Current, next, retired.
    expect(kids(jwks)).toEqual([kid, newNext, before]);
    expect(await jwksOf(b)).toEqual(jwks);
    const got = await falRequest({ 'x-project-id': 'proj-fal' });
    expect(verifies(got, jwks)).toBe(true);
    expect(verifies(got, only(jwks, kid))).toBe(true);
    expect(verifies(got, without(jwks, kid))).toBe(false);

    // Rotated on the other instance: the delivering one hears of it (NOTIFY) and signs with the new key, without waiting for its 30 s reload.
    const again = await api(b.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, admin);
    expect([again.status, again.body.kid, again.body.previousKid]).toEqual([200, newNext, kid]);
    await eventually(async () => a.app.get(SigningKeys).kid === newNext, 10_000);
    const latest = await jwksOf(b);
    expect(kids(latest)).toEqual([newNext, again.body.nextKid, kid, before]);
    expect(await jwksOf(a)).toEqual(latest);
    const after = await falRequest();
    expect(verifies(after, only(latest, newNext))).toBe(true);
    expect(verifies(after, without(latest, newNext))).toBe(false);
    const rows = await a.db.query<{ is_next: boolean }>('SELECT is_next FROM webhook_signing_keys WHERE retired_at IS NULL ORDER BY is_next');
    expect(rows.map((r) => r.is_next)).toEqual([false, true]);
  });

  it('keeps a receiver verifying that fetched the JWKS once before a rotation and never again, whichever instance rotates', async () => {
    // The receiver's copy, fetched once (fal's sample caches it 24 h and does not fetch it again on an unknown kid).
    const cached = await jwksOf(a);
    const [current, next] = kids(cached);
    const rotated = await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, admin);
    expect(rotated.status).toBe(200);
    const got = await falRequest({ 'x-project-id': 'proj-fal' });
    expect(verifies(got, cached)).toBe(true);
    // Signed by the key that was next when the receiver fetched the set.
    expect(rotated.body.kid).toBe(next);
    expect(verifies(got, only(cached, next))).toBe(true);
    expect(verifies(got, only(cached, current))).toBe(false);

    // Rotated on the other instance, the webhook sent right after it: signed with the old key or
    // the new one (before or after the delivering instance heard of it), the receiver fetched both.
    const cachedAgain = await jwksOf(b);
    const viaB = await api(b.baseUrl, 'POST', '/api/v1/admin/signing-keys/rotate', undefined, admin);
    expect(viaB.status).toBe(200);
    const racing = await falRequest();
    expect(verifies(racing, cachedAgain)).toBe(true);

    // Two rotations since the receiver's copy: the key that signs now was made after it (docs/SECURITY.md).
    await eventually(async () => a.app.get(SigningKeys).kid === viaB.body.kid, 10_000);
    const late = await falRequest();
    expect(verifies(late, await jwksOf(a))).toBe(true);
    expect(verifies(late, cached)).toBe(false);
  });

  it('lists and revokes for admin keys only (401 without a key, 403 for a project key, 404 for an unknown kid)', async () => {
    const project = await createKey(a, ADMIN, 'proj-fal');
    const current = kidIn(await listKeys(), 'current')!;
    for (const [method, path] of [
      ['GET', '/api/v1/admin/signing-keys'],
      ['POST', `/api/v1/admin/signing-keys/${current}/revoke`],
    ]) {
      const none = await api(a.baseUrl, method, path);
      expect([path, none.status, none.body.error.code]).toEqual([path, 401, 'UNAUTHORIZED']);
      const refused = await api(a.baseUrl, method, path, undefined, bearer(project.key));
      expect([path, refused.status, refused.body.error.code]).toEqual([path, 403, 'FORBIDDEN_SCOPE']);
    }
    const unknown = await api(a.baseUrl, 'POST', '/api/v1/admin/signing-keys/no-such-kid/revoke', undefined, admin);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'SIGNING_KEY_NOT_FOUND']);
    // Nothing changed.
    expect(kidIn(await listKeys(), 'current')).toBe(current);
    expect(a.app.get(SigningKeys).kid).toBe(current);
  });

  it('revokes the current key on another instance: out of both JWKS at once, the promoted next key signs, never the revoked one', async () => {
    const cached = await jwksOf(a);
    const [current, next] = kids(cached);
    const revoked = await api(b.baseUrl, 'POST', `/api/v1/admin/signing-keys/${current}/revoke`, undefined, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ kid: current, previousState: 'current', revokedAt: expect.any(String), currentKid: next, nextKid: expect.any(String) });
    // Out of the JWKS of both instances, on both paths, at once (no waiting).
    for (const h of [a, b]) {
      for (const path of ['/fal/.well-known/jwks.json', '/.well-known/jwks.json']) {
        expect([path, kids(await jwksOf(h, path))]).toEqual([path, [next, revoked.body.nextKid, ...kids(cached).slice(2)]]);
      }
    }
    // Its private part is gone.
    const [row] = await a.db.query<{ private_key: string | null }>('SELECT private_key FROM webhook_signing_keys WHERE kid = $1', [current]);
    expect(row.private_key).toBeNull();
    // The delivering instance hears of it (NOTIFY) and signs with the promoted key.
    await eventually(async () => a.app.get(SigningKeys).kid === next, 10_000);
    const got = await falRequest({ 'x-project-id': 'proj-fal' });
    const jwks = await jwksOf(a);
    expect(verifies(got, jwks)).toBe(true);
    expect(verifies(got, only(jwks, next))).toBe(true);
    expect(verifies(got, only(cached, current))).toBe(false);
    // A receiver that fetched the set before the revoke verifies it too: the promoted key was next.
    expect(verifies(got, cached)).toBe(true);

    const listed = await listKeys(b);
    expect(listed.slice(0, 2).map((k) => [k.kid, k.state])).toEqual([
      [next, 'current'],
      [revoked.body.nextKid, 'next'],
    ]);
    expect(listed.find((k) => k.kid === current)).toEqual({
      kid: current,
      state: 'revoked',
      createdAt: expect.any(String),
      currentSince: expect.any(String),
      retiredAt: revoked.body.revokedAt,
      revokedAt: revoked.body.revokedAt,
      publishedUntil: null,
    });
    expect(listed[listed.length - 1].state).toBe('revoked');
    // No private part anywhere in the listing.
    expect(JSON.stringify(listed)).not.toMatch(/PRIVATE|BEGIN|"d"/);
    expect(new Set(listed.flatMap((k) => Object.keys(k)))).toEqual(new Set(['kid', 'state', 'createdAt', 'currentSince', 'retiredAt', 'revokedAt', 'publishedUntil']));

    // Revoked again: 200, as it is, nothing changes.
    const twice = await api(a.baseUrl, 'POST', `/api/v1/admin/signing-keys/${current}/revoke`, undefined, admin);
    expect([twice.status, twice.body]).toEqual([200, { ...revoked.body, previousState: 'revoked' }]);
    expect(await listKeys()).toEqual(listed);
  });

  it('revokes the next key (a new next is published) and a retired key (out of the JWKS, the rest unchanged)', async () => {
    const [current, next, retired] = kids(await jwksOf(a));
    expect(retired).toEqual(expect.any(String));
    const r1 = await api(a.baseUrl, 'POST', `/api/v1/admin/signing-keys/${next}/revoke`, undefined, admin);
    expect(r1.body).toEqual({ kid: next, previousState: 'next', revokedAt: expect.any(String), currentKid: current, nextKid: expect.any(String) });
    expect(r1.body.nextKid).not.toBe(next);
    expect(kids(await jwksOf(b)).slice(0, 2)).toEqual([current, r1.body.nextKid]);
    expect(kids(await jwksOf(b))).not.toContain(next);
    const r2 = await api(b.baseUrl, 'POST', `/api/v1/admin/signing-keys/${retired}/revoke`, undefined, admin);
    expect(r2.body).toEqual({ kid: retired, previousState: 'retired', revokedAt: expect.any(String), currentKid: current, nextKid: r1.body.nextKid });
    expect(kids(await jwksOf(a))).not.toContain(retired);
    expect(a.app.get(SigningKeys).kid).toBe(current);
    const got = await falRequest();
    expect(verifies(got, only(await jwksOf(a), current))).toBe(true);
  });

  it("describes fal's four headers and the signed message on the fal.result webhook of the OpenAPI document", async () => {
    const doc = (await api(a.baseUrl, 'GET', '/docs-json')).body;
    const params = doc.webhooks['fal.result'].post.parameters as Array<{ name: string; in: string; required: boolean; description: string }>;
    const fal = params.filter((p) => p.name.toLowerCase().startsWith('x-fal-webhook-'));
    expect(fal.map((p) => [p.name, p.in, p.required])).toEqual([
      ['X-Fal-Webhook-Request-Id', 'header', true],
      ['X-Fal-Webhook-User-Id', 'header', true],
      ['X-Fal-Webhook-Timestamp', 'header', true],
      ['X-Fal-Webhook-Signature', 'header', true],
    ]);
    for (const p of fal) expect([p.name, p.description.length > 20]).toEqual([p.name, true]);
    const signature = fal[3].description;
    expect(signature).toContain('ED25519');
    expect(signature).toContain('request_id "\\n" user_id "\\n" timestamp "\\n" hex(sha256(raw body))');
    expect(signature).toContain('/fal/.well-known/jwks.json');
    expect(doc.webhooks['fal.result'].post.description).toContain('hex(sha256(raw body))');
    // Other webhooks carry none of them.
    expect((doc.webhooks['exec.result'].post.parameters as Array<{ name: string }>).filter((p) => p.name.toLowerCase().startsWith('x-fal-'))).toEqual([]);
    // The admin routes of the keys are in the document, admin-only.
    expect(doc.paths['/api/v1/admin/signing-keys'].get['x-herald-access']).toBe('admin');
    expect(doc.paths['/api/v1/admin/signing-keys/{kid}/revoke'].post['x-herald-access']).toBe('admin');
    expect(Object.keys(doc.paths['/api/v1/admin/signing-keys/{kid}/revoke'].post.responses).sort()).toEqual(['200', '401', '403', '404']);
  });
});
