import { api, startHerald, type RunningHerald } from '../support/herald';
import { client, ISO_TIME, type HeraldClient } from '../support/e2e';
import { bearer, createKey } from '../support/tenants';

/**
 * GET /api/v1/projects: every project something names (a key, a project or batch webhook, a
 * channel, a routing, a stored pipeline, a job), by id, paged by cursor, each with its jobs in
 * flight, webhooks, channels, keys and latest job; an admin key lists them all, a project key
 * its own project only.
 */
const ADMIN = 'projects-list-admin-key-001';

type Listing = { projectId: string; jobsInFlight: number; webhooks: number; channels: number; keys: number; lastJobAt: string | null };
type Page = { projects: Listing[]; nextCursor: string | null };

describe('GET /api/v1/projects', () => {
  let h: RunningHerald;
  let admin: HeraldClient;
  let jobsKey: string;
  const hook = 'https://example.com/projects-list';

  const list = async (key: string, query = ''): Promise<Page> => {
    const res = await api<Page>(h.baseUrl, 'GET', `/api/v1/projects${query}`, undefined, bearer(key));
    if (res.status !== 200) throw new Error(`GET /api/v1/projects${query}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const byId = (page: Page) => Object.fromEntries(page.projects.map((p) => [p.projectId, p]));

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN });
    admin = client(h.baseUrl, bearer(ADMIN));
  });
  afterAll(() => h?.close());

  it('starts empty, and a job without a project names none', async () => {
    expect(await list(ADMIN)).toEqual({ projects: [], nextCursor: null });
    await admin.submit({ name: 'pl-none', nodes: [{ nodeName: 'n', algorithmName: 'pl-alg', input: [1] }] });
    expect(await list(ADMIN)).toEqual({ projects: [], nextCursor: null });
  });

  it('lists each project by what names it, with its facts', async () => {
    // Jobs only (submitted by an admin key for the project): two in flight, then one of them done.
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await admin.submit({ name: 'pl-jobs', projectId: 'pl-jobs', nodes: [{ nodeName: 'n', algorithmName: 'pl-jobs-alg', input: [i] }] }));
    const [task] = await admin.acquire('pl-worker', ['pl-jobs-alg'], 1);
    expect((await admin.complete(task.taskId, 'pl-worker', 1)).status).toBe(200);
    // A key only; a project webhook; a batch webhook; a channel with a routing; a queue request.
    jobsKey = (await createKey(h, ADMIN, 'pl-key')).key;
    expect((await admin.call('PUT', '/api/v1/projects/pl-hook/webhook', { url: hook })).status).toBe(200);
    expect((await admin.call('PUT', '/api/v1/projects/pl-hook/batches/b1/webhook', { url: hook })).status).toBe(200);
    expect((await admin.call('PUT', '/api/v1/projects/pl-batch/batches/b2/webhook', { url: hook })).status).toBe(200);
    const channel = await admin.call('POST', '/api/v1/projects/pl-chan/channels', { name: 'ops', url: hook });
    expect((await admin.call('POST', '/api/v1/projects/pl-chan/routings', { event: 'job.failed', channelId: channel.body.id })).status).toBe(201);
    const queued = await admin.call('POST', '/queue/pl-q', { x: 1 }, { 'x-project-id': 'pl-queue' });
    expect(queued.status).toBe(202);
    // A stored pipeline whose key was revoked since: the pipeline still names its project.
    const storer = await createKey(h, ADMIN, 'pl-stored');
    expect((await api(h.baseUrl, 'POST', '/api/v1/store/pipelines', { name: 'pl-nightly', nodes: [{ nodeName: 'n', algorithmName: 'pl-alg', input: [1] }] }, bearer(storer.key))).status).toBe(201);
    expect((await admin.call('DELETE', `/api/v1/projects/pl-stored/keys/${storer.id}`)).status).toBe(204);
    // A deleted webhook names its project no longer.
    expect((await admin.call('PUT', '/api/v1/projects/pl-gone/webhook', { url: hook })).status).toBe(200);
    expect((await admin.call('DELETE', '/api/v1/projects/pl-gone/webhook')).status).toBe(204);

    const page = await list(ADMIN);
    expect(page.nextCursor).toBeNull();
    const shown = byId(page);
    expect(Object.keys(shown).sort()).toEqual(['pl-batch', 'pl-chan', 'pl-hook', 'pl-jobs', 'pl-key', 'pl-queue', 'pl-stored']);
    const [latest] = await h.db.query<{ at: Date }>(`SELECT max(created_at) AS at FROM jobs WHERE project_id = 'pl-jobs'`);
    expect(shown['pl-jobs']).toEqual({ projectId: 'pl-jobs', jobsInFlight: 2, webhooks: 0, channels: 0, keys: 0, lastJobAt: latest.at.toISOString() });
    expect(shown['pl-key']).toEqual({ projectId: 'pl-key', jobsInFlight: 0, webhooks: 0, channels: 0, keys: 1, lastJobAt: null });
    expect(shown['pl-hook']).toMatchObject({ webhooks: 2, channels: 0, jobsInFlight: 0 });
    expect(shown['pl-batch']).toMatchObject({ webhooks: 1, channels: 0 });
    expect(shown['pl-chan']).toMatchObject({ webhooks: 0, channels: 1 });
    expect(shown['pl-queue']).toMatchObject({ jobsInFlight: 1, keys: 0 });
    expect(shown['pl-queue'].lastJobAt).toMatch(ISO_TIME);
    expect(shown['pl-stored']).toMatchObject({ keys: 0, jobsInFlight: 0, lastJobAt: null });
    // Listed in the database's order of ids, each once.
    const [{ ids }] = await h.db.query<{ ids: string[] }>(`SELECT array_agg(id ORDER BY id) AS ids FROM unnest($1::text[]) id`, [Object.keys(shown)]);
    expect(page.projects.map((p) => p.projectId)).toEqual(ids);
  });

  it('pages by id: limit and cursor walk every project once, the last page without a cursor', async () => {
    const everything = (await list(ADMIN, '?limit=1000')).projects.map((p) => p.projectId);
    expect(everything.length).toBe(7);
    const walked: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(ADMIN, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...page.projects.map((p) => p.projectId));
      sizes.push(page.projects.length);
      cursor = page.nextCursor;
    } while (cursor && sizes.length < 10);
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(walked).toEqual(everything);
    // A page of exactly the rest says no more follow.
    expect((await list(ADMIN, `?limit=1&cursor=${everything[5]}`)).nextCursor).toBeNull();
    for (const [query, message] of [
      ['?limit=0', 'limit must be an integer from 1 to 1000'],
      ['?limit=1001', 'limit must be an integer from 1 to 1000'],
      ['?cursor=-bad', 'cursor is not valid'],
    ]) {
      const res = await admin.call('GET', `/api/v1/projects${query}`);
      expect([query, res.status, res.body.error.code, res.body.error.message]).toEqual([query, 400, 'VALIDATION_FAILED', message]);
    }
  });

  it('is in the OpenAPI document: its query, its answer, its scope and its refusals', async () => {
    const doc = (await admin.call('GET', '/docs-json')).body;
    const op = doc.paths['/api/v1/projects'].get;
    expect(op.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual(['query:cursor', 'query:limit']);
    expect(op.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 1000, default: 100 });
    expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProjectList' });
    expect(Object.keys(doc.components.schemas.ProjectListing.properties).sort()).toEqual(['channels', 'jobsInFlight', 'keys', 'lastJobAt', 'projectId', 'webhooks']);
    expect(op['x-herald-access']).toBe('jobs:read');
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403']);
  });

  it("gives a project key its own project only, with its own facts, and nothing of another's", async () => {
    const own = await list(jobsKey);
    expect(own).toEqual({ projects: [{ projectId: 'pl-key', jobsInFlight: 0, webhooks: 0, channels: 0, keys: 1, lastJobAt: null }], nextCursor: null });
    // Its own jobs count once it has some.
    const mine = client(h.baseUrl, bearer(jobsKey));
    await mine.submit({ name: 'pl-own', nodes: [{ nodeName: 'n', algorithmName: 'pl-own-alg', input: [1] }] });
    const after = (await list(jobsKey)).projects;
    expect(after).toEqual([expect.objectContaining({ projectId: 'pl-key', jobsInFlight: 1, keys: 1, lastJobAt: expect.stringMatching(ISO_TIME) })]);
    // Past its own id, or with a limit of 1: the same single project, or none.
    expect(await list(jobsKey, '?cursor=pl-key')).toEqual({ projects: [], nextCursor: null });
    expect((await list(jobsKey, '?limit=1')).projects.map((p) => p.projectId)).toEqual(['pl-key']);
    expect((await list(jobsKey, '?cursor=pl-a')).projects.map((p) => p.projectId)).toEqual(['pl-key']);
    // A key without jobs:read is refused.
    const hooksOnly = await createKey(h, ADMIN, 'pl-key', { name: 'hooks', scopes: ['webhooks:manage'] });
    const refused = await api(h.baseUrl, 'GET', '/api/v1/projects', undefined, bearer(hooksOnly.key));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN_SCOPE']);
    // The admin key sees the key's new job and its second key.
    expect(byId(await list(ADMIN))['pl-key']).toMatchObject({ jobsInFlight: 1, keys: 2 });
  });
});
