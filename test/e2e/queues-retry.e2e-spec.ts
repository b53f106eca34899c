import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { lifecycleOf, lifecycleSettled, queues, queueTestConfig, type QueueClient } from '../support/queues';
import { Receiver } from '../support/receiver';

/**
 * Per-queue settings (PUT/GET /api/v1/queues/{name}) and retries: an expired lease or a
 * retryable failure sends the request back to the queue (`retried`), until the retry limit.
 */
describe('named queues: settings, lease expiry and retries', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: QueueClient;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald(queueTestConfig());
    c = queues(h.baseUrl);
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  const DEFAULTS = { retryLimit: 3, retryDelaySeconds: 0, retryBackoff: false, leaseSeconds: 30 };

  it('GET gives the defaults of a queue never configured; PUT changes only the given fields and GET shows them', async () => {
    const got = await c.settings('fresh-q');
    expect(got.status).toBe(200);
    expect(got.body).toStrictEqual({ queueName: 'fresh-q', ...DEFAULTS });

    const put = await c.putSettings('conf-q', { leaseSeconds: 12.5 });
    expect(put.status).toBe(200);
    expect(put.body).toStrictEqual({ queueName: 'conf-q', ...DEFAULTS, leaseSeconds: 12.5 });
    const put2 = await c.putSettings('conf-q', { retryLimit: 0, retryBackoff: true });
    expect(put2.body).toStrictEqual({ queueName: 'conf-q', retryLimit: 0, retryDelaySeconds: 0, retryBackoff: true, leaseSeconds: 12.5 });
    expect((await c.settings('conf-q')).body).toStrictEqual(put2.body);
    // Other queues are not affected.
    expect((await c.settings('fresh-q')).body).toStrictEqual({ queueName: 'fresh-q', ...DEFAULTS });
  });

  it('PUT with invalid settings is 400 with the offending field and changes nothing', async () => {
    const before = (await c.putSettings('strict-q', { retryLimit: 2, leaseSeconds: 5 })).body;
    const invalid: Array<[unknown, string]> = [
      [{ retryLimit: -1 }, 'retryLimit'],
      [{ retryLimit: 1.5 }, 'retryLimit'],
      [{ retryLimit: '3' }, 'retryLimit'],
      [{ retryLimit: 101 }, 'retryLimit'],
      [{ leaseSeconds: 0 }, 'leaseSeconds'],
      [{ leaseSeconds: 0.05 }, 'leaseSeconds'],
      [{ leaseSeconds: 86_401 }, 'leaseSeconds'],
      [{ leaseSeconds: null }, 'leaseSeconds'],
      [{ retryDelaySeconds: -1 }, 'retryDelaySeconds'],
      [{ retryBackoff: 'yes' }, 'retryBackoff'],
      [{ retryLimit: 1, leaseSecs: 3 }, 'leaseSecs'],
      [[{ retryLimit: 1 }], ''],
    ];
    for (const [body, path] of invalid) {
      const res = await c.putSettings('strict-q', body);
      expect({ body, status: res.status, code: res.body?.error?.code, paths: (res.body?.error?.details ?? []).map((d: { path: string }) => d.path) }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
        paths: [path],
      });
    }
    expect((await c.settings('strict-q')).body).toStrictEqual(before);
    // A name that is not a queue name.
    expect((await c.putSettings('-bad name', { retryLimit: 1 })).status).toBe(400);
    expect((await c.settings('.hidden')).status).toBe(400);
  });

  it('the queue’s lease applies to requests submitted after the PUT, when the worker does not ask for one', async () => {
    const queueName = 'lease-default';
    const before = await c.submit(queueName, { n: 'before' });
    expect((await c.putSettings(queueName, { leaseSeconds: 45 })).status).toBe(200);
    const after = await c.submit(queueName, { n: 'after' });
    const explicit = await c.submit(queueName, { n: 'explicit' });

    const [t1] = await c.acquire('w-lease', [queueName]);
    const [t2] = await c.acquire('w-lease', [queueName]);
    const [t3] = await c.acquire('w-lease', [queueName], { leaseSeconds: 7 });
    expect([t1.jobId, t2.jobId, t3.jobId]).toEqual([before.jobId, after.jobId, explicit.jobId].map(String));
    // Submitted before the PUT: the 30 s default; after: the queue's 45 s; asked for: 7 s.
    expect(Date.parse(t1.leaseExpiry)).toBe((await c.eventTime(before.jobId, 'task.acquired')) + 30_000);
    expect(Date.parse(t2.leaseExpiry)).toBe((await c.eventTime(after.jobId, 'task.acquired')) + 45_000);
    expect(Date.parse(t3.leaseExpiry)).toBe((await c.eventTime(explicit.jobId, 'task.acquired')) + 7_000);
    // A heartbeat without leaseSeconds extends by the queue's lease too.
    const hb = await c.call('POST', `/api/v1/tasks/${t2.taskId}/heartbeat`, { workerName: 'w-lease' });
    expect(hb.status).toBe(200);
    expect(Date.parse(hb.body.leaseExpiry)).toBe((await c.eventTime(after.jobId, 'task.lease-extended')) + 45_000);
  });

  it('lease expiry gives retried then acquired again; at the retry limit the request fails with the error', async () => {
    const queueName = 'expiring';
    const webhookUrl = `${rx.url}/expiring`;
    const put = await c.putSettings(queueName, { retryLimit: 1, leaseSeconds: 0.5 });
    expect(put.body).toStrictEqual({ queueName, retryLimit: 1, retryDelaySeconds: 0, retryBackoff: false, leaseSeconds: 0.5 });
    const { jobId } = await c.submit(queueName, { frames: 81 }, { query: { webhook: webhookUrl } });

    // First attempt: the lease (the queue's 0.5 s) runs out; the service's sweeper puts it back.
    const [first] = await c.acquire('w-first', [queueName]);
    expect(first.attempt).toBe(1);
    const acquired1 = await c.eventTime(jobId, 'task.acquired', 0);
    expect(Date.parse(first.leaseExpiry)).toBe(acquired1 + 500);
    const requeued = await eventually(async () => {
      const s = await c.status(queueName, jobId);
      return s.body.status === 'queued' && s.body;
    });
    expect(requeued).toMatchObject({ status: 'queued', position: 0, workerName: null, leaseExpiry: null, attempts: 1 });
    const retriedAt = await c.eventTime(jobId, 'task.retried');
    expect(retriedAt).toBeGreaterThanOrEqual(acquired1 + 500);
    const retried = (await c.events(jobId)).find((e) => e.type === 'task.retried')!;
    expect(retried.data).toMatchObject({ reason: 'lease expired', attempt: 1 });

    // The first worker lost it.
    const late = await c.complete(first.taskId, 'w-first', { late: true });
    expect(late.status).toBe(409);

    // Second attempt, by another worker; it expires too and the retry limit (1) is reached.
    const [second] = await c.acquire('w-second', [queueName]);
    expect(second.taskId).toBe(first.taskId);
    expect(second.attempt).toBe(2);
    expect(second.input).toEqual({ frames: 81 });
    const acquired2 = await c.eventTime(jobId, 'task.acquired', 1);
    const failed = await eventually(async () => {
      const s = await c.status(queueName, jobId);
      return s.body.status === 'failed' && s.body;
    });
    const failedAt = await c.eventTime(jobId, 'task.failed');
    expect(failed).toStrictEqual({
      jobId,
      queueName,
      status: 'failed',
      workerName: 'w-second',
      leaseExpiry: null,
      acquiredAt: acquired2,
      updatedAt: failedAt,
      attempts: 2,
    });
    const error = { message: `lease held by w-second expired at ${new Date(acquired2 + 500).toISOString()}` };
    const result = await c.result(queueName, jobId);
    expect(result.status).toBe(422);
    expect(result.body.error.details).toStrictEqual({ jobId, error });
    expect(await c.acquire('w-third', [queueName])).toEqual([]);

    // The receiver got the whole lifecycle, in order, with exact bodies.
    const messages = await lifecycleSettled(h, jobId, 4);
    expect(messages.map((m) => [m.eventType, m.status])).toEqual([
      ['task.acquired', 'delivered'],
      ['task.retried', 'delivered'],
      ['task.acquired', 'delivered'],
      ['task.failed', 'delivered'],
    ]);
    const common = { queueName, jobId, webhookUrl };
    expect(lifecycleOf(rx, jobId).map((r) => r.body)).toStrictEqual([
      { eventType: 'acquired', ...common, workerName: 'w-first', leaseExpiry: acquired1 + 500, acquiredAt: acquired1, updatedAt: acquired1 },
      { eventType: 'retried', ...common, workerName: null, leaseExpiry: null, acquiredAt: null, updatedAt: retriedAt },
      { eventType: 'acquired', ...common, workerName: 'w-second', leaseExpiry: acquired2 + 500, acquiredAt: acquired2, updatedAt: acquired2 },
      { eventType: 'failed', ...common, workerName: 'w-second', leaseExpiry: null, acquiredAt: acquired2, updatedAt: failedAt, error },
    ]);
  });

  it('a retryable worker failure is retried after the queue’s delay (with backoff), then completes', async () => {
    const queueName = 'flaky';
    const webhookUrl = `${rx.url}/flaky`;
    expect((await c.putSettings(queueName, { retryLimit: 2, retryDelaySeconds: 0.5, retryBackoff: true })).status).toBe(200);
    const { jobId } = await c.submit(queueName, { try: 'me' }, { headers: { 'X-Webhook-Url': webhookUrl } });

    for (let attempt = 1; attempt <= 2; attempt++) {
      const [task] = await eventually(async () => {
        const got = await c.acquire('w-flaky', [queueName]);
        return got.length > 0 && got;
      });
      expect(task.attempt).toBe(attempt);
      if (attempt > 1) {
        // Not acquired before the retry delay was over.
        const retried = (await c.events(jobId)).filter((e) => e.type === 'task.retried')[attempt - 2];
        expect(await c.eventTime(jobId, 'task.acquired', attempt - 1)).toBeGreaterThanOrEqual(Date.parse(retried.data.availableAt));
      }
      const failed = await c.fail(task.taskId, 'w-flaky', `transient #${attempt}`);
      expect(failed.status).toBe(200);
      const retried = (await c.events(jobId)).filter((e) => e.type === 'task.retried')[attempt - 1];
      // Delay 0.5 s, doubled after each attempt.
      expect(Date.parse(retried.data.availableAt) - Date.parse(retried.createdAt)).toBe(500 * 2 ** (attempt - 1));
      expect(retried.data).toMatchObject({ reason: 'worker failure', error: `transient #${attempt}`, attempt });
      const status = (await c.status(queueName, jobId)).body;
      expect(status).toMatchObject({ status: 'queued', attempts: attempt });
    }
    const [last] = await eventually(async () => {
      const got = await c.acquire('w-flaky', [queueName]);
      return got.length > 0 && got;
    });
    expect(last.attempt).toBe(3);
    const lastRetried = (await c.events(jobId)).filter((e) => e.type === 'task.retried')[1];
    expect(await c.eventTime(jobId, 'task.acquired', 2)).toBeGreaterThanOrEqual(Date.parse(lastRetried.data.availableAt));
    expect((await c.complete(last.taskId, 'w-flaky', { ok: 'third time' })).status).toBe(200);
    expect((await c.result(queueName, jobId)).body).toStrictEqual({ ok: 'third time' });

    await lifecycleSettled(h, jobId, 6);
    expect(lifecycleOf(rx, jobId).map((r) => r.body.eventType)).toEqual(['acquired', 'retried', 'acquired', 'retried', 'acquired', 'completed']);
    expect(lifecycleOf(rx, jobId).at(-1)!.body).toMatchObject({ ok: 'third time', workerName: 'w-flaky', acquiredAt: await c.eventTime(jobId, 'task.acquired', 2) });
  });
});
