import { loadConfig } from '../../src/config/config';
import { LiveInstances } from '../../src/common/live-instances';
import { TaskWaits } from '../../src/jobs/task-waits.service';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, type AcquiredTask } from '../support/e2e';
import { useHerald } from '../support/use-herald';

/** A long-polling acquire, timed from the moment it was sent. */
async function waitingAcquire(baseUrl: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<{ status: number; tasks: AcquiredTask[]; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}/api/v1/tasks/acquire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  const answer = (await res.json()) as { tasks: AcquiredTask[] };
  return { status: res.status, tasks: answer.tasks, ms: Date.now() - started };
}

describe('Long-poll acquire (waitSeconds) and release', () => {
  const { h, c } = useHerald();
  const waits = () => h.app.get(TaskWaits);

  it('answers a waiting worker with the task as soon as it is submitted, long before its wait ends', async () => {
    const waiting = waitingAcquire(h.baseUrl, { workerName: 'lp-1', algorithmNames: ['lp-alg'], waitSeconds: 30 });
    await eventually(async () => waits().waiting === 1);
    const jobId = await c.submit({ name: 'lp', nodes: [{ nodeName: 'n', algorithmName: 'lp-alg', input: [1] }] });
    const { status, tasks, ms } = await waiting;
    expect([status, tasks.map((t) => [t.jobId, t.algorithmName, t.attempt])]).toEqual([200, [[jobId, 'lp-alg', 1]]]);
    expect(ms).toBeLessThan(30_000);
    expect(waits().waiting).toBe(0);
  });

  it('answers an empty list once waitSeconds has passed with nothing to take', async () => {
    const { status, tasks, ms } = await waitingAcquire(h.baseUrl, { workerName: 'lp-idle', algorithmNames: ['lp-none'], waitSeconds: 0.5 });
    expect([status, tasks]).toEqual([200, []]);
    expect(ms).toBeGreaterThanOrEqual(450);
  });

  it('wakes only as many waiters as there are tasks, and only those that want them', async () => {
    const before = waits().stats.woken;
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const others = controllers.slice(0, 5).map((ac, i) => waitingAcquire(h.baseUrl, { workerName: `lp-many-${i}`, algorithmNames: ['lp-one'], waitSeconds: 30 }, ac.signal).catch(() => undefined));
    const unrelated = waitingAcquire(h.baseUrl, { workerName: 'lp-other', algorithmNames: ['lp-elsewhere'], waitSeconds: 30 }, controllers[5].signal).catch(() => undefined);
    await eventually(async () => waits().waiting === 6);
    await c.submit({ name: 'lp-one', nodes: [{ nodeName: 'n', algorithmName: 'lp-one', input: [1] }] });
    // One task: one waiter is woken and takes it; the other five go on waiting.
    await eventually(async () => waits().waiting === 5);
    expect(waits().stats.woken - before).toBe(1);
    for (const ac of controllers) ac.abort();
    await Promise.all([...others, unrelated]);
    await eventually(async () => waits().waiting === 0);
  });

  it('wakes a waiter when a retry delay ends', async () => {
    const jobId = await c.submit({ name: 'lp-retry', nodes: [{ nodeName: 'n', algorithmName: 'lp-retry', input: [1], retry: { limit: 2, delaySeconds: 1 } }] });
    const [first] = await c.acquire('lp-r', ['lp-retry'], 1);
    const waiting = waitingAcquire(h.baseUrl, { workerName: 'lp-r2', algorithmNames: ['lp-retry'], waitSeconds: 20 });
    await eventually(async () => waits().waiting === 1);
    const failed = await c.fail(first.taskId, 'lp-r', 'try again');
    expect([failed.status, failed.body.state]).toEqual([200, 'pending']);
    const { tasks, ms } = await waiting;
    expect(tasks.map((t) => [t.jobId, t.taskId, t.attempt])).toEqual([[jobId, first.taskId, 2]]);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(20_000);
  });

  it('stops waiting when the worker hangs up, and takes nothing for it', async () => {
    const ac = new AbortController();
    const gone = waitingAcquire(h.baseUrl, { workerName: 'lp-gone', algorithmNames: ['lp-gone'], waitSeconds: 30 }, ac.signal).catch((err: Error) => err.name);
    await eventually(async () => waits().waiting === 1);
    ac.abort();
    expect(await gone).toBe('AbortError');
    await eventually(async () => waits().waiting === 0);
    const jobId = await c.submit({ name: 'lp-gone', nodes: [{ nodeName: 'n', algorithmName: 'lp-gone', input: [1] }] });
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 pending');
  });

  it('refuses a waitSeconds over 30 with a 400', async () => {
    const res = await api(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'lp', waitSeconds: 31 });
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', expect.stringContaining('waitSeconds must be a number from 0 to 30')]);
  });

  it('release: the task is pending again at once for any worker, spends no retry, and the released lease is fenced', async () => {
    const jobId = await c.submit({ name: 'rel', nodes: [{ nodeName: 'n', algorithmName: 'rel-alg', input: [7], retry: { limit: 0 } }] });
    let attempt = 0;
    // Released three times with a retry limit of 0: never failed.
    for (let i = 1; i <= 3; i++) {
      const [t] = await c.acquire(`rel-${i}`, ['rel-alg'], 1);
      expect(t.attempt).toBe(++attempt);
      const res = await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/release`, { workerName: `rel-${i}`, attempt: t.attempt });
      expect([res.status, res.body]).toEqual([200, { taskId: t.taskId, jobId, state: 'pending' }]);
    }
    const [last] = await c.acquire('rel-last', ['rel-alg'], 1);
    expect(last.attempt).toBe(4);
    // The last released lease (attempt 3, worker rel-3) cannot report any more.
    const late = await c.complete(last.taskId, 'rel-3', 'late');
    expect([late.status, late.body.error.code]).toEqual([409, 'LEASE_NOT_HELD']);
    // A failure now is the first retry spent: limit 0, so the task fails.
    const failed = await c.fail(last.taskId, 'rel-last', 'boom');
    expect([failed.status, failed.body.state]).toEqual([200, 'failed']);
    const types = (await c.events(jobId)).map((e) => e.type).filter((t) => t.startsWith('task.'));
    expect(types).toEqual(['task.acquired', 'task.released', 'task.acquired', 'task.released', 'task.acquired', 'task.released', 'task.acquired', 'task.failed']);
  });

  it('release: only the lease holder may release, a pending task cannot be released', async () => {
    await c.submit({ name: 'rel2', nodes: [{ nodeName: 'n', algorithmName: 'rel2-alg', input: [1] }] });
    const [t] = await c.acquire('holder', ['rel2-alg'], 1);
    const other = await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/release`, { workerName: 'intruder' });
    expect([other.status, other.body.error.code]).toEqual([409, 'LEASE_NOT_HELD']);
    expect((await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/release`, { workerName: 'holder' })).status).toBe(200);
    const again = await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/release`, { workerName: 'holder' });
    expect([again.status, again.body.error.code]).toEqual([409, 'TASK_NOT_ACTIVE']);
    const bad = await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/release`, { workerName: 'bad name!' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  describe('across instances', () => {
    let second: RunningHerald | undefined;
    afterAll(() => second?.close());

    it('a worker waiting on one instance is woken by a submission on another (LISTEN/NOTIFY)', async () => {
      const fast = { webhooks: { ...loadConfig({}).webhooks, heartbeatMs: 50, takeoverMs: 5000 } };
      second = await startHerald(fast, { url: h.databaseUrl, drop: async () => undefined });
      const other = second;
      // The submitting instance tells others only once it sees them live (herald_instances).
      await eventually(async () => h.app.get(LiveInstances).count === 2 && other.app.get(LiveInstances).count === 2, 15_000);
      const waiting = waitingAcquire(other.baseUrl, { workerName: 'lp-x', algorithmNames: ['lp-cross'], waitSeconds: 30 });
      await eventually(async () => other.app.get(TaskWaits).waiting === 1);
      const heard = other.app.get(TaskWaits).stats.heard;
      const jobId = await client(h.baseUrl).submit({ name: 'lp-cross', nodes: [{ nodeName: 'n', algorithmName: 'lp-cross', input: [1] }] });
      const { tasks, ms } = await waiting;
      expect(tasks.map((t) => t.jobId)).toEqual([jobId]);
      expect(ms).toBeLessThan(30_000);
      expect(other.app.get(TaskWaits).stats.heard).toBeGreaterThan(heard);
    });
  });
});
