import { api, startHerald, type RunningHerald } from '../support/herald';
import { fillPath, operationTemplates, rawRequest, type OperationTemplate } from '../support/auth-walk';
import { client, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';
import { AIMED, bearer, createResources, missingResources, resourceFor, walkRequest, type Resources } from '../support/tenants';

/**
 * Projects as tenants: project A's key, walked over every operation of /docs-json against
 * project B's real resources (a job, a held task, a queue request, a subscription, a channel,
 * a routing, a delivery, a stored pipeline, B's batch, B's key), never gets B's data: a route
 * that names one of them answers exactly what it answers for one that does not exist; a route
 * that cannot name them (lists, creations, acquisitions) answers nothing of B's. With B holding a
 * few hundred jobs, A's lists and A's workers see none of them.
 */
const ADMIN = 'tenant-walk-admin-key-0001';
const SHARED_ALG = 'shared-alg';
// A queue both projects use, named like a fal endpoint so the fal routes reach B's request too.
const SHARED_QUEUE = 'walk/shared-q';
const B_JOBS = 300;

type Sent = { status: number; text: string; json: any };

/** walkRequest, with the bodies of the HKube run routes (rerun and caching name B's job, algorithm B's project). */
function aimedRequest(op: OperationTemplate, target: Resources, key: string): ReturnType<typeof walkRequest> {
  const req = walkRequest(op, target, key);
  const id = `${op.method} ${op.template}`;
  if (id === 'POST /api/v1/exec/rerun') return { ...req, body: { jobId: target.jobId } };
  if (id === 'POST /api/v1/exec/caching') return { ...req, body: { jobId: target.jobId, nodeName: 'n' } };
  if (id === 'POST /api/v1/exec/algorithm') return { ...req, body: { name: 'walk-alg', input: [1], projectId: target.project } };
  // The search's projectId (Herald's extension) naming B's project: an empty page, as for a project without jobs.
  if (id === 'GET /api/v1/exec/search') return { ...req, path: `${req.path}?projectId=${encodeURIComponent(target.project)}&pipelineName=bulk` };
  if (id === 'POST /api/v1/exec/search') return { ...req, body: { query: { projectId: target.project, pipelineName: 'bulk', pipelineStatus: 'pending' }, limit: 100 } };
  return req;
}

describe('A project key reaches its own project only', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let ops: OperationTemplate[];
  let A: Resources & { c: HeraldClient };
  let B: Resources & { c: HeraldClient };
  let aShared: string[];
  let bJobs: string[];
  /** A delivery of B's that failed for good (a channel test answered 500). */
  let bFailed: string;

  /** Every string that identifies B's data: ids a walk never sends, markers, URLs. */
  const bStrings = () => [B.marker, `${B.project}-private`, B.keyId, B.keyPrefix, B.jobId, B.taskId, B.subscriptionId, B.channelId, B.routingId, B.deliveryId, bFailed, ...bJobs];

  const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Sent> => {
    const res = await rawRequest(h.baseUrl, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.status, text: res.body, json };
  };

  /** B's strings in an answer that the request did not carry itself. */
  const leaks = (answer: string, sent: string) => bStrings().filter((s) => answer.includes(s) && !sent.includes(s));

  beforeAll(async () => {
    rx = await new Receiver((r) => (r.path.endsWith('/fail') ? { status: 500, body: 'down' } : { status: 200, body: 'ok' })).start();
    h = await startHerald({ adminKey: ADMIN });
    const admin = bearer(ADMIN);
    const common = { h, adminKey: ADMIN, receiverUrl: rx.url, queue: SHARED_QUEUE };
    B = await createResources({ ...common, project: 'proj-b', algorithm: 'b-only-alg', finish: false });
    A = await createResources({ ...common, project: 'proj-a', algorithm: 'a-only-alg', finish: true });
    const dead = await B.c.call('POST', `/api/v1/projects/${B.project}/channels`, { name: 'dead', url: `${rx.url}/${B.project}-private/fail` });
    const test = await B.c.call('POST', `/api/v1/projects/${B.project}/channels/${dead.body.id}/test`);
    expect([test.status, test.body.outcome]).toEqual([200, 'failed']);
    bFailed = test.body.deliveryId;
    // B's subscription is disabled (as a 410 Gone would leave it): A's enable must not reach it.
    await h.db.query(`UPDATE webhook_subscriptions SET status = 'disabled', disabled_reason = 'walk', disabled_at = now() WHERE id = $1`, [B.subscriptionId]);
    // B at a realistic size: a few hundred jobs, their tasks pending on an algorithm A's workers ask for too.
    bJobs = [];
    for (let i = 0; i < B_JOBS; i++) {
      bJobs.push(await B.c.submit({ name: 'bulk', ...(i % 2 === 0 ? { projectId: 'proj-b', batchId: 'bulk-batch' } : {}), flowInput: { marker: B.marker }, nodes: [{ nodeName: 'n', algorithmName: SHARED_ALG, input: [i] }] }));
    }
    aShared = [];
    for (let i = 0; i < 3; i++) aShared.push(await A.c.submit({ name: 'bulk', nodes: [{ nodeName: 'n', algorithmName: SHARED_ALG, input: [i] }] }));
    const docRes = await api(h.baseUrl, 'GET', '/docs-json', undefined, admin);
    ops = operationTemplates(docRes.body).filter((o) => !o.template.startsWith('/health'));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await rx?.stop();
  });

  it("made real resources: B's key reads each of B's, and an admin key reads everything", async () => {
    const reads = [
      `/api/v1/exec/status/${encodeURIComponent(B.jobId)}`,
      `/api/v1/jobs/${encodeURIComponent(B.jobId)}/events`,
      `/queue/${encodeURIComponent(SHARED_QUEUE)}/requests/${B.requestId}/status`,
      `/api/v1/deliveries/${B.deliveryId}`,
      `/api/v1/projects/${B.project}/channels/${B.channelId}`,
      `/api/v1/projects/${B.project}/routings`,
      `/api/v1/projects/${B.project}/webhook`,
      `/api/v1/projects/${B.project}/batches/${B.batch}/webhook`,
      `/api/v1/store/pipelines/${B.pipeline}?projectId=${B.project}`,
    ];
    for (const path of reads) {
      expect([path, (await send('GET', path, bearer(B.key))).status]).toEqual([path, 200]);
      expect([path, (await send('GET', path, bearer(ADMIN))).status]).toEqual([path, 200]);
    }
    // The same request on the fal routes (its app is the queue's first two segments): 202 while queued.
    const fal = `/fal/queue/${SHARED_QUEUE}/requests/${B.requestId}/status`;
    for (const k of [B.key, ADMIN]) expect([(await send('GET', fal, bearer(k))).status, (await send('GET', fal, bearer(k))).json.status]).toEqual([202, 'IN_QUEUE']);
    // Without ?projectId an admin key names its own stored pipelines (none of that name).
    expect((await send('GET', `/api/v1/store/pipelines/${B.pipeline}`, bearer(ADMIN))).status).toBe(404);
    // B's task is held by B's worker (a report from it would be accepted), B's subscription is B's job's.
    const [row] = await h.db.query<{ state: string; worker_name: string; project_id: string }>('SELECT state, worker_name, project_id FROM tasks WHERE task_id = $1', [B.taskId]);
    expect(row).toEqual({ state: 'active', worker_name: B.worker, project_id: B.project });
    const subs = (await send('GET', '/api/v1/subscriptions', bearer(B.key))).json.subscriptions.map((s: { id: string }) => s.id);
    expect(subs).toContain(B.subscriptionId);
    // An admin's listing holds B's few hundred jobs (so A's lists below could have shown them).
    expect((await send('GET', '/api/v1/exec/jobs?limit=1000', bearer(ADMIN))).json.jobs.length).toBeGreaterThan(B_JOBS);
  });

  it("walks every operation with A's key at B's resources: the answer to a missing one, never B's data", async () => {
    const missing = missingResources(B);
    const walked: string[] = [];
    // What the 2xx answers hold: none of B's tasks or messages, each of B's task ids refused.
    const okAnswers: Record<string, unknown> = {
      'POST /api/v1/tasks/acquire': { tasks: [] },
      'POST /api/v1/tasks/complete': { tasks: [{ taskId: B.taskId, error: { code: 'TASK_NOT_FOUND', message: `task ${B.taskId} does not exist` } }] },
      'POST /api/v1/deliveries/recover': { recovered: 0, deliveryIds: [] },
      'GET /api/v1/exec/search': { hits: [], cursor: null, timeTook: expect.any(String) },
      'POST /api/v1/exec/search': { hits: [], cursor: null, timeTook: expect.any(String) },
      'GET /api/v1/projects': { projects: [expect.objectContaining({ projectId: A.project })], nextCursor: null },
    };
    // Routes that cannot name B's resource, and what they answer instead of B's data.
    const expected = (op: OperationTemplate): number => {
      switch (`${op.method} ${op.template}`) {
        case 'POST /api/v1/exec/raw':
        case 'POST /api/v1/exec/algorithm':
        case 'POST /queue/{queueName}':
        case 'POST /fal/queue/{owner}/{app}':
        case 'POST /fal/queue/{owner}/{app}/{path}':
        case 'POST /api/v1/store/pipelines':
          return 400; // names B's project: a project key's jobs, requests and pipelines are its own
        case 'POST /api/v1/tasks/acquire':
        case 'POST /api/v1/tasks/complete':
        case 'GET /api/v1/exec/jobs':
        case 'GET /api/v1/exec/pipeline/list':
        case 'GET /api/v1/exec/search':
        case 'POST /api/v1/exec/search':
        case 'GET /api/v1/subscriptions':
        case 'GET /api/v1/deliveries':
        case 'GET /api/v1/store/pipelines':
        case 'GET /api/v1/queues/{queueName}':
        case 'GET /api/v1/queues':
        case 'GET /api/v1/projects':
        case 'GET /.well-known/jwks.json':
        case 'GET /fal/.well-known/jwks.json':
          return 200; // none of B's tasks, items, rows; queue settings are instance-wide; the public signing keys are Herald's
        case 'POST /api/v1/deliveries/recover':
          return 202; // recovers none of B's failed deliveries
        case 'PUT /api/v1/queues/{queueName}':
        case 'POST /api/v1/projects/{projectId}/keys':
        case 'GET /api/v1/projects/{projectId}/keys':
        case 'DELETE /api/v1/projects/{projectId}/keys/{keyId}':
        case 'PUT /api/v1/projects/{projectId}/limits':
        case 'GET /api/v1/admin/signing-keys':
        case 'POST /api/v1/admin/signing-keys/rotate':
        case 'POST /api/v1/admin/signing-keys/{kid}/revoke':
          return 403; // admin keys only, whichever project is named
        case 'POST /api/v1/hooks/{name}':
        case 'POST /api/v1/projects/{projectId}/hooks/{name}':
          return 401; // a trigger without a secret needs a key that may run it: A's may not
        default:
          return 404;
      }
    };
    // Each operation aimed at B's resources, and, where the path names a project and something in
    // it, at A's own project with B's ids (B's channel, routing, batch looked for in A's project).
    // (Not PUT: a PUT of a batch webhook in A's project is A's own batch of that name.)
    const aims: Array<{ op: OperationTemplate; target: Resources; twin: Resources }> = [];
    for (const op of ops) {
      aims.push({ op, target: B, twin: missing });
      if (op.params.includes('projectId') && op.params.length > 1 && op.method !== 'PUT' && !op.template.includes('/keys/') && !op.template.includes('/hooks/')) {
        aims.push({ op, target: { ...B, project: A.project }, twin: { ...missing, project: A.project } });
      }
    }
    const covered = new Set<string>();
    for (const { op, target, twin } of aims) {
      const req = aimedRequest(op, target, A.key);
      const sentText = `${decodeURIComponent(req.path)} ${JSON.stringify(req.body ?? null)} ${JSON.stringify(req.headers)}`;
      const res = await send(op.method, req.path, req.headers, req.body);
      const what = `${op.method} ${req.path}`;
      walked.push(what);
      covered.add(`${op.method} ${op.template}`);
      expect([what, res.status, leaks(res.text, sentText)]).toEqual([what, expected(op), []]);
      if (res.status < 300) expect([what, res.json]).toEqual([what, okAnswers[`${op.method} ${op.template}`] ?? expect.anything()]);
      if (res.status === 404) {
        // The same answer as for a resource that does not exist (B's ids put back into it).
        const ghost = aimedRequest(op, twin, A.key);
        const other = await send(op.method, ghost.path, ghost.headers, ghost.body);
        let text = other.text;
        for (const f of AIMED) if (String(twin[f]) !== String(target[f])) text = text.split(String(twin[f])).join(String(target[f]));
        expect([what, res.text]).toEqual([what, text]);
      }
    }
    expect([...covered].sort()).toEqual(ops.map((o) => `${o.method} ${o.template}`).sort());
    expect(ops.length).toBeGreaterThanOrEqual(52);
    expect(walked.length).toBeGreaterThan(ops.length);
    // A body naming B's channel in A's own project: the answer to a channel that does not exist.
    const route = (channelId: string) => send('POST', `/api/v1/projects/${A.project}/routings`, bearer(A.key), { event: 'job.failed', channelId });
    const [toB, toNone] = [await route(B.channelId), await route(missing.channelId)];
    expect([toB.status, toB.text]).toEqual([400, toNone.text.split(missing.channelId).join(B.channelId)]);
  });

  it('left every one of B\'s resources as it was', async () => {
    const b = B.c;
    const status = await b.status(B.jobId);
    expect(status.status).toBe('active');
    const [task] = await h.db.query<{ state: string; worker_name: string; result: unknown }>('SELECT state, worker_name, result FROM tasks WHERE task_id = $1', [B.taskId]);
    expect(task).toEqual({ state: 'active', worker_name: B.worker, result: null });
    expect((await b.call('GET', `/queue/${encodeURIComponent(SHARED_QUEUE)}/requests/${B.requestId}/status`)).body.status).toBe('queued');
    expect((await b.call('GET', `/api/v1/projects/${B.project}/channels/${B.channelId}`)).body.name).toBe(`${B.marker} channel`);
    expect((await b.call('GET', `/api/v1/projects/${B.project}/routings`)).body.routings.map((r: { id: string }) => r.id)).toEqual([B.routingId]);
    expect((await b.call('GET', `/api/v1/projects/${B.project}/webhook`)).body.url).toContain(`${B.project}-private/project`);
    expect((await b.call('GET', `/api/v1/store/pipelines/${B.pipeline}`)).status).toBe(200);
    const [sub] = await h.db.query<{ previous_secret: string | null }>('SELECT previous_secret FROM webhook_subscriptions WHERE id = $1', [B.subscriptionId]);
    expect(sub.previous_secret).toBeNull();
    // A's enable (with recoverSince) left B's subscription disabled; B's own key turns it on.
    const [bSub] = await h.db.query<{ status: string; disabled_reason: string | null }>('SELECT status, disabled_reason FROM webhook_subscriptions WHERE id = $1', [B.subscriptionId]);
    expect(bSub).toEqual({ status: 'disabled', disabled_reason: 'walk' });
    const enabled = await b.call('POST', `/api/v1/subscriptions/${B.subscriptionId}/enable`, {});
    expect([enabled.status, enabled.body.status, enabled.body.disabledReason]).toEqual([200, 'active', null]);
    // B's key still works: A's key could not revoke it.
    expect((await b.call('GET', '/api/v1/exec/jobs?limit=1')).status).toBe(200);
    // B's failed delivery is still failed (A's recover left it), and B's own recover takes it.
    expect((await b.call('GET', `/api/v1/deliveries/${bFailed}`)).body.status).toBe('failed');
    expect((await b.call('POST', '/api/v1/deliveries/recover', { since: '2000-01-01T00:00:00.000Z' })).body.deliveryIds).toContain(bFailed);
    // Nothing of A's walk was recorded against B: no event of B's job came from A's key or the walk's worker.
    const events = await b.events(B.jobId);
    expect(events.filter((e) => JSON.stringify(e).includes('stolen') || e.metadata.actor === `key:${A.keyId}`)).toEqual([]);
  });

  it("lists nothing of B's few hundred jobs to A's key: jobs, deliveries, subscriptions, stored pipelines", async () => {
    const a = bearer(A.key);
    const jobs = (await send('GET', '/api/v1/exec/jobs?limit=1000', a)).json.jobs.map((j: { jobId: string }) => j.jobId);
    expect(jobs.sort()).toEqual([A.jobId, ...aShared, A.requestId].sort());
    expect((await send('GET', '/api/v1/exec/jobs?pipeline=bulk&limit=1000', a)).json.jobs.map((j: { jobId: string }) => j.jobId).sort()).toEqual([...aShared].sort());
    const deliveries = (await send('GET', '/api/v1/deliveries?limit=1000', a)).json.deliveries as Array<{ jobId: string }>;
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.filter((d) => ![A.jobId, ...aShared].includes(d.jobId))).toEqual([]);
    expect((await send('GET', `/api/v1/deliveries?jobId=${encodeURIComponent(B.jobId)}`, a)).json.deliveries).toEqual([]);
    const subs = (await send('GET', '/api/v1/subscriptions?limit=5000', a)).json.subscriptions as Array<{ scopeId: string; scope: string }>;
    expect(subs.length).toBeGreaterThan(0);
    expect(subs.filter((s) => !(s.scope === 'job' ? s.scopeId === A.jobId : s.scopeId.split('/')[0] === A.project))).toEqual([]);
    expect((await send('GET', `/api/v1/subscriptions?projectId=${B.project}`, a)).json.subscriptions).toEqual([]);
    expect((await send('GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(B.jobId)}`, a)).status).toBe(404);
    expect((await send('GET', '/api/v1/store/pipelines', a)).json.pipelines.map((p: { name: string }) => p.name)).toEqual([A.pipeline]);
    expect((await send('GET', `/api/v1/store/pipelines?projectId=${B.project}`, a)).json.pipelines).toEqual([]);
    // The project listing: A's own project only, where an admin key lists B's too.
    expect((await send('GET', '/api/v1/projects?limit=1000', a)).json.projects.map((p: { projectId: string }) => p.projectId)).toEqual([A.project]);
    expect((await send('GET', '/api/v1/projects?limit=1000', bearer(ADMIN))).json.projects.map((p: { projectId: string }) => p.projectId)).toEqual(expect.arrayContaining([A.project, B.project]));
    // The search's project filter naming B's project: nothing, though B has hundreds of jobs of that name.
    expect((await send('GET', `/api/v1/exec/search?projectId=${B.project}&pipelineName=bulk`, bearer(ADMIN))).json.hits.length).toBeGreaterThan(50);
    expect((await send('GET', `/api/v1/exec/search?projectId=${B.project}&pipelineName=bulk`, a)).json).toMatchObject({ hits: [], cursor: null });
    for (const path of ['/api/v1/exec/jobs?limit=1000', '/api/v1/deliveries?limit=1000', '/api/v1/subscriptions?limit=5000', '/api/v1/store/pipelines', '/api/v1/projects']) {
      const res = await send('GET', path, a);
      expect([path, leaks(res.text, path)]).toEqual([path, []]);
    }
  });

  it("never gives A's worker one of B's tasks, though B has hundreds pending: it gets exactly its own", async () => {
    const pendingOfB = async () => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE project_id = 'proj-b' AND state = 'pending'`))[0].n;
    const before = await pendingOfB();
    expect(before).toBeGreaterThanOrEqual(B_JOBS + 1);
    const worker = client(h.baseUrl, bearer(A.key));
    const got = await worker.acquire('a-bulk', [SHARED_ALG, 'b-only-alg'], 1000);
    expect(got.map((t) => t.jobId).sort()).toEqual([...aShared].sort());
    expect(await worker.acquire('a-bulk', [SHARED_ALG, 'b-only-alg'], 1000)).toEqual([]);
    // The shared queue: A's request only, then (any algorithm, any queue) nothing of B's either.
    const queued = await worker.call('POST', '/api/v1/tasks/acquire', { workerName: 'a-q', queues: [SHARED_QUEUE], max: 1000 });
    expect(queued.body.tasks.map((t: { jobId: string }) => t.jobId)).toEqual([A.requestId]);
    const anyTask = await worker.call('POST', '/api/v1/tasks/acquire', { workerName: 'a-any', max: 1000 });
    expect(anyTask.body.tasks).toEqual([]);
    expect(await pendingOfB()).toBe(before);
    for (const t of [...got, ...queued.body.tasks]) expect((await worker.complete(t.taskId, t.jobId === A.requestId ? 'a-q' : 'a-bulk', 'done')).status).toBe(200);
    // B's pending tasks are B's workers' to take, and A's worker cannot report on one of them.
    const [bTask] = await B.c.acquire('b-bulk', [SHARED_ALG], 1);
    expect(bJobs).toContain(bTask.jobId);
    for (const action of ['complete', 'fail', 'heartbeat']) {
      const res = await worker.call('POST', `/api/v1/tasks/${bTask.taskId}/${action}`, { workerName: 'b-bulk', result: 1, error: 'x' });
      expect([action, res.status, res.body.error.code]).toEqual([action, 404, 'TASK_NOT_FOUND']);
    }
    const batch = await worker.call('POST', '/api/v1/tasks/complete', { workerName: 'b-bulk', tasks: [{ taskId: bTask.taskId, result: 1 }] });
    expect(batch.body.tasks).toEqual([{ taskId: bTask.taskId, error: { code: 'TASK_NOT_FOUND', message: `task ${bTask.taskId} does not exist` } }]);
    expect((await B.c.complete(bTask.taskId, 'b-bulk', 'mine')).status).toBe(200);
  });

  it("gives A's key its own: every read of A's resources answers 200 with A's data", async () => {
    // exec/tree answers no job 200 (Herald has no pipeline triggers): A's own job is TRIGGERS_TREE_NOT_FOUND.
    // (Not the admin-only reads: a project's keys, Herald's signing keys.)
    const reads = ops.filter((o) => o.method === 'GET' && !o.template.includes('/keys') && !o.template.startsWith('/api/v1/admin/') && o.template !== '/api/v1/exec/tree/{jobId}');
    expect((await send('GET', `/api/v1/exec/tree/${encodeURIComponent(A.jobId)}`, bearer(A.key))).json.error.code).toBe('TRIGGERS_TREE_NOT_FOUND');
    expect(reads.length).toBeGreaterThan(15);
    for (const op of reads) {
      const path = fillPath(op.template, (p) => resourceFor(op, p, A));
      const res = await send('GET', path, bearer(A.key));
      expect([path, res.status, leaks(res.text, path)]).toEqual([path, 200, []]);
    }
    expect((await A.c.results(A.jobId)).data.result.map((r: { result: string }) => r.result.split(':')[0])).toEqual([A.marker, A.marker, A.marker]);
    // And a project key with fewer scopes is refused what they do not cover (403, nothing of anyone's).
    const readOnly = await api(h.baseUrl, 'POST', `/api/v1/projects/${A.project}/keys`, { name: 'reader', scopes: ['jobs:read'] }, bearer(ADMIN));
    const reader = bearer(readOnly.body.key);
    expect((await send('GET', `/api/v1/exec/status/${encodeURIComponent(A.jobId)}`, reader)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/v1/exec/raw', { name: 'x', nodes: [{ nodeName: 'n', algorithmName: 'x', input: [1] }] }],
      ['POST', '/api/v1/tasks/acquire', { workerName: 'w' }],
      ['GET', `/api/v1/deliveries/${B.deliveryId}`, undefined],
      ['GET', `/api/v1/projects/${B.project}/channels`, undefined],
    ] as const) {
      const res = await send(method, path, reader, body);
      expect([path, res.status, res.json.error.code, leaks(res.text, path)]).toEqual([path, 403, 'FORBIDDEN_SCOPE', []]);
    }
  });

  it("finds none of B's jobs through HKube's search, pipeline/list and jobs?raw, and a bulk stop with A's key stops A's jobs only", async () => {
    const a = bearer(A.key);
    const unfinishedOfB = async () => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE project_id = 'proj-b' AND status IN ('pending', 'active')`))[0].n;
    const before = await unfinishedOfB();
    expect(before).toBeGreaterThanOrEqual(B_JOBS);
    // A's own unfinished jobs of the pipeline name B's few hundred use (A's earlier ones have completed).
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) fresh.push(await A.c.submit({ name: 'bulk', nodes: [{ nodeName: 'n', algorithmName: 'a-fresh-alg', input: [i] }] }));
    // An admin key's search does reach B's jobs of that name (so A's could have shown them).
    const adminSearch = (await send('GET', '/api/v1/exec/search?pipelineName=bulk&pipelineStatus=pending&limit=100', bearer(ADMIN))).json;
    expect(adminSearch.hits.filter((x: { jobId: string }) => bJobs.includes(x.jobId)).length).toBeGreaterThan(50);

    const answers: Array<[string, Sent]> = [];
    const get = async (path: string) => {
      const res = await send('GET', path, a);
      answers.push([path, res]);
      return res;
    };
    expect((await get('/api/v1/exec/jobs?raw=true')).json).toEqual(fresh);
    expect((await get('/api/v1/exec/jobs?raw=true&pipeline=bulk&status=pending')).json).toEqual(fresh);
    expect((await get('/api/v1/exec/pipeline/list')).json.map((p: { jobId: string }) => p.jobId)).toEqual(fresh);
    expect((await get('/api/v1/exec/search?pipelineName=bulk&pipelineStatus=pending')).json.hits.map((x: { jobId: string }) => x.jobId)).toEqual([...fresh].reverse());
    expect((await get('/api/v1/exec/search?pipelineName=bulk&sort=asc')).json.hits.map((x: { jobId: string }) => x.jobId)).toEqual([...aShared, ...fresh]);
    expect((await get(`/api/v1/exec/search?algorithmName=${SHARED_ALG}`)).json.hits.map((x: { jobId: string }) => x.jobId).sort()).toEqual([...aShared].sort());
    // A page of A's: its cursor walks A's jobs only.
    const page = (await get('/api/v1/exec/search?limit=1&pipelineName=bulk')).json;
    const next = await get(`/api/v1/exec/search?limit=100&pipelineName=bulk&cursor=${page.cursor}`);
    expect(next.json.hits.length).toBe(aShared.length + fresh.length - 1);
    const posted = await send('POST', '/api/v1/exec/search', a, { query: { pipelineName: 'bulk' }, limit: 100 });
    answers.push(['POST /exec/search', posted]);
    expect(posted.json.hits.map((x: { jobId: string }) => x.jobId).sort()).toEqual([...aShared, ...fresh].sort());

    // A bulk stop naming B's job, or B's pipeline name: nothing of B's is matched or stopped.
    const bLast = bJobs[bJobs.length - 1];
    expect((await B.c.status(bLast)).status).toBe('pending');
    const aimed = await send('POST', '/api/v1/exec/stop', a, { jobId: bLast, pipelineName: 'bulk' });
    expect([aimed.status, aimed.json.error]).toEqual([404, { code: 'NO_JOBS_MATCHED', message: `No jobs found matching criteria (jobId: ${bLast}, pipelineName: bulk, statuses: active,pending,paused)` }]);
    const stopped = await send('POST', '/api/v1/exec/stop', a, { pipelineName: 'bulk', reason: 'a only' });
    answers.push(['POST /exec/stop', stopped]);
    expect([stopped.status, stopped.json]).toEqual([200, { stoppedJobIds: fresh }]);
    const everything = await send('POST', '/api/v1/exec/stop', a, { statusToStop: ['pending', 'active'] });
    expect([everything.status, everything.json.error.code]).toEqual([404, 'NO_JOBS_MATCHED']);
    expect(await unfinishedOfB()).toBe(before);
    expect((await B.c.status(bLast)).status).toBe('pending');
    for (const [what, res] of answers) expect([what, leaks(res.text, what)]).toEqual([what, []]);
  });
});
