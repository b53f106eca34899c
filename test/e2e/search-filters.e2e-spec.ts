import { startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';
import { bearer, createKey } from '../support/tenants';

/**
 * Herald's extensions of HKube's search (GET and POST /api/v1/exec/search): projectId and kind
 * ('pipeline' | 'queue') are applied by the server, so a filtered page is full whenever matches
 * exist, however deep they lie below other projects' newer jobs; paging by cursor walks exactly
 * the matches. A project key naming another project finds nothing (an empty page, as for a
 * project without jobs); HKube's own filters combine with them unchanged.
 */
const ADMIN = 'search-filters-admin-key-01';
const A = 'sf-proj-a';
const B = 'sf-proj-b';
const QUEUE = 'sf-queue';
const EACH = 12;
const PAGE = 10;

type Hit = { jobId: string; pipeline: { kind: string; name: string; projectId?: string }; status: { projectId?: string; pipeline: string; status: string } };
type Answer = { hits: Hit[]; cursor: string | null; timeTook: string };

describe('search filters: projectId and kind, applied by the server', () => {
  let h: RunningHerald;
  let admin: HeraldClient;
  let a: HeraldClient;
  let b: HeraldClient;
  /** Every job of the test, newest first, as the unfiltered search walks them. */
  let all: Hit[];
  const ids = { aPipe: [] as string[], aQueue: [] as string[], bPipe: [] as string[], bQueue: [] as string[], none: [] as string[] };

  const search = async (c: HeraldClient, query: string): Promise<Answer> => {
    const res = await c.call<Answer>('GET', `/api/v1/exec/search?${query}`);
    if (res.status !== 200) throw new Error(`search ?${query}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** Every page of a search, with each page's size. */
  const walk = async (c: HeraldClient, query: string): Promise<{ hits: Hit[]; sizes: number[] }> => {
    const hits: Hit[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await search(c, `${query}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
      hits.push(...page.hits);
      sizes.push(page.hits.length);
      cursor = page.cursor;
    } while (cursor && sizes.length < 20);
    return { hits, sizes };
  };
  const jobIds = (hits: Hit[]) => hits.map((x) => x.jobId);
  /** The jobs of `set`, in the order the unfiltered search gives them. */
  const inOrder = (...sets: string[][]) => {
    const wanted = new Set(sets.flat());
    return jobIds(all).filter((id) => wanted.has(id));
  };
  /** Page sizes of `n` matches at PAGE a page: full pages, then the rest (an empty last page when n divides evenly). */
  const sizesOf = (n: number) => [...Array(Math.floor(n / PAGE)).fill(PAGE), n % PAGE];

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN });
    admin = client(h.baseUrl, bearer(ADMIN));
    a = client(h.baseUrl, bearer((await createKey(h, ADMIN, A)).key));
    b = client(h.baseUrl, bearer((await createKey(h, ADMIN, B)).key));
    const pipeline = (i: number) => ({ name: 'sf-pipe', nodes: [{ nodeName: 'n', algorithmName: 'sf-alg', input: [i] }] });
    // Oldest first: A's pipelines and queue requests, then B's, then jobs of no project: A's lie
    // three pages and more below the newest.
    for (let i = 0; i < EACH; i++) ids.aPipe.push(await a.submit(pipeline(i)));
    for (let i = 0; i < EACH; i++) ids.aQueue.push(String((await a.call('POST', `/queue/${QUEUE}`, { i })).body.jobId));
    for (let i = 0; i < EACH; i++) ids.bPipe.push(await b.submit(pipeline(i)));
    for (let i = 0; i < EACH; i++) ids.bQueue.push(String((await b.call('POST', `/queue/${QUEUE}`, { i })).body.jobId));
    for (let i = 0; i < 6; i++) ids.none.push(await admin.submit(pipeline(i)));
    all = (await walk(admin, 'sort=desc')).hits;
  }, 60_000);
  afterAll(() => h?.close());

  it('made the jobs: the unfiltered first pages hold none of project A', async () => {
    expect(all.length).toBe(4 * EACH + 6);
    expect(new Set(jobIds(all))).toEqual(new Set(Object.values(ids).flat()));
    const first = await search(admin, `limit=${PAGE}`);
    expect(first.hits.length).toBe(PAGE);
    expect(first.hits.filter((x) => x.status.projectId === A)).toEqual([]);
    // Queue requests are jobs of kind queue, pipelines of kind batch in HKube's view.
    expect(all.find((x) => x.jobId === ids.aQueue[0])?.pipeline.kind).toBe('queue');
    expect(all.find((x) => x.jobId === ids.aPipe[0])?.pipeline.kind).toBe('batch');
  });

  it("fills every page of one project's jobs, three pages deep, and its cursor walks exactly them", async () => {
    const first = await search(admin, `projectId=${A}&limit=${PAGE}`);
    expect(first.hits.length).toBe(PAGE);
    expect(first.hits.every((x) => x.status.projectId === A)).toBe(true);
    const walked = await walk(admin, `projectId=${A}`);
    expect(walked.sizes).toEqual(sizesOf(2 * EACH));
    expect(jobIds(walked.hits)).toEqual(inOrder(ids.aPipe, ids.aQueue));
    // Oldest first too.
    expect(jobIds((await walk(admin, `projectId=${A}&sort=asc`)).hits)).toEqual(inOrder(ids.aPipe, ids.aQueue).reverse());
    // A project nobody has: an empty page.
    expect(await search(admin, 'projectId=sf-nobody')).toMatchObject({ hits: [], cursor: null });
  });

  it('tells pipelines from queue requests, alone or with the project, and with HKube\'s filters', async () => {
    const queued = await walk(admin, 'kind=queue');
    expect(jobIds(queued.hits)).toEqual(inOrder(ids.aQueue, ids.bQueue));
    expect(queued.hits.every((x) => x.pipeline.kind === 'queue')).toBe(true);
    expect(jobIds((await walk(admin, 'kind=pipeline')).hits)).toEqual(inOrder(ids.aPipe, ids.bPipe, ids.none));
    const aQueued = await walk(admin, `kind=queue&projectId=${A}`);
    expect(aQueued.sizes).toEqual(sizesOf(EACH));
    expect(jobIds(aQueued.hits)).toEqual(inOrder(ids.aQueue));
    expect(jobIds((await walk(admin, `kind=pipeline&projectId=${B}`)).hits)).toEqual(inOrder(ids.bPipe));
    // With HKube's pipelineName (a queue request's is its queue's name) and pipelineStatus.
    expect(jobIds((await walk(admin, `kind=pipeline&pipelineName=sf-pipe&pipelineStatus=pending&projectId=${A}`)).hits)).toEqual(inOrder(ids.aPipe));
    expect((await search(admin, `kind=pipeline&pipelineName=${QUEUE}`)).hits).toEqual([]);
    expect(jobIds((await walk(admin, `kind=queue&pipelineName=${QUEUE}&projectId=${B}`)).hits)).toEqual(inOrder(ids.bQueue));
  });

  it('answers the POST form as the GET form', async () => {
    const posted = await admin.call<Answer>('POST', '/api/v1/exec/search', { query: { projectId: A, kind: 'queue' }, limit: PAGE });
    expect(posted.status).toBe(200);
    expect(jobIds(posted.body.hits)).toEqual(jobIds((await search(admin, `projectId=${A}&kind=queue&limit=${PAGE}`)).hits));
    const next = await admin.call<Answer>('POST', '/api/v1/exec/search', { query: { projectId: A, kind: 'queue' }, limit: PAGE, cursor: posted.body.cursor });
    expect(jobIds([...posted.body.hits, ...next.body.hits])).toEqual(inOrder(ids.aQueue));
    expect(next.body.cursor).toBeNull();
  });

  it("gives a project key its own project's jobs, and an empty page for another project", async () => {
    expect(jobIds((await walk(a, `projectId=${A}`)).hits)).toEqual(inOrder(ids.aPipe, ids.aQueue));
    expect(jobIds((await walk(a, 'kind=queue')).hits)).toEqual(inOrder(ids.aQueue));
    for (const query of [`projectId=${B}`, `projectId=${B}&kind=queue`, 'projectId=sf-nobody']) {
      expect([query, await search(a, `${query}&limit=${PAGE}`)]).toEqual([query, expect.objectContaining({ hits: [], cursor: null })]);
    }
    const posted = await a.call<Answer>('POST', '/api/v1/exec/search', { query: { projectId: B }, limit: PAGE });
    expect([posted.status, posted.body.hits, posted.body.cursor]).toEqual([200, [], null]);
    expect(jobIds((await walk(b, `projectId=${B}&kind=pipeline`)).hits)).toEqual(inOrder(ids.bPipe));
  });

  it("documents both extensions in the OpenAPI document, as Herald's", async () => {
    const doc = (await admin.call('GET', '/docs-json')).body;
    const params = doc.paths['/api/v1/exec/search'].get.parameters as Array<{ name: string; description?: string }>;
    for (const name of ['projectId', 'kind']) expect([name, params.find((p) => p.name === name)?.description]).toEqual([name, expect.stringContaining("Herald's extension")]);
    const query = doc.components.schemas.SearchRequest.properties.query;
    const filters = query.$ref ? doc.components.schemas[query.$ref.split('/').pop()] : query;
    expect(filters.properties.kind.enum).toEqual(['pipeline', 'queue']);
    expect(filters.properties.projectId.description).toContain("Herald's extension");
  });

  it("refuses a kind that is not pipeline or queue, in HKube's wording, and keeps HKube's own answers", async () => {
    const bad = await admin.call('GET', '/api/v1/exec/search?kind=batch');
    expect([bad.status, bad.body.error.code, bad.body.error.message]).toEqual([400, 'VALIDATION_FAILED', 'data.query.kind should be equal to one of the allowed values']);
    const posted = await admin.call('POST', '/api/v1/exec/search', { query: { projectId: 7 } });
    expect([posted.status, posted.body.error.message]).toEqual([400, 'data.query.projectId should be string']);
    // HKube's search without the extensions: every job, as before.
    expect(jobIds((await walk(admin, 'pipelineName=sf-pipe')).hits)).toEqual(inOrder(ids.aPipe, ids.bPipe, ids.none));
  });
});
