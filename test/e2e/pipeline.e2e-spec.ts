import { ISO_TIME, jobIdPattern, runWorker, taskIdsOf, type AcquiredTask } from '../support/e2e';
import { useHerald } from '../support/use-herald';

const times10 = (input: unknown[]) => (input[0] as number) * 10;

describe('A batch pipeline with a dependent node, run by several workers over HTTP', () => {
  const { h, c } = useHerald();

  it('runs #[1...10] on green and #@green on yellow with exact status snapshots and exact results', async () => {
    const jobId = await c.submit({
      name: 'batch',
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...10]'] },
        { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['#@green'] },
      ],
    });
    expect(jobId).toMatch(jobIdPattern('batch'));

    const snapshot = (level: string, status: string, progress: string, details: string, states: object, activeNodes: object[] = []) => ({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'batch',
      level,
      status,
      data: { progress, details, states, activeNodes },
    });

    // Submitted: green is expanded at once (10 pending), yellow waits for green (1 creating).
    // A fresh job reads as HKube's: pending at level info (the expansion at submission is not a debug progress).
    expect(await c.status(jobId)).toEqual(snapshot('info', 'pending', '0.00', '0.00% completed, 10 pending, 1 creating', { pending: 10, creating: 1 }));
    const results = await c.call('GET', `/api/v1/exec/results/${jobId}`);
    expect(results.status).toBe(400);
    expect(results.body).toEqual({
      error: {
        code: 'JOB_NOT_FINISHED',
        message: `job ${jobId} is still pending: results are available once it completes, fails or stops`,
        details: { jobId, status: 'pending' },
      },
    });

    // Two workers take two tasks each, in batch order.
    const w1 = await c.acquire('worker-1', ['green-alg', 'yellow-alg'], 2);
    const w2 = await c.acquire('worker-2', ['green-alg', 'yellow-alg'], 2);
    expect([...w1, ...w2].map((t) => [t.nodeName, t.batchID, t.input, t.attempt, t.jobId, t.algorithmName])).toEqual([
      ['green', 'green#1', [1], 1, jobId, 'green-alg'],
      ['green', 'green#2', [2], 1, jobId, 'green-alg'],
      ['green', 'green#3', [3], 1, jobId, 'green-alg'],
      ['green', 'green#4', [4], 1, jobId, 'green-alg'],
    ]);
    expect(await c.status(jobId)).toEqual(
      snapshot('debug', 'active', '0.00', '0.00% completed, 4 active, 6 pending, 1 creating', { active: 4, pending: 6, creating: 1 }, [
        { nodeName: 'green', algorithmName: 'green-alg', batch: { active: 10, total: 10 } },
      ]),
    );

    for (const [worker, tasks] of [['worker-1', w1], ['worker-2', w2]] as const) {
      for (const t of tasks) {
        const res = await c.complete(t.taskId, worker, times10(t.input));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ taskId: t.taskId, jobId, state: 'succeed' });
      }
    }
    expect(await c.status(jobId)).toEqual(
      snapshot('debug', 'active', '36.36', '36.36% completed, 4 succeed, 6 pending, 1 creating', { succeed: 4, pending: 6, creating: 1 }),
    );

    const w3 = await c.acquire('worker-3', ['green-alg'], 2);
    expect(w3.map((t) => t.batchID)).toEqual(['green#5', 'green#6']);
    expect(await c.status(jobId)).toEqual(
      snapshot('debug', 'active', '36.36', '36.36% completed, 4 succeed, 2 active, 4 pending, 1 creating', { succeed: 4, active: 2, pending: 4, creating: 1 }, [
        { nodeName: 'green', algorithmName: 'green-alg', batch: { active: 6, total: 10 } },
      ]),
    );
    for (const t of w3) expect((await c.complete(t.taskId, 'worker-3', times10(t.input))).status).toBe(200);

    // The rest of green by four concurrent workers; yellow is expanded when green is done.
    const greenRest = (await Promise.all([1, 2, 3, 4].map((i) => runWorker(c, `loop-${i}`, ['green-alg'], 3, times10)))).flat();
    expect(greenRest.map((t) => t.batchID).sort()).toEqual(['green#10', 'green#7', 'green#8', 'green#9']);
    expect(await c.status(jobId)).toEqual(
      snapshot('debug', 'active', '50.00', '50.00% completed, 10 succeed, 10 pending', { succeed: 10, pending: 10 }),
    );

    const yellow = (await Promise.all([1, 2, 3, 4].map((i) => runWorker(c, `loop-${i}`, ['yellow-alg'], 2, times10)))).flat();
    expect(yellow.map((t) => [t.batchID, t.input]).sort((a, b) => (a[1] as number[])[0] - (b[1] as number[])[0])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`yellow#${i + 1}`, [(i + 1) * 10]]),
    );

    const completed = await c.status(jobId);
    expect(completed).toEqual({
      ...snapshot('info', 'completed', '100.00', '100.00% completed, 20 succeed', { succeed: 20 }),
      netTimeTook: expect.any(Number),
      grossTimeTook: expect.any(Number),
    });
    expect(completed.netTimeTook).toBeLessThanOrEqual(completed.grossTimeTook);
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'batch',
      status: 'completed',
      timeTook: completed.grossTimeTook,
      data: {
        result: Array.from({ length: 10 }, (_, i) => ({
          nodeName: 'yellow',
          batchID: `yellow#${i + 1}`,
          algorithmName: 'yellow-alg',
          result: (i + 1) * 100,
        })),
      },
    });
    // Nothing is left to do.
    expect(await c.acquire('late', ['green-alg', 'yellow-alg'], 5)).toEqual([]);
  });

  it('never gives the same task to two workers acquiring concurrently', async () => {
    const jobId = await c.submit({ name: 'race', nodes: [{ nodeName: 'n', algorithmName: 'race-alg', input: ['#[1...30]'] }] });
    const all = await taskIdsOf(c, jobId, 'n');
    expect(all).toHaveLength(30);

    const batches = await Promise.all(Array.from({ length: 12 }, (_, i) => c.acquire(`racer-${i}`, ['race-alg'], 3)));
    const got = batches.flat();
    const ids = got.map((t) => t.taskId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...all].sort());
    expect(got.every((t) => t.attempt === 1)).toBe(true);
    expect(batches.every((b) => b.length <= 3)).toBe(true);

    const s = await c.status(jobId);
    expect(s.data.details).toBe('0.00% completed, 30 active');
    expect(s.data.activeNodes).toEqual([{ nodeName: 'n', algorithmName: 'race-alg', batch: { active: 30, total: 30 } }]);
    const acquiredEvents = (await c.events(jobId)).filter((e) => e.type === 'task.acquired');
    expect(acquiredEvents).toHaveLength(30);
  });

  it('completes a job worked by four concurrent worker loops, each task done exactly once', async () => {
    const jobId = await c.submit({
      name: 'loops',
      nodes: [
        { nodeName: 'green', algorithmName: 'loops-green', input: ['#[1...10]'] },
        { nodeName: 'yellow', algorithmName: 'loops-yellow', input: ['#@green'] },
      ],
    });
    // Each loop takes whatever is pending of either node; yellow appears once green is done.
    const acquired: AcquiredTask[] = [];
    await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const name = `loop-${i}`;
        for (let idle = 0; idle < 400; ) {
          const tasks = await c.acquire(name, ['loops-green', 'loops-yellow'], 2 + (i % 2));
          if (tasks.length === 0) {
            if ((await c.status(jobId)).status === 'completed') return;
            idle++;
            await new Promise((r) => setTimeout(r, 10));
            continue;
          }
          acquired.push(...tasks);
          for (const t of tasks) expect((await c.complete(t.taskId, name, times10(t.input))).status).toBe(200);
        }
        throw new Error(`${name} gave up waiting for the job to complete`);
      }),
    );
    const ids = acquired.map((t) => t.taskId);
    expect(new Set(ids).size).toBe(20);
    expect(ids).toHaveLength(20);
    expect([...ids].sort()).toEqual([...(await taskIdsOf(c, jobId, 'green')), ...(await taskIdsOf(c, jobId, 'yellow'))].sort());
    expect((await c.results(jobId)).data.result.map((r: { result: number }) => r.result)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect((await c.status(jobId)).data.details).toBe('100.00% completed, 20 succeed');
  });

  it('passes a whole batch output to a node reading "@green" as one task without a batchID', async () => {
    const jobId = await c.submit({
      name: 'gather',
      nodes: [
        { nodeName: 'green', algorithmName: 'gather-green', input: ['#[1,2,3]'] },
        { nodeName: 'sum', algorithmName: 'gather-sum', input: ['@green', 'total'] },
      ],
    });
    await runWorker(c, 'w', ['gather-green'], 3, times10);
    expect((await c.status(jobId)).data.details).toBe('75.00% completed, 3 succeed, 1 pending');
    const [sum] = await c.acquire('w', ['gather-sum'], 5);
    expect(sum).toEqual({
      taskId: sum.taskId,
      jobId,
      nodeName: 'sum',
      algorithmName: 'gather-sum',
      batchID: null,
      input: [[10, 20, 30], 'total'],
      attempt: 1,
      leaseExpiry: expect.stringMatching(ISO_TIME),
    });
    expect((await c.complete(sum.taskId, 'w', { total: 60 })).status).toBe(200);
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'gather',
      status: 'completed',
      timeTook: expect.any(Number),
      data: { result: [{ nodeName: 'sum', algorithmName: 'gather-sum', result: { total: 60 } }] },
    });
  });

  it('zips several batch inputs, padding the shorter with null, and reads flowInput values', async () => {
    const jobId = await c.submit({
      name: 'zip',
      flowInput: { files: { list: ['a', 'b', 'c'] }, mode: 'fast' },
      nodes: [{ nodeName: 'z', algorithmName: 'zip-alg', input: ['#@flowInput.files.list', '#[1,2]', '@flowInput.mode', 7] }],
    });
    const tasks = await c.acquire('w', ['zip-alg'], 10);
    expect(tasks.map((t) => [t.batchID, t.input])).toEqual([
      ['z#1', ['a', 1, 'fast', 7]],
      ['z#2', ['b', 2, 'fast', 7]],
      ['z#3', ['c', null, 'fast', 7]],
    ]);
    for (const t of tasks) await c.complete(t.taskId, 'w', t.input[0]);
    expect((await c.results(jobId)).data.result).toEqual([
      { nodeName: 'z', batchID: 'z#1', algorithmName: 'zip-alg', result: 'a' },
      { nodeName: 'z', batchID: 'z#2', algorithmName: 'zip-alg', result: 'b' },
      { nodeName: 'z', batchID: 'z#3', algorithmName: 'zip-alg', result: 'c' },
    ]);
  });

  it('completes at once a job whose only node is an empty batch (one skipped entry, as HKube)', async () => {
    const jobId = await c.submit({ name: 'empty', nodes: [{ nodeName: 'e', algorithmName: 'empty-alg', input: ['#[]'] }] });
    const s = await c.status(jobId);
    expect(s).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'empty',
      level: 'info',
      status: 'completed',
      // Completed at submission: no worker ever started it, so no net time.
      grossTimeTook: 0,
      data: { progress: '100.00', details: '100.00% completed, 1 skipped', states: { skipped: 1 }, activeNodes: [] },
    });
    expect((await c.results(jobId)).data).toEqual({ result: [] });
  });
});
