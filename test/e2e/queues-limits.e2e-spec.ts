import { api, startHerald, type RunningHerald } from '../support/herald';
import { lifecycleOf, queues, queueTestConfig, receivedTypes, storedRows, type QueueClient } from '../support/queues';
import { Receiver } from '../support/receiver';

const MiB = 1024 * 1024;

/** A JSON object body of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const empty = JSON.stringify({ data: '' });
  return JSON.stringify({ data: 'x'.repeat(bytes - empty.length) });
}

/** What a queue request may be: any JSON up to 1 MiB; bad webhooks and bodies are refused and leave no trace. */
describe('named queues: bodies, limits and refused requests', () => {
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

  it('a 2 MiB body is refused with 413 PAYLOAD_TOO_LARGE and nothing is stored', async () => {
    // Something stored first, so the counts are not trivially zero.
    await c.submit('big', { small: true }, { query: { webhook: `${rx.url}/big` } });
    const before = await storedRows(h);
    expect(before.jobs).toBeGreaterThan(0);

    const body = jsonOfSize(2 * MiB);
    expect(Buffer.byteLength(body)).toBe(2 * MiB);
    const res = await c.submitRaw('big', body, { query: { webhook: `${rx.url}/big` } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedRows(h)).toStrictEqual(before);
    // Only the small request is in the queue.
    const tasks = await c.acquire('w-big', ['big'], { max: 10 });
    expect(tasks.map((t) => t.input)).toEqual([{ small: true }]);
    expect((await c.complete(tasks[0].taskId, 'w-big', { ok: true })).status).toBe(200);
  });

  it('1 MiB is the limit: a body of exactly 1 MiB is accepted and given to the worker whole, one byte more is 413', async () => {
    const before = await storedRows(h);
    const over = await c.submitRaw('limit', jsonOfSize(MiB + 1));
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedRows(h)).toStrictEqual(before);

    const exact = jsonOfSize(MiB);
    const ok = await c.submitRaw('limit', exact);
    expect(ok.status).toBe(202);
    const [task] = await c.acquire('w-limit', ['limit']);
    expect(task.jobId).toBe(String(ok.body.jobId));
    expect(task.input).toEqual(JSON.parse(exact));
    expect((await c.complete(task.taskId, 'w-limit', { size: MiB })).status).toBe(200);
  });

  it('an invalid webhook URL is 400 whichever way it is given, and nothing is stored', async () => {
    const before = await storedRows(h);
    const bad = ['ftp://example.com/hook', 'not a url', 'javascript:alert(1)', '/relative/path', 'mailto:a@example.com', `http://${'a'.repeat(2050)}.com/`];
    const ways = [
      (url: string) => ({ query: { webhook: url } }),
      (url: string) => ({ query: { fal_webhook: url } }),
      (url: string) => ({ headers: { 'X-Webhook-Url': url } }),
      (url: string) => ({ headers: { 'x-pipelet-webhook': url } }),
    ];
    for (const url of bad) {
      for (const [i, way] of ways.entries()) {
        const res = await c.submitRaw('hooks', { p: 1 }, way(url));
        expect({ url: url.slice(0, 40), way: i, status: res.status, code: res.body?.error?.code }).toEqual({ url: url.slice(0, 40), way: i, status: 400, code: 'VALIDATION_FAILED' });
        expect(res.body.error.details).toEqual([{ path: 'webhook', message: 'must be an http or https URL' }]);
      }
    }
    expect(await storedRows(h)).toStrictEqual(before);
    expect(await c.acquire('w-hooks', ['hooks'])).toEqual([]);
  });

  it('invalid JSON and an invalid queue name are 400 and nothing is stored', async () => {
    const before = await storedRows(h);
    const broken = await c.submitRaw('json-q', '{"prompt": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    for (const name of ['-leading-dash', '.dot', 'a'.repeat(129), 'sp ace']) {
      const res = await c.submitRaw(name, { p: 1 });
      expect({ name: name.slice(0, 20), status: res.status }).toEqual({ name: name.slice(0, 20), status: 400 });
    }
    expect(await storedRows(h)).toStrictEqual(before);
  });

  it('bodies that are not objects (a string, an array, a number, a boolean, null) are the request’s input as they are', async () => {
    const queueName = 'scalars';
    const inputs: unknown[] = ['A photo of an astronaut riding a horse.', [1, 'two', { three: 3 }], 42.5, true, null, [], {}];
    const ids: number[] = [];
    for (const input of inputs) {
      const res = await c.submitRaw(queueName, JSON.stringify(input));
      expect({ input, status: res.status }).toEqual({ input, status: 202 });
      ids.push(res.body.jobId);
    }
    const tasks = await c.acquire('w-scalars', [queueName], { max: 20 });
    expect(tasks.map((t) => t.jobId)).toEqual(ids.map(String));
    expect(tasks.map((t) => t.input)).toStrictEqual(inputs);
    for (const t of tasks) expect((await c.complete(t.taskId, 'w-scalars', t.input)).status).toBe(200);
    // /result gives each back as the worker reported it.
    for (const [i, jobId] of ids.entries()) expect((await c.result(queueName, jobId)).body).toStrictEqual(inputs[i]);
  });

  it('a request without a webhook has no deliveries; a result that is not an object is given as `result` in the completed webhook', async () => {
    const quiet = await c.submit('quiet', { p: 'no hook' });
    const [t1] = await c.acquire('w-quiet', ['quiet']);
    expect((await c.complete(t1.taskId, 'w-quiet', { r: 1 })).status).toBe(200);
    expect((await c.result('quiet', quiet.jobId)).body).toStrictEqual({ r: 1 });
    const rows = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_messages WHERE job_id = $1', [String(quiet.jobId)]);
    expect(rows[0].n).toBe(0);

    const webhookUrl = `${rx.url}/scalar-result`;
    const { jobId } = await c.submit('scalar-result', JSON.stringify('prompt'), { headers: { 'X-Webhook-Url': webhookUrl } });
    const [t2] = await c.acquire('w-scalar', ['scalar-result']);
    expect((await c.complete(t2.taskId, 'w-scalar', ['frame-1.png', 'frame-2.png'])).status).toBe(200);
    await receivedTypes(rx, jobId, ['acquired', 'completed']);
    const completed = lifecycleOf(rx, jobId).find((r) => r.body.eventType === 'completed')!;
    expect(completed.body).toStrictEqual({
      result: ['frame-1.png', 'frame-2.png'],
      eventType: 'completed',
      queueName: 'scalar-result',
      jobId,
      workerName: 'w-scalar',
      leaseExpiry: null,
      acquiredAt: await c.eventTime(jobId, 'task.acquired'),
      updatedAt: await c.eventTime(jobId, 'task.succeeded'),
      webhookUrl,
    });
  });
});

describe('named queues: bearer auth', () => {
  let h: RunningHerald;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald(queueTestConfig({ apiKeys: ['k1'] }));
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  it('every /queue route and the queue settings need Authorization: Bearer <key>; refused requests store nothing', async () => {
    const authed = queues(h.baseUrl, { authorization: 'Bearer k1' });
    const { jobId } = await authed.submit('auth-q', { p: 1 }, { query: { webhook: `${rx.url}/auth` } });
    const before = await storedRows(h);

    for (const headers of [{}, { authorization: 'Bearer k2' }, { authorization: 'k1' }, { authorization: 'Basic k1' }] as Array<Record<string, string>>) {
      const anon = queues(h.baseUrl, headers);
      const answers = [
        await anon.submitRaw('auth-q', { p: 2 }, { query: { webhook: `${rx.url}/auth` } }),
        await anon.status('auth-q', jobId),
        await anon.result('auth-q', jobId),
        await anon.cancel('auth-q', jobId),
        await anon.settings('auth-q'),
        await anon.putSettings('auth-q', { retryLimit: 0 }),
        await api(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'w', queues: ['auth-q'] }, headers),
      ];
      expect(answers.map((a) => [a.status, a.body?.error?.code])).toEqual(answers.map(() => [401, 'UNAUTHORIZED']));
    }
    // The key is checked before the body is read: too large or broken bodies without a key are 401.
    const anon = queues(h.baseUrl);
    expect((await anon.submitRaw('auth-q', jsonOfSize(2 * MiB))).status).toBe(401);
    expect((await anon.submitRaw('auth-q', '{"broken": ')).status).toBe(401);
    expect((await authed.submitRaw('auth-q', jsonOfSize(2 * MiB))).status).toBe(413);
    expect(await storedRows(h)).toStrictEqual(before);

    // With the key, everything works, and the request was never cancelled nor taken.
    expect((await authed.status('auth-q', jobId)).body).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await authed.settings('auth-q')).body.retryLimit).toBe(3);
    const [task] = await authed.acquire('w-auth', ['auth-q']);
    expect(task.jobId).toBe(String(jobId));
    expect((await authed.complete(task.taskId, 'w-auth', { ok: true })).status).toBe(200);
    expect((await authed.result('auth-q', jobId)).body).toStrictEqual({ ok: true });
    // The health route stays open.
    expect((await api(h.baseUrl, 'GET', '/health')).status).toBe(200);
  });
});
