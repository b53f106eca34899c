import { api, startHerald, type RunningHerald } from '../support/herald';
import { operationsOf, pathVariants, rawRequest, type Operation } from '../support/auth-walk';

/**
 * With keys set, no spelling of any route reaches it without a valid key (deny by default), and
 * only the canonical spelling reaches it with one (case-sensitive, strict routing). Every
 * operation of the OpenAPI document is walked. Fixed: before, `/API/...` and `/QUEUE/...` (any
 * other letter case) skipped the key check while the router still matched them.
 */
/** The public signing keys of fal's webhook signatures (and its /fal/ twin). */
const JWKS = '/.well-known/jwks.json';

describe('API keys hold for every spelling of every route', () => {
  let h: RunningHerald;
  let ops: Operation[];
  const KEY = 'walk-key-1';

  beforeAll(async () => {
    // Hundreds of requests a second with one project's key: no rate limit here (project-limits.e2e-spec.ts has its own).
    h = await startHerald({ apiKeys: [KEY], limits: { requestsPerSecond: 0, maxJobsInFlight: 0, maxSubscriptions: 0 } });
    const doc = await api(h.baseUrl, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    ops = operationsOf(doc.body);
  });
  afterAll(() => h.close());

  const bodyFor = (op: Operation) => (['POST', 'PUT', 'PATCH'].includes(op.method) ? '{}' : undefined);

  it('covers every route: the exec, worker, job, queue, project, subscription and delivery APIs', () => {
    const prefixes = new Set(ops.map((o) => o.path.split('/').slice(0, 4).join('/')));
    for (const p of ['/api/v1/exec', '/api/v1/tasks', '/api/v1/jobs', '/api/v1/queues', '/api/v1/projects', '/api/v1/subscriptions', '/api/v1/deliveries', '/queue/sample']) {
      expect([p, [...prefixes].some((x) => x.startsWith(p))]).toEqual([p, true]);
    }
    expect(ops.length).toBeGreaterThan(30);
  });

  it('answers 401 or 404, never anything else, to every spelling without a key or with a wrong one', async () => {
    const seen: string[] = [];
    for (const op of ops) {
      if (op.path.startsWith('/health') || op.path.endsWith(JWKS)) continue;
      for (const path of [op.path, ...pathVariants(op)]) {
        for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Basic ${KEY}` }, { authorization: KEY }]) {
          const res = await rawRequest(h.baseUrl, op.method, path, headers, bodyFor(op));
          seen.push(`${op.method} ${path} ${res.status}`);
          expect([op.method, path, headers, [401, 404].includes(res.status)]).toEqual([op.method, path, headers, true]);
          if (path === op.path) expect([op.method, path, res.status]).toEqual([op.method, path, 401]);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(ops.length * 40);
  });

  it('serves the canonical spelling with a valid key, and no other spelling', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    for (const op of ops) {
      const canonical = await rawRequest(h.baseUrl, op.method, op.path, auth, bodyFor(op));
      const routeMissing = canonical.status === 404 && JSON.parse(canonical.body).error.code === 'NOT_FOUND';
      expect([op.method, op.path, canonical.status !== 401 && canonical.status < 500 && !routeMissing]).toEqual([op.method, op.path, true]);
      for (const path of pathVariants(op)) {
        const res = await rawRequest(h.baseUrl, op.method, path, auth, bodyFor(op));
        expect([op.method, path, res.status]).toEqual([op.method, path, 404]);
      }
    }
  });

  it('holds the same for project keys: only the canonical spelling is served, and an unknown or revoked hk_ key is 401', async () => {
    const made = await api(h.baseUrl, 'POST', '/api/v1/projects/walk-project/keys', { name: 'walk' }, { authorization: `Bearer ${KEY}` });
    expect(made.status).toBe(201);
    const revoked = await api(h.baseUrl, 'POST', '/api/v1/projects/walk-project/keys', { name: 'gone' }, { authorization: `Bearer ${KEY}` });
    expect((await api(h.baseUrl, 'DELETE', `/api/v1/projects/walk-project/keys/${revoked.body.id}`, undefined, { authorization: `Bearer ${KEY}` })).status).toBe(204);
    const auth = { authorization: `Bearer ${made.body.key}` };
    for (const op of ops) {
      // Public routes answer whatever the key (the open-routes case below).
      if (op.path.startsWith('/health') || op.path.endsWith(JWKS)) continue;
      const canonical = await rawRequest(h.baseUrl, op.method, op.path, auth, bodyFor(op));
      const routeMissing = canonical.status === 404 && JSON.parse(canonical.body).error.code === 'NOT_FOUND';
      if (op.path.includes('/hooks/')) {
        // A trigger without a secret needs a key that may run it: not this project's key for Herald's own or another project's pipeline.
        expect([op.method, op.path, canonical.status]).toEqual([op.method, op.path, 401]);
      } else {
        expect([op.method, op.path, canonical.status !== 401 && canonical.status < 500 && !routeMissing]).toEqual([op.method, op.path, true]);
      }
      for (const path of pathVariants(op)) {
        const res = await rawRequest(h.baseUrl, op.method, path, auth, bodyFor(op));
        expect([op.method, path, res.status]).toEqual([op.method, path, 404]);
      }
      for (const key of [revoked.body.key, `hk_${'x'.repeat(43)}`]) {
        const res = await rawRequest(h.baseUrl, op.method, op.path, { authorization: `Bearer ${key}` }, bodyFor(op));
        expect([op.method, op.path, res.status]).toEqual([op.method, op.path, 401]);
      }
    }
  });

  it('leaves only the health probe, the signing keys (JWKS) and the OpenAPI pages open', async () => {
    for (const path of ['/health', '/health/live', '/health/ready', '/docs', '/docs/', '/docs-json', JWKS, `/fal${JWKS}`]) {
      expect([path, (await rawRequest(h.baseUrl, 'GET', path)).status]).toEqual([path, 200]);
    }
    for (const path of ['/HEALTH', '/health/', '/Docs-json', '/%68ealth', '/', '/anything', '/api', '/queue', '/.WELL-KNOWN/jwks.json', `${JWKS}/`, '/fal/.well-known/JWKS.json', '/.well-known/jwks.json;x=1']) {
      expect([path, (await rawRequest(h.baseUrl, 'GET', path)).status]).toEqual([path, 401]);
    }
    // /metrics (kept out of the document) needs an admin key or the metrics token, whatever its spelling.
    for (const path of ['/metrics', '/metrics/', '/Metrics', '/%6detrics', '/metrics;x=1']) {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: KEY }]) {
        expect([path, headers, (await rawRequest(h.baseUrl, 'GET', path, headers)).status]).toEqual([path, headers, 401]);
      }
    }
    expect((await rawRequest(h.baseUrl, 'GET', '/metrics', { authorization: `Bearer ${KEY}` })).status).toBe(200);
    // Only GET: no other method is open on a public path.
    expect((await rawRequest(h.baseUrl, 'POST', '/health', {}, '{}')).status).toBe(401);
    expect((await rawRequest(h.baseUrl, 'POST', JWKS, {}, '{}')).status).toBe(401);
  });
});

describe('OpenAPI pages can be turned off', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald({ apiKeys: ['k'], docs: false });
  });
  afterAll(() => h.close());

  it('needs a key for /docs and answers 404 with it when HERALD_DOCS=false', async () => {
    expect((await rawRequest(h.baseUrl, 'GET', '/docs-json')).status).toBe(401);
    expect((await rawRequest(h.baseUrl, 'GET', '/docs-json', { authorization: 'Bearer k' })).status).toBe(404);
    expect((await rawRequest(h.baseUrl, 'GET', '/health')).status).toBe(200);
  });
});
