import { api, startHerald, type RunningHerald } from '../support/herald';
import { rawRequest } from '../support/auth-walk';
import { dashboardAssets } from '../support/dashboard-bundle';
import { DashboardBundle } from '../../src/ui/dashboard-bundle';

/**
 * Herald serves the dashboard's bundle (dist/ui, built by the global set-up) at /ui with no key:
 * hashed assets cached for good, the page revalidated, a 404 for a missing asset, the page for
 * any other path below /ui (the single-page app's own routes); the API behind it still needs the key.
 */
describe('the dashboard at /ui', () => {
  let h: RunningHerald;
  const KEY = 'dashboard-serving-key';
  const get = (path: string, headers: Record<string, string> = {}) => fetch(h.baseUrl + path, { headers, redirect: 'manual' });

  beforeAll(async () => {
    h = await startHerald({ apiKeys: [KEY] });
  });
  afterAll(() => h.close());

  it('serves the page without a key at /ui, /ui/ and every page path below it, revalidated on every load', async () => {
    for (const path of ['/ui', '/ui/', '/ui/jobs', '/ui/jobs/batch:6f0c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11', '/ui/projects/p1', '/ui/login?next=%2Fjobs', '/ui/index.html']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, res.headers.get('content-type')]).toEqual([path, 'text/html; charset=utf-8']);
      expect([path, res.headers.get('cache-control')]).toEqual([path, 'no-cache']);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain('<div id="app"></div>');
    }
    const head = await fetch(`${h.baseUrl}/ui/deliveries`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves the hashed assets immutable, with conditional GET, and a 404 envelope for a missing one', async () => {
    const assets = dashboardAssets();
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const name of assets) {
      const res = await get(`/ui/assets/${name}`);
      expect([name, res.status]).toEqual([name, 200]);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type')).toMatch(name.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/);
      const etag = res.headers.get('etag');
      expect(etag).toBeTruthy();
      // node:http, not fetch (whose conditional requests carry Cache-Control: no-cache).
      expect((await rawRequest(h.baseUrl, 'GET', `/ui/assets/${name}`, { 'if-none-match': etag! })).status).toBe(304);
    }
    for (const path of ['/ui/assets/index-missing.js', '/ui/assets/', '/ui/assets/.inputs-sha256', '/ui/assets/sub/x.js', '/ui/assets/%2e%2e%2findex.html']) {
      const res = await rawRequest(h.baseUrl, 'GET', path);
      expect([path, res.status]).toEqual([path, 404]);
      expect([path, JSON.parse(res.body).error.code]).toEqual([path, 'NOT_FOUND']);
    }
  });

  it('opens only GET and HEAD of /ui and below: the API still needs the key, and no other spelling is open', async () => {
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/search?limit=1')).status).toBe(401);
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/search?limit=1', undefined, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    for (const path of ['/UI/', '/Ui', '/%75i/', '/ui;x=1', '/uix', '/u', '/ui.html']) {
      expect([path, (await rawRequest(h.baseUrl, 'GET', path)).status]).toEqual([path, 401]);
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect([method, (await rawRequest(h.baseUrl, method, '/ui/', {}, method === 'DELETE' ? undefined : '{}')).status]).toEqual([method, 401]);
    }
    // A path below /ui reaches the dashboard only: never an API route, whatever it spells.
    for (const path of ['/ui/../api/v1/exec/jobs', '/ui/%2e%2e/api/v1/exec/jobs', '/ui//api/v1/exec/jobs', '/ui/..%2fapi/v1/exec/jobs']) {
      const res = await rawRequest(h.baseUrl, 'GET', path);
      expect([path, res.status, res.body.includes('<div id="app"></div>')]).toEqual([path, 200, true]);
    }
  });

  it('keeps the dashboard out of the OpenAPI document', async () => {
    const doc = await api(h.baseUrl, 'GET', '/docs-json');
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/ui'))).toEqual([]);
  });
});

describe('the dashboard turned off (HERALD_DASHBOARD=false)', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald({ apiKeys: ['k'], dashboard: false });
  });
  afterAll(() => h.close());

  it('needs a key for /ui like any other path, and answers 404 with it', async () => {
    expect((await rawRequest(h.baseUrl, 'GET', '/ui/')).status).toBe(401);
    expect((await rawRequest(h.baseUrl, 'GET', '/ui/', { authorization: 'Bearer k' })).status).toBe(404);
  });
});

describe('the dashboard not built', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald({ apiKeys: ['k'] });
    // This instance's bundle folder, emptied: as a checkout before its first build.
    (h.app.get(DashboardBundle) as { root: string }).root = '/nonexistent/herald-ui';
  });
  afterAll(() => h.close());

  it('answers 404 DASHBOARD_NOT_BUILT, saying how to build it, and 404 for its assets', async () => {
    const page = await rawRequest(h.baseUrl, 'GET', '/ui/jobs');
    expect(page.status).toBe(404);
    expect(JSON.parse(page.body).error).toEqual({ code: 'DASHBOARD_NOT_BUILT', message: 'the dashboard is not built: npm run build writes it to dist/ui' });
    expect(JSON.parse((await rawRequest(h.baseUrl, 'GET', `/ui/assets/${dashboardAssets()[0]}`)).body).error.code).toBe('NOT_FOUND');
  });
});
