/**
 * HKube's caching run, POST /exec/caching { jobId, nodeName, debug? } (core/api-server:
 * routes/v1/exec.js, lib/service/execution.js runCaching, lib/service/caching.js; pipeline-driver
 * lib/tasks/cache-pipeline.js; tests exec-caching.js), ported to a real Herald with real workers
 * over HTTP and a real webhook receiver. Each `it` names the original test where there is one.
 * Herald keeps its own wire format (jobId `name:uuid`, 201, `{ error: { code, message, details } }`).
 */
import { jobIdPattern, runWorker, type AcquiredTask, type HeraldClient, client } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { verifies } from '../support/projects';
import { Receiver } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';
import { fastWebhooks, newSecret } from '../support/webhooks';
import { rebuildJobProjections } from '../../src/jobs/infrastructure/projection-rebuilder';

const ADMIN = 'hkube-caching-admin-key-0001';
const missing = (key: string) => ({ code: 'VALIDATION_FAILED', message: `data should have required property '${key}'`, details: [{ path: key, message: 'is required' }] });

/**
 * a (batch over flowInput.list) → b (batch over a, and a whole) → c (b whole, and x); x reads a;
 * d reads flowInput only. Caching from b: b and c run, a and x are taken (c reads x, which reads
 * a), d is left out (it is neither before nor after b), as HKube's sub-pipeline leaves it out.
 */
const ALG = { a: 'ca-a', x: 'ca-x', b: 'ca-b', c: 'ca-c', d: 'ca-d' };
const ALGS = Object.values(ALG);
const flow = (webhooks?: Record<string, unknown>) => ({
  name: 'cache-flow',
  flowInput: { list: [1, 2, 3], factor: 2 },
  nodes: [
    { nodeName: 'a', algorithmName: ALG.a, input: ['#@flowInput.list'] },
    { nodeName: 'x', algorithmName: ALG.x, input: ['@a'] },
    { nodeName: 'b', algorithmName: ALG.b, input: ['#@a', '@flowInput.factor'] },
    { nodeName: 'c', algorithmName: ALG.c, input: ['@b', '@x'] },
    { nodeName: 'd', algorithmName: ALG.d, input: ['@flowInput.factor'] },
  ],
  ...(webhooks ? { webhooks } : {}),
});
const sum = (v: unknown) => (v as number[]).reduce((s, n) => s + n, 0);
/** The algorithms; `offset` is added to b's results, so that a second run of b is told from the first. */
const compute = (offset: number) => (t: AcquiredTask) => {
  const input = t.input as unknown[];
  switch (t.algorithmName) {
    case ALG.a:
      return (input[0] as number) * 10;
    case ALG.x:
      return sum(input[0]);
    case ALG.b:
      return (input[0] as number) * (input[1] as number) + offset;
    case ALG.c:
      return sum(input[0]) + (input[1] as number);
    default:
      return (input[0] as number) * 100;
  }
};

/** runWorker, with the task in hand (the algorithm decides). */
async function work(c: HeraldClient, name: string, algorithms: string[], fn: (t: AcquiredTask) => unknown): Promise<AcquiredTask[]> {
  const done: AcquiredTask[] = [];
  for (;;) {
    const tasks = await c.acquire(name, algorithms, 10);
    if (tasks.length === 0) return done;
    for (const t of tasks) {
      const res = await c.complete(t.taskId, name, fn(t));
      if (res.status !== 200) throw new Error(`${name} could not complete ${t.taskId}: ${res.status} ${JSON.stringify(res.body)}`);
      done.push(t);
    }
  }
}

const byNode = (tasks: AcquiredTask[]) => tasks.map((t) => [t.nodeName, t.batchID, t.input]).sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q)));

describe('HKube compatibility: /exec/caching', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let rx: Receiver;
  const caching = (body: unknown, who: HeraldClient = c) => who.call('POST', '/api/v1/exec/caching', body);
  const path = (route: string, jobId: string) => `/api/v1/exec/${route}/${encodeURIComponent(jobId)}`;
  const pipelineOf = async (jobId: string) => (await c.call('GET', path('pipelines', jobId))).body;
  const jobsNamed = async (pattern: string) => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE pipeline LIKE $1', [pattern]))[0].n;
  const tasksOfJob = (jobId: string) =>
    h.db.query<Record<string, unknown>>('SELECT * FROM tasks WHERE job_id = $1 ORDER BY node_name, batch_index', [jobId]);

  /** The original run, completed by a worker; and the first tasks a worker got of each node. */
  let first: string;
  let firstTasks: AcquiredTask[];
  const secret = newSecret();
  const header = `Bearer caching-header-${Date.now()}`;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald({ adminKey: ADMIN, ...fastWebhooks() });
    c = client(h.baseUrl, bearer(ADMIN));
    first = await c.submit(flow({ progress: `${rx.url}/progress`, result: `${rx.url}/result`, secret, headers: { 'X-Api-Key': header } }));
    firstTasks = await work(c, 'first-worker', ALGS, compute(0));
  });
  afterAll(async () => {
    await h?.close();
    await rx?.stop();
  });

  describe('a run from a node', () => {
    let second: string;

    it('ran the original to completion with a worker (a, x, b, c, d)', async () => {
      expect((await c.status(first)).status).toBe('completed');
      expect(byNode(firstTasks)).toEqual([
        ['a', 'a#1', [1]],
        ['a', 'a#2', [2]],
        ['a', 'a#3', [3]],
        ['b', 'b#1', [10, 2]],
        ['b', 'b#2', [20, 2]],
        ['b', 'b#3', [30, 2]],
        ['c', null, [[20, 40, 60], 60]],
        ['d', null, [2]],
        ['x', null, [[10, 20, 30]]],
      ]);
      expect((await c.results(first)).data.result).toEqual([
        { nodeName: 'c', algorithmName: ALG.c, result: 180 },
        { nodeName: 'd', algorithmName: ALG.d, result: 200 },
      ]);
    });

    it('should succeed run caching: 201 { jobId } of a new job named <name>-<nodeName>, its taken nodes completed from the start', async () => {
      const res = await caching({ jobId: first, nodeName: 'b' });
      expect([res.status, Object.keys(res.body)]).toEqual([201, ['jobId']]);
      second = res.body.jobId;
      expect(second).toMatch(jobIdPattern('cache-flow-b'));
      // a (3 items) and x are completed as the original left them; b is expanded and waits for a worker; c waits for b.
      const status = await c.status(second);
      expect([status.status, status.pipeline, status.level, status.data.progress, status.data.states, status.data.details]).toEqual([
        'pending',
        'cache-flow-b',
        'info',
        '50.00',
        { succeed: 4, pending: 3, creating: 1 },
        '50.00% completed, 4 succeed, 3 pending, 1 creating',
      ]);
      // HKube: the pipeline of the new job; d is left out, as HKube leaves it out of the sub-pipeline.
      const pipeline = await pipelineOf(second);
      expect([pipeline.name, pipeline.nodes.map((n: { nodeName: string }) => n.nodeName), pipeline.flowInput, pipeline.rootJobId]).toEqual(['cache-flow-b', ['a', 'x', 'b', 'c'], { list: [1, 2, 3], factor: 2 }, first]);
      expect(pipeline.webhooks.secret).toBe('whsec_…');
      // The original is left as it was.
      expect((await c.status(first)).status).toBe('completed');
    });

    it('hands only b and c to the worker; b gets the original outputs of a as its input, c the new b and the original x', async () => {
      const got = await work(c, 'second-worker', ALGS, compute(1000));
      expect(got.every((t) => t.jobId === second)).toBe(true);
      expect(byNode(got)).toEqual([
        ['b', 'b#1', [10, 2]],
        ['b', 'b#2', [20, 2]],
        ['b', 'b#3', [30, 2]],
        ['c', null, [[1020, 1040, 1060], 60]],
      ]);
      // The same inputs as the original's b items: its input expressions resolved against the same results.
      expect(byNode(got.filter((t) => t.nodeName === 'b'))).toEqual(byNode(firstTasks.filter((t) => t.nodeName === 'b')));
    });

    it('gives the new job its status and results: completed, the final nodes of the nodes it runs (c)', async () => {
      const status = await c.status(second);
      expect([status.status, status.data.progress, status.data.states]).toEqual(['completed', '100.00', { succeed: 8 }]);
      const results = await c.results(second);
      expect([results.status, results.pipeline, results.data.result]).toEqual(['completed', 'cache-flow-b', [{ nodeName: 'c', algorithmName: ALG.c, result: 3180 }]]);
      // The tasks read model: a and x taken (no worker, attempt 0), b and c run; nothing of d.
      const rows = await tasksOfJob(second);
      expect(rows.map((r) => [r.node_name, r.batch_id, r.state, r.result, r.attempt, r.worker_name])).toEqual([
        ['a', 'a#1', 'succeed', 10, 0, null],
        ['a', 'a#2', 'succeed', 20, 0, null],
        ['a', 'a#3', 'succeed', 30, 0, null],
        ['b', 'b#1', 'succeed', 1020, 1, 'second-worker'],
        ['b', 'b#2', 'succeed', 1040, 1, 'second-worker'],
        ['b', 'b#3', 'succeed', 1060, 1, 'second-worker'],
        ['c', null, 'succeed', 3180, 1, 'second-worker'],
        ['x', null, 'succeed', 60, 0, null],
      ]);
    });

    it('records the taken nodes in its own job.submitted (cachedFrom, each item), caused by the original', async () => {
      const [submitted, ...rest] = await c.events(second);
      expect([submitted.type, submitted.metadata.causationId, submitted.metadata.actor]).toEqual(['job.submitted', first, 'api']);
      expect(submitted.data.cachedFrom).toEqual({ jobId: first, nodeName: 'b', rootJobId: first });
      const items = (n: { tasks: Array<Record<string, unknown>> }) => n.tasks.map(({ taskId: _id, ...t }) => t);
      expect(submitted.data.cached.map((n: { nodeName: string; batch: boolean; tasks: Array<Record<string, unknown>> }) => [n.nodeName, n.batch, items(n)])).toEqual([
        [
          'a',
          true,
          [
            { batchIndex: 1, state: 'succeed', input: [1], result: 10 },
            { batchIndex: 2, state: 'succeed', input: [2], result: 20 },
            { batchIndex: 3, state: 'succeed', input: [3], result: 30 },
          ],
        ],
        ['x', false, [{ batchIndex: null, state: 'succeed', input: [[10, 20, 30]], result: 60 }]],
      ]);
      // Only the nodes it runs are expanded by events of its own.
      expect(rest.filter((e) => e.type === 'node.expanded').map((e) => e.data.nodeName)).toEqual(['b', 'c']);
      expect(submitted.data.spec.nodes.map((n: { nodeName: string }) => n.nodeName)).toEqual(['a', 'x', 'b', 'c']);
    });

    it("fires the new job's webhooks, with the original's secret and headers", async () => {
      const got = await eventually(async () => {
        const result = rx.requests.find((r) => r.path === '/result' && r.body?.jobId === second);
        const progress = rx.requests.filter((r) => r.path === '/progress' && r.body?.jobId === second);
        return result && progress.some((p) => p.body.status === 'completed') && { result, progress };
      }, 15_000);
      for (const r of [got.result, ...got.progress]) {
        expect(r.headers['x-api-key']).toBe(header);
        expect(verifies(secret, r)).toBe(true);
      }
      expect(got.result.body).toMatchObject({ jobId: second, pipeline: 'cache-flow-b', status: 'completed', data: { result: [{ nodeName: 'c', result: 3180 }] } });
      expect(got.progress.find((p) => p.body.status === 'completed')!.body.data.states).toEqual({ succeed: 8 });
    });

    it('rebuilds from its own stream alone: the same jobs row and tasks after a projection rebuild', async () => {
      const row = (jobId: string) => h.db.query('SELECT status, version, summary, spec FROM jobs WHERE job_id = $1', [jobId]);
      const [liveJob, liveTasks] = [await row(second), await tasksOfJob(second)];
      await rebuildJobProjections(h.db);
      expect(await row(second)).toEqual(liveJob);
      expect(await tasksOfJob(second)).toEqual(liveTasks);
      expect((await c.results(second)).data.result).toEqual([{ nodeName: 'c', algorithmName: ALG.c, result: 3180 }]);
    });

    it('should succeed to save the rootJobId (three runs from the same job; a run from a caching run keeps the first job as root)', async () => {
      const runs = [await caching({ jobId: first, nodeName: 'c' }), await caching({ jobId: first, nodeName: 'c' }), await caching({ jobId: first, nodeName: 'c' })];
      expect(runs.map((r) => r.status)).toEqual([201, 201, 201]);
      for (const r of runs) {
        expect(r.body.jobId).toMatch(jobIdPattern('cache-flow-c'));
        expect((await pipelineOf(r.body.jobId)).rootJobId).toBe(first);
      }
      // From the caching run: c reads the new b (1020, 1040, 1060) it took from there.
      const chained = await caching({ jobId: second, nodeName: 'c' });
      expect(chained.status).toBe(201);
      const third = chained.body.jobId as string;
      expect(third).toMatch(jobIdPattern('cache-flow-b-c'));
      expect((await pipelineOf(third)).rootJobId).toBe(first);
      expect((await c.events(third))[0].data.cachedFrom).toEqual({ jobId: second, nodeName: 'c', rootJobId: first });
      // The runs from the first job are pending too (c of each): a worker of c only gets c tasks.
      const got = await runWorker(c, 'c-worker', [ALG.c], 10, (input) => sum(input[0]) + (input[1] as number));
      const ofThird = got.filter((t) => t.jobId === third);
      expect(ofThird.map((t) => t.input)).toEqual([[[1020, 1040, 1060], 60]]);
      expect(got.filter((t) => t.jobId !== third).map((t) => t.input)).toEqual([
        [[20, 40, 60], 60],
        [[20, 40, 60], 60],
        [[20, 40, 60], 60],
      ]);
      expect((await c.results(third)).data.result).toEqual([{ nodeName: 'c', algorithmName: ALG.c, result: 3180 }]);
    });

    it('should succeed run caching as raw (re-run) (Herald: exec/rerun of a caching run is the same caching run again, its name kept)', async () => {
      const res = await c.call('POST', '/api/v1/exec/rerun', { jobId: second });
      expect(res.status).toBe(201);
      const again = res.body.jobId as string;
      expect(again).toMatch(jobIdPattern('cache-flow-b'));
      const [submitted] = await c.events(again);
      expect([submitted.metadata.causationId, submitted.data.cachedFrom]).toEqual([second, { jobId: second, nodeName: 'b', rootJobId: first }]);
      expect(submitted.data.cached.map((n: { nodeName: string }) => n.nodeName)).toEqual(['a', 'x']);
      const got = await work(c, 'rerun-worker', ALGS, compute(5000));
      expect(byNode(got)).toEqual([
        ['b', 'b#1', [10, 2]],
        ['b', 'b#2', [20, 2]],
        ['b', 'b#3', [30, 2]],
        ['c', null, [[5020, 5040, 5060], 60]],
      ]);
      expect((await c.results(again)).data.result).toEqual([{ nodeName: 'c', algorithmName: ALG.c, result: 15180 }]);
    });

    it('runs from an entry node with nothing to take (the original still pending)', async () => {
      const pending = await c.submit({ name: 'cache-entry', nodes: [{ nodeName: 'e1', algorithmName: 'ce-1', input: ['#[1,2]'] }, { nodeName: 'e2', algorithmName: 'ce-2', input: ['@e1'] }] });
      const res = await caching({ jobId: pending, nodeName: 'e1' });
      expect(res.status).toBe(201);
      const [submitted] = await c.events(res.body.jobId);
      expect([submitted.data.cachedFrom, submitted.data.cached]).toEqual([{ jobId: pending, nodeName: 'e1', rootJobId: pending }, []]);
      expect((await c.status(res.body.jobId)).data.states).toEqual({ pending: 2, creating: 1 });
    });
  });

  describe('names', () => {
    it("keeps <name>-<nodeName> as it is when exec/raw's name rule would refuse it (a node name with a space)", async () => {
      const jobId = await c.submit({ name: 'cache-named', nodes: [{ nodeName: 'first one', algorithmName: 'cn-1', input: [1] }, { nodeName: 'second step', algorithmName: 'cn-2', input: ['@first one'] }] });
      await runWorker(c, 'named-worker', ['cn-1'], 10, (input) => input[0]);
      const res = await caching({ jobId, nodeName: 'second step' });
      expect(res.status).toBe(201);
      expect(res.body.jobId).toMatch(jobIdPattern('cache-named-second step'));
      const tasks = await runWorker(c, 'named-worker', ['cn-2'], 10, (input) => input[0]);
      expect(tasks.filter((t) => t.jobId === res.body.jobId).map((t) => t.input)).toEqual([[1]]);
      const status = await c.status(res.body.jobId);
      expect([status.pipeline, status.status]).toEqual(['cache-named-second step', 'completed']);
    });
  });

  describe('refusals', () => {
    it('should fail on no jobId', async () => {
      const res = await caching({ nodeName: 'black-alg' });
      expect([res.status, res.body]).toEqual([400, { error: missing('jobId') }]);
      expect((await caching({ jobId: first })).body.error).toEqual(missing('nodeName'));
    });

    it('should fail on additional property', async () => {
      const res = await caching({ jobId: first, nodeName: 'black-alg', stam: 'klum' });
      expect([res.status, res.body.error]).toEqual([400, { code: 'VALIDATION_FAILED', message: 'data should NOT have additional properties (stam)', details: [{ path: 'stam', message: 'is not a known field' }] }]);
      expect((await caching({ jobId: first, nodeName: '' })).body.error.message).toBe('data.nodeName should NOT be shorter than 1 characters');
      expect((await caching({ jobId: first, nodeName: 'b', debug: 'yes' })).body.error.message).toBe('data.debug should be boolean');
    });

    it('should fail on no such node or job (Herald: an unknown job is 404 JOB_NOT_FOUND, as for rerun; an unknown node 400 in HKube\'s words)', async () => {
      const job = await caching({ jobId: 'stam-job', nodeName: 'stam-alg' });
      expect([job.status, job.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job stam-job does not exist' } }]);
      const node = await caching({ jobId: first, nodeName: 'stam-alg' });
      expect([node.status, node.body]).toEqual([400, { error: { code: 'UNKNOWN_NODE', message: 'cant find relations for stam-alg', details: [{ path: 'nodeName', message: `is not a node of job ${first}` }] } }]);
      expect(await jobsNamed('%-stam-alg')).toBe(0);
    });

    it('should succeed run caching with debug (Herald: no debug mode, 400 DEBUG_NOT_SUPPORTED; debug false is a plain caching run)', async () => {
      const res = await caching({ jobId: first, nodeName: 'd', debug: true });
      expect([res.status, res.body.error]).toEqual([
        400,
        { code: 'DEBUG_NOT_SUPPORTED', message: 'debug algorithms are not supported: Herald has no debug mode (leave debug out or false)', details: [{ path: 'debug', message: 'must be false' }] },
      ]);
      expect(await jobsNamed('cache-flow-d')).toBe(0);
      const plain = await caching({ jobId: first, nodeName: 'd', debug: false });
      expect(plain.status).toBe(201);
      // d alone: it reads nothing but flowInput, so nothing is taken; the nodes before and after b are left out.
      expect((await pipelineOf(plain.body.jobId)).nodes.map((n: { nodeName: string }) => n.nodeName)).toEqual(['d']);
    });

    it('refuses a queue request: 400 CACHING_NOT_SUPPORTED', async () => {
      const queued = await c.call('POST', '/queue/caching-q', { n: 1 });
      expect(queued.status).toBe(202);
      const jobId = String(queued.body.jobId);
      const res = await caching({ jobId, nodeName: 'caching-q' });
      expect([res.status, res.body.error]).toEqual([
        400,
        { code: 'CACHING_NOT_SUPPORTED', message: `job ${jobId} is a request on queue caching-q: only pipeline jobs can be run from a node (submit the request to its queue again)`, details: { jobId, kind: 'queue' } },
      ]);
    });

    it('refuses 409 CACHE_NOT_AVAILABLE while a node before it is still running, naming the node', async () => {
      const body = { name: 'cache-busy', nodes: [{ nodeName: 'p', algorithmName: 'cb-p', input: ['#[1,2]'] }, { nodeName: 'q', algorithmName: 'cb-q', input: ['@p'] }] };
      const jobId = await c.submit(body);
      const res = await caching({ jobId, nodeName: 'q' });
      expect([res.status, res.body.error]).toEqual([
        409,
        {
          code: 'CACHE_NOT_AVAILABLE',
          message: `a run of job ${jobId} from node q takes the results of node p, which did not complete (running)`,
          details: { jobId, nodeName: 'q', nodes: [{ nodeName: 'p', state: 'running' }] },
        },
      ]);
      // Once p completed (the job still running: q waits for a worker), the run from q is accepted.
      await runWorker(c, 'p-worker', ['cb-p'], 10, (input) => input[0]);
      expect((await c.status(jobId)).status).toBe('active');
      const later = await caching({ jobId, nodeName: 'q' });
      expect(later.status).toBe(201);
      // The original's q and the new job's q, each reading p's items.
      const tasks = await runWorker(c, 'q-worker', ['cb-q'], 10, (input) => input[0]);
      expect(tasks.map((t) => [t.jobId, t.input]).sort()).toEqual([
        [jobId, [[1, 2]]],
        [later.body.jobId, [[1, 2]]],
      ].sort());
    });

    it('refuses a node before it that failed or was stopped, and nodes never reached', async () => {
      const failing = await c.submit({ name: 'cache-failed', nodes: [{ nodeName: 'f', algorithmName: 'cf-f', input: [1] }, { nodeName: 'g', algorithmName: 'cf-g', input: ['@f'] }, { nodeName: 'k', algorithmName: 'cf-k', input: ['@g'] }] });
      const [task] = await c.acquire('f-worker', ['cf-f']);
      expect((await c.fail(task.taskId, 'f-worker', 'boom', false)).status).toBe(200);
      expect((await c.status(failing)).status).toBe('failed');
      const failed = await caching({ jobId: failing, nodeName: 'k' });
      expect([failed.status, failed.body.error.code, failed.body.error.details.nodes]).toEqual([
        409,
        'CACHE_NOT_AVAILABLE',
        [
          { nodeName: 'f', state: 'failed' },
          { nodeName: 'g', state: 'not started' },
        ],
      ]);
      expect(failed.body.error.message).toBe(`a run of job ${failing} from node k takes the results of node f, which did not complete (failed)`);

      const stopping = await c.submit({ name: 'cache-stopped', nodes: [{ nodeName: 's', algorithmName: 'cs-s', input: ['#[1,2]'] }, { nodeName: 't', algorithmName: 'cs-t', input: ['@s'] }] });
      const [one] = await c.acquire('s-worker', ['cs-s']);
      expect((await c.complete(one.taskId, 's-worker', 1)).status).toBe(200);
      expect((await c.stop(stopping)).status).toBe(200);
      const stopped = await caching({ jobId: stopping, nodeName: 't' });
      expect([stopped.status, stopped.body.error.details.nodes]).toEqual([409, [{ nodeName: 's', state: 'stopped' }]]);
      // Nothing was submitted by a refusal.
      expect((await jobsNamed('cache-failed-%')) + (await jobsNamed('cache-stopped-%'))).toBe(0);
    });
  });

  describe('project keys', () => {
    let a: HeraldClient;
    let b: HeraldClient;
    beforeAll(async () => {
      a = client(h.baseUrl, bearer((await createKey(h, ADMIN, 'proj-a')).key));
      b = client(h.baseUrl, bearer((await createKey(h, ADMIN, 'proj-b')).key));
    });

    it("runs its own project's jobs only: another project's job is the same 404 as an unknown one; the new job is the original's project's", async () => {
      const bJob = await b.submit({ name: 'b-cache', nodes: [{ nodeName: 'n', algorithmName: 'b-cache-alg', input: [1] }, { nodeName: 'm', algorithmName: 'b-cache-m', input: ['@n'] }] });
      await runWorker(b, 'b-worker', ['b-cache-alg'], 10, () => 'b-secret-result');
      const fromA = await caching({ jobId: bJob, nodeName: 'm' }, a);
      const ghost = await caching({ jobId: 'b-cache:00000000-0000-4000-8000-000000000000', nodeName: 'm' }, a);
      expect([fromA.status, fromA.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: `job ${bJob} does not exist` } }]);
      expect(JSON.stringify(fromA.body).split(bJob).join('ID')).toBe(JSON.stringify(ghost.body).split('b-cache:00000000-0000-4000-8000-000000000000').join('ID'));
      expect(await jobsNamed('b-cache-%')).toBe(0);
      const own = await caching({ jobId: bJob, nodeName: 'm' }, b);
      expect(own.status).toBe(201);
      expect((await b.status(own.body.jobId)).projectId).toBe('proj-b');
      expect((await a.call('GET', path('status', own.body.jobId))).status).toBe(404);
      // The original's m and the new job's m are pending; the new one reads n's result taken from the original.
      const tasks = await b.acquire('b-worker', ['b-cache-m'], 10);
      expect(tasks.map((t) => [t.jobId, t.input]).sort()).toEqual([
        [bJob, ['b-secret-result']],
        [own.body.jobId, ['b-secret-result']],
      ].sort());
    });
  });
});
