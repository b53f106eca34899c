import { createHash } from 'node:crypto';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { client } from '../support/e2e';
import { bearer, createKey } from '../support/tenants';

const ADMIN = 'project-keys-admin-key-0001';
const LEGACY = 'legacy-api-key-from-before';
const ALL_SCOPES = ['jobs:write', 'jobs:read', 'workers', 'webhooks:manage', 'deliveries:read', 'deliveries:write'];
const pipeline = (name: string, extra: Record<string, unknown> = {}) => ({ name, nodes: [{ nodeName: 'n', algorithmName: `${name}-alg`, input: [1] }], ...extra });

describe('Project keys', () => {
  let h: RunningHerald;
  const keysOf = (projectId: string, key = ADMIN) => api(h.baseUrl, 'GET', `/api/v1/projects/${projectId}/keys`, undefined, bearer(key));

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN, apiKeys: [LEGACY], keyCacheMs: 300 });
  });
  afterAll(() => h.close());

  it('are made by an admin key and answered once; only a SHA-256 digest and a short prefix are stored', async () => {
    const res = await api(h.baseUrl, 'POST', '/api/v1/projects/proj-1/keys', { name: ' ci worker ' }, bearer(ADMIN));
    expect(res.status).toBe(201);
    const { key, ...rest } = res.body;
    expect(key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect(rest).toEqual({ id: expect.any(String), projectId: 'proj-1', name: 'ci worker', prefix: key.slice(0, 11), scopes: ALL_SCOPES, createdAt: expect.any(String), lastUsedAt: null });
    const rows = await h.db.query<{ key_hash: Buffer; row: string }>('SELECT key_hash, row_to_json(k)::text AS row FROM api_keys k WHERE id = $1', [rest.id]);
    expect(rows[0].key_hash.equals(createHash('sha256').update(key).digest())).toBe(true);
    expect(rows[0].row.includes(key.slice(11))).toBe(false);
    const listed = await keysOf('proj-1');
    expect([listed.status, listed.body.keys]).toEqual([200, [rest]]);
    expect(JSON.stringify(listed.body).includes(key.slice(11))).toBe(false);
    // The key works, and is its project's.
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(key))).status).toBe(200);
  });

  it('keep HERALD_API_KEYS as admin keys: they make keys and read every project', async () => {
    const made = await createKey(h, LEGACY, 'proj-legacy');
    const jobId = await client(h.baseUrl, bearer(made.key)).submit(pipeline('legacy'));
    expect((await api(h.baseUrl, 'GET', `/api/v1/exec/status/${jobId}`, undefined, bearer(LEGACY))).body.projectId).toBe('proj-legacy');
    expect((await keysOf('proj-legacy', LEGACY)).body.keys.map((k: { id: string }) => k.id)).toEqual([made.id]);
  });

  it('record their last use (at most once a minute, after the answer)', async () => {
    const made = await createKey(h, ADMIN, 'proj-used');
    expect((await keysOf('proj-used')).body.keys[0].lastUsedAt).toBeNull();
    const before = Date.now();
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(made.key))).status).toBe(200);
    // Written after the answer: wait for it (null, not yet written, is no answer; eventually() would take it as one).
    const used = await eventually(async () => ((await keysOf('proj-used')).body.keys[0].lastUsedAt as string | null) ?? undefined);
    expect(Date.parse(used)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('are refused what their scopes do not cover with 403 FORBIDDEN_SCOPE, and cannot manage keys', async () => {
    const reader = await createKey(h, ADMIN, 'proj-scoped', { name: 'reader', scopes: ['jobs:read'] });
    const writer = await createKey(h, ADMIN, 'proj-scoped', { name: 'writer', scopes: ['jobs:write', 'jobs:read'] });
    const jobId = await client(h.baseUrl, bearer(writer.key)).submit(pipeline('scoped'));
    expect((await api(h.baseUrl, 'GET', `/api/v1/exec/status/${jobId}`, undefined, bearer(reader.key))).status).toBe(200);
    const refused = await api(h.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('scoped'), bearer(reader.key));
    expect([refused.status, refused.body]).toEqual([403, { error: { code: 'FORBIDDEN_SCOPE', message: 'this key lacks the scope jobs:write', details: { required: 'jobs:write' } } }]);
    expect((await api(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'w' }, bearer(writer.key))).body.error.code).toBe('FORBIDDEN_SCOPE');
    const admin = { error: { code: 'FORBIDDEN_SCOPE', message: 'this route needs an admin key (HERALD_ADMIN_KEY)', details: { required: 'admin' } } };
    for (const [method, path, body] of [
      ['POST', '/api/v1/projects/proj-scoped/keys', { name: 'more' }],
      ['GET', '/api/v1/projects/proj-scoped/keys', undefined],
      ['DELETE', `/api/v1/projects/proj-scoped/keys/${reader.id}`, undefined],
      ['PUT', '/api/v1/queues/scoped-q', { retryLimit: 0 }],
    ] as const) {
      const res = await api(h.baseUrl, method, path, body, bearer(writer.key));
      expect([method, path, res.status, res.body]).toEqual([method, path, 403, admin]);
    }
    expect((await keysOf('proj-scoped')).body.keys).toHaveLength(2);
  });

  it('validate the key request', async () => {
    const post = (projectId: string, body: unknown) => api(h.baseUrl, 'POST', `/api/v1/projects/${projectId}/keys`, body, bearer(ADMIN));
    const scopesRule = `must be a non-empty list of distinct scopes among ${ALL_SCOPES.join(', ')}`;
    expect((await post('proj-1', { name: '' })).body.error.details).toEqual([{ path: 'name', message: 'is required: 1-200 characters' }]);
    for (const scopes of [[], ['jobs:everything'], ['workers', 'workers'], 'workers']) {
      const res = await post('proj-1', { name: 'k', scopes });
      expect([scopes, res.status, res.body.error.details]).toEqual([scopes, 400, [{ path: 'scopes', message: scopesRule }]]);
    }
    expect((await post('proj-1', { name: 'k', extra: 1 })).body.error.details).toEqual([{ path: 'extra', message: 'is not a known field' }]);
    expect((await post('bad project', { name: 'k' })).body.error.code).toBe('VALIDATION_FAILED');
    const del = await api(h.baseUrl, 'DELETE', '/api/v1/projects/proj-1/keys/7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11', undefined, bearer(ADMIN));
    expect([del.status, del.body.error.code]).toEqual([404, 'KEY_NOT_FOUND']);
  });

  it('are revoked at once on the instance that revoked them, and within HERALD_KEY_CACHE_MS on every other', async () => {
    const other = await startHerald({ adminKey: ADMIN, keyCacheMs: 300 }, { url: h.databaseUrl, drop: async () => undefined });
    try {
      const made = await createKey(h, ADMIN, 'proj-revoked');
      const get = (on: RunningHerald) => api(on.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(made.key));
      // Both instances serve it (the other one has it cached now).
      expect([(await get(h)).status, (await get(other)).status]).toEqual([200, 200]);
      const revokedAt = Date.now();
      expect((await api(h.baseUrl, 'DELETE', `/api/v1/projects/proj-revoked/keys/${made.id}`, undefined, bearer(ADMIN))).status).toBe(204);
      expect((await get(h)).status).toBe(401);
      await eventually(async () => (await get(other)).status === 401, 5000, 20);
      expect(Date.now() - revokedAt).toBeLessThan(300 + 2000);
      expect((await keysOf('proj-revoked')).body.keys).toEqual([]);
      expect((await api(h.baseUrl, 'DELETE', `/api/v1/projects/proj-revoked/keys/${made.id}`, undefined, bearer(ADMIN))).status).toBe(404);
    } finally {
      await other.stop();
    }
  });

  it('refuse a malformed or unknown hk_ key with 401, and an admin key is still an admin key', async () => {
    for (const token of ['hk_nope', `hk_${'A'.repeat(43)}`, 'wrong']) {
      expect([token, (await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(token))).status]).toEqual([token, 401]);
    }
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(ADMIN))).status).toBe(200);
  });
});

describe('Project keys without any admin key (open API)', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald();
  });
  afterAll(() => h.close());

  it('are still honoured: a request with one is scoped to its project; one without a key sees everything', async () => {
    const open = client(h.baseUrl);
    const made = (await open.call('POST', '/api/v1/projects/proj-open/keys', { name: 'dev' })).body;
    const scoped = client(h.baseUrl, bearer(made.key));
    const mine = await scoped.submit(pipeline('open-mine'));
    const theirs = await open.submit(pipeline('open-theirs', { projectId: 'proj-other' }));
    const unowned = await open.submit(pipeline('open-unowned'));
    expect((await scoped.call('GET', '/api/v1/exec/jobs')).body.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([mine]);
    for (const jobId of [theirs, unowned]) expect((await scoped.call('GET', `/api/v1/exec/status/${jobId}`)).status).toBe(404);
    expect((await open.call('GET', '/api/v1/exec/jobs')).body.jobs.map((j: { jobId: string }) => j.jobId).sort()).toEqual([mine, theirs, unowned].sort());
    // A project id in the body must be the key's.
    const wrong = await scoped.call('POST', '/api/v1/exec/raw', pipeline('open-wrong', { projectId: 'proj-other' }));
    expect([wrong.status, wrong.body.error.details]).toEqual([400, [{ path: 'projectId', message: 'must be proj-open, the project of this API key (or left out)' }]]);
    expect((await scoped.call('GET', `/api/v1/exec/status/${mine}`)).body.projectId).toBe('proj-open');
    // A key that is not (or no longer) valid is refused rather than taken for an open request.
    expect((await client(h.baseUrl, bearer(`hk_${'B'.repeat(43)}`)).call('GET', '/api/v1/exec/jobs')).status).toBe(401);
    expect((await client(h.baseUrl, bearer('anything-else')).call('GET', '/api/v1/exec/jobs')).status).toBe(200);
  });

  it('record the key of a project as the actor of the events its requests append', async () => {
    const made = (await client(h.baseUrl).call('POST', '/api/v1/projects/proj-actor/keys', { name: 'dev' })).body;
    const c = client(h.baseUrl, bearer(made.key));
    const jobId = await c.submit(pipeline('actor'));
    expect((await c.events(jobId))[0].metadata.actor).toBe(`key:${made.id}`);
  });
});
