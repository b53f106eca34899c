import { JobSweeper } from '../../src/jobs/job-sweeper.service';
import { eventually } from '../support/herald';
import { ISO_TIME, sleep, type HeraldClient, type JobEventView } from '../support/e2e';
import { useHerald } from '../support/use-herald';

/** Waits (by polling) until the job's stream has an event matching the predicate. */
async function eventOf(c: HeraldClient, jobId: string, match: (e: JobEventView) => boolean, timeoutMs = 10_000): Promise<JobEventView> {
  return eventually(async () => (await c.events(jobId)).find(match), timeoutMs);
}

/** Sleeps until the given ISO instant has passed by `marginMs` on this machine's clock. */
async function until(iso: string, marginMs: number): Promise<void> {
  const wait = new Date(iso).getTime() + marginMs - Date.now();
  if (wait > 0) await sleep(wait);
}

describe('Leases: expiry detected by the service, retries and heartbeats', () => {
  const { h, c } = useHerald();

  it('puts a task whose lease expired back to pending by itself, and the stale worker gets 409 and changes nothing', async () => {
    const jobId = await c.submit({ name: 'lease', nodes: [{ nodeName: 'solo', algorithmName: 'lease-alg', input: [5] }] });
    const [stale] = await c.acquire('w-stale', ['lease-alg'], 1, 0.5);
    expect(stale.attempt).toBe(1);
    expect(new Date(stale.leaseExpiry).getTime() - Date.now()).toBeLessThanOrEqual(500);

    // No heartbeat, no worker call: the sweeper finds it.
    const retried = await eventOf(c, jobId, (e) => e.type === 'task.retried');
    expect({ level: retried.level, data: retried.data, metadata: retried.metadata }).toEqual({
      level: 'warn',
      data: {
        taskId: stale.taskId,
        nodeName: 'solo',
        attempt: 1,
        reason: 'lease expired',
        error: { message: `lease held by w-stale expired at ${stale.leaseExpiry}` },
        availableAt: expect.stringMatching(ISO_TIME),
      },
      metadata: { level: 'warn', actor: 'herald:lease-sweeper' },
    });
    const back = await c.status(jobId);
    expect([back.status, back.level, back.data.details, back.data.activeNodes]).toEqual(['active', 'warn', '0.00% completed, 1 pending', []]);

    const notActive = { error: { code: 'TASK_NOT_ACTIVE', message: `task ${stale.taskId} is pending, not active`, details: { taskId: stale.taskId, state: 'pending' } } };
    const before = await c.events(jobId);
    for (const res of [await c.complete(stale.taskId, 'w-stale', 'late'), await c.heartbeat(stale.taskId, 'w-stale'), await c.fail(stale.taskId, 'w-stale', 'late')]) {
      expect([res.status, res.body]).toEqual([409, notActive]);
    }
    expect(await c.events(jobId)).toEqual(before);

    // Another worker gets it again, as attempt 2; the stale worker still cannot touch it.
    const [fresh] = await c.acquire('w-fresh', ['lease-alg'], 1, 30);
    expect([fresh.taskId, fresh.attempt, fresh.input]).toEqual([stale.taskId, 2, [5]]);
    const notHeld = { error: { code: 'LEASE_NOT_HELD', message: `task ${stale.taskId} is leased to another worker`, details: { taskId: stale.taskId } } };
    const held = await c.events(jobId);
    for (const res of [await c.complete(stale.taskId, 'w-stale', 'late'), await c.heartbeat(stale.taskId, 'w-stale', 60), await c.fail(stale.taskId, 'w-stale', 'late')]) {
      expect([res.status, res.body]).toEqual([409, notHeld]);
    }
    expect(await c.events(jobId)).toEqual(held);
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 active');

    expect((await c.complete(fresh.taskId, 'w-fresh', 50)).status).toBe(200);
    const done = await c.results(jobId);
    expect([done.status, done.data.result]).toEqual(['completed', [{ nodeName: 'solo', algorithmName: 'lease-alg', result: 50 }]]);
    const succeeded = (await c.events(jobId)).find((e) => e.type === 'task.succeeded')!;
    expect(succeeded.data).toEqual({ taskId: stale.taskId, nodeName: 'solo', workerName: 'w-fresh', attempt: 2, result: 50 });
  });

  it('extends the lease on heartbeat, so the task is not taken back when the first lease would have run out', async () => {
    const jobId = await c.submit({ name: 'beat', nodes: [{ nodeName: 'solo', algorithmName: 'beat-alg', input: [1] }] });
    const [t] = await c.acquire('w', ['beat-alg'], 1, 2);
    const hb = await c.heartbeat(t.taskId, 'w', 30);
    expect(hb.status).toBe(200);
    expect(Object.keys(hb.body)).toEqual(['leaseExpiry']);
    expect(hb.body.leaseExpiry).toMatch(ISO_TIME);
    expect(new Date(hb.body.leaseExpiry).getTime()).toBeGreaterThan(new Date(t.leaseExpiry).getTime() + 20_000);

    // Past the first lease, a sweep (run here, so it surely ran) finds nothing to take back.
    await until(t.leaseExpiry, 50);
    expect(await h.app.get(JobSweeper).sweepLeases()).toBe(0);
    expect((await c.events(jobId)).map((e) => e.type)).toEqual(['job.submitted', 'node.expanded', 'job.started', 'task.acquired', 'task.lease-extended']);
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 active');

    // Without leaseSeconds the lease is extended by the default 30 s.
    const sent = Date.now();
    const again = await c.heartbeat(t.taskId, 'w');
    expect(again.status).toBe(200);
    const ahead = new Date(again.body.leaseExpiry).getTime() - sent;
    expect(ahead).toBeGreaterThanOrEqual(29_990);
    expect(ahead).toBeLessThanOrEqual(35_000);

    const res = await c.complete(t.taskId, 'w', 'kept');
    expect([res.status, res.body]).toEqual([200, { taskId: t.taskId, jobId, state: 'succeed' }]);
    expect((await c.status(jobId)).status).toBe('completed');
  });

  it('fails the task once expired leases exhaust retry.limit, and the job with it', async () => {
    const jobId = await c.submit({ name: 'expire', nodes: [{ nodeName: 'solo', algorithmName: 'expire-alg', input: [1], retry: { limit: 1 } }] });
    const [first] = await c.acquire('w1', ['expire-alg'], 1, 0.3);
    await eventOf(c, jobId, (e) => e.type === 'task.retried');
    const [second] = await c.acquire('w2', ['expire-alg'], 1, 0.3);
    expect([second.taskId, second.attempt]).toEqual([first.taskId, 2]);

    const failed = await eventOf(c, jobId, (e) => e.type === 'job.failed');
    // The job fails with the task's own error and names the node, as HKube's status does.
    expect(failed.data).toEqual({ error: `lease held by w2 expired at ${second.leaseExpiry}`, nodeName: 'solo' });
    const events = await c.events(jobId);
    expect(events.map((e) => [e.type, e.level])).toEqual([
      ['job.submitted', 'info'],
      ['node.expanded', 'debug'],
      ['job.started', 'info'],
      ['task.acquired', 'debug'],
      ['task.retried', 'warn'],
      ['task.acquired', 'debug'],
      ['task.failed', 'warn'],
      ['job.failed', 'error'],
    ]);
    expect(events[6].data).toEqual({
      taskId: first.taskId,
      nodeName: 'solo',
      attempt: 2,
      reason: 'lease expired',
      error: { message: `lease held by w2 expired at ${second.leaseExpiry}` },
    });
    expect(await c.results(jobId)).toEqual({
      jobId,
      timestamp: expect.stringMatching(ISO_TIME),
      pipeline: 'expire',
      status: 'failed',
      error: `lease held by w2 expired at ${second.leaseExpiry}`,
      nodeName: 'solo',
      timeTook: expect.any(Number),
      data: { result: [{ nodeName: 'solo', algorithmName: 'expire-alg', error: { message: `lease held by w2 expired at ${second.leaseExpiry}` } }] },
    });
    const late = await c.complete(second.taskId, 'w2', 'too late');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TASK_NOT_ACTIVE');
  });

  it('fails at the first expiry when retry.limit is 0, and keeps a batch job alive below batchTolerance', async () => {
    const jobId = await c.submit({ name: 'expire0', nodes: [{ nodeName: 'b', algorithmName: 'expire0-alg', input: ['#[1,2,3,4,5]'], retry: { limit: 0 } }] });
    const [lost] = await c.acquire('w', ['expire0-alg'], 1, 0.3);
    await eventOf(c, jobId, (e) => e.type === 'task.failed');
    const s = await c.status(jobId);
    expect([s.status, s.data.details]).toEqual(['active', '20.00% completed, 1 failed, 4 pending']);
    const rest = await c.acquire('w', ['expire0-alg'], 10, 30);
    expect(rest.map((t) => t.batchID)).toEqual(['b#2', 'b#3', 'b#4', 'b#5']);
    for (const t of rest) expect((await c.complete(t.taskId, 'w', (t.input[0] as number) * 2)).status).toBe(200);
    expect((await c.results(jobId)).data.result).toEqual([
      { nodeName: 'b', batchID: 'b#1', algorithmName: 'expire0-alg', error: { message: `lease held by w expired at ${lost.leaseExpiry}` } },
      { nodeName: 'b', batchID: 'b#2', algorithmName: 'expire0-alg', result: 4 },
      { nodeName: 'b', batchID: 'b#3', algorithmName: 'expire0-alg', result: 6 },
      { nodeName: 'b', batchID: 'b#4', algorithmName: 'expire0-alg', result: 8 },
      { nodeName: 'b', batchID: 'b#5', algorithmName: 'expire0-alg', result: 10 },
    ]);
  });
});

describe('Leases with the sweeper idle: the lease itself is enforced on every worker call', () => {
  const { h, c } = useHerald({ sweepIntervalMs: 3_600_000 });

  it('answers 409 LEASE_EXPIRED to a worker whose lease ran out before the sweeper noticed, and changes nothing', async () => {
    const jobId = await c.submit({ name: 'expired', nodes: [{ nodeName: 'solo', algorithmName: 'expired-alg', input: [1] }] });
    const [t] = await c.acquire('w', ['expired-alg'], 1, 0.2);
    await until(t.leaseExpiry, 100);
    const before = await c.events(jobId);
    const expired = { error: { code: 'LEASE_EXPIRED', message: `the lease on task ${t.taskId} expired at ${t.leaseExpiry}`, details: { taskId: t.taskId, leaseExpiry: t.leaseExpiry } } };
    for (const res of [await c.complete(t.taskId, 'w', 1), await c.heartbeat(t.taskId, 'w', 30), await c.fail(t.taskId, 'w', 'x')]) {
      expect([res.status, res.body]).toEqual([409, expired]);
    }
    expect(await c.events(jobId)).toEqual(before);
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 active');

    // The service's own sweep then takes it back.
    expect(await h.app.get(JobSweeper).sweepLeases()).toBe(1);
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 pending');
    const [again] = await c.acquire('w', ['expired-alg'], 1, 30);
    expect([again.taskId, again.attempt]).toEqual([t.taskId, 2]);
  });
});
