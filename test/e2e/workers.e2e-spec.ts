import { ISO_TIME, type AcquiredTask } from '../support/e2e';
import { useHerald } from '../support/use-herald';

describe('The worker contract: acquire, complete, fail, retry and batch tolerance', () => {
  const { h, c } = useHerald();

  it('hands out an acquired task with its input, attempt and lease, and an empty list when nothing is pending', async () => {
    const jobId = await c.submit({ name: 'contract', nodes: [{ nodeName: 'n', algorithmName: 'contract-alg', input: ['#[7]', { k: 'v' }] }] });
    expect(await c.acquire('w', ['other-alg'], 5)).toEqual([]);
    const sent = Date.now();
    const res = await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'w', algorithmNames: ['contract-alg'], leaseSeconds: 12, max: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tasks: [
        {
          taskId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          jobId,
          nodeName: 'n',
          algorithmName: 'contract-alg',
          batchID: 'n#1',
          input: [7, { k: 'v' }],
          attempt: 1,
          leaseExpiry: expect.stringMatching(ISO_TIME),
        },
      ],
    });
    const ahead = new Date(res.body.tasks[0].leaseExpiry).getTime() - sent;
    expect(ahead).toBeGreaterThanOrEqual(11_990);
    expect(ahead).toBeLessThanOrEqual(17_000);
    expect(await c.acquire('w', ['contract-alg'], 5)).toEqual([]);
  });

  it('lets only the holder report on a task, and only once', async () => {
    await c.submit({ name: 'holder', nodes: [{ nodeName: 'n', algorithmName: 'holder-alg', input: [1] }] });
    const [t] = await c.acquire('owner', ['holder-alg']);
    const intruder = await c.complete(t.taskId, 'intruder', 'mine');
    expect([intruder.status, intruder.body]).toEqual([409, { error: { code: 'LEASE_NOT_HELD', message: `task ${t.taskId} is leased to another worker`, details: { taskId: t.taskId } } }]);
    expect((await c.complete(t.taskId, 'owner', 'ok')).status).toBe(200);
    const twice = await c.complete(t.taskId, 'owner', 'again');
    expect([twice.status, twice.body]).toEqual([409, { error: { code: 'TASK_NOT_ACTIVE', message: `task ${t.taskId} is succeed, not active`, details: { taskId: t.taskId, state: 'succeed' } } }]);
    expect((await c.results(t.jobId)).data.result).toEqual([{ nodeName: 'n', algorithmName: 'holder-alg', result: 'ok' }]);
  });

  it('retries a task whose worker reports a retryable failure, until retry.limit, then fails it', async () => {
    const jobId = await c.submit({ name: 'flaky', nodes: [{ nodeName: 'n', algorithmName: 'flaky-alg', input: ['#[1,2]'], retry: { limit: 2 } }] });
    const [first, other] = await c.acquire('w', ['flaky-alg'], 2);
    expect((await c.complete(other.taskId, 'w', 'fine')).status).toBe(200);
    const attempts: number[] = [];
    let t = first;
    for (let i = 1; i <= 3; i++) {
      if (i > 1) [t] = await c.acquire('w', ['flaky-alg']);
      expect(t.taskId).toBe(first.taskId);
      attempts.push(t.attempt);
      const res = await c.fail(t.taskId, 'w', { message: `boom ${i}` });
      expect(res.body).toEqual({ taskId: t.taskId, jobId, state: i < 3 ? 'pending' : 'failed' });
      const s = await c.status(jobId);
      expect([s.status, s.level, s.data.details]).toEqual(i < 3 ? ['active', 'warn', '50.00% completed, 1 succeed, 1 pending'] : ['completed', 'info', '100.00% completed, 1 succeed, 1 failed']);
    }
    expect(attempts).toEqual([1, 2, 3]);
    const events = await c.events(jobId);
    expect(events.filter((e) => e.type.startsWith('task.') && e.data.taskId === first.taskId).map((e) => [e.type, e.level, e.data.attempt])).toEqual([
      ['task.acquired', 'debug', 1],
      ['task.retried', 'warn', 1],
      ['task.acquired', 'debug', 2],
      ['task.retried', 'warn', 2],
      ['task.acquired', 'debug', 3],
      ['task.failed', 'warn', 3],
    ]);
    expect((await c.results(jobId)).data.result).toEqual([
      { nodeName: 'n', batchID: 'n#1', algorithmName: 'flaky-alg', error: { message: 'boom 3' } },
      { nodeName: 'n', batchID: 'n#2', algorithmName: 'flaky-alg', result: 'fine' },
    ]);
  });

  it('retries three times by default (retry.limit 3): the fourth failure fails the task', async () => {
    const jobId = await c.submit({ name: 'default-retry', nodes: [{ nodeName: 'n', algorithmName: 'default-retry-alg', input: [1] }] });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const [t] = await c.acquire('w', ['default-retry-alg']);
      expect(t.attempt).toBe(attempt);
      expect((await c.fail(t.taskId, 'w', 'again')).body.state).toBe(attempt <= 3 ? 'pending' : 'failed');
    }
    expect((await c.status(jobId)).status).toBe('failed');
    expect(await c.acquire('w', ['default-retry-alg'])).toEqual([]);
  });

  it('fails a task at once when the worker reports retryable: false', async () => {
    const jobId = await c.submit({ name: 'fatal', nodes: [{ nodeName: 'n', algorithmName: 'fatal-alg', input: ['#[1,2,3,4,5]'] }] });
    const [t] = await c.acquire('w', ['fatal-alg']);
    const res = await c.fail(t.taskId, 'w', { message: 'bad input', code: 'E_INPUT' }, false);
    expect([res.status, res.body]).toEqual([200, { taskId: t.taskId, jobId, state: 'failed' }]);
    const s = await c.status(jobId);
    expect([s.status, s.level, s.data.details]).toEqual(['active', 'warn', '20.00% completed, 1 failed, 4 pending']);
    expect((await c.acquire('w', ['fatal-alg'], 10)).map((x) => x.batchID)).toEqual(['n#2', 'n#3', 'n#4', 'n#5']);
    const failed = (await c.events(jobId)).find((e) => e.type === 'task.failed')!;
    expect(failed.data).toEqual({ taskId: t.taskId, nodeName: 'n', attempt: 1, reason: 'worker failure', error: { message: 'bad input', code: 'E_INPUT' } });
  });

  it('completes a 10-item batch with 2 items failed below batchTolerance, the failed items carrying their error', async () => {
    const jobId = await c.submit({ name: 'tolerant', nodes: [{ nodeName: 'green', algorithmName: 'tolerant-alg', input: ['#[1...10]'] }] });
    const tasks = await c.acquire('w', ['tolerant-alg'], 10);
    expect(tasks).toHaveLength(10);
    for (const t of tasks) {
      const n = t.input[0] as number;
      const res = n === 3 || n === 8 ? await c.fail(t.taskId, 'w', { message: `item ${n} is odd` }, false) : await c.complete(t.taskId, 'w', n * 10);
      expect(res.status).toBe(200);
    }
    expect(await c.status(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'tolerant',
      level: 'info',
      status: 'completed',
      netTimeTook: expect.any(Number),
      grossTimeTook: expect.any(Number),
      data: { progress: '100.00', details: '100.00% completed, 8 succeed, 2 failed', states: { succeed: 8, failed: 2 }, activeNodes: [] },
    });
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'tolerant',
      status: 'completed',
      timeTook: expect.any(Number),
      data: {
        result: Array.from({ length: 10 }, (_, i) => {
          const head = { nodeName: 'green', batchID: `green#${i + 1}`, algorithmName: 'tolerant-alg' };
          return i + 1 === 3 || i + 1 === 8 ? { ...head, error: { message: `item ${i + 1} is odd` } } : { ...head, result: (i + 1) * 10 };
        }),
      },
    });
  });

  it('fails the job as soon as the failed share of a batch reaches batchTolerance, stopping the rest and the later nodes (not done)', async () => {
    const jobId = await c.submit({
      name: 'intolerant',
      options: { batchTolerance: 30 },
      nodes: [
        { nodeName: 'green', algorithmName: 'intolerant-green', input: ['#[1...10]'] },
        { nodeName: 'yellow', algorithmName: 'intolerant-yellow', input: ['@green'] },
      ],
    });
    const tasks = await c.acquire('w', ['intolerant-green'], 6);
    expect((await c.complete(tasks[0].taskId, 'w', 10)).status).toBe(200);
    expect((await c.complete(tasks[1].taskId, 'w', 20)).status).toBe(200);
    expect((await c.fail(tasks[2].taskId, 'w', 'e3', false)).status).toBe(200);
    expect((await c.fail(tasks[3].taskId, 'w', 'e4', false)).status).toBe(200);
    expect((await c.status(jobId)).data.details).toBe('36.36% completed, 2 succeed, 2 failed, 2 active, 4 pending, 1 creating');
    expect((await c.fail(tasks[4].taskId, 'w', 'e5', false)).body).toEqual({ taskId: tasks[4].taskId, jobId, state: 'failed' });

    // HKube's message and rounded percentage; the never-reached yellow is stopped, not done.
    const error = '3/10 (30%) failed tasks, batch tolerance is 30%, error: e5';
    expect(await c.status(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'intolerant',
      level: 'error',
      status: 'failed',
      error,
      nodeName: 'green',
      data: {
        progress: '45.45',
        details: '45.45% completed, 2 succeed, 3 failed, 6 stopped',
        states: { succeed: 2, failed: 3, stopped: 6 },
        activeNodes: [],
      },
    });
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'intolerant',
      status: 'failed',
      error,
      nodeName: 'green',
      timeTook: expect.any(Number),
      data: { result: [] },
    });
    expect((await c.events(jobId)).at(-1)).toMatchObject({ type: 'job.failed', level: 'error', data: { error, nodeName: 'green' } });

    // The worker still holding item 6 is told its task was stopped; nothing is left to acquire.
    const late = await c.complete(tasks[5].taskId, 'w', 60);
    expect([late.status, late.body]).toEqual([409, { error: { code: 'TASK_NOT_ACTIVE', message: `task ${tasks[5].taskId} was stopped (job failed)`, details: { taskId: tasks[5].taskId, state: 'stopped' } } }]);
    expect(await c.acquire('w', ['intolerant-green', 'intolerant-yellow'], 10)).toEqual([]);
  });

  it('uses batchTolerance 80 by default: 7 of 10 failed items keep the job running, the 8th fails it', async () => {
    const jobId = await c.submit({ name: 'default-tolerance', nodes: [{ nodeName: 'g', algorithmName: 'default-tolerance-alg', input: ['#[1...10]'] }] });
    const tasks = await c.acquire('w', ['default-tolerance-alg'], 10);
    for (const t of tasks.slice(0, 7)) expect((await c.fail(t.taskId, 'w', 'nope', false)).status).toBe(200);
    expect([(await c.status(jobId)).status, (await c.status(jobId)).data.details]).toEqual(['active', '70.00% completed, 7 failed, 3 active']);
    expect((await c.fail(tasks[7].taskId, 'w', 'nope', false)).status).toBe(200);
    const s = await c.status(jobId);
    expect([s.status, s.data.details]).toEqual(['failed', '80.00% completed, 8 failed, 2 stopped']);
    const r = await c.results(jobId);
    expect([r.error, r.nodeName]).toEqual(['8/10 (80%) failed tasks, batch tolerance is 80%, error: nope', 'g']);
    expect(r.data.result.map((e: { batchID: string; error: unknown }) => [e.batchID, e.error])).toEqual([
      ...Array.from({ length: 8 }, (_, i) => [`g#${i + 1}`, 'nope']),
      ['g#9', 'task stopped'],
      ['g#10', 'task stopped'],
    ]);
  });
});

describe('Acquiring without algorithmNames', () => {
  const { h, c } = useHerald();

  it('takes pending tasks of any algorithm, the most urgent priority first', async () => {
    const low = await c.submit({ name: 'low', priority: 5, nodes: [{ nodeName: 'a', algorithmName: 'alg-x', input: ['#[1,2]'] }] });
    const high = await c.submit({ name: 'high', priority: 1, nodes: [{ nodeName: 'b', algorithmName: 'alg-y', input: ['#[1,2]'] }] });
    const res = await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'any' });
    expect(res.status).toBe(200);
    expect(res.body.tasks.map((t: AcquiredTask) => [t.jobId, t.batchID])).toEqual([[high, 'b#1']]);
    const rest = await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'any', max: 10 });
    expect(rest.body.tasks.map((t: AcquiredTask) => [t.jobId, t.batchID])).toEqual([
      [high, 'b#2'],
      [low, 'a#1'],
      [low, 'a#2'],
    ]);
  });
});
