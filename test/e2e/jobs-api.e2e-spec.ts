import { ISO_TIME, jobIdPattern, UUID_V4 } from '../support/e2e';
import { useHerald } from '../support/use-herald';

describe('Job ids, listing, not-found answers and the audit event stream', () => {
  const { h, c } = useHerald();

  it('answers a submitted pipeline with 201 and a jobId "<name>:<uuid v4>", a new one each time', async () => {
    const pipeline = { name: 'my-pipe.v2', nodes: [{ nodeName: 'a', algorithmName: 'ids-alg', input: [1] }] };
    const first = await c.call('POST', '/api/v1/exec/raw', pipeline);
    const second = await c.call('POST', '/api/v1/exec/raw', pipeline);
    expect(first.status).toBe(201);
    expect(Object.keys(first.body)).toEqual(['jobId']);
    expect(first.body.jobId).toMatch(jobIdPattern('my-pipe.v2'));
    expect(first.body.jobId.split(':')[1]).toMatch(UUID_V4);
    expect(second.body.jobId).toMatch(jobIdPattern('my-pipe.v2'));
    expect(second.body.jobId).not.toBe(first.body.jobId);
  });

  it('answers 404 JOB_NOT_FOUND for the status, results, events and stop of an unknown job', async () => {
    const jobId = 'nobody:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
    const notFound = { error: { code: 'JOB_NOT_FOUND', message: `job ${jobId} does not exist` } };
    for (const path of [`/api/v1/exec/status/${jobId}`, `/api/v1/exec/results/${jobId}`, `/api/v1/jobs/${jobId}/events`]) {
      const res = await c.call('GET', path);
      expect([path, res.status, res.body]).toEqual([path, 404, notFound]);
    }
    const stop = await c.stop(jobId, 'why not');
    expect(stop.status).toBe(404);
    expect(stop.body).toEqual(notFound);
  });

  it('answers results with 400 JOB_NOT_FINISHED while the job is active', async () => {
    const jobId = await c.submit({ name: 'running', nodes: [{ nodeName: 'a', algorithmName: 'running-alg', input: ['#[1,2]'] }] });
    const [t] = await c.acquire('w', ['running-alg']);
    expect((await c.complete(t.taskId, 'w', 1)).status).toBe(200);
    const res = await c.call('GET', `/api/v1/exec/results/${jobId}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'JOB_NOT_FINISHED',
        message: `job ${jobId} is still active: results are available once it completes, fails or stops`,
        details: { jobId, status: 'active' },
      },
    });
  });

  it('lists jobs filtered by status and pipeline, newest first, with a cursor for the next page', async () => {
    const pipeline = (name: string, alg: string) => ({ name, nodes: [{ nodeName: 'a', algorithmName: alg, input: [1] }] });
    const a1 = await c.submit(pipeline('list-a', 'list-a-done'));
    const a2 = await c.submit(pipeline('list-a', 'list-a-open'));
    const a3 = await c.submit(pipeline('list-a', 'list-a-open'));
    const b1 = await c.submit(pipeline('list-b', 'list-b-open'));
    const [t] = await c.acquire('w', ['list-a-done']);
    expect((await c.complete(t.taskId, 'w', 'ok')).status).toBe(200);

    const list = async (query: string) => {
      const res = await c.call('GET', `/api/v1/exec/jobs${query}`);
      expect(res.status).toBe(200);
      return res.body as { jobs: Array<{ jobId: string; status: string; pipeline: string }>; nextCursor: string | null };
    };
    const ids = (l: { jobs: Array<{ jobId: string }> }) => l.jobs.map((j) => j.jobId);

    const allA = await list('?pipeline=list-a');
    expect(new Set(ids(allA))).toEqual(new Set([a1, a2, a3]));
    expect(allA.jobs).toHaveLength(3);
    expect(allA.nextCursor).toBeNull();
    expect(allA.jobs.find((j) => j.jobId === a1)).toEqual({
      jobId: a1,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'list-a',
      level: 'info',
      status: 'completed',
      netTimeTook: expect.any(Number),
      grossTimeTook: expect.any(Number),
      data: { progress: '100.00', details: '100.00% completed, 1 succeed', states: { succeed: 1 }, activeNodes: [] },
    });

    expect(ids(await list('?pipeline=list-a&status=completed'))).toEqual([a1]);
    expect(new Set(ids(await list('?pipeline=list-a&status=pending')))).toEqual(new Set([a2, a3]));
    expect(ids(await list('?pipeline=list-b&status=pending'))).toEqual([b1]);
    expect(ids(await list('?pipeline=list-b&status=completed'))).toEqual([]);
    expect(ids(await list('?pipeline=no-such-pipeline'))).toEqual([]);
    const completed = await list('?status=completed');
    expect(completed.jobs.every((j) => j.status === 'completed')).toBe(true);
    expect(ids(completed)).toContain(a1);

    // Newest first, one per page.
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let page = 0; cursor !== null && page < 10; page++) {
      const got = await list(`?pipeline=list-a&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(got));
      cursor = got.jobs.length === 0 ? null : got.nextCursor;
    }
    expect(seen).toEqual(ids(allA));
    expect(new Set(seen).size).toBe(3);
    expect(seen.indexOf(a3)).toBeLessThan(seen.indexOf(a1));

    const bad = await c.call('GET', '/api/v1/exec/jobs?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'status must be one of pending, active, paused, completed, failed, stopped', details: [{ path: 'status', message: 'unknown status' }] },
    });
  });

  it("returns the job's event stream with versions, positions, levels, data, metadata and times", async () => {
    const jobId = await c.submit(
      { name: 'audit', nodes: [{ nodeName: 'green', algorithmName: 'audit-alg', input: ['#[1,2]'] }] },
      { 'x-request-id': 'req-audit-1' },
    );
    const [t1, t2] = await c.acquire('w1', ['audit-alg'], 2);
    expect((await c.complete(t1.taskId, 'w1', 10)).status).toBe(200);
    expect((await c.fail(t2.taskId, 'w1', { message: 'flaky' })).body).toEqual({ taskId: t2.taskId, jobId, state: 'pending' });
    const [again] = await c.acquire('w2', ['audit-alg']);
    expect([again.taskId, again.attempt]).toEqual([t2.taskId, 2]);
    const hb = await c.heartbeat(again.taskId, 'w2', 60);
    expect(hb.status).toBe(200);
    expect((await c.fail(again.taskId, 'w2', 'broken input', false)).body).toEqual({ taskId: t2.taskId, jobId, state: 'failed' });

    const events = await c.events(jobId);
    // Each worker call's events carry that request's id (made by Herald: none was sent).
    const worker = (name: string, level: string) => ({ level, actor: `worker:${name}`, correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(events.map(({ type, version, level, data, metadata }) => ({ type, version, level, data, metadata }))).toEqual([
      {
        type: 'job.submitted',
        version: 1,
        level: 'info',
        data: {
          jobId,
          kind: 'pipeline',
          pipeline: 'audit',
          priority: 3,
          options: { progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 3600 },
          nodes: [{ nodeName: 'green', algorithmName: 'audit-alg', deps: [], retry: { limit: 3, delaySeconds: 0, backoff: false } }],
          ttlExpiresAt: expect.stringMatching(ISO_TIME),
          spec: {
            kind: 'pipeline',
            name: 'audit',
            nodes: [{ nodeName: 'green', algorithmName: 'audit-alg', input: ['#[1,2]'], retry: { limit: 3, delaySeconds: 0, backoff: false } }],
            options: { progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 3600 },
            priority: 3,
          },
        },
        metadata: { level: 'info', correlationId: 'req-audit-1', actor: 'api' },
      },
      {
        type: 'node.expanded',
        version: 2,
        level: 'debug',
        data: {
          nodeName: 'green',
          algorithmName: 'audit-alg',
          batch: true,
          tasks: [
            { taskId: t1.taskId, batchIndex: 1, input: [1] },
            { taskId: t2.taskId, batchIndex: 2, input: [2] },
          ],
        },
        metadata: { level: 'debug', correlationId: 'req-audit-1', actor: 'api' },
      },
      { type: 'job.started', version: 3, level: 'info', data: {}, metadata: worker('w1', 'info') },
      { type: 'task.acquired', version: 4, level: 'debug', data: { taskId: t1.taskId, nodeName: 'green', workerName: 'w1', attempt: 1, leaseExpiry: t1.leaseExpiry }, metadata: worker('w1', 'debug') },
      { type: 'task.acquired', version: 5, level: 'debug', data: { taskId: t2.taskId, nodeName: 'green', workerName: 'w1', attempt: 1, leaseExpiry: t2.leaseExpiry }, metadata: worker('w1', 'debug') },
      { type: 'task.succeeded', version: 6, level: 'debug', data: { taskId: t1.taskId, nodeName: 'green', workerName: 'w1', attempt: 1, result: 10 }, metadata: worker('w1', 'debug') },
      {
        type: 'task.retried',
        version: 7,
        level: 'warn',
        data: { taskId: t2.taskId, nodeName: 'green', attempt: 1, reason: 'worker failure', error: { message: 'flaky' }, availableAt: expect.stringMatching(ISO_TIME) },
        metadata: worker('w1', 'warn'),
      },
      { type: 'task.acquired', version: 8, level: 'debug', data: { taskId: t2.taskId, nodeName: 'green', workerName: 'w2', attempt: 2, leaseExpiry: again.leaseExpiry }, metadata: worker('w2', 'debug') },
      { type: 'task.lease-extended', version: 9, level: 'debug', data: { taskId: t2.taskId, nodeName: 'green', workerName: 'w2', leaseExpiry: hb.body.leaseExpiry }, metadata: worker('w2', 'debug') },
      { type: 'task.failed', version: 10, level: 'warn', data: { taskId: t2.taskId, nodeName: 'green', attempt: 2, reason: 'worker failure', error: 'broken input' }, metadata: worker('w2', 'warn') },
      { type: 'job.completed', version: 11, level: 'info', data: {}, metadata: worker('w2', 'info') },
    ]);
    for (const e of events) expect(e.createdAt).toMatch(ISO_TIME);
    const positions = events.map((e) => e.globalPosition);
    expect(positions.every((p) => Number.isInteger(p) && p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
    const submitted = events[0];
    expect(new Date(submitted.data.ttlExpiresAt).getTime() - new Date(submitted.createdAt).getTime()).toBe(3600_000);

    // Paging through the stream.
    const page = await c.call('GET', `/api/v1/jobs/${jobId}/events?fromVersion=4&limit=3`);
    expect(page.status).toBe(200);
    expect(page.body.jobId).toBe(jobId);
    expect(page.body.events.map((e: { version: number }) => e.version)).toEqual([4, 5, 6]);
    expect(page.body.nextVersion).toBe(7);
    const last = await c.call('GET', `/api/v1/jobs/${jobId}/events?fromVersion=10`);
    expect(last.body.events.map((e: { type: string }) => e.type)).toEqual(['task.failed', 'job.completed']);
    expect(last.body.nextVersion).toBeNull();
  });

  it('records a job that fails with an error-level job.failed event', async () => {
    const jobId = await c.submit({ name: 'doomed', nodes: [{ nodeName: 'only', algorithmName: 'doomed-alg', input: ['x'] }] });
    const [t] = await c.acquire('w', ['doomed-alg']);
    expect((await c.fail(t.taskId, 'w', { message: 'no way' }, false)).status).toBe(200);
    const events = await c.events(jobId);
    expect(events.slice(-2).map(({ type, level, data }) => ({ type, level, data }))).toEqual([
      { type: 'task.failed', level: 'warn', data: { taskId: t.taskId, nodeName: 'only', attempt: 1, reason: 'worker failure', error: { message: 'no way' } } },
      // A node without batch input fails the job with its task's error, naming the node (HKube's status).
      { type: 'job.failed', level: 'error', data: { error: 'no way', nodeName: 'only' } },
    ]);
    expect(await c.status(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'doomed',
      level: 'error',
      status: 'failed',
      error: 'no way',
      nodeName: 'only',
      data: { progress: '100.00', details: '100.00% completed, 1 failed', states: { failed: 1 }, activeNodes: [] },
    });
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'doomed',
      status: 'failed',
      error: 'no way',
      nodeName: 'only',
      timeTook: expect.any(Number),
      data: { result: [{ nodeName: 'only', algorithmName: 'doomed-alg', error: { message: 'no way' } }] },
    });
  });
});
