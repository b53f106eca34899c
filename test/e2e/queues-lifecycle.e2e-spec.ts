import { Webhook } from 'standardwebhooks';
import { startHerald, type RunningHerald } from '../support/herald';
import {
  lifecycleOf,
  lifecycleSettled,
  queues,
  queueTestConfig,
  receivedTypes,
  type QueueClient,
} from '../support/queues';
import { Receiver } from '../support/receiver';
import { newSecret } from '../support/webhooks';

/**
 * Seed 001, end to end: a request POSTed to a named queue, a worker that acquires it with
 * `queues: [name]` and completes it, and the lifecycle webhooks a real receiver gets.
 */

// The seed's worker name and result (a `video` object), verbatim.
const SEED_WORKER = 'k8s_pipelet-v2-batch-premium-worker-559f48bc58-lz862_203.168.252.2_251227090447_ojfl';
const SEED_URL =
  'https://prod-batch-files.ae2b0858dbcfcff39cc58bac85b7c66d.r2.cloudflarestorage.com/outputs/free/437852_0_WanVideo2_2_I2V_00150.mp4?X-Amz-Expires=7200&X-Amz-Date=20251227T203935Z&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=0c9db542c165ecde3eae49725be07d03%2F20251227%2Fauto%2Fs3%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=94e8e3d507137daa9e1dc4fac8319e7c58d3a5db635faac00f35dd0dba7ebb71';
const SEED_RESULT = { video: { data_uri: SEED_URL, data_url: SEED_URL } };

describe('named queues: submit, acquire, complete and lifecycle webhooks', () => {
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

  /** The four ways of seed 001 and this issue to give the webhook URL. */
  const WAYS: Array<{ way: string; give: (url: string) => { query?: Record<string, string>; headers?: Record<string, string> } }> = [
    { way: 'query webhook', give: (url) => ({ query: { webhook: url } }) },
    { way: 'query fal_webhook', give: (url) => ({ query: { fal_webhook: url } }) },
    { way: 'header X-Webhook-Url', give: (url) => ({ headers: { 'X-Webhook-Url': url } }) },
    { way: 'header x-pipelet-webhook', give: (url) => ({ headers: { 'x-pipelet-webhook': url } }) },
  ];

  it.each(WAYS)('$way: 202, the worker gets the body as input, the receiver gets acquired then completed', async ({ way, give }) => {
    const queueName = `t2v-${way.replace(/[^a-z]+/gi, '-').toLowerCase()}`;
    // A URL with its own query string: it must come back unchanged as webhookUrl.
    const webhookUrl = `${rx.url}/hooks/${queueName}?token=a%2Fb&way=${encodeURIComponent(way)}`;
    const input = { prompt: 'A photo of an astronaut riding a horse.', seed: 42, steps: [1, 2.5, null], nested: { ok: true, text: 'é ✓' } };

    const res = await c.submitRaw(queueName, input, give(webhookUrl));
    expect(res.status).toBe(202);
    const jobId = res.body.jobId;
    expect(Number.isSafeInteger(jobId) && jobId > 0).toBe(true);
    const base = `${h.baseUrl}/queue/${queueName}/requests/${jobId}`;
    expect(res.body).toEqual({ jobId, queueName, status: 'queued', statusUrl: `${base}/status`, resultUrl: `${base}/result`, cancelUrl: `${base}/cancel` });

    // The URLs answer.
    const viaUrl = await fetch(res.body.statusUrl);
    expect(viaUrl.status).toBe(200);
    expect(((await viaUrl.json()) as { status: string }).status).toBe('queued');

    const tasks = await c.acquire(SEED_WORKER, [queueName], { leaseSeconds: 30 });
    expect(tasks).toHaveLength(1);
    const task = tasks[0];
    expect(task.jobId).toBe(String(jobId));
    expect(task.input).toEqual(input);
    expect(task.attempt).toBe(1);

    const done = await c.complete(task.taskId, SEED_WORKER, SEED_RESULT);
    expect(done.status).toBe(200);

    const messages = await lifecycleSettled(h, jobId, 2);
    expect(messages.map((m) => [m.eventType, m.status])).toEqual([
      ['task.acquired', 'delivered'],
      ['task.succeeded', 'delivered'],
    ]);
    const got = lifecycleOf(rx, jobId);
    expect(got.map((r) => r.path)).toEqual([`/hooks/${queueName}?token=a%2Fb&way=${encodeURIComponent(way)}`, got[0].path]);
    for (const r of got) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.headers['webhook-signature']).toBeUndefined(); // no X-Webhook-Secret: unsigned
    }

    const acquiredAt = await c.eventTime(jobId, 'task.acquired');
    const completedAt = await c.eventTime(jobId, 'task.succeeded');
    expect(Date.parse(task.leaseExpiry)).toBe(acquiredAt + 30_000);
    expect(got[0].body).toStrictEqual({
      eventType: 'acquired',
      queueName,
      jobId,
      workerName: SEED_WORKER,
      leaseExpiry: acquiredAt + 30_000,
      acquiredAt,
      updatedAt: acquiredAt,
      webhookUrl,
    });
    expect(got[1].body).toStrictEqual({
      ...SEED_RESULT,
      eventType: 'completed',
      queueName,
      jobId,
      workerName: SEED_WORKER,
      leaseExpiry: null,
      acquiredAt,
      updatedAt: completedAt,
      webhookUrl,
    });

    // The completed body carries the result exactly as /result returns it.
    const result = await c.result(queueName, jobId);
    expect(result.status).toBe(200);
    expect(result.body).toStrictEqual(SEED_RESULT);
    const { eventType: _e, queueName: _q, jobId: _j, workerName: _w, leaseExpiry: _l, acquiredAt: _a, updatedAt: _u, webhookUrl: _h, ...fields } = got[1].body;
    expect(fields).toStrictEqual(result.body);
  });

  it('completed: lifecycle fields win over result fields of the same name; /result keeps the worker’s values', async () => {
    const queueName = 'clash';
    const webhookUrl = `${rx.url}/clash`;
    const { jobId } = await c.submit(queueName, { go: 1 }, { headers: { 'X-Webhook-Url': webhookUrl } });
    const [task] = await c.acquire('w-clash', [queueName], { leaseSeconds: 60 });
    const workerResult = {
      eventType: 'mine',
      queueName: 'not-this-queue',
      jobId: 'job-from-worker',
      workerName: 'impostor',
      leaseExpiry: 1,
      acquiredAt: 2,
      updatedAt: 3,
      webhookUrl: 'http://example.invalid/',
      video: { data_url: 'https://example.com/v.mp4' },
      score: 0.25,
    };
    expect((await c.complete(task.taskId, 'w-clash', workerResult)).status).toBe(200);

    const got = await receivedTypes(rx, jobId, ['acquired', 'completed']);
    const completed = got.find((r) => r.body.eventType === 'completed')!;
    const acquiredAt = await c.eventTime(jobId, 'task.acquired');
    expect(completed.body).toStrictEqual({
      eventType: 'completed',
      queueName,
      jobId,
      workerName: 'w-clash',
      leaseExpiry: null,
      acquiredAt,
      updatedAt: await c.eventTime(jobId, 'task.succeeded'),
      webhookUrl,
      video: { data_url: 'https://example.com/v.mp4' },
      score: 0.25,
    });
    const result = await c.result(queueName, jobId);
    expect(result.status).toBe(200);
    expect(result.body).toStrictEqual(workerResult);
  });

  it('jobIds are positive integers, unique across queues and increasing; a worker of one queue never gets another’s', async () => {
    const names = ['ids-a', 'ids-b', 'ids-a', 'ids-c', 'ids-b', 'ids-a'];
    const ids: number[] = [];
    for (const [i, name] of names.entries()) ids.push((await c.submit(name, { i })).jobId);
    for (const id of ids) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);

    // A request belongs to its queue only.
    expect((await c.status('ids-b', ids[0])).status).toBe(404);
    expect((await c.status('ids-a', ids[0])).status).toBe(200);

    // A worker of ids-b gets exactly the two ids-b requests, oldest first, with their inputs.
    const b = await c.acquire('w-b', ['ids-b'], { max: 10 });
    expect(b.map((t) => [t.jobId, t.input])).toEqual([
      [String(ids[1]), { i: 1 }],
      [String(ids[4]), { i: 4 }],
    ]);
    // A worker of two queues gets the rest of both, oldest first.
    const ac = await c.acquire('w-ac', ['ids-c', 'ids-a'], { max: 10 });
    expect(ac.map((t) => t.jobId)).toEqual([ids[0], ids[2], ids[3], ids[5]].map(String));
  });

  it('with X-Webhook-Secret the lifecycle deliveries carry Standard Webhooks signatures that verify', async () => {
    const queueName = 'signed';
    const secret = newSecret();
    const webhookUrl = `${rx.url}/signed`;
    const { jobId } = await c.submit(queueName, { p: 'signed' }, { query: { fal_webhook: webhookUrl }, headers: { 'X-Webhook-Secret': secret } });
    const [task] = await c.acquire('w-signed', [queueName]);
    expect((await c.complete(task.taskId, 'w-signed', { answer: 42 })).status).toBe(200);

    await lifecycleSettled(h, jobId, 2);
    const got = lifecycleOf(rx, jobId);
    expect(got.map((r) => r.body.eventType)).toEqual(['acquired', 'completed']);
    const ids = new Set<string>();
    for (const r of got) {
      const headers = r.headers as Record<string, string>;
      expect(headers['webhook-id']).toMatch(/^msg_/);
      expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      ids.add(headers['webhook-id']);
      // The package verifies the raw body with the request's own secret ...
      expect(new Webhook(secret).verify(r.raw, headers)).toEqual(r.body);
      // ... and refuses another secret and a changed body.
      expect(() => new Webhook(newSecret()).verify(r.raw, headers)).toThrow();
      expect(() => new Webhook(secret).verify(r.raw.replace(String(jobId), String(jobId + 1)), headers)).toThrow();
    }
    expect(ids.size).toBe(2);
    expect(got[1].body.answer).toBe(42);
  });

  it('an invalid X-Webhook-Secret is refused with 400', async () => {
    for (const bad of ['whsec_' + Buffer.alloc(8).toString('base64'), 'not-a-secret', 'whsec_!!!!']) {
      const res = await c.submitRaw('bad-secret', { x: 1 }, { headers: { 'X-Webhook-Url': `${rx.url}/bad`, 'X-Webhook-Secret': bad } });
      expect({ bad, status: res.status, code: res.body?.error?.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(await c.acquire('w-bad', ['bad-secret'])).toEqual([]);
  });
});
