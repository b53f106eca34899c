import { ApiError, createFalClient, type CompletedQueueStatus, type QueueStatus } from '@fal-ai/client';
import { eventually } from '../support/herald';
import { queues, queueTestConfig } from '../support/queues';
import { Receiver } from '../support/receiver';
import { useHerald } from '../support/use-herald';
import { FINAL_STATUSES, type Delivery } from '../support/webhooks';

/**
 * fal's own client (`@fal-ai/client`), unchanged but for its host: its request middleware sends
 * what it would send to https://queue.fal.run/... to Herald's /fal/queue/... instead, with
 * `Authorization: Key <key>`. A real worker takes the requests over Herald's worker API.
 */
const KEY = 'fal-admin-key-0123456789';

describe('@fal-ai/client against Herald’s fal queue routes', () => {
  const { h } = useHerald({ ...queueTestConfig(), apiKeys: [KEY], streams: { pollMs: 50, keepAliveMs: 15_000 } });
  const rx = new Receiver();
  let fal: ReturnType<typeof createFalClient>;
  let q: ReturnType<typeof queues>;
  const sent: Array<{ method: string; url: string }> = [];

  beforeAll(async () => {
    await rx.start();
    q = queues(h.baseUrl, { authorization: `Bearer ${KEY}` });
    fal = createFalClient({
      credentials: KEY,
      requestMiddleware: async (request) => {
        const url = request.url.replace(/^https:\/\/queue\.fal\.run\//, `${h.baseUrl}/fal/queue/`);
        sent.push({ method: request.method, url });
        return { ...request, url };
      },
    });
  });
  afterAll(() => rx.stop());

  /** Takes the one pending request of `queueName` (waiting for it) and answers it with `reply`. */
  async function serveOne(queueName: string, worker: string, reply: (input: any) => unknown) {
    const [task] = await eventually(async () => {
      const got = await q.acquire(worker, [queueName]);
      return got.length > 0 && got;
    });
    expect((await q.complete(task.taskId, worker, reply(task.input))).status).toBe(200);
    return task;
  }

  it('fal.subscribe: submits to the endpoint’s queue, follows it with logs, returns the worker’s result', async () => {
    const updates: QueueStatus[] = [];
    let enqueued: string | undefined;
    const served = serveOne('fal-ai/flux/dev', 'flux-worker', (input) => ({ images: [{ url: `https://example.com/${input.prompt.length}.png` }], seed: 42 }));
    const out = await fal.subscribe('fal-ai/flux/dev', {
      input: { prompt: 'a lighthouse at dusk' },
      logs: true,
      pollInterval: 20,
      onEnqueue: (id) => (enqueued = id),
      onQueueUpdate: (u) => updates.push(u),
    });
    const task = await served;
    expect(task.input).toEqual({ prompt: 'a lighthouse at dusk' });
    expect(out.data).toEqual({ images: [{ url: 'https://example.com/20.png' }], seed: 42 });
    expect(out.requestId).toBe(enqueued);
    expect(enqueued).toBe(task.jobId);
    // The statuses only move forward and end COMPLETED, with the run's log lines and its time.
    const order = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'];
    const seen = updates.map((u) => order.indexOf(u.status));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const last = updates[updates.length - 1] as CompletedQueueStatus;
    expect(last.status).toBe('COMPLETED');
    expect(last.logs.map((l) => l.message)).toEqual(['request queued', 'acquired by flux-worker (attempt 1)', 'completed']);
    expect(last.metrics?.inference_time).toEqual(expect.any(Number));
    // The client addressed the endpoint to submit and the app alone to follow it, as on fal.
    const paths = sent.filter((s) => s.url.includes(`/${enqueued}`) || s.method === 'POST').map((s) => `${s.method} ${new URL(s.url).pathname}`);
    expect(paths[0]).toBe('POST /fal/queue/fal-ai/flux/dev');
    expect(paths).toContain(`GET /fal/queue/fal-ai/flux/requests/${enqueued}/status`);
    expect(paths[paths.length - 1]).toBe(`GET /fal/queue/fal-ai/flux/requests/${enqueued}`);
  });

  it('queue.submit / status / result: IN_QUEUE with its position, IN_PROGRESS once taken, then the result', async () => {
    const first = await fal.queue.submit('acme/upscale', { input: { n: 1 } });
    const second = await fal.queue.submit('acme/upscale', { input: { n: 2 } });
    expect(first).toEqual({
      status: 'IN_QUEUE',
      request_id: expect.stringMatching(/^\d+$/),
      gateway_request_id: first.request_id,
      queue_position: 0,
      response_url: `${h.baseUrl}/fal/queue/acme/upscale/requests/${first.request_id}`,
      status_url: `${h.baseUrl}/fal/queue/acme/upscale/requests/${first.request_id}/status`,
      cancel_url: `${h.baseUrl}/fal/queue/acme/upscale/requests/${first.request_id}/cancel`,
    });
    expect(second.queue_position).toBe(1);
    expect(await fal.queue.status('acme/upscale', { requestId: second.request_id })).toMatchObject({ status: 'IN_QUEUE', queue_position: 1 });

    const [task] = await q.acquire('up-worker', ['acme/upscale']);
    expect(task.jobId).toBe(first.request_id);
    const running = await fal.queue.status('acme/upscale', { requestId: first.request_id, logs: true });
    expect(running).toMatchObject({ status: 'IN_PROGRESS', logs: [{ message: 'request queued' }, { message: 'acquired by up-worker (attempt 1)', level: 'INFO', source: 'herald' }] });
    expect(await fal.queue.status('acme/upscale', { requestId: second.request_id })).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
    // Not finished: fal's client gets an error it can read.
    const early = await fal.queue.result('acme/upscale', { requestId: first.request_id }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ApiError);
    expect(early).toMatchObject({ status: 400, body: { detail: `request ${first.request_id} is still in progress`, error: { code: 'REQUEST_IN_PROGRESS' } } });

    expect((await q.complete(task.taskId, 'up-worker', { upscaled: 1 })).status).toBe(200);
    expect(await fal.queue.status('acme/upscale', { requestId: first.request_id })).toMatchObject({ status: 'COMPLETED', metrics: { inference_time: expect.any(Number) } });
    expect(await fal.queue.result('acme/upscale', { requestId: first.request_id })).toEqual({ data: { upscaled: 1 }, requestId: first.request_id });
  });

  it('queue.cancel: a queued request is cancelled, never handed out, and a second cancel is ALREADY_COMPLETED', async () => {
    const { request_id: id } = await fal.queue.submit('acme/cancel-me', { input: { n: 1 } });
    await fal.queue.cancel('acme/cancel-me', { requestId: id });
    expect(await q.acquire('cancel-worker', ['acme/cancel-me'])).toEqual([]);
    expect(await fal.queue.status('acme/cancel-me', { requestId: id })).toMatchObject({ status: 'COMPLETED', error: 'request cancelled', error_type: 'request_cancelled' });
    expect(await fal.queue.result('acme/cancel-me', { requestId: id }).catch((e: ApiError<unknown>) => [e.status, (e.body as any).error.code])).toEqual([409, 'REQUEST_CANCELLED']);
    expect(await fal.queue.cancel('acme/cancel-me', { requestId: id }).catch((e: ApiError<unknown>) => [e.status, e.body])).toEqual([
      400,
      { status: 'ALREADY_COMPLETED', error: { code: 'ALREADY_COMPLETED', message: `request ${id} is already cancelled` }, detail: `request ${id} is already cancelled` },
    ]);
    expect(await fal.queue.cancel('acme/cancel-me', { requestId: '999999' }).catch((e: ApiError<unknown>) => [e.status, (e.body as any).status])).toEqual([404, 'NOT_FOUND']);
    // Another app's request is not found under this one.
    expect(await fal.queue.status('acme/other', { requestId: id }).catch((e: ApiError<unknown>) => e.status)).toBe(404);
  });

  it('subscribeToStatus in streaming mode: every change as it happens, ending at COMPLETED', async () => {
    const { request_id: id } = await fal.queue.submit('acme/stream', { input: { n: 1 } });
    const updates: string[] = [];
    let firstSeen!: () => void;
    const opened = new Promise<void>((resolve) => (firstSeen = resolve));
    const done = fal.queue.subscribeToStatus('acme/stream', {
      requestId: id,
      mode: 'streaming',
      logs: true,
      onQueueUpdate: (u) => {
        updates.push(u.status);
        firstSeen();
      },
    });
    await opened;
    const [task] = await q.acquire('stream-worker', ['acme/stream']);
    await eventually(async () => updates.includes('IN_PROGRESS'));
    expect((await q.complete(task.taskId, 'stream-worker', { ok: true })).status).toBe(200);
    const final = await done;
    expect(final).toMatchObject({ status: 'COMPLETED', request_id: id });
    expect(updates).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
  });

  it('webhookUrl: the lifecycle events, then fal’s webhook body, for a success and for a failure', async () => {
    const ok = await fal.queue.submit('acme/hooked', { input: { n: 1 }, webhookUrl: `${rx.url}/fal` });
    await serveOne('acme/hooked', 'hook-worker', () => ({ answer: 42 }));
    const bad = await fal.queue.submit('acme/hooked', { input: { n: 2 }, webhookUrl: `${rx.url}/fal` });
    const [task] = await q.acquire('hook-worker', ['acme/hooked']);
    expect((await q.fail(task.taskId, 'hook-worker', { message: 'out of memory' }, false)).status).toBe(200);
    for (const id of [ok.request_id, bad.request_id]) {
      await eventually(async () => {
        const all: Delivery[] = (await q.call('GET', `/api/v1/deliveries?jobId=${id}`)).body.deliveries;
        return all.length === 3 && all.every((d) => FINAL_STATUSES.includes(d.status)) && all;
      });
    }
    const of = (id: string) => rx.requests.filter((r) => r.body.jobId === Number(id) || r.body.request_id === id).map((r) => r.body);
    expect(of(ok.request_id).map((b) => b.eventType ?? b.status)).toEqual(['acquired', 'completed', 'OK']);
    expect(of(ok.request_id)[2]).toEqual({ request_id: ok.request_id, gateway_request_id: ok.request_id, status: 'OK', payload: { answer: 42 }, error: null });
    expect(of(bad.request_id).map((b) => b.eventType ?? b.status)).toEqual(['acquired', 'failed', 'ERROR']);
    expect(of(bad.request_id)[2]).toEqual({ request_id: bad.request_id, gateway_request_id: bad.request_id, status: 'ERROR', payload: { detail: { message: 'out of memory' } }, error: 'out of memory' });
    // And the client sees the failure as fal's would: COMPLETED, then the error from the result.
    expect(await fal.queue.status('acme/hooked', { requestId: bad.request_id })).toMatchObject({ status: 'COMPLETED', error: 'out of memory', error_type: 'request_failed' });
    expect(await fal.queue.result('acme/hooked', { requestId: bad.request_id }).catch((e: ApiError<unknown>) => [e.status, (e.body as any).detail])).toEqual([422, 'out of memory']);
  });

  it('priority "low" waits behind "normal" requests of the same endpoint', async () => {
    const low = await fal.queue.submit('acme/prio', { input: { n: 'low' }, priority: 'low' });
    const normal = await fal.queue.submit('acme/prio', { input: { n: 'normal' } });
    const got = await q.acquire('prio-worker', ['acme/prio'], { max: 2 });
    expect(got.map((t) => t.jobId)).toEqual([normal.request_id, low.request_id]);
  });
});
