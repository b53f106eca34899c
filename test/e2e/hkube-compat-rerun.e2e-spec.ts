/**
 * HKube's rerun, algorithm and tree routes (core/api-server: routes/v1/exec.js,
 * lib/service/execution.js rerun / runAlgorithm / getTree; tests exec-rerun.js, exec-algorithm.js
 * and internal.js "executions tree"), ported to a real Herald with real workers and a real webhook
 * receiver: each `it` names the original test where there is one. Herald keeps its own wire format
 * (jobId `name:uuid`, `{ error: { code, message, details } }` with stable codes, 201 for a new
 * job); `message` is HKube's wording where HKube has one. exec/caching (exec-caching.js):
 * hkube-compat-caching.e2e-spec.ts.
 */
import { jobIdPattern, runWorker, type HeraldClient, client } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { verifies } from '../support/projects';
import { Receiver } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';
import { fastWebhooks, newSecret } from '../support/webhooks';

const ADMIN = 'hkube-rerun-admin-key-0001';
const missing = (key: string) => ({ code: 'VALIDATION_FAILED', message: `data should have required property '${key}'`, details: [{ path: key, message: 'is required' }] });

describe('HKube compatibility: /exec/rerun, /exec/algorithm, /exec/tree', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let rx: Receiver;
  const path = (route: string, jobId: string) => `/api/v1/exec/${route}/${encodeURIComponent(jobId)}`;
  const rerun = (body: unknown, who: HeraldClient = c) => who.call('POST', '/api/v1/exec/rerun', body);
  const algorithm = (body: unknown, who: HeraldClient = c) => who.call('POST', '/api/v1/exec/algorithm', body);
  const pipelineOf = async (jobId: string) => (await c.call('GET', path('pipelines', jobId))).body;
  const summary = async (jobId: string) => (await h.db.query<{ summary: { ttlExpiresAt: string; createdAt: string; projectId?: string } }>('SELECT summary FROM jobs WHERE job_id = $1', [jobId]))[0].summary;
  /** The pipeline view without what is the job's own (its id and submission time). */
  const asSubmitted = ({ jobId: _j, startTime: _s, ...rest }: Record<string, unknown>) => rest;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald({ adminKey: ADMIN, ...fastWebhooks() });
    c = client(h.baseUrl, bearer(ADMIN));
  });
  afterAll(async () => {
    await h?.close();
    await rx?.stop();
  });

  describe('/exec/rerun (exec-rerun.js)', () => {
    it('should throw validation error of required property jobId', async () => {
      const res = await rerun({});
      expect([res.status, res.body]).toEqual([400, { error: missing('jobId') }]);
      expect((await rerun({ jobId: '' })).body.error).toEqual(missing('jobId'));
      // HKube's schema: jobId a string, no other field.
      expect((await rerun({ jobId: 5 })).body.error).toEqual({ code: 'VALIDATION_FAILED', message: 'data.jobId should be string', details: [{ path: 'jobId', message: 'must be a string' }] });
      expect((await rerun({ jobId: 'x', stam: 'klum' })).body.error).toEqual({ code: 'VALIDATION_FAILED', message: 'data should NOT have additional properties (stam)', details: [{ path: 'stam', message: 'is not a known field' }] });
      expect((await rerun([])).body.error.message).toBe('the request body must be a JSON object');
    });

    it('should throw jobId not found', async () => {
      const res = await rerun({ jobId: 'not_found' });
      // HKube: { code: 404, message: 'jobId not_found Not Found' }.
      expect([res.status, res.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job not_found does not exist' } }]);
    });

    it('should succeed and return job id (three reruns of a stored pipeline\'s job that is still pending)', async () => {
      const stored = await c.call('POST', '/api/v1/store/pipelines', { name: 'flow1', flowInput: { files: { link: 'links-1' } }, nodes: [{ nodeName: 'green', algorithmName: 'rerun-stored', input: ['@flowInput.files.link'] }] });
      expect(stored.status).toBe(201);
      const run = await c.call('POST', '/api/v1/exec/stored', { name: 'flow1' });
      expect(run.status).toBe(201);
      const answers = [await rerun({ jobId: run.body.jobId }), await rerun({ jobId: run.body.jobId }), await rerun({ jobId: run.body.jobId })];
      expect(answers.map((a) => [a.status, Object.keys(a.body)])).toEqual([
        [201, ['jobId']],
        [201, ['jobId']],
        [201, ['jobId']],
      ]);
      const ids = answers.map((a) => a.body.jobId as string);
      for (const id of ids) expect(id).toMatch(jobIdPattern('flow1'));
      expect(new Set([run.body.jobId, ...ids]).size).toBe(4);
      // The original is untouched (still pending), every rerun is pending too, with the stored run's pipeline.
      expect((await c.status(run.body.jobId)).status).toBe('pending');
      const original = asSubmitted(await pipelineOf(run.body.jobId));
      for (const id of ids) {
        expect((await c.status(id)).status).toBe('pending');
        expect(asSubmitted(await pipelineOf(id))).toEqual(original);
      }
    });

    it('gives a new job that runs to completion with a worker: the same pipeline, flowInput and results; ttl counted from the rerun', async () => {
      const alg = 'rerun-full';
      const body = {
        name: 'rerun-me',
        flowInput: { list: [1, 2, 3], factor: 10 },
        nodes: [
          { nodeName: 'green', algorithmName: alg, input: ['#@flowInput.list', '@flowInput.factor'] },
          { nodeName: 'yellow', algorithmName: `${alg}-y`, input: ['@green'], retry: { limit: 1 } },
        ],
        options: { batchTolerance: 50, ttl: 600, progressVerbosityLevel: 'warn' },
        priority: 2,
      };
      const compute = (input: unknown[]) => (typeof input[0] === 'number' ? (input[0] as number) * (input[1] as number) : (input[0] as number[]).reduce((a, b) => a + b, 0));
      const first = await c.submit(body);
      await runWorker(c, 'w1', [alg, `${alg}-y`], 10, compute);
      expect((await c.status(first)).status).toBe('completed');

      const res = await rerun({ jobId: first });
      expect(res.status).toBe(201);
      const second = res.body.jobId as string;
      expect(second).toMatch(jobIdPattern('rerun-me'));
      expect(asSubmitted(await pipelineOf(second))).toEqual(asSubmitted(await pipelineOf(first)));
      expect((await c.status(second)).status).toBe('pending');
      // The rerun is worked like any job: its tasks get the same inputs.
      const tasks = await runWorker(c, 'w2', [alg, `${alg}-y`], 10, compute);
      expect(tasks.map((t) => [t.nodeName, t.input]).sort()).toEqual([
        ['green', [1, 10]],
        ['green', [2, 10]],
        ['green', [3, 10]],
        ['yellow', [[10, 20, 30]]],
      ]);
      expect(tasks.every((t) => t.jobId === second)).toBe(true);
      const [a, b] = [await c.results(first), await c.results(second)];
      expect([b.status, b.data]).toEqual(['completed', a.data]);
      expect(b.data.result).toEqual([{ nodeName: 'yellow', algorithmName: `${alg}-y`, result: 60 }]);
      // Its history says it is a rerun of the first (causationId), run by the caller; the request is the same.
      const [submitted] = await c.events(second);
      expect([submitted.type, submitted.metadata.causationId, submitted.metadata.actor]).toEqual(['job.submitted', first, 'api']);
      expect(submitted.data.spec).toEqual((await c.events(first))[0].data.spec);
      const audit = (await c.call('GET', path('auditTrail', second))).body;
      expect(audit.map((e: { action: string }) => e.action)).toEqual(['run']);
      // Options carry over, the ttl restarts: 600 s from the rerun.
      const s2 = await summary(second);
      expect(Date.parse(s2.ttlExpiresAt) - Date.parse(s2.createdAt)).toBe(600_000);
      expect(Date.parse(s2.ttlExpiresAt)).toBeGreaterThan(Date.parse((await summary(first)).ttlExpiresAt));
    });

    it("keeps the original webhooks: the receiver gets the new job's progress and result webhooks with the original secret header and signature", async () => {
      const alg = 'rerun-hooks';
      const secret = newSecret();
      const header = `Bearer rerun-header-${Date.now()}`;
      const webhooks = { progress: `${rx.url}/progress`, result: `${rx.url}/result`, secret, headers: { 'X-Api-Key': header } };
      const first = await c.submit({ name: 'hooked', nodes: [{ nodeName: 'only', algorithmName: alg, input: ['#[1,2]'] }], webhooks });
      const res = await rerun({ jobId: first });
      expect(res.status).toBe(201);
      const second = res.body.jobId as string;
      // What the API shows of the rerun's pipeline is masked, as for any job.
      const shown = await pipelineOf(second);
      expect(shown.webhooks.secret).toBe('whsec_…');
      expect(JSON.stringify(shown)).not.toContain(header);
      await runWorker(c, 'w', [alg], 10, (input) => input[0]);
      const got = await eventually(async () => {
        const result = rx.requests.find((r) => r.path === '/result' && r.body?.jobId === second);
        const progress = rx.requests.filter((r) => r.path === '/progress' && r.body?.jobId === second);
        return result && progress.length > 0 && { result, progress };
      }, 15_000);
      for (const r of [got.result, ...got.progress]) {
        expect(r.headers['x-api-key']).toBe(header);
        expect(verifies(secret, r)).toBe(true);
      }
      expect(got.result.body).toMatchObject({ jobId: second, status: 'completed', data: { result: [{ nodeName: 'only', batchID: 'only#1', result: 1 }, { nodeName: 'only', batchID: 'only#2', result: 2 }] } });
      // The original's webhooks went to the same receiver, with the same header.
      const firstResult = await eventually(async () => rx.requests.find((r) => r.path === '/result' && r.body?.jobId === first));
      expect(firstResult.headers['x-api-key']).toBe(header);
    });

    it('refuses to rerun a queue request: 400 RERUN_NOT_SUPPORTED (a request is resubmitted to its queue)', async () => {
      const queued = await c.call('POST', '/queue/rerun-q', { n: 1 });
      expect(queued.status).toBe(202);
      const jobId = String(queued.body.jobId);
      const res = await rerun({ jobId });
      expect([res.status, res.body.error]).toEqual([
        400,
        { code: 'RERUN_NOT_SUPPORTED', message: `job ${jobId} is a request on queue rerun-q: only pipeline jobs can be rerun (submit the request to its queue again)`, details: { jobId, kind: 'queue' } },
      ]);
    });
  });

  describe('/exec/algorithm (exec-algorithm.js)', () => {
    const refused = (message: string, path: string, detail: string) => ({ code: 'VALIDATION_FAILED', message, details: [{ path, message: detail }] });

    it('should throw validation error of required property name', async () => {
      const res = await algorithm({});
      expect([res.status, res.body]).toEqual([400, { error: missing('name') }]);
    });

    it('should throw validation error of data.name should be string', async () => {
      const res = await algorithm({ name: {} });
      expect([res.status, res.body.error]).toEqual([400, refused('data.name should be string', 'name', 'must be a string')]);
    });

    it('should throw validation error of name should NOT be shorter than 1 characters', async () => {
      const rule = 'must be 1-32 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit';
      expect((await algorithm({ name: '' })).body.error).toEqual(refused('data.name should NOT be shorter than 1 characters', 'name', rule));
      // The algorithm-name rule of exec/raw's nodes, in HKube's words.
      expect((await algorithm({ name: 'Green_Alg' })).body.error).toEqual(refused('algorithm name must contain only lower-case alphanumeric, dash or dot', 'name', rule));
      expect((await algorithm({ name: 'a'.repeat(33) })).body.error).toEqual(refused('data.name should NOT be longer than 32 characters', 'name', rule));
    });

    it('should throw validation error of nodes.input should be array', async () => {
      const res = await algorithm({ name: 'string', nodes: [{ nodeName: 'string', algorithmName: 'green-alg', input: null }] });
      expect([res.status, res.body.error]).toEqual([400, refused('data should NOT have additional properties (nodes)', 'nodes', 'is not a known field')]);
      expect((await algorithm({ name: 'green-alg', input: null })).body.error).toEqual(refused('data.input should be array', 'input', 'must be an array'));
      // The input is read as a node's input on exec/raw; its problems are told at `input`.
      const bad = await algorithm({ name: 'green-alg', input: ['@nope'] });
      expect([bad.status, bad.body.error]).toEqual([400, refused('node "green-alg" is depend on node "nope" which is not exists', 'input', 'refers to unknown node "nope"')]);
    });

    it('should throw validation error of algorithm not found (Herald keeps no algorithm list: the job waits for a worker of it)', async () => {
      const res = await algorithm({ name: 'no-such-algorithm', input: [] });
      expect(res.status).toBe(201);
      expect((await c.status(res.body.jobId)).status).toBe('pending');
    });

    it('should succeed and return job id and not set debug kind (a one-node pipeline named after the algorithm, run by a worker)', async () => {
      const res = await algorithm({ name: 'eval-alg', input: ['#[1,2]', { k: 'v' }] });
      expect(res.status).toBe(201);
      const jobId = res.body.jobId as string;
      expect(jobId).toMatch(jobIdPattern('eval-alg'));
      const job = await pipelineOf(jobId);
      expect([job.name, job.kind, job.nodes]).toEqual(['eval-alg', 'batch', [{ nodeName: 'eval-alg', algorithmName: 'eval-alg', input: ['#[1,2]', { k: 'v' }], retry: { limit: 3, delaySeconds: 0, backoff: false } }]]);
      const tasks = await runWorker(c, 'alg-worker', ['eval-alg'], 10, (input) => `${input[0]}-${(input[1] as { k: string }).k}`);
      expect(tasks.map((t) => [t.jobId, t.input])).toEqual([
        [jobId, [1, { k: 'v' }]],
        [jobId, [2, { k: 'v' }]],
      ]);
      const results = await c.results(jobId);
      expect([results.status, results.data.result.map((r: { result: string }) => r.result)]).toEqual(['completed', ['1-v', '2-v']]);
      // No input: the node's input is [].
      const bare = await algorithm({ name: 'bare-alg' });
      expect((await pipelineOf(bare.body.jobId)).nodes[0].input).toEqual([]);
    });

    it('should set debug nodeKind (Herald: no debug mode, 400 DEBUG_NOT_SUPPORTED; debug false is a plain run)', async () => {
      const res = await algorithm({ name: 'eval-alg', input: [], debug: true });
      expect([res.status, res.body.error]).toEqual([
        400,
        { code: 'DEBUG_NOT_SUPPORTED', message: 'debug algorithms are not supported: Herald has no debug mode (leave debug out or false)', details: [{ path: 'debug', message: 'must be false' }] },
      ]);
      expect((await algorithm({ name: 'eval-alg', input: [], debug: 'yes' })).body.error.message).toBe('data.debug should be boolean');
      expect((await algorithm({ name: 'debug-off-alg', input: [], debug: false })).status).toBe(201);
    });

    it("takes Herald's pipeline fields (flowInput, webhooks, options, priority) and validates them as exec/raw does", async () => {
      const res = await algorithm({ name: 'flow-alg', input: ['@flowInput.x'], flowInput: { x: 7 }, priority: 1, options: { ttl: 60 }, webhooks: { result: `${rx.url}/alg-result` } });
      expect(res.status).toBe(201);
      const job = await pipelineOf(res.body.jobId);
      expect([job.flowInput, job.priority, job.options.ttl, job.webhooks]).toEqual([{ x: 7 }, 1, 60, { result: `${rx.url}/alg-result` }]);
      await runWorker(c, 'flow-worker', ['flow-alg'], 10, (input) => input[0]);
      const hook = await eventually(async () => rx.requests.find((r) => r.path === '/alg-result' && r.body?.jobId === res.body.jobId));
      expect(hook.body.data.result).toEqual([{ nodeName: 'flow-alg', algorithmName: 'flow-alg', result: 7 }]);
      const bad = await algorithm({ name: 'flow-alg', priority: 9, input: ['@flowInput.missing'] });
      expect([bad.status, bad.body.error.code, bad.body.error.details.map((d: { path: string }) => d.path)]).toEqual([400, 'VALIDATION_FAILED', ['priority']]);
      const unknownFlow = await algorithm({ name: 'flow-alg', input: ['@flowInput.missing'] });
      expect([unknownFlow.status, unknownFlow.body.error.message, unknownFlow.body.error.details]).toEqual([400, 'unable to find flowInput.missing', [{ path: 'input[0]', message: 'unable to find flowInput.missing' }]]);
    });
  });

  describe('/exec/tree/{jobId} (internal.js: executions tree)', () => {
    it('should failed if jobId not found', async () => {
      const res = await c.call('GET', path('tree', 'no_such_job'));
      expect([res.status, res.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job no_such_job does not exist' } }]);
    });

    it("answers HKube's 404 for a job that triggered no pipeline (Herald has no pipeline triggers); a path without id is 400, another method 405", async () => {
      const jobId = await c.submit({ name: 'no-triggers', nodes: [{ nodeName: 'a', algorithmName: 'tree-alg', input: [1] }] });
      const res = await c.call('GET', path('tree', jobId));
      expect([res.status, res.body]).toEqual([404, { error: { code: 'TRIGGERS_TREE_NOT_FOUND', message: `tree ${jobId} Not Found` } }]);
      expect((await c.call('GET', '/api/v1/exec/tree')).body).toEqual({ error: { code: 'VALIDATION_FAILED', message: "data should have required property 'jobId'", details: [{ path: 'jobId', message: 'required' }] } });
      const post = await c.call('POST', path('tree', jobId), {});
      expect([post.status, post.body.error.code, post.headers.get('allow')]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET']);
    });
  });

  describe('project keys', () => {
    let a: HeraldClient;
    let b: HeraldClient;
    beforeAll(async () => {
      a = client(h.baseUrl, bearer((await createKey(h, ADMIN, 'proj-a')).key));
      b = client(h.baseUrl, bearer((await createKey(h, ADMIN, 'proj-b')).key));
    });

    it("reruns its own project's jobs only: another project's jobId is the same 404 as an unknown one", async () => {
      const bJob = await b.submit({ name: 'b-job', flowInput: { secret: 'b-data' }, nodes: [{ nodeName: 'n', algorithmName: 'b-rerun-alg', input: ['@flowInput.secret'] }] });
      const fromA = await rerun({ jobId: bJob }, a);
      const ghost = await rerun({ jobId: 'b-job:00000000-0000-4000-8000-000000000000' }, a);
      expect([fromA.status, fromA.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: `job ${bJob} does not exist` } }]);
      expect(JSON.stringify(fromA.body).split(bJob).join('ID')).toBe(JSON.stringify(ghost.body).split('b-job:00000000-0000-4000-8000-000000000000').join('ID'));
      expect((await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE pipeline = 'b-job'`))[0].n).toBe(1);
      // B's own key reruns it in proj-b; so does an admin key (the job stays the project's).
      const own = await rerun({ jobId: bJob }, b);
      const admin = await rerun({ jobId: bJob });
      expect([own.status, admin.status]).toEqual([201, 201]);
      for (const id of [own.body.jobId, admin.body.jobId]) {
        expect((await summary(id)).projectId).toBe('proj-b');
        expect((await b.status(id)).projectId).toBe('proj-b');
        expect((await a.call('GET', path('status', id))).status).toBe(404);
      }
    });

    it("runs an algorithm as the key's project's job; naming another project is 400", async () => {
      const res = await algorithm({ name: 'a-alg', input: [1] }, a);
      expect(res.status).toBe(201);
      expect((await summary(res.body.jobId)).projectId).toBe('proj-a');
      expect((await b.call('GET', path('pipelines', res.body.jobId))).status).toBe(404);
      const other = await algorithm({ name: 'a-alg', input: [1], projectId: 'proj-b' }, a);
      expect([other.status, other.body.error.message]).toEqual([400, 'invalid request: projectId must be proj-a, the project of this API key']);
    });

    it("answers the tree of another project's job as JOB_NOT_FOUND, its own as TRIGGERS_TREE_NOT_FOUND", async () => {
      const bJob = await b.submit({ name: 'b-tree', nodes: [{ nodeName: 'n', algorithmName: 'b-tree-alg', input: [1] }] });
      expect((await a.call('GET', path('tree', bJob))).body.error.code).toBe('JOB_NOT_FOUND');
      expect((await b.call('GET', path('tree', bJob))).body.error.code).toBe('TRIGGERS_TREE_NOT_FOUND');
    });
  });
});
