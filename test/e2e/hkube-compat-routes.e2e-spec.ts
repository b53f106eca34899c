/**
 * HKube's own tests of the exec read routes and the bulk stop (core/api-server/tests
 * exec-pipelines.js, exec-auditTrail.js, exec-jobs.js, exec-search.js, exec-stop.js), ported to a
 * real Herald with real workers: each `it` names the original test. Where Herald keeps its own
 * wire format (jobId `name:uuid`, stable string error codes in `{ error: { code, message } }`)
 * the assertion says so; HKube's message wording is kept where HKube has one.
 */
import { runWorker } from '../support/e2e';
import { useHerald } from '../support/use-herald';

describe('HKube compatibility: pipelines, flowInput, auditTrail, pipeline/list, jobs?raw, search, bulk stop', () => {
  const { c } = useHerald();
  const path = (route: string, jobId: string) => `/api/v1/exec/${route}/${encodeURIComponent(jobId)}`;
  const node = (alg: string, input: unknown[] = []) => ({ nodeName: 'string', algorithmName: alg, kind: 'algorithm', input });
  const missingId = { code: 'VALIDATION_FAILED', message: "data should have required property 'jobId'", details: [{ path: 'jobId', message: 'required' }] };

  describe('/exec/pipelines/{jobId} (exec-pipelines.js)', () => {
    it('should throw validation error of required property name (an unknown job: 404)', async () => {
      const res = await c.call('GET', '/api/v1/exec/pipelines/not_exists');
      // HKube: { code: 404, message: 'pipeline not_exists Not Found' }.
      expect([res.status, res.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job not_exists does not exist' } }]);
      const none = await c.call('GET', '/api/v1/exec/pipelines');
      expect([none.status, none.body]).toEqual([400, { error: missingId }]);
      const post = await c.call('POST', '/api/v1/exec/pipelines/not_exists', {});
      expect([post.status, post.body.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    });

    it('should succeed and return job id (the pipeline: name, nodes, options, priority, startTime)', async () => {
      const before = Date.now();
      const body = { name: 'exec_pipeline', nodes: [node('green-alg', ['#[1,2]', '@flowInput.x'])], flowInput: { x: 7 } };
      const jobId = await c.submit(body);
      const res = await c.call('GET', path('pipelines', jobId));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ jobId, name: 'exec_pipeline', kind: 'batch', experimentName: 'main', flowInput: { x: 7 }, priority: 3, options: { batchTolerance: 80, progressVerbosityLevel: 'info', ttl: 3600 } });
      // HKube answers the nodes as submitted; Herald's are normalised (retry policy filled in, `kind: algorithm` implied).
      expect(res.body.nodes).toEqual([{ nodeName: 'string', algorithmName: 'green-alg', input: ['#[1,2]', '@flowInput.x'], retry: { limit: 3, delaySeconds: 0, backoff: false } }]);
      expect(res.body.startTime).toBeGreaterThanOrEqual(before - 1000);
      expect(res.body.startTime).toBeLessThanOrEqual(Date.now());
    });

    it('never shows the secrets of the request (webhook secret, webhook headers, stage headers): masked as in the audit stream', async () => {
      const secret = `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}`;
      const jobId = await c.submit({
        name: 'secretive',
        nodes: [
          { nodeName: 'a', algorithmName: 'secret-alg', input: [1] },
          { nodeName: 'hook', kind: 'webhook', input: ['@a'], webhook: { url: 'https://example.com/hook', customHeaders: { Authorization: 'Bearer stage-token-123456' } } },
        ],
        webhooks: { result: 'https://example.com/result', secret, headers: { 'X-Api-Key': 'header-value-123456' } },
      });
      const res = await c.call('GET', path('pipelines', jobId));
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      for (const s of [secret, 'stage-token-123456', 'header-value-123456']) expect(text).not.toContain(s);
      expect(res.body.webhooks.secret).toBe('whsec_…');
      const submitted = (await c.events(jobId))[0].data.spec;
      expect(res.body.webhooks).toEqual(submitted.webhooks);
      expect(res.body.nodes[1].webhook.customHeaders).toEqual(submitted.nodes[1].webhook.customHeaders);
    });
  });

  describe('/exec/flowInput/{jobId}', () => {
    it('answers the flowInput of a job, with a download header on ?download=true (exec.js route)', async () => {
      const jobId = await c.submit({ name: 'flow-in', flowInput: { addInput: [2] }, nodes: [node('flow-alg', ['@flowInput.addInput'])] });
      const res = await c.call('GET', path('flowInput', jobId));
      expect([res.status, res.body, res.headers.get('content-disposition')]).toEqual([200, { addInput: [2] }, null]);
      const dl = await c.call('GET', `${path('flowInput', jobId)}?download=true`);
      expect([dl.status, dl.body, dl.headers.get('content-disposition')]).toEqual([200, { addInput: [2] }, 'attachment;filename="flowInput.json"']);
      const bad = await c.call('GET', `${path('flowInput', jobId)}?download=maybe`);
      expect([bad.status, bad.body.error]).toEqual([400, { code: 'VALIDATION_FAILED', message: 'download must be true or false', details: [{ path: 'download', message: 'must be true or false' }] }]);
    });

    it('is 404 for a job without flowInput (HKube: an empty 404) and for an unknown job', async () => {
      const jobId = await c.submit({ name: 'no-flow', nodes: [node('noflow-alg', [1])] });
      const res = await c.call('GET', path('flowInput', jobId));
      expect([res.status, res.body]).toEqual([404, { error: { code: 'FLOW_INPUT_NOT_FOUND', message: `flowInput of job ${jobId} Not Found` } }]);
      expect((await c.call('GET', '/api/v1/exec/flowInput/no_such_id')).body.error.code).toBe('JOB_NOT_FOUND');
      expect((await c.call('GET', '/api/v1/exec/flowInput')).body).toEqual({ error: missingId });
    });
  });

  describe('/exec/auditTrail/{jobId} (exec-auditTrail.js)', () => {
    it('should throw auditTrail Not Found with params', async () => {
      const res = await c.call('GET', '/api/v1/exec/auditTrail/no_such_id');
      // HKube: { code: 404, message: 'auditTrail no_such_id Not Found' }.
      expect([res.status, res.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job no_such_id does not exist' } }]);
    });

    it('should throw validation error of required property execution id', async () => {
      const res = await c.call('GET', '/api/v1/exec/auditTrail');
      expect([res.status, res.body]).toEqual([400, { error: missingId }]);
    });

    it('should succeed to get status (entries with timestamp, user, action; newest first, a stop after the run)', async () => {
      expect((await c.call('POST', '/api/v1/store/pipelines', { name: 'flow1', nodes: [node('audit-alg', [1])] })).status).toBe(201);
      const run = await c.call('POST', '/api/v1/exec/stored', { name: 'flow1' });
      expect(run.status).toBe(201);
      const { jobId } = run.body;
      const first = await c.call('GET', path('auditTrail', jobId));
      expect(first.status).toBe(200);
      expect(first.body).toEqual([{ timestamp: expect.any(Number), user: 'api', action: 'run' }]);
      expect((await c.stop(jobId, 'audit')).status).toBe(200);
      const after = (await c.call('GET', path('auditTrail', jobId))).body;
      expect(after.map((e: { action: string }) => e.action)).toEqual(['stop', 'run']);
      expect(after[0].timestamp).toBeGreaterThanOrEqual(after[1].timestamp);
      // The stream's own record of the same actions.
      const events = await c.events(jobId);
      expect(after[1].timestamp).toBe(Date.parse(events[0].createdAt));
    });
  });

  describe('/exec/pipeline/list (exec-pipelines.js)', () => {
    it('should return a list of all running pipelines (and no finished one)', async () => {
      const jobId = await c.submit({ name: 'exec_pipeline', nodes: [node('list-alg', [1])] });
      const running = await c.call('GET', '/api/v1/exec/pipeline/list');
      expect(running.status).toBe(200);
      expect(running.body).toBeInstanceOf(Array);
      const created = running.body.find((item: { jobId: string }) => item.jobId === jobId);
      expect(created).toMatchObject({ jobId, name: 'exec_pipeline', nodes: [{ nodeName: 'string', algorithmName: 'list-alg', input: [1] }] });
      await runWorker(c, 'w-list', ['list-alg'], 10, () => 'done');
      expect((await c.status(jobId)).status).toBe('completed');
      const after = (await c.call('GET', '/api/v1/exec/pipeline/list')).body as Array<{ jobId: string }>;
      expect(after.map((p) => p.jobId)).not.toContain(jobId);
      expect((await c.call('DELETE', '/api/v1/exec/pipeline/list')).status).toBe(405);
    });
  });

  describe('/exec/jobs?raw=true (exec-jobs.js)', () => {
    it('should return all list just jobIds (the unfinished jobs, oldest first)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await c.submit({ name: 'raw-jobs', nodes: [node('raw-alg', [i])] }));
      const res = await c.call('GET', '/api/v1/exec/jobs?raw=true&pipeline=raw-jobs');
      expect([res.status, res.body]).toEqual([200, ids]);
      const all = (await c.call('GET', '/api/v1/exec/jobs?raw=true')).body as string[];
      expect(all.every((id) => typeof id === 'string')).toBe(true);
      expect(all).toEqual(expect.arrayContaining(ids));
    });

    it('should return active list / should return pending list (?status=)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await c.submit({ name: 'raw-status', nodes: [node('raw-status-alg', [i])] }));
      const [t] = await c.acquire('w-raw', ['raw-status-alg'], 1);
      expect((await c.call('GET', '/api/v1/exec/jobs?raw=true&status=active&pipeline=raw-status')).body).toEqual([t.jobId]);
      expect((await c.call('GET', '/api/v1/exec/jobs?raw=true&status=pending&pipeline=raw-status')).body).toEqual(ids.filter((id) => id !== t.jobId));
      // Herald's own list is unchanged without raw.
      const page = (await c.call('GET', '/api/v1/exec/jobs?pipeline=raw-status')).body;
      expect(page.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([...ids].reverse());
      const bad = await c.call('GET', '/api/v1/exec/jobs?raw=yes');
      expect([bad.status, bad.body.error.message]).toEqual([400, 'raw must be true or false']);
    });
  });

  describe('/exec/search (exec-search.js)', () => {
    const algorithmName = 'my-search-alg';
    let ids: string[];
    let t0: string;
    beforeAll(async () => {
      t0 = new Date(Date.now() - 1000).toISOString();
      ids = [];
      for (let i = 0; i < 10; i++) ids.push(await c.submit({ name: 'exec_raw', nodes: [{ nodeName: 'A', algorithmName, input: [i] }] }));
    });

    it('should throw validation error of limit range', async () => {
      const res = await c.call('POST', '/api/v1/exec/search', { limit: 120 });
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', 'data.limit should be <= 100']);
      const get = await c.call('GET', '/api/v1/exec/search?limit=120');
      expect([get.status, get.body.error.message]).toEqual([400, 'data.limit should be <= 100']);
      const sort = await c.call('POST', '/api/v1/exec/search', { sort: 'sideways' });
      expect([sort.status, sort.body.error.message]).toEqual([400, 'data.sort should be equal to one of the allowed values']);
    });

    it('GET: should succeed to search jobs', async () => {
      const res = await c.call('GET', `/api/v1/exec/search?limit=5&algorithmName=${algorithmName}`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveProperty('hits');
      expect(res.body).toHaveProperty('cursor');
      expect(res.body.timeTook).toMatch(/^\d+\.\d{2}ms$/);
      expect(res.body.hits).toHaveLength(5);
      // Newest first (HKube's default sort desc).
      expect(res.body.hits.map((h: { jobId: string }) => h.jobId)).toEqual([...ids].reverse().slice(0, 5));
      expect(res.body.hits[0]).toMatchObject({ jobId: ids[9], completion: false, status: { status: 'pending', pipeline: 'exec_raw' }, pipeline: { name: 'exec_raw', nodes: [{ algorithmName }] } });
    });

    it('POST: should succeed to search jobs (and the cursor pages through the rest)', async () => {
      const res = await c.call('POST', '/api/v1/exec/search', { query: { algorithmName }, limit: 5 });
      expect(res.status).toBe(200);
      expect(res.body.hits).toHaveLength(5);
      const next = await c.call('POST', '/api/v1/exec/search', { query: { algorithmName }, limit: 5, cursor: res.body.cursor });
      const last = await c.call('POST', '/api/v1/exec/search', { query: { algorithmName }, limit: 5, cursor: next.body.cursor });
      const seen = [...res.body.hits, ...next.body.hits].map((h: { jobId: string }) => h.jobId);
      expect(seen).toEqual([...ids].reverse());
      expect([last.body.hits, last.body.cursor]).toEqual([[], null]);
      const asc = await c.call('GET', `/api/v1/exec/search?algorithmName=${algorithmName}&sort=asc&limit=3`);
      expect(asc.body.hits.map((h: { jobId: string }) => h.jobId)).toEqual(ids.slice(0, 3));
      const bad = await c.call('POST', '/api/v1/exec/search', { cursor: 'nope' });
      expect([bad.status, bad.body.error.message]).toEqual([400, 'cursor is not valid']);
    });

    it('filters by pipelineName, pipelineStatus, datesRange and experimentName (HKube search query)', async () => {
      await runWorker(c, 'w-search', [algorithmName], 3, () => 'ok');
      const completed = await c.call('POST', '/api/v1/exec/search', { query: { pipelineName: 'exec_raw', pipelineStatus: 'completed' } });
      expect(completed.body.hits.map((h: { jobId: string }) => h.jobId).sort()).toEqual([...ids].sort());
      expect(completed.body.hits[0]).toMatchObject({ completion: true, result: { pipeline: 'exec_raw', status: 'completed', timeTook: expect.any(Number) } });
      const pending = await c.call('POST', '/api/v1/exec/search', { query: { pipelineName: 'exec_raw', pipelineStatus: 'pending' } });
      expect(pending.body.hits).toEqual([]);
      const inRange = await c.call('GET', `/api/v1/exec/search?pipelineName=exec_raw&from=${t0}&to=${new Date(Date.now() + 60_000).toISOString()}`);
      expect(inRange.body.hits).toHaveLength(10);
      const before = await c.call('POST', '/api/v1/exec/search', { query: { pipelineName: 'exec_raw', datesRange: { from: '2021-03-11T14:30:00', to: '2021-04-11T14:30:00' } } });
      expect(before.body.hits).toEqual([]);
      expect((await c.call('POST', '/api/v1/exec/search', { query: { pipelineName: 'exec_raw', experimentName: 'main' } })).body.hits).toHaveLength(10);
      expect((await c.call('POST', '/api/v1/exec/search', { query: { pipelineName: 'exec_raw', experimentName: 'other' } })).body.hits).toEqual([]);
      const badDate = await c.call('POST', '/api/v1/exec/search', { query: { datesRange: { from: 'yesterday' } } });
      expect([badDate.status, badDate.body.error.message]).toEqual([400, 'data.query.datesRange.from must be a date-time such as 2021-03-11T14:30:00']);
    });

    it('refuses what Herald cannot search by (tags, pipelineType, pageNum, fields, exists) with 400 SEARCH_FILTER_NOT_SUPPORTED', async () => {
      for (const body of [{ tags: ['t1'] }, { query: { pipelineType: 'stored' } }, { pageNum: 2 }, { fields: { jobId: true } }, { exists: { result: true } }]) {
        const res = await c.call('POST', '/api/v1/exec/search', body);
        expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([JSON.stringify(body), 400, 'SEARCH_FILTER_NOT_SUPPORTED']);
      }
      expect((await c.call('GET', '/api/v1/exec/search?tags=a,b')).body.error.code).toBe('SEARCH_FILTER_NOT_SUPPORTED');
      // An empty tags parameter is no filter (HKube parses it into []).
      expect((await c.call('GET', '/api/v1/exec/search?tags=&limit=1')).status).toBe(200);
    });
  });

  describe('/exec/stop without jobId (exec-stop.js)', () => {
    const statuses = 'active,pending,paused';

    it('should throw validation error of jobId Not Found', async () => {
      const res = await c.call('POST', '/api/v1/exec/stop', { jobId: 'no_such_id' });
      // HKube searches even for one jobId ("No jobs found matching criteria (jobId: …)"); Herald keeps its one-job stop: 404 JOB_NOT_FOUND.
      expect([res.status, res.body.error.code]).toEqual([404, 'JOB_NOT_FOUND']);
    });

    it('should succeed to stop jobs without startTime filter / with startTime filter', async () => {
      await c.call('POST', '/api/v1/store/pipelines', { name: 'flow2', nodes: [node('stop-alg', [1])] });
      const one = (await c.call('POST', '/api/v1/exec/stored', { name: 'flow2' })).body.jobId;
      expect((await c.call('POST', '/api/v1/exec/stop', { jobId: one })).body).toEqual({ stoppedJobIds: [one] });
      const two = (await c.call('POST', '/api/v1/exec/stored', { name: 'flow2' })).body.jobId;
      const day = 86_400_000;
      const res = await c.call('POST', '/api/v1/exec/stop', {
        jobId: two,
        pipelineName: 'flow2',
        startTime: { from: new Date(Date.now() - day).toISOString(), to: new Date(Date.now() + day).toISOString() },
      });
      expect([res.status, res.body]).toEqual([200, { stoppedJobIds: [two] }]);
      expect((await c.status(two)).status).toBe('stopped');
    });

    it('should throw a "not found" error when no jobs are found within a time frame', async () => {
      await c.call('POST', '/api/v1/exec/stored', { name: 'flow2' });
      const res = await c.call('POST', '/api/v1/exec/stop', { startTime: { from: '2021-03-11T14:30:00', to: '2021-04-11T14:30:00' } });
      expect([res.status, res.body]).toEqual([404, { error: { code: 'NO_JOBS_MATCHED', message: `No jobs found matching criteria (datesRange: 2021-03-11T14:30:00 to 2021-04-11T14:30:00, statuses: ${statuses})` } }]);
    });

    it('should throw a "not found" error when no jobs of a certain pipeline are found (within a time frame)', async () => {
      const p = await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'flow3' });
      expect([p.status, p.body.error.message]).toEqual([404, `No jobs found matching criteria (pipelineName: flow3, statuses: ${statuses})`]);
      const t = await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'flow1', startTime: { from: '2021-03-11T14:30:00', to: '2021-04-11T14:30:00' } });
      expect([t.status, t.body.error.message]).toEqual([404, `No jobs found matching criteria (pipelineName: flow1, datesRange: 2021-03-11T14:30:00 to 2021-04-11T14:30:00, statuses: ${statuses})`]);
      const f4 = await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'flow4' });
      expect(f4.body.error.message).toBe(`No jobs found matching criteria (pipelineName: flow4, statuses: ${statuses})`);
    });

    it('should run stop jobs with statusToStop as a comma-separated string / as an array', async () => {
      const csv = await c.call('POST', '/api/v1/exec/stop', { statusToStop: 'dequeued,crashed' });
      expect([csv.status, csv.body.error.message]).toEqual([404, 'No jobs found matching criteria (statuses: dequeued,crashed)']);
      const arr = await c.call('POST', '/api/v1/exec/stop', { statusToStop: ['active', 'resumed'], pipelineName: 'flow30' });
      expect(arr.body.error.message).toBe('No jobs found matching criteria (pipelineName: flow30, statuses: active,resumed)');
    });

    it('should stop jobs with statusToStop as a single string: only the jobs of that status, each through its own stop', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await c.submit({ name: 'bulk-stop', nodes: [node('bulk-stop-alg', [i])] }));
      const done = await c.submit({ name: 'bulk-stop', nodes: [node('bulk-done-alg', [1])] });
      await runWorker(c, 'w-done', ['bulk-done-alg'], 1, () => 1);
      const [held] = await c.acquire('w-bulk', ['bulk-stop-alg'], 1, 600);
      const pending = ids.filter((id) => id !== held.jobId);
      const res = await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'bulk-stop', statusToStop: 'pending', reason: 'bulk' });
      expect([res.status, res.body]).toEqual([200, { stoppedJobIds: pending }]);
      for (const id of pending) expect(await c.status(id)).toMatchObject({ status: 'stopped', reason: 'bulk' });
      expect((await c.status(held.jobId)).status).toBe('active');
      // The default statuses take the active one; the completed job is never stopped.
      const rest = await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'bulk-stop' });
      expect(rest.body).toEqual({ stoppedJobIds: [held.jobId] });
      expect((await c.status(done)).status).toBe('completed');
      const stopped = (await c.events(held.jobId)).filter((e) => e.type === 'job.stopped');
      expect(stopped.map((e) => e.data)).toEqual([{ reason: 'stopped due to request' }]);
      expect((await c.call('POST', '/api/v1/exec/stop', { pipelineName: 'bulk-stop' })).status).toBe(404);
    });

    it('refuses a stop that names no job and no criterion (HKube would stop every job), and bad criteria, with 400', async () => {
      const running = await c.submit({ name: 'keep-running', nodes: [node('keep-alg', [1])] });
      for (const body of [{ reason: 'x' }, {}, { startTime: {} }]) {
        const res = await c.call('POST', '/api/v1/exec/stop', body);
        expect([res.status, res.body.error]).toEqual([400, { code: 'VALIDATION_FAILED', message: 'invalid request: jobId is required', details: [{ path: 'jobId', message: 'is required' }] }]);
      }
      const badTime = await c.call('POST', '/api/v1/exec/stop', { startTime: { from: 'last week' } });
      expect([badTime.status, badTime.body.error.details]).toEqual([400, [{ path: 'startTime.from', message: 'must be a date-time such as 2021-03-11T14:30:00' }]]);
      const badStatus = await c.call('POST', '/api/v1/exec/stop', { statusToStop: 5 });
      expect([badStatus.status, badStatus.body.error.details]).toEqual([400, [{ path: 'statusToStop', message: 'must be a status, "s1,s2", or an array of statuses' }]]);
      expect((await c.status(running)).status).toBe('pending');
    });
  });
});
