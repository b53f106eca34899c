import { rawRequest } from '../support/auth-walk';
import { startHerald, type RunningHerald } from '../support/herald';
import { queues, type QueueClient } from '../support/queues';
import { bearer, createKey } from '../support/tenants';

/**
 * GET /api/v1/queues: every queue that has settings or an unfinished request, by name, with its
 * settings and its pending and active requests; paged by name; a project key counts and finds
 * its own project's requests only (settings are every project's).
 */
const ADMIN = 'queues-list-admin-key-0001';

type Listing = { queueName: string; retryLimit: number; leaseSeconds: number; retryDelaySeconds: number; retryBackoff: boolean; pending: number; active: number };
type Page = { queues: Listing[]; nextCursor: string | null };

describe('GET /api/v1/queues', () => {
  let h: RunningHerald;
  let admin: QueueClient;
  let a: QueueClient;
  let b: QueueClient;

  const list = async (c: QueueClient, query = ''): Promise<Page> => {
    const res = await c.call<Page>('GET', `/api/v1/queues${query}`);
    if (res.status !== 200) throw new Error(`GET /api/v1/queues${query}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const byName = (page: Page) => Object.fromEntries(page.queues.map((q) => [q.queueName, q]));

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN });
    admin = queues(h.baseUrl, bearer(ADMIN));
    a = queues(h.baseUrl, bearer((await createKey(h, ADMIN, 'ql-proj-a')).key));
    b = queues(h.baseUrl, bearer((await createKey(h, ADMIN, 'ql-proj-b')).key));
  });
  afterAll(() => h?.close());

  it('starts empty, then lists a queue that only has settings, with those settings and no requests', async () => {
    expect(await list(admin)).toEqual({ queues: [], nextCursor: null });
    expect((await admin.putSettings('ql-settings-only', { retryLimit: 7, leaseSeconds: 12.5, retryDelaySeconds: 2, retryBackoff: true })).status).toBe(200);
    expect(await list(admin)).toEqual({
      queues: [{ queueName: 'ql-settings-only', retryLimit: 7, leaseSeconds: 12.5, retryDelaySeconds: 2, retryBackoff: true, pending: 0, active: 0 }],
      nextCursor: null,
    });
  });

  it('counts pending and active requests after an acquire, with the default settings until set; a queue whose requests all ended is gone', async () => {
    for (let i = 0; i < 3; i++) await admin.submit('ql-work', { i });
    const done = await admin.submit('ql-finished', { once: true });
    const [held] = await admin.acquire('ql-worker', ['ql-work'], { max: 1, leaseSeconds: 600 });
    expect(held).toBeDefined();
    let shown = byName(await list(admin));
    expect(shown['ql-work']).toEqual({ queueName: 'ql-work', retryLimit: 3, leaseSeconds: 30, retryDelaySeconds: 0, retryBackoff: false, pending: 2, active: 1 });
    expect(shown['ql-finished']).toMatchObject({ pending: 1, active: 0 });

    const [finishing] = await admin.acquire('ql-worker', ['ql-finished'], { max: 1 });
    expect(finishing.jobId).toBe(String(done.jobId));
    expect(byName(await list(admin))['ql-finished']).toMatchObject({ pending: 0, active: 1 });
    expect((await admin.complete(finishing.taskId, 'ql-worker', { ok: true })).status).toBe(200);
    shown = byName(await list(admin));
    expect(Object.keys(shown)).toEqual(['ql-settings-only', 'ql-work']);
    // Settings apply to the listing as soon as they are set; a cancelled request is not counted.
    expect((await admin.putSettings('ql-work', { retryLimit: 1 })).status).toBe(200);
    const extra = await admin.submit('ql-work', { cancel: 'me' });
    expect((await admin.cancel('ql-work', extra.jobId)).status).toBe(202);
    expect(byName(await list(admin))['ql-work']).toMatchObject({ retryLimit: 1, pending: 2, active: 1 });
  });

  it("shows a project key its own project's requests only, and every queue's settings", async () => {
    await a.submit('ql-shared', { from: 'a', n: 1 });
    await a.submit('ql-shared', { from: 'a', n: 2 });
    await b.submit('ql-shared', { from: 'b' });
    await b.submit('ql-b-only', { from: 'b' });
    await b.submit('ql-b-only', { from: 'b' });
    const [bHeld] = await b.acquire('ql-b-worker', ['ql-b-only'], { max: 1, leaseSeconds: 600 });
    expect(bHeld).toBeDefined();

    const forA = byName(await list(a));
    expect(Object.keys(forA)).toEqual(['ql-settings-only', 'ql-shared', 'ql-work']);
    expect(forA['ql-shared']).toMatchObject({ pending: 2, active: 0 });
    // ql-work is listed for its settings; none of its requests are A's.
    expect(forA['ql-work']).toMatchObject({ retryLimit: 1, pending: 0, active: 0 });

    const forB = byName(await list(b));
    expect(Object.keys(forB)).toEqual(['ql-b-only', 'ql-settings-only', 'ql-shared', 'ql-work']);
    expect(forB['ql-b-only']).toMatchObject({ pending: 1, active: 1 });
    expect(forB['ql-shared']).toMatchObject({ pending: 1, active: 0 });

    // An admin key sees every project's (and the requests of none).
    const all = byName(await list(admin));
    expect(Object.keys(all)).toEqual(['ql-b-only', 'ql-settings-only', 'ql-shared', 'ql-work']);
    expect([all['ql-shared'].pending, all['ql-b-only'].pending, all['ql-b-only'].active, all['ql-work'].pending, all['ql-work'].active]).toEqual([3, 1, 1, 2, 1]);
  });

  it('pages by name: limit=1 walks every queue once, in order, and the last page says so', async () => {
    const everything = (await list(admin, '?limit=1000')).queues;
    expect(everything.length).toBe(4);
    const walked: Listing[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(admin, `?limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(page.queues.length).toBe(1);
      walked.push(...page.queues);
      cursor = page.nextCursor;
      if (cursor !== null) expect(cursor).toBe(page.queues[0].queueName);
      pages++;
    } while (cursor !== null && pages < 10);
    expect(walked).toEqual(everything);
    expect(pages).toBe(everything.length);
    // The default page holds them all; a page of exactly the rest has no next page.
    expect((await list(admin)).nextCursor).toBeNull();
    const rest = await list(admin, `?limit=2&cursor=${encodeURIComponent(everything[1].queueName)}`);
    expect(rest).toEqual({ queues: everything.slice(2), nextCursor: null });
    // A project key's pages are of its own listing.
    const forA = await list(a, '?limit=2');
    expect([forA.queues.map((q) => q.queueName), forA.nextCursor]).toEqual([['ql-settings-only', 'ql-shared'], 'ql-shared']);
    expect((await list(a, '?limit=2&cursor=ql-shared')).queues.map((q) => q.queueName)).toEqual(['ql-work']);
    // Queues known by pending requests alone, last by name: a walk of one per page still finds each.
    const c = queues(h.baseUrl, bearer((await createKey(h, ADMIN, 'ql-proj-c')).key));
    for (const name of ['ql-x-1', 'ql-x-2', 'ql-x-3']) await c.submit(name, { from: 'c' });
    const names: string[] = [];
    for (let next: string | null = '', n = 0; next !== null && n < 10; n++) {
      const page: Page = await list(c, `?limit=1${next ? `&cursor=${next}` : ''}`);
      names.push(...page.queues.map((q) => q.queueName));
      next = page.nextCursor;
    }
    expect(names).toEqual(['ql-settings-only', 'ql-work', 'ql-x-1', 'ql-x-2', 'ql-x-3']);
  });

  it('refuses a bad limit or cursor with 400 VALIDATION_FAILED', async () => {
    for (const [query, field, message] of [
      ['?limit=0', 'limit', 'limit must be an integer from 1 to 1000'],
      ['?limit=1001', 'limit', 'limit must be an integer from 1 to 1000'],
      ['?limit=ten', 'limit', 'limit must be an integer from 1 to 1000'],
      ['?limit=1.5', 'limit', 'limit must be an integer from 1 to 1000'],
      ['?limit=1&limit=2', 'limit', 'limit must be an integer from 1 to 1000'],
      ['?cursor=-bad', 'cursor', 'cursor is not valid'],
      ['?cursor=a&cursor=b', 'cursor', 'cursor is not valid'],
    ]) {
      const res = await admin.call('GET', `/api/v1/queues${query}`);
      expect([query, res.status, res.body.error.code, res.body.error.message, res.body.error.details.map((d: { path: string }) => d.path)]).toEqual([query, 400, 'VALIDATION_FAILED', message, [field]]);
    }
  });

  it('is served at its one spelling, to keys with jobs:read', async () => {
    for (const path of ['/api/v1/queues/', '/api/v1/Queues', '/api/v1/queues//']) {
      const res = await rawRequest(h.baseUrl, 'GET', path, bearer(ADMIN));
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await rawRequest(h.baseUrl, 'GET', '/api/v1/queues')).status).toBe(401);
    const workerOnly = await createKey(h, ADMIN, 'ql-proj-a', { name: 'worker only', scopes: ['workers'] });
    const refused = await queues(h.baseUrl, bearer(workerOnly.key)).call('GET', '/api/v1/queues');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN_SCOPE']);
  });
});
