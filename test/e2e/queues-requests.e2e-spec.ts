import { startHerald, type RunningHerald } from '../support/herald';
import { lifecycleOf, lifecycleSettled, queues, queueTestConfig, receivedTypes, type QueueClient } from '../support/queues';
import { Receiver } from '../support/receiver';

/**
 * Following a queue request: GET .../status and .../result in every state, unknown requests,
 * and PUT .../cancel while queued, while acquired and once finished.
 */
describe('named queues: status, result and cancel', () => {
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

  /** Time (epoch ms) of the job's last event: the status's updatedAt. */
  async function lastEventTime(jobId: number): Promise<number> {
    return Date.parse((await c.events(jobId)).at(-1)!.createdAt);
  }

  it('status: queued with its position, acquired with worker and lease, completed; result 202 until the worker’s result is 200', async () => {
    const queueName = 'status-q';
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await c.submit(queueName, { n: i })).jobId);

    // Queued: positions 0, 1, 2 in submission order.
    for (const [i, jobId] of ids.entries()) {
      const res = await c.status(queueName, jobId);
      expect(res.status).toBe(200);
      expect(res.body).toStrictEqual({
        jobId,
        queueName,
        status: 'queued',
        position: i,
        workerName: null,
        leaseExpiry: null,
        acquiredAt: null,
        updatedAt: await lastEventTime(jobId),
        attempts: 0,
      });
    }
    // While unfinished, /result is 202 with the status (what GET .../status answers).
    const pendingResult = await c.result(queueName, ids[2]);
    expect(pendingResult.status).toBe(202);
    expect(pendingResult.body).toStrictEqual((await c.status(queueName, ids[2])).body);
    expect(pendingResult.body.position).toBe(2);

    // The worker takes the oldest; the others move up.
    const [task] = await c.acquire('w-status', [queueName], { leaseSeconds: 120 });
    expect(task.jobId).toBe(String(ids[0]));
    const acquiredAt = await c.eventTime(ids[0], 'task.acquired');
    const acquired = await c.status(queueName, ids[0]);
    expect(acquired.status).toBe(200);
    expect(acquired.body).toStrictEqual({
      jobId: ids[0],
      queueName,
      status: 'acquired',
      workerName: 'w-status',
      leaseExpiry: acquiredAt + 120_000,
      acquiredAt,
      updatedAt: acquiredAt,
      attempts: 1,
    });
    expect(Date.parse(task.leaseExpiry)).toBe(acquiredAt + 120_000);
    expect((await c.status(queueName, ids[1])).body.position).toBe(0);
    expect((await c.status(queueName, ids[2])).body.position).toBe(1);

    const acquiredResult = await c.result(queueName, ids[0]);
    expect(acquiredResult.status).toBe(202);
    expect(acquiredResult.body).toStrictEqual(acquired.body);

    // Completed: /result is exactly what the worker reported.
    const workerResult = { images: [{ url: 'https://example.com/1.png', width: 512 }], seed: 7, nsfw: false };
    expect((await c.complete(task.taskId, 'w-status', workerResult)).status).toBe(200);
    const completedAt = await c.eventTime(ids[0], 'task.succeeded');
    const completed = await c.status(queueName, ids[0]);
    expect(completed.body).toStrictEqual({
      jobId: ids[0],
      queueName,
      status: 'completed',
      workerName: 'w-status',
      leaseExpiry: null,
      acquiredAt,
      updatedAt: await lastEventTime(ids[0]),
      attempts: 1,
    });
    expect(completed.body.updatedAt).toBe(completedAt);
    const result = await c.result(queueName, ids[0]);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.body).toStrictEqual(workerResult);
  });

  it('result: a worker result that is not an object comes back as it was reported', async () => {
    const queueName = 'scalar-results';
    for (const value of ['just text', 0, [1, 'two', null], null, false]) {
      const { jobId } = await c.submit(queueName, { value });
      const [task] = await c.acquire('w-scalar', [queueName]);
      expect((await c.complete(task.taskId, 'w-scalar', value)).status).toBe(200);
      const result = await c.result(queueName, jobId);
      expect({ value, status: result.status, body: result.body }).toStrictEqual({ value, status: 200, body: value });
    }
  });

  it('failed: a non-retryable failure gives status failed, /result 422 with the error and a failed webhook', async () => {
    const queueName = 'fail-q';
    const webhookUrl = `${rx.url}/fail`;
    const { jobId } = await c.submit(queueName, { bad: true }, { query: { webhook: webhookUrl } });
    const [task] = await c.acquire('w-fail', [queueName]);
    const error = { message: 'CUDA out of memory', code: 'OOM' };
    const failed = await c.fail(task.taskId, 'w-fail', error, false);
    expect(failed.status).toBe(200);

    const acquiredAt = await c.eventTime(jobId, 'task.acquired');
    const status = await c.status(queueName, jobId);
    expect(status.body).toStrictEqual({
      jobId,
      queueName,
      status: 'failed',
      workerName: 'w-fail',
      leaseExpiry: null,
      acquiredAt,
      updatedAt: await lastEventTime(jobId),
      attempts: 1,
    });
    const result = await c.result(queueName, jobId);
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe('REQUEST_FAILED');
    expect(result.body.error.details).toStrictEqual({ jobId, error });

    await lifecycleSettled(h, jobId, 2);
    const got = lifecycleOf(rx, jobId);
    expect(got.map((r) => r.body.eventType)).toEqual(['acquired', 'failed']);
    expect(got[1].body).toStrictEqual({
      eventType: 'failed',
      queueName,
      jobId,
      workerName: 'w-fail',
      leaseExpiry: null,
      acquiredAt,
      updatedAt: await c.eventTime(jobId, 'task.failed'),
      webhookUrl,
      error,
    });
    // A failed request cannot be cancelled.
    const cancel = await c.cancel(queueName, jobId);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('ALREADY_COMPLETED');
    expect(cancel.body.error.details).toStrictEqual({ jobId, status: 'failed' });
  });

  it('unknown requests, wrong queue names and ids that are not request ids are 404', async () => {
    const { jobId } = await c.submit('real-q', { x: 1 });
    const pipeline = await c.call('POST', '/api/v1/exec/raw', { name: 'real-q', nodes: [{ nodeName: 'a', algorithmName: 'real-q', input: [1] }] });
    expect(pipeline.status).toBe(201);
    const cases: Array<[string, string | number]> = [
      ['real-q', jobId + 1000],
      ['other-q', jobId],
      ['real-q', 'abc'],
      ['real-q', '0x1'],
      ['real-q', encodeURIComponent(pipeline.body.jobId)], // a pipeline job is not a queue request
    ];
    for (const [queueName, id] of cases) {
      for (const res of [await c.status(queueName, id), await c.result(queueName, id), await c.cancel(queueName, id)]) {
        expect({ queueName, id, status: res.status, code: res.body?.error?.code }).toEqual({ queueName, id, status: 404, code: 'REQUEST_NOT_FOUND' });
      }
    }
    // Nothing was cancelled on the way.
    expect((await c.status('real-q', jobId)).body.status).toBe('queued');
  });

  it('cancel while queued: 202, status cancelled, a cancelled webhook, and no worker gets it', async () => {
    const queueName = 'cancel-queued';
    const webhookUrl = `${rx.url}/cancel-queued`;
    const { jobId, cancelUrl } = await c.submit(queueName, { long: 'job' }, { headers: { 'X-Webhook-Url': webhookUrl } });

    const res = await fetch(cancelUrl, { method: 'PUT' });
    expect(res.status).toBe(202);
    expect(await res.json()).toStrictEqual({ jobId, queueName, status: 'cancelled' });

    const status = await c.status(queueName, jobId);
    expect(status.body).toStrictEqual({
      jobId,
      queueName,
      status: 'cancelled',
      workerName: null,
      leaseExpiry: null,
      acquiredAt: null,
      updatedAt: await lastEventTime(jobId),
      attempts: 0,
    });
    const result = await c.result(queueName, jobId);
    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('REQUEST_CANCELLED');
    expect(result.body.error.details).toStrictEqual({ jobId, reason: 'cancelled' });

    expect(await c.acquire('w-cancel', [queueName], { max: 10 })).toEqual([]);

    const [msg] = await lifecycleSettled(h, jobId, 1);
    expect([msg.eventType, msg.status]).toEqual(['job.stopped', 'delivered']);
    const got = lifecycleOf(rx, jobId);
    expect(got.map((r) => r.body)).toStrictEqual([
      {
        eventType: 'cancelled',
        queueName,
        jobId,
        workerName: null,
        leaseExpiry: null,
        acquiredAt: null,
        updatedAt: await c.eventTime(jobId, 'job.stopped'),
        webhookUrl,
      },
    ]);

    // Cancelling again: it is finished.
    const again = await c.cancel(queueName, jobId);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_COMPLETED');
    expect(again.body.error.details).toStrictEqual({ jobId, status: 'cancelled' });
  });

  it('cancel while acquired: 202, the worker’s complete is 409, receiver gets acquired then cancelled', async () => {
    const queueName = 'cancel-acquired';
    const webhookUrl = `${rx.url}/cancel-acquired`;
    const { jobId } = await c.submit(queueName, { p: 1 }, { query: { fal_webhook: webhookUrl } });
    const [task] = await c.acquire('w-cancel-2', [queueName], { leaseSeconds: 60 });
    const acquiredAt = await c.eventTime(jobId, 'task.acquired');

    const cancel = await c.cancel(queueName, jobId);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toStrictEqual({ jobId, queueName, status: 'cancelled' });

    const complete = await c.complete(task.taskId, 'w-cancel-2', { too: 'late' });
    expect(complete.status).toBe(409);
    expect(complete.body.error.code).toBe('TASK_NOT_ACTIVE');
    const heartbeat = await c.call('POST', `/api/v1/tasks/${task.taskId}/heartbeat`, { workerName: 'w-cancel-2' });
    expect(heartbeat.status).toBe(409);

    const status = await c.status(queueName, jobId);
    expect(status.body).toStrictEqual({
      jobId,
      queueName,
      status: 'cancelled',
      workerName: 'w-cancel-2',
      leaseExpiry: null,
      acquiredAt,
      updatedAt: await lastEventTime(jobId),
      attempts: 1,
    });
    expect((await c.result(queueName, jobId)).status).toBe(409);

    await lifecycleSettled(h, jobId, 2);
    const got = lifecycleOf(rx, jobId);
    expect(got.map((r) => r.body.eventType)).toEqual(['acquired', 'cancelled']);
    expect(got[1].body).toStrictEqual({
      eventType: 'cancelled',
      queueName,
      jobId,
      workerName: 'w-cancel-2',
      leaseExpiry: null,
      acquiredAt,
      updatedAt: await c.eventTime(jobId, 'job.stopped'),
      webhookUrl,
    });
  });

  it('cancel once completed is 409 ALREADY_COMPLETED and changes nothing', async () => {
    const queueName = 'cancel-done';
    const { jobId } = await c.submit(queueName, { p: 2 }, { query: { webhook: `${rx.url}/cancel-done` } });
    const [task] = await c.acquire('w-done', [queueName]);
    expect((await c.complete(task.taskId, 'w-done', { ok: 1 })).status).toBe(200);
    await receivedTypes(rx, jobId, ['acquired', 'completed']);
    const eventsBefore = (await c.events(jobId)).length;

    const cancel = await c.cancel(queueName, jobId);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toStrictEqual({
      code: 'ALREADY_COMPLETED',
      message: `request ${jobId} is already completed`,
      details: { jobId, status: 'completed' },
    });
    expect((await c.events(jobId)).length).toBe(eventsBefore);
    expect((await c.status(queueName, jobId)).body.status).toBe('completed');
    expect((await c.result(queueName, jobId)).body).toStrictEqual({ ok: 1 });
    const messages = await lifecycleSettled(h, jobId, 2);
    expect(messages.map((m) => m.eventType)).toEqual(['task.acquired', 'task.succeeded']);
  });
});
