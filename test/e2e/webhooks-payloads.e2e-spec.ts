import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { LEVELS, type Level } from '../../src/event-store/event.types';
import { client, type HeraldClient, type JobEventView } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver, type Received } from '../support/receiver';
import { completeAll, deliveries, fastWebhooks, newSecret, settled, type Delivery } from '../support/webhooks';

/**
 * What is sent: progress bodies equal GET /exec/status as of their event, filtered by the job's
 * progressVerbosityLevel; the result once, equal to GET /exec/results, after the last progress;
 * headers, extra headers and Standard Webhooks signatures.
 */
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const rank = (l: string) => LEVELS.indexOf(l as Level);

describe('progress and result webhook bodies', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald(fastWebhooks({ staleMs: 30_000 }));
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  const at = (path: string) => rx.requests.filter((r) => r.path === path);

  /**
   * Waits until the receiver got the progress webhook of the job's latest event at or above the
   * threshold. When that event is the job's last one, its body must equal GET /exec/status now.
   */
  async function latestProgressArrived(jobId: string, path: string, threshold: Level): Promise<void> {
    const events = await c.events(jobId);
    const last = events.at(-1)!;
    const lastWanted = events.filter((e) => rank(e.level) >= rank(threshold)).at(-1)!;
    if (last.globalPosition === lastWanted.globalPosition) {
      const status = await c.status(jobId);
      await eventually(async () => at(path).some((r) => isDeepStrictEqual(r.body, status)), 10_000);
    } else {
      await eventually(async () => at(path).some((r) => r.body.timestamp === lastWanted.createdAt && r.body.level === lastWanted.level), 10_000);
    }
  }

  /**
   * The fan-out is exact (one progress message per event at or above the threshold, in event
   * order); a healthy endpoint gets every one of them, exactly once, in event order (the test waits
   * for every webhook before it causes the next event).
   */
  async function checkProgressStream(jobId: string, path: string, threshold: Level): Promise<{ events: JobEventView[]; messages: Delivery[]; received: Received[] }> {
    const events = await c.events(jobId);
    const wanted = events.filter((e) => rank(e.level) >= rank(threshold));
    const messages = await settled(h, jobId, 'exec.progress', wanted.length);
    expect(messages.map((m) => [m.eventPosition, m.eventType])).toEqual(wanted.map((e) => [e.globalPosition, e.type]));

    const byPosition = new Map(events.map((e) => [e.globalPosition, e]));
    // A healthy endpoint gets every wanted event, even several of one commit: nothing is superseded.
    expect(messages.map((m) => [m.eventType, m.status])).toEqual(wanted.map((e) => [e.type, 'delivered']));
    const delivered = messages.filter((m) => m.status === 'delivered');
    const received = at(path);
    // Exactly the delivered messages, each once, in event order, with the level of its event;
    // except an expansion before any worker started the job: the status of a freshly submitted
    // job reads level info (HKube's), though the event is a debug one (sent to debug subscribers).
    const started = events.find((e) => e.type === 'job.started')?.globalPosition ?? Infinity;
    const bodyLevel = (e: JobEventView) => (e.type === 'node.expanded' && e.globalPosition < started ? 'info' : e.level);
    expect(received.map((r) => r.body)).toEqual(delivered.map((m) => m.payload));
    expect(received.map((r) => r.body.level)).toEqual(delivered.map((m) => bodyLevel(byPosition.get(m.eventPosition)!)));
    for (const r of received) expect(rank(r.body.level)).toBeGreaterThanOrEqual(rank(threshold));
    // Each progress body is the status as of its event: its timestamp is the event's time.
    expect(received.map((r) => r.body.timestamp)).toEqual(delivered.map((m) => byPosition.get(m.eventPosition)!.createdAt));
    expect(received.length + messages.filter((m) => m.status === 'superseded').length).toBe(wanted.length);
    return { events, messages, received };
  }

  /** The result arrives once, equals GET /exec/results, and after the job's last progress webhook. */
  async function checkResult(jobId: string, progressPath: string, resultPath: string, endEvent = 'job.completed'): Promise<void> {
    const [result] = await settled(h, jobId, 'exec.result', 1);
    expect(result.status).toBe('delivered');
    expect(result.attempts).toBe(1);
    expect(result.eventType).toBe(endEvent);
    expect(at(resultPath).map((r) => r.body)).toEqual([await c.results(jobId)]);
    const resultIndex = rx.requests.findIndex((r) => r.path === resultPath);
    const lastProgressIndex = rx.requests.map((r) => r.path).lastIndexOf(progressPath);
    expect(lastProgressIndex).toBeGreaterThanOrEqual(0);
    expect(resultIndex).toBeGreaterThan(lastProgressIndex);
    expect(at(progressPath).at(-1)!.body).toEqual(await c.status(jobId));
    expect(at(resultPath)[0].at).toBeGreaterThanOrEqual(at(progressPath).at(-1)!.at);
  }

  it('debug level: every event reaches the receiver as GET /exec/status as of that event, task events included', async () => {
    const alg = 'debug-alg';
    const jobId = await c.submit({
      name: 'verbose',
      nodes: [{ nodeName: 'green', algorithmName: alg, input: ['#[1,2,3]'] }],
      webhooks: { progress: `${rx.url}/debug/progress`, result: `${rx.url}/debug/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    await latestProgressArrived(jobId, '/debug/progress', 'debug');
    for (let i = 0; i < 3; i++) {
      const [task] = await c.acquire('w1', [alg], 1);
      await latestProgressArrived(jobId, '/debug/progress', 'debug');
      expect((await c.complete(task.taskId, 'w1', (i + 1) * 10)).status).toBe(200);
      await latestProgressArrived(jobId, '/debug/progress', 'debug');
    }
    expect((await c.status(jobId)).status).toBe('completed');

    const { messages, received } = await checkProgressStream(jobId, '/debug/progress', 'debug');
    // Debug events are sent: each acquisition has its own webhook (each was awaited above).
    const delivered = messages.filter((m) => m.status === 'delivered');
    expect(delivered.filter((m) => m.eventType === 'task.acquired')).toHaveLength(3);
    expect(received.filter((r) => r.body.level === 'debug').length).toBeGreaterThanOrEqual(5);
    expect(received.at(-1)!.body).toEqual(await c.status(jobId));
    await checkResult(jobId, '/debug/progress', '/debug/result');
  });

  it('info level (default): only info and above are sent (warn task.retried included), every one of them', async () => {
    const alg = 'info-alg';
    const jobId = await c.submit({
      name: 'quiet',
      nodes: [{ nodeName: 'green', algorithmName: alg, input: ['#[1,2]'] }],
      webhooks: { progress: `${rx.url}/info/progress`, result: `${rx.url}/info/result` },
    });
    await latestProgressArrived(jobId, '/info/progress', 'info');
    const tasks = await c.acquire('w2', [alg], 2);
    expect(tasks).toHaveLength(2);
    expect((await c.fail(tasks[0].taskId, 'w2', { message: 'flaky' }, true)).status).toBe(200);
    await latestProgressArrived(jobId, '/info/progress', 'info');
    expect(at('/info/progress').at(-1)!.body.level).toBe('warn');
    expect((await c.complete(tasks[1].taskId, 'w2', 2)).status).toBe(200);
    await completeAll(c, alg, 1);
    await latestProgressArrived(jobId, '/info/progress', 'info');
    expect((await c.status(jobId)).status).toBe('completed');

    const { events, messages, received } = await checkProgressStream(jobId, '/info/progress', 'info');
    // No two info+ events share a commit here, so every one of them was delivered.
    expect(messages.map((m) => m.status)).toEqual(messages.map(() => 'delivered'));
    expect(received).toHaveLength(events.filter((e) => rank(e.level) >= rank('info')).length);
    expect(events.filter((e) => e.level === 'debug').length).toBeGreaterThanOrEqual(5); // there were debug events...
    expect(received.filter((r) => r.body.level === 'debug')).toEqual([]); // ...and none was sent
    const levels = received.map((r) => r.body.level);
    expect(levels.filter((l) => l === 'warn')).toHaveLength(1);
    expect(levels.slice(-2)).toEqual(['warn', 'info']);
    await checkResult(jobId, '/info/progress', '/info/result');
  });

  it('a failed job gets its error-level progress and its result, equal to GET /exec/results', async () => {
    const alg = 'fail-alg';
    const jobId = await c.submit({
      name: 'doomed',
      nodes: [{ nodeName: 'red', algorithmName: alg, input: [1], retry: { limit: 0 } }],
      webhooks: { progress: `${rx.url}/failed/progress`, result: `${rx.url}/failed/result` },
      options: { progressVerbosityLevel: 'warn' },
    });
    const [task] = await c.acquire('w3', [alg], 1);
    expect((await c.fail(task.taskId, 'w3', { message: 'boom' }, false)).status).toBe(200);
    const final = await c.status(jobId);
    expect(final.status).toBe('failed');
    await eventually(async () => at('/failed/result').length === 1);
    const { received } = await checkProgressStream(jobId, '/failed/progress', 'warn');
    expect(received.at(-1)!.body).toEqual(final);
    expect(received.every((r) => r.body.level === 'warn' || r.body.level === 'error')).toBe(true);
    await checkResult(jobId, '/failed/progress', '/failed/result', 'job.failed');
    expect(at('/failed/result')[0].body.status).toBe('failed');
  });
});

describe('webhook request headers and signatures', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;
  const secret = newSecret();

  beforeAll(async () => {
    // The first request to /signed/result fails, so the result message is retried once.
    let resultCalls = 0;
    rx = await new Receiver((r) => (r.path === '/signed/result' && resultCalls++ === 0 ? { status: 500, body: 'try again' } : { status: 200 })).start();
    h = await startHerald(fastWebhooks({ staleMs: 30_000 }));
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  it('sends POST, application/json, User-Agent Herald/<version> and the extra headers; signs every delivery', async () => {
    const alg = 'signed-alg';
    const jobId = await c.submit({
      name: 'signed',
      nodes: [{ nodeName: 'n', algorithmName: alg, input: ['#[1,2]'] }],
      webhooks: {
        progress: `${rx.url}/signed/progress`,
        result: `${rx.url}/signed/result`,
        secret,
        headers: { Authorization: 'Bearer s3cr3t-t0ken', 'X-Tenant': 'acme' },
      },
      options: { progressVerbosityLevel: 'debug' },
    });
    await completeAll(c, alg, 7);
    await settled(h, jobId, 'exec.result', 1);
    const all = await settled(h, jobId, undefined, 2);
    const result = all.find((d) => d.kind === 'exec.result')!;
    expect(result.status).toBe('delivered');
    expect(result.attempts).toBe(2);

    const requests = rx.requests.filter((r) => r.path.startsWith('/signed/'));
    const delivered = all.filter((d) => d.status === 'delivered');
    expect(requests).toHaveLength(delivered.length + 1); // + the failed first result attempt
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const r of requests) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe(`Herald/${VERSION}`);
      expect(r.headers.authorization).toBe('Bearer s3cr3t-t0ken');
      expect(r.headers['x-tenant']).toBe('acme');
      expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - nowSeconds)).toBeLessThan(60);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      const verified = new Webhook(secret).verify(r.raw, r.headers as Record<string, string>);
      expect(verified).toEqual(r.body);
      // The signature covers the body and the id: any change fails verification.
      expect(() => new Webhook(secret).verify(r.raw.replace('"jobId"', '"jobID"'), r.headers as Record<string, string>)).toThrow();
      expect(() => new Webhook(secret).verify(r.raw, { ...(r.headers as Record<string, string>), 'webhook-id': 'msg_other' })).toThrow();
      expect(() => new Webhook(newSecret()).verify(r.raw, r.headers as Record<string, string>)).toThrow();
    }

    // webhook-id is the message id: one per message, the same on every retry of it.
    const resultRequests = requests.filter((r) => r.path === '/signed/result');
    expect(resultRequests).toHaveLength(2);
    expect(resultRequests.map((r) => r.headers['webhook-id'])).toEqual([`msg_${result.id}`, `msg_${result.id}`]);
    const progressIds = requests.filter((r) => r.path === '/signed/progress').map((r) => r.headers['webhook-id']);
    expect(new Set(progressIds).size).toBe(progressIds.length);
    expect(progressIds.sort()).toEqual(
      delivered
        .filter((d) => d.kind === 'exec.progress')
        .map((d) => `msg_${d.id}`)
        .sort(),
    );
  });

  it('sends no signature headers without a secret, and no extra headers it was not given', async () => {
    const alg = 'plain-alg';
    const jobId = await c.submit({
      name: 'plain',
      nodes: [{ nodeName: 'n', algorithmName: alg, input: [1] }],
      webhooks: { result: `${rx.url}/plain/result` },
    });
    await completeAll(c, alg);
    await settled(h, jobId, 'exec.result', 1);
    const [r] = rx.requests.filter((x) => x.path === '/plain/result');
    expect(r.body.jobId).toBe(jobId);
    expect(r.headers['user-agent']).toBe(`Herald/${VERSION}`);
    expect(r.headers['content-type']).toBe('application/json');
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'authorization', 'x-tenant']) {
      expect(r.headers[name]).toBeUndefined();
    }
    expect(await deliveries(h, { jobId })).toHaveLength(1);
  });
});
