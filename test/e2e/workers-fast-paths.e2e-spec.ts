import { startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';
import { queues, type QueueClient } from '../support/queues';

/** The fast worker paths: complete and take the next task in one call, and many results in one. */
describe('fast worker paths', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let q: QueueClient;

  beforeAll(async () => {
    h = await startHerald();
    c = client(h.baseUrl);
    q = queues(h.baseUrl);
  });
  afterAll(() => h.close());

  it('complete?next=true answers the next pending task of the same algorithm, then null', async () => {
    const jobId = await c.submit({ name: 'next', nodes: [{ nodeName: 'n', algorithmName: 'next-alg', input: ['#[1,2]'] }] });
    await c.submit({ name: 'other', nodes: [{ nodeName: 'n', algorithmName: 'other-alg', input: [1] }] });
    let [t] = await c.acquire('w', ['next-alg']);
    const seen = [t.batchID];
    let res = await c.call('POST', `/api/v1/tasks/${t.taskId}/complete?next=true`, { workerName: 'w', result: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ taskId: t.taskId, jobId, state: 'succeed', next: expect.objectContaining({ jobId, algorithmName: 'next-alg', attempt: 1 }) });
    t = res.body.next;
    seen.push(t.batchID);
    res = await c.call('POST', `/api/v1/tasks/${t.taskId}/complete?next=true`, { workerName: 'w', result: 2 });
    expect(res.body).toEqual({ taskId: t.taskId, jobId, state: 'succeed', next: null });
    expect(seen.sort()).toEqual(['n#1', 'n#2']);
    expect((await c.status(jobId)).status).toBe('completed');
    // Without the flag the answer is as it always was; the other algorithm's task was never offered.
    const [other] = await c.acquire('w', ['other-alg']);
    expect((await c.call('POST', `/api/v1/tasks/${other.taskId}/complete?next=false`, { workerName: 'w', result: 0 })).body).toEqual({ taskId: other.taskId, jobId: other.jobId, state: 'succeed' });
  });

  it('complete?next=true on a queue request takes the next request of the same queue', async () => {
    const first = await q.submit('fast-q', { i: 1 });
    const second = await q.submit('fast-q', { i: 2 });
    const [t] = await q.acquire('qw', ['fast-q']);
    const res = await c.call('POST', `/api/v1/tasks/${t.taskId}/complete?next=true`, { workerName: 'qw', result: { ok: 1 } });
    expect(res.status).toBe(200);
    expect([String(res.body.jobId), String(res.body.next?.jobId)]).toEqual([String(first.jobId), String(second.jobId)]);
  });

  it('refuses a next flag that is neither true nor false', async () => {
    await c.submit({ name: 'flag', nodes: [{ nodeName: 'n', algorithmName: 'flag-alg', input: [1] }] });
    const [t] = await c.acquire('w', ['flag-alg']);
    const res = await c.call('POST', `/api/v1/tasks/${t.taskId}/complete?next=maybe`, { workerName: 'w', result: 1 });
    expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    // Nothing was recorded: the task still completes.
    expect((await c.complete(t.taskId, 'w', 1)).status).toBe(200);
  });

  it('POST /tasks/complete records many results, each accepted or refused alone, in order', async () => {
    const jobId = await c.submit({ name: 'many', nodes: [{ nodeName: 'n', algorithmName: 'many-alg', input: ['#[1...50]'] }] });
    const mine = await c.acquire('w', ['many-alg'], 49);
    const [theirs] = await c.acquire('someone-else', ['many-alg'], 1);
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const body = {
      workerName: 'w',
      tasks: [...mine.map((t) => ({ taskId: t.taskId, result: { b: t.batchID } })), { taskId: theirs.taskId, result: 'not mine' }, { taskId: unknown }],
    };
    const res = await c.call('POST', '/api/v1/tasks/complete', body);
    expect(res.status).toBe(200);
    expect(res.body.tasks).toEqual([
      ...mine.map((t) => ({ taskId: t.taskId, jobId, state: 'succeed' })),
      { taskId: theirs.taskId, error: { code: 'LEASE_NOT_HELD', message: `task ${theirs.taskId} is leased to another worker`, details: { taskId: theirs.taskId } } },
      { taskId: unknown, error: { code: 'TASK_NOT_FOUND', message: `task ${unknown} does not exist` } },
    ]);
    expect((await c.complete(theirs.taskId, 'someone-else', { b: theirs.batchID })).status).toBe(200);
    expect((await c.status(jobId)).status).toBe('completed');
    const results = (await c.results(jobId)).data.result as Array<{ result: { b: string } }>;
    expect(results.map((r) => r.result.b)).toEqual(Array.from({ length: 50 }, (_, i) => `n#${i + 1}`));
    // Reported again: refused, nothing changes.
    const again = await c.call('POST', '/api/v1/tasks/complete', { workerName: 'w', tasks: [{ taskId: mine[0].taskId, result: 'late' }] });
    expect(again.body.tasks[0].error.code).toBe('TASK_NOT_ACTIVE');
  });

  it('POST /tasks/complete on another instance (which never saw the acquisitions) records them all', async () => {
    const other = await startHerald({}, { url: h.databaseUrl, drop: async () => undefined });
    try {
      const jobId = await c.submit({ name: 'elsewhere', nodes: [{ nodeName: 'n', algorithmName: 'elsewhere-alg', input: ['#[1...30]'] }] });
      const tasks = await c.acquire('w', ['elsewhere-alg'], 30);
      const res = await client(other.baseUrl).call('POST', '/api/v1/tasks/complete', { workerName: 'w', tasks: tasks.map((t) => ({ taskId: t.taskId, result: t.batchID })) });
      expect(res.body.tasks).toEqual(tasks.map((t) => ({ taskId: t.taskId, jobId, state: 'succeed' })));
      expect((await c.status(jobId)).status).toBe('completed');
    } finally {
      await other.stop();
    }
  });

  it.each([
    ['no tasks', { workerName: 'w', tasks: [] }, 'tasks'],
    ['a task twice', { workerName: 'w', tasks: [{ taskId: '00000000-0000-4000-8000-000000000001' }, { taskId: '00000000-0000-4000-8000-000000000001' }] }, 'tasks[1].taskId'],
    ['a task id that is not a UUID', { workerName: 'w', tasks: [{ taskId: 'nope' }] }, 'tasks[0].taskId'],
    ['a bad attempt', { workerName: 'w', tasks: [{ taskId: '00000000-0000-4000-8000-000000000001', attempt: 0 }] }, 'tasks[0].attempt'],
    ['no worker', { tasks: [{ taskId: '00000000-0000-4000-8000-000000000001' }] }, 'workerName'],
    ['over 1000 results', { workerName: 'w', tasks: Array.from({ length: 1001 }, (_, i) => ({ taskId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` })) }, 'tasks'],
  ])('refuses a batch with %s (400, the path named)', async (_name, body, path) => {
    const res = await c.call('POST', '/api/v1/tasks/complete', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((res.body.error.details as Array<{ path: string }>).map((d) => d.path)).toContain(path);
  });
});
