import { TaskWaits } from '../../src/jobs/task-waits.service';
import { createHeraldClient, expectOk, HeraldApiError } from '../../src/client/herald-client';
import { runWorker, TaskError, type Worker, type WorkerTask } from '../../src/client/run-worker';
import { eventually } from '../support/herald';
import { useHerald } from '../support/use-herald';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('runWorker and the typed client', () => {
  const { h, c } = useHerald();
  const workers: Worker[] = [];
  const quiet = () => undefined;
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  function start(options: Omit<Parameters<typeof runWorker>[0], 'url'>): Worker {
    const w = runWorker({ url: h.baseUrl, idleMinMs: 20, idleMaxMs: 200, onError: quiet, ...options });
    workers.push(w);
    return w;
  }

  it('three workers run each task of a 200-task batch exactly once and the job completes', async () => {
    const jobId = await c.submit({ name: 'many', nodes: [{ nodeName: 'sq', algorithmName: 'sq-alg', input: ['#[1...200]'] }] });
    const ran: WorkerTask[] = [];
    const byWorker = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      start({
        workerName: `w${i}`,
        algorithmNames: ['sq-alg'],
        concurrency: 5,
        handler: async (task, { workerName }) => {
          ran.push(task);
          byWorker.set(workerName, (byWorker.get(workerName) ?? 0) + 1);
          await sleep(Math.random() * 5);
          const [n] = task.input as number[];
          return n * n;
        },
      });
    }
    await eventually(async () => (await c.status(jobId)).status === 'completed', 30_000, 50);
    expect(ran).toHaveLength(200);
    expect(new Set(ran.map((t) => t.taskId)).size).toBe(200);
    expect(ran.every((t) => t.attempt === 1)).toBe(true);
    expect([...byWorker.values()].reduce((a, b) => a + b, 0)).toBe(200);
    const results = (await c.results(jobId)).data.result as Array<{ batchID: string; result: number }>;
    expect(results).toHaveLength(200);
    for (const r of results) {
      const n = Number(r.batchID.split('#')[1]);
      expect(r.result).toBe(n * n);
    }
  });

  it('fails a task whose handler throws, retryable unless a TaskError says otherwise', async () => {
    const jobId = await c.submit({ name: 'flaky', nodes: [{ nodeName: 'a', algorithmName: 'flaky-alg', input: ['#[1,2]'], retry: { limit: 1 } }] });
    const attempts: Array<[string | null, number]> = [];
    start({
      algorithmNames: ['flaky-alg'],
      handler: (task) => {
        attempts.push([task.batchID, task.attempt]);
        if (task.batchID === 'a#1' && task.attempt === 1) throw new Error('first try fails');
        if (task.batchID === 'a#2') throw new TaskError('bad input', { retryable: false });
        return 'ok';
      },
    });
    await eventually(async () => ['completed', 'failed'].includes((await c.status(jobId)).status), 15_000, 50);
    expect(attempts.filter(([b]) => b === 'a#1').map(([, a]) => a)).toEqual([1, 2]);
    expect(attempts.filter(([b]) => b === 'a#2').map(([, a]) => a)).toEqual([1]);
    const failed = (await c.events(jobId)).filter((e) => e.type === 'task.failed');
    expect(failed.map((e) => (e.data as { error?: unknown }).error)).toContain('bad input');
  });

  it('heartbeats at a third of the lease, so a task longer than its lease still completes', async () => {
    const jobId = await c.submit({ name: 'slow', nodes: [{ nodeName: 'a', algorithmName: 'slow-alg', input: [1] }] });
    const seen: number[] = [];
    start({
      algorithmNames: ['slow-alg'],
      // A lease short enough that the task outlives it, long enough that a loaded machine's
      // stalls (the whole suite on 2 cores) do not let it run out between heartbeats (every 0.5 s).
      leaseSeconds: 1.5,
      handler: async (task) => {
        seen.push(task.attempt);
        await sleep(4000);
        return 'done';
      },
    });
    await eventually(async () => (await c.status(jobId)).status === 'completed', 15_000, 50);
    expect(seen).toEqual([1]);
    expect((await c.events(jobId)).filter((e) => e.type === 'task.lease-extended').length).toBeGreaterThanOrEqual(3);
  });

  it('on stop, finishes nothing new, lets a short task end, and releases a long one so another worker takes it without a retry spent', async () => {
    const jobId = await c.submit({ name: 'stopping', nodes: [{ nodeName: 'a', algorithmName: 'stop-alg', input: ['#[1,2]'] }] });
    let aborted = false;
    const first = start({
      workerName: 'first',
      algorithmNames: ['stop-alg'],
      concurrency: 2,
      gracePeriodMs: 300,
      handler: async (task, { signal }) => {
        if (task.batchID === 'a#1') return 'quick-ish';
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        aborted = true;
        return 'never reported';
      },
    });
    await eventually(async () => first.running === 1 || undefined, 10_000, 10);
    await first.stop();
    expect(aborted).toBe(true);
    const second: string[] = [];
    start({ workerName: 'second', algorithmNames: ['stop-alg'], handler: (task) => (second.push(`${task.batchID}@${task.attempt}`), 'retried') });
    await eventually(async () => (await c.status(jobId)).status === 'completed', 15_000, 50);
    expect(second).toEqual(['a#2@2']);
    const results = (await c.results(jobId)).data.result as Array<{ batchID: string; result: unknown }>;
    expect(results.map((r) => r.result)).toEqual(['quick-ish', 'retried']);
    const types = (await c.events(jobId)).map((e) => e.type);
    expect([types.filter((t) => t === 'task.released').length, types.includes('task.retried')]).toEqual([1, false]);
  });

  it('long-polls by default: an idle worker gets a task submitted later, and stop() ends its waiting acquire at once', async () => {
    const seen: string[] = [];
    const w = start({ workerName: 'long-poller', algorithmNames: ['lp-worker-alg'], waitSeconds: 30, handler: (task) => (seen.push(String(task.batchID ?? task.nodeName)), 'ok') });
    const waits = h.app.get(TaskWaits);
    await eventually(async () => waits.waiting === 1);
    const jobId = await c.submit({ name: 'long-poller', nodes: [{ nodeName: 'a', algorithmName: 'lp-worker-alg', input: [1] }] });
    await eventually(async () => (await c.status(jobId)).status === 'completed', 10_000, 25);
    expect(seen).toEqual(['a']);
    await eventually(async () => waits.waiting === 1);
    const stopping = Date.now();
    await w.stop();
    // A 30 s wait was ended by stop(), not sat out.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    await eventually(async () => waits.waiting === 0);
  });

  it('the typed client reaches routes with path, query and body, and errors carry their code', async () => {
    const api = createHeraldClient({ url: h.baseUrl });
    const { jobId } = await expectOk(api.POST('/api/v1/exec/raw', { body: { name: 'typed', nodes: [{ nodeName: 'a', algorithmName: 'typed-alg', input: [1] }] } }));
    const status = await expectOk(api.GET('/api/v1/exec/status/{jobId}', { params: { path: { jobId } } }));
    expect(status).toMatchObject({ jobId, pipeline: 'typed', status: 'pending' });
    const list = await expectOk(api.GET('/api/v1/exec/jobs', { params: { query: { pipeline: 'typed' } } }));
    expect(list.jobs.map((j) => j.jobId)).toEqual([jobId]);
    const refused = await expectOk(api.GET('/api/v1/exec/results/{jobId}', { params: { path: { jobId } } })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HeraldApiError);
    expect(refused).toMatchObject({ status: 400, code: 'JOB_NOT_FINISHED' });
  });
});
