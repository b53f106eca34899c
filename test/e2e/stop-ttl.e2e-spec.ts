import { JobSweeper } from '../../src/jobs/job-sweeper.service';
import { eventually } from '../support/herald';
import { ISO_TIME, sleep } from '../support/e2e';
import { useHerald } from '../support/use-herald';

describe('Stopping a job, by request and by ttl', () => {
  const { h, c } = useHerald();

  it('stops a running pipeline: pending and active tasks stopped, unexpanded nodes left creating (not done), workers told with 409', async () => {
    const jobId = await c.submit({
      name: 'stoppable',
      nodes: [
        { nodeName: 'green', algorithmName: 'stop-green', input: ['#[1...4]'] },
        { nodeName: 'yellow', algorithmName: 'stop-yellow', input: ['#@green'] },
      ],
    });
    const [t1, t2] = await c.acquire('w', ['stop-green', 'stop-yellow'], 2);
    expect((await c.complete(t1.taskId, 'w', 10)).status).toBe(200);
    expect((await c.status(jobId)).data.details).toBe('20.00% completed, 1 succeed, 1 active, 2 pending, 1 creating');

    const res = await c.call('POST', '/api/v1/exec/stop', { jobId, reason: 'no longer needed' }, { 'x-request-id': 'req-stop-1' });
    expect([res.status, res.body]).toEqual([200, { stoppedJobIds: [jobId] }]);
    expect(await c.status(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'stoppable',
      level: 'info',
      status: 'stopped',
      reason: 'no longer needed',
      // As in HKube, the never-reached yellow is not done: it stays creating.
      data: {
        progress: '20.00',
        details: '20.00% completed, 1 succeed, 3 stopped, 1 creating',
        states: { succeed: 1, stopped: 3, creating: 1 },
        activeNodes: [],
      },
    });

    const before = await c.events(jobId);
    expect(before.at(-1)).toEqual({
      type: 'job.stopped',
      version: before.length,
      globalPosition: expect.any(Number),
      level: 'info',
      data: { reason: 'no longer needed' },
      metadata: { level: 'info', correlationId: 'req-stop-1', actor: 'api' },
      createdAt: expect.stringMatching(ISO_TIME),
    });
    const stoppedTask = { error: { code: 'TASK_NOT_ACTIVE', message: `task ${t2.taskId} was stopped (job stopped)`, details: { taskId: t2.taskId, state: 'stopped' } } };
    for (const r of [await c.complete(t2.taskId, 'w', 20), await c.heartbeat(t2.taskId, 'w'), await c.fail(t2.taskId, 'w', 'x')]) {
      expect([r.status, r.body]).toEqual([409, stoppedTask]);
    }
    expect(await c.acquire('w', ['stop-green', 'stop-yellow'], 10)).toEqual([]);
    expect(await c.events(jobId)).toEqual(before);

    const again = await c.stop(jobId, 'twice');
    expect([again.status, again.body]).toEqual([409, { error: { code: 'JOB_NOT_RUNNING', message: `job ${jobId} is already stopped`, details: { jobId, status: 'stopped' } } }]);

    // yellow (the final node) was never expanded: no result entries, and the stop reason.
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'stoppable',
      status: 'stopped',
      reason: 'no longer needed',
      timeTook: expect.any(Number),
      data: { result: [] },
    });
  });

  it('reports the stopped batch items of a stopped single-node job in its results', async () => {
    const jobId = await c.submit({ name: 'halt', nodes: [{ nodeName: 'g', algorithmName: 'halt-alg', input: ['#[1,2,3]'] }] });
    const [t] = await c.acquire('w', ['halt-alg']);
    expect((await c.complete(t.taskId, 'w', 'one')).status).toBe(200);
    expect((await c.stop(jobId)).body).toEqual({ stoppedJobIds: [jobId] });
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'halt',
      status: 'stopped',
      // HKube's default reason.
      reason: 'stopped due to request',
      timeTook: expect.any(Number),
      data: {
        result: [
          { nodeName: 'g', batchID: 'g#1', algorithmName: 'halt-alg', result: 'one' },
          { nodeName: 'g', batchID: 'g#2', algorithmName: 'halt-alg', error: 'task stopped' },
          { nodeName: 'g', batchID: 'g#3', algorithmName: 'halt-alg', error: 'task stopped' },
        ],
      },
    });
    expect((await c.status(jobId)).data.details).toBe('33.33% completed, 1 succeed, 2 stopped');
  });

  it('stops a job that no worker has touched yet', async () => {
    const jobId = await c.submit({ name: 'untouched', nodes: [{ nodeName: 'g', algorithmName: 'untouched-alg', input: ['#[1,2]'] }] });
    expect((await c.stop(jobId, 'changed my mind')).status).toBe(200);
    const s = await c.status(jobId);
    expect([s.status, s.data.progress, s.data.details, s.data.states]).toEqual(['stopped', '0.00', '0.00% completed, 2 stopped', { stopped: 2 }]);
    expect(await c.acquire('w', ['untouched-alg'], 5)).toEqual([]);
  });

  it('refuses to stop a job that already completed, with 409 JOB_NOT_RUNNING', async () => {
    const jobId = await c.submit({ name: 'finished', nodes: [{ nodeName: 'g', algorithmName: 'finished-alg', input: [1] }] });
    const [t] = await c.acquire('w', ['finished-alg']);
    expect((await c.complete(t.taskId, 'w', 1)).status).toBe(200);
    const res = await c.stop(jobId, 'too late');
    expect([res.status, res.body]).toEqual([409, { error: { code: 'JOB_NOT_RUNNING', message: `job ${jobId} is already completed`, details: { jobId, status: 'completed' } } }]);
    expect((await c.status(jobId)).status).toBe('completed');
  });

  it('rejects a stop request without a jobId with 400 VALIDATION_FAILED', async () => {
    const res = await c.call('POST', '/api/v1/exec/stop', { reason: 'x' });
    expect([res.status, res.body]).toEqual([
      400,
      { error: { code: 'VALIDATION_FAILED', message: 'invalid request: jobId is required', details: [{ path: 'jobId', message: 'is required' }] } },
    ]);
  });

  it('stops an unfinished job with reason "ttl expired" once options.ttl has passed, by itself', async () => {
    const jobId = await c.submit({ name: 'ttl', options: { ttl: 2 }, nodes: [{ nodeName: 'g', algorithmName: 'ttl-alg', input: ['#[1,2,3]'] }] });
    const [held] = await c.acquire('w', ['ttl-alg'], 1, 60);
    const submitted = (await c.events(jobId))[0];
    expect(new Date(submitted.data.ttlExpiresAt).getTime() - new Date(submitted.createdAt).getTime()).toBe(2000);

    const s = await eventually(async () => {
      const st = await c.status(jobId);
      return st.status === 'stopped' ? st : undefined;
    });
    expect(s).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'ttl',
      level: 'info',
      status: 'stopped',
      reason: 'ttl expired',
      data: { progress: '0.00', details: '0.00% completed, 3 stopped', states: { stopped: 3 }, activeNodes: [] },
    });
    expect(new Date(s.timestamp).getTime()).toBeGreaterThanOrEqual(new Date(submitted.data.ttlExpiresAt).getTime());
    const stopped = (await c.events(jobId)).at(-1)!;
    expect([stopped.type, stopped.level, stopped.data, stopped.metadata]).toEqual(['job.stopped', 'info', { reason: 'ttl expired' }, { level: 'info', actor: 'herald:ttl-sweeper' }]);
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'ttl',
      status: 'stopped',
      reason: 'ttl expired',
      timeTook: expect.any(Number),
      data: {
        result: [1, 2, 3].map((i) => ({ nodeName: 'g', batchID: `g#${i}`, algorithmName: 'ttl-alg', error: 'task stopped' })),
      },
    });
    const late = await c.complete(held.taskId, 'w', 'late');
    expect([late.status, late.body.error.code]).toEqual([409, 'TASK_NOT_ACTIVE']);
  });

  it('stops by ttl a job that is still waiting for a worker', async () => {
    const jobId = await c.submit({
      name: 'ttl-pending',
      options: { ttl: 1 },
      nodes: [
        { nodeName: 'g', algorithmName: 'ttl-pending-alg', input: [1] },
        { nodeName: 'y', algorithmName: 'ttl-pending-alg', input: ['@g'] },
      ],
    });
    const reason = await eventually(async () => {
      const res = await c.call('GET', `/api/v1/exec/results/${jobId}`);
      return res.status === 200 ? res.body.reason : undefined;
    });
    expect(reason).toBe('ttl expired');
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 stopped, 1 creating');
  });

  it('leaves a job that finished before its ttl alone', async () => {
    const jobId = await c.submit({ name: 'ttl-done', options: { ttl: 3 }, nodes: [{ nodeName: 'g', algorithmName: 'ttl-done-alg', input: [1] }] });
    const [t] = await c.acquire('w', ['ttl-done-alg']);
    expect((await c.complete(t.taskId, 'w', 'in time')).status).toBe(200);
    const ttlExpiresAt = (await c.events(jobId))[0].data.ttlExpiresAt as string;
    // Past the ttl, a sweep (run here, so it surely ran) stops nothing.
    await sleep(Math.max(0, new Date(ttlExpiresAt).getTime() + 50 - Date.now()));
    expect(await h.app.get(JobSweeper).sweepTtl()).toBe(0);
    const s = await c.status(jobId);
    expect([s.status, s.data.details]).toEqual(['completed', '100.00% completed, 1 succeed']);
    expect((await c.events(jobId)).map((e) => e.type)).toEqual(['job.submitted', 'node.expanded', 'job.started', 'task.acquired', 'task.succeeded', 'job.completed']);
  });
});
