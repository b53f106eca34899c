/**
 * HKube's own tests of the status, results, stop and webhook record answers (core/api-server/tests
 * exec-status.js, exec-results.js, webhooks.js, common.js; core/pipeline-driver/tests
 * task-runner.js), ported to a real Herald with real workers: each `it` names the original test.
 * Where Herald keeps its seed's wire format (jobId `name:uuid`, "100.00" strings, data.result,
 * batchID, ISO timestamps, stable string error codes) the assertion says so.
 */
import { loadConfig } from '../../src/config/config';
import { ISO_TIME, jobIdPattern } from '../support/e2e';
import { eventually } from '../support/herald';
import { Receiver } from '../support/receiver';
import { useHerald } from '../support/use-herald';

describe('HKube compatibility: status, results, stop and webhook records', () => {
  const { c } = useHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4] } });
  let rx: Receiver;
  beforeAll(async () => {
    rx = await new Receiver().start();
  });
  afterAll(() => rx.stop());

  const path = (route: string, jobId: string) => `/api/v1/${route}/${encodeURIComponent(jobId)}`;

  /** Acquires every task of `algorithm` and completes (or fails) each with what `outcome` says. */
  async function work(algorithm: string, outcome: (input: unknown[]) => { result: unknown } | { error: unknown }): Promise<void> {
    for (;;) {
      const tasks = await c.acquire(`w-${algorithm}`, [algorithm], 10);
      if (tasks.length === 0) return;
      for (const t of tasks) {
        const o = outcome(t.input);
        const res = 'result' in o ? await c.complete(t.taskId, `w-${algorithm}`, o.result) : await c.fail(t.taskId, `w-${algorithm}`, o.error, false);
        if (res.status !== 200) throw new Error(`${t.taskId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
  }

  describe('/exec/status (exec-status.js)', () => {
    it('should throw status Not Found with params', async () => {
      const res = await c.call('GET', '/api/v1/exec/status/no_such_id');
      // HKube: { code: 404, message: 'status no_such_id Not Found' }; Herald keeps its stable string codes.
      expect([res.status, res.body.error.code]).toEqual([404, 'JOB_NOT_FOUND']);
      expect(res.body.error.message).toContain('no_such_id');
    });

    it('should throw validation error of required property execution id', async () => {
      const res = await c.call('GET', '/api/v1/exec/status');
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', "data should have required property 'jobId'"]);
    });

    it('should succeed to get status', async () => {
      const jobId = await c.submit({ name: 'flow1', nodes: [{ nodeName: 'green', algorithmName: 'hk-status-alg', input: ['#[1,2,3]'] }] });
      const res = await c.call('GET', path('exec/status', jobId));
      expect(res.status).toBe(200);
      for (const key of ['jobId', 'level', 'pipeline', 'status', 'timestamp']) expect(res.body).toHaveProperty(key);
      // A freshly submitted job: pending at level info (HKube's), though its entry node is already expanded.
      expect(res.body).toMatchObject({ jobId: expect.stringMatching(jobIdPattern('flow1')), pipeline: 'flow1', status: 'pending', level: 'info', timestamp: expect.stringMatching(ISO_TIME) });
      expect(res.body.data).toMatchObject({ progress: '0.00', details: '0.00% completed, 3 pending' });
    });
  });

  describe('/exec/results (exec-results.js)', () => {
    it('should throw status Not Found with params', async () => {
      const res = await c.call('GET', '/api/v1/exec/results/no_such_id');
      expect([res.status, res.body.error.code]).toEqual([404, 'JOB_NOT_FOUND']);
    });

    it('should throw validation error of required property execution id', async () => {
      const res = await c.call('GET', '/api/v1/exec/results');
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', "data should have required property 'jobId'"]);
    });

    it('should succeed to get results', async () => {
      const jobId = await c.submit({ name: 'exec_raw_results', nodes: [{ nodeName: 'string', algorithmName: 'hk-results-alg', input: [] }] });
      await work('hk-results-alg', () => ({ result: 500 }));
      const res = await c.call('GET', path('exec/results', jobId));
      expect(res.status).toBe(200);
      for (const key of ['jobId', 'data', 'status', 'timeTook', 'timestamp']) expect(res.body).toHaveProperty(key);
      // HKube: data is the value itself (500) plus storageModule; Herald keeps the seed's data.result entries.
      expect(res.body).toMatchObject({ jobId, status: 'completed', timestamp: expect.stringMatching(ISO_TIME), data: { result: [{ nodeName: 'string', algorithmName: 'hk-results-alg', result: 500 }] } });
      expect(typeof res.body.timeTook).toBe('number');
      expect(res.body.timeTook).toBeGreaterThanOrEqual(0);
      // The status of the same completed job carries the engine's net and gross times.
      const status = await c.status(jobId);
      expect(status).toMatchObject({ status: 'completed', level: 'info', data: { progress: '100.00' } });
      expect(status.grossTimeTook).toBe(res.body.timeTook);
      expect(status.netTimeTook).toBeLessThanOrEqual(status.grossTimeTook);
    });
  });

  describe('failures and stops as the pipeline driver reports them (pipeline-driver task-runner.js)', () => {
    it('should throw when check batch tolerance', async () => {
      // HKube's batch pipeline: green over 5 items, batchTolerance 60. Failures are checked one by
      // one (as the driver does on each task error), so the third (3/5 = 60%) already ends the job.
      const jobId = await c.submit({
        name: 'batch',
        nodes: [
          { nodeName: 'green', algorithmName: 'hk-tol-green', input: ['#[1...5]'] },
          { nodeName: 'yellow', algorithmName: 'hk-tol-yellow', input: ['@green'] },
        ],
        options: { batchTolerance: 60 },
      });
      const tasks = await c.acquire('w-tol', ['hk-tol-green'], 5);
      expect((await c.complete(tasks[0].taskId, 'w-tol', 1)).status).toBe(200);
      for (const t of tasks.slice(1, 3)) expect((await c.fail(t.taskId, 'w-tol', 'oooohh noooo', false)).status).toBe(200);
      expect((await c.status(jobId)).status).toBe('active');
      expect((await c.fail(tasks[3].taskId, 'w-tol', 'oooohh noooo', false)).status).toBe(200);

      const status = await c.status(jobId);
      expect(status).toMatchObject({
        status: 'failed',
        level: 'error',
        error: '3/5 (60%) failed tasks, batch tolerance is 60%, error: oooohh noooo',
        nodeName: 'green',
        // The never-reached yellow node is not done: 4 of 6 entries, not 100%.
        data: { progress: '66.67', details: '66.67% completed, 1 succeed, 3 failed, 2 stopped', states: { succeed: 1, failed: 3, stopped: 2 } },
      });
      expect(await c.results(jobId)).toMatchObject({ status: 'failed', error: status.error, nodeName: 'green', timeTook: expect.any(Number) });
    });

    it('fails a job with the task error itself and its nodeName when a node without batch input fails', async () => {
      const jobId = await c.submit({ name: 'one-node', nodes: [{ nodeName: 'green', algorithmName: 'hk-solo', input: [1] }] });
      await work('hk-solo', () => ({ error: { message: 'taskStalled' } }));
      expect(await c.status(jobId)).toMatchObject({ status: 'failed', level: 'error', error: 'taskStalled', nodeName: 'green', data: { progress: '100.00' } });
    });

    it('stops with the reason "stopped due to request" when none is given (execution.js stopJob)', async () => {
      const jobId = await c.submit({
        name: 'flow1',
        nodes: [
          { nodeName: 'green', algorithmName: 'hk-stop-green', input: ['#[1,2]'] },
          { nodeName: 'yellow', algorithmName: 'hk-stop-yellow', input: ['@green'] },
        ],
      });
      const [t1] = await c.acquire('w-stop', ['hk-stop-green'], 1);
      expect((await c.complete(t1.taskId, 'w-stop', 1)).status).toBe(200);
      expect((await c.call('POST', '/api/v1/exec/stop', { jobId })).body).toEqual({ stoppedJobIds: [jobId] });
      const status = await c.status(jobId);
      expect(status).toMatchObject({
        status: 'stopped',
        level: 'info',
        reason: 'stopped due to request',
        // yellow was never reached: it stays creating (not done), as in HKube.
        data: { progress: '33.33', details: '33.33% completed, 1 succeed, 1 stopped, 1 creating' },
      });
      expect(['error', 'nodeName', 'netTimeTook', 'grossTimeTook'].filter((k) => k in status)).toEqual([]);
      expect(await c.results(jobId)).toMatchObject({ status: 'stopped', reason: 'stopped due to request', timeTook: expect.any(Number) });
    });
  });

  describe('webhooks (webhooks.js)', () => {
    const hooks = (name: string) => ({ progress: `${rx.url}/${name}/progress`, result: `${rx.url}/${name}/result` });

    it('should succeed to send webhook progress', async () => {
      const jobId = await c.submit({ name: 'webhookFlow1', nodes: [{ nodeName: 'green', algorithmName: 'hk-wh-progress', input: ['#[1,2]'] }], webhooks: hooks('p1') });
      await work('hk-wh-progress', (input) => ({ result: input }));
      const last = await eventually(async () => rx.bodies('/p1/progress').find((b) => b.jobId === jobId && b.status === 'completed'));
      for (const key of ['jobId', 'level', 'pipeline', 'status', 'timestamp']) expect(last).toHaveProperty(key);
      const status = await c.status(jobId);
      expect([last.jobId, last.status, last.data]).toEqual([status.jobId, status.status, status.data]);
      expect(last).toEqual(status);
    });

    it('should succeed to send webhook result on stop', async () => {
      const jobId = await c.submit({ name: 'webhookFlow1', nodes: [{ nodeName: 'green', algorithmName: 'hk-wh-stop', input: ['#[1,2]'] }], webhooks: hooks('s1') });
      expect((await c.stop(jobId)).status).toBe(200);
      const body = await eventually(async () => rx.bodies('/s1/result').find((b) => b.jobId === jobId));
      for (const key of ['jobId', 'status', 'timestamp']) expect(body).toHaveProperty(key);
      const results = await c.results(jobId);
      expect([body.jobId, body.status, body.reason]).toEqual([results.jobId, 'stopped', 'stopped due to request']);
      // HKube sends no data on stop; Herald keeps the seed's data.result (its unfinished items as "task stopped").
      expect(body).toEqual(results);
      expect(body.data.result.map((r: { error: unknown }) => r.error)).toEqual(['task stopped', 'task stopped']);
    });

    it('should throw error when no such jobId', async () => {
      const res = await c.call('GET', '/api/v1/webhooks/list/no_such');
      expect([res.status, res.body.error.code]).toEqual([404, 'JOB_NOT_FOUND']);
    });

    it('should succeed and return webhooks progress', async () => {
      const jobId = await c.submit({ name: 'webhookFlow2', nodes: [{ nodeName: 'green', algorithmName: 'hk-wh-status', input: [1] }], webhooks: hooks('st') });
      await work('hk-wh-status', () => ({ result: 1 }));
      const record = await eventually(async () => {
        const res = await c.call('GET', path('webhooks/status', jobId));
        return res.status === 200 && res.body.pipelineStatus === 'completed' && res.body.status === 'completed' && res.body;
      });
      for (const key of ['httpResponse', 'jobId', 'url', 'pipelineStatus', 'responseStatus']) expect(record).toHaveProperty(key);
      expect(record).toMatchObject({ jobId, url: `${rx.url}/st/progress`, status: 'completed', responseStatus: 'succeed', httpResponse: { statusCode: 200, statusMessage: 'OK' } });
    });

    it('should succeed and return webhook by jobId', async () => {
      const jobId = await c.submit({ name: 'webhookFlow2', nodes: [{ nodeName: 'green', algorithmName: 'hk-wh-list', input: [1] }], webhooks: hooks('l1') });
      await work('hk-wh-list', () => ({ result: [{ res1: 400 }, { res2: 500 }] }));
      const list = await eventually(async () => {
        const res = await c.call('GET', path('webhooks/list', jobId));
        return res.status === 200 && res.body.result?.status === 'completed' && res.body.progress?.pipelineStatus === 'completed' && res.body;
      });
      expect(Object.keys(list).sort()).toEqual(['jobId', 'progress', 'result']);
      expect(list.jobId).toBe(jobId);
      expect(list.result).toMatchObject({ jobId, type: 'result', url: `${rx.url}/l1/result`, pipelineStatus: 'completed', status: 'completed', responseStatus: 'succeed', deliveryStatus: 'delivered' });
      expect(list.result).toEqual((await c.call('GET', path('webhooks/results', jobId))).body);
    });

    it('answers 404 WEBHOOK_NOT_FOUND for a job that has no webhook at all (as HKube does for any job without one)', async () => {
      const jobId = await c.submit({ name: 'silent', nodes: [{ nodeName: 'green', algorithmName: 'hk-wh-none', input: [1] }] });
      const res = await c.call('GET', path('webhooks/list', jobId));
      expect([res.status, res.body.error.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    });

    it.each(['status', 'results', 'list'])('answers 400 for GET /webhooks/%s without a jobId', async (route) => {
      const res = await c.call('GET', `/api/v1/webhooks/${route}`);
      expect([res.status, res.body.error.message]).toEqual([400, "data should have required property 'jobId'"]);
    });
  });

  describe('Method Not Allowed (common.js)', () => {
    const JOB = 'flow1:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
    it.each([
      ['POST', '/api/v1/exec/status/{jobId}'],
      ['PUT', '/api/v1/exec/status/{jobId}'],
      ['DELETE', '/api/v1/exec/results/{jobId}'],
      ['POST', '/api/v1/exec/jobs'],
      ['POST', '/api/v1/exec/status'],
      ['POST', '/api/v1/webhooks/status/{jobId}'],
      ['PUT', '/api/v1/webhooks/results/{jobId}'],
      ['DELETE', '/api/v1/webhooks/list/{jobId}'],
    ])('%s %s - should throw Method Not Allowed', async (method, template) => {
      const res = await c.call(method, template.replace('{jobId}', encodeURIComponent(JOB)), method === 'DELETE' ? undefined : {});
      expect([res.status, res.body.error.code, res.headers.get('allow')]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET']);
      expect(res.body.error.message).toContain(`${method} is not allowed`);
    });

    it('still routes the methods a path does serve, and 404s a path that does not exist', async () => {
      expect((await c.call('GET', '/api/v1/exec/jobs')).status).toBe(200);
      expect((await c.call('POST', '/api/v1/exec/stop', { jobId: 'nope:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11' })).status).toBe(404);
      expect((await c.call('POST', '/api/v1/exec/nothing-here', {})).status).toBe(404);
    });
  });
});
