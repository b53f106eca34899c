import { loadConfig } from '../../src/config/config';
import { DeliveryWorker } from '../../src/webhooks/delivery.worker';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { LIFECYCLE_ORDER, lifecycleOf, lifecycleSettled, queues, queueTestConfig, type QueueClient } from '../support/queues';
import { Receiver } from '../support/receiver';

/**
 * "An acquired is never delivered after the completed of the same job": lifecycle webhooks are
 * ordered per (webhook, request), also when the receiver fails or is slow and the worker
 * completes right after acquiring.
 */
const rank = (t: string) => LIFECYCLE_ORDER.indexOf(t);

/** The event types a receiver got for a job must never go back in lifecycle order. */
function expectLifecycleOrder(types: string[]): void {
  for (let i = 1; i < types.length; i++) {
    expect({ types, at: i, ordered: rank(types[i]) >= rank(types[i - 1]) }).toEqual({ types, at: i, ordered: true });
  }
}

describe('named queues: lifecycle ordering under a failing or slow receiver', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: QueueClient;
  /** Per job: how many `acquired` attempts arrived (the first of each fails with 500). */
  const acquiredAttempts = new Map<number, number>();

  beforeAll(async () => {
    rx = await new Receiver((r) => {
      if (r.path === '/failing' && r.body?.eventType === 'acquired') {
        const n = (acquiredAttempts.get(r.body.jobId) ?? 0) + 1;
        acquiredAttempts.set(r.body.jobId, n);
        if (n === 1) return { status: 500, body: 'not ready' };
      }
      if (r.path === '/slow' && r.body?.eventType === 'acquired') return { status: 200, body: 'ok', delayMs: 800 };
      return { status: 200, body: 'ok' };
    }).start();
    // A failed attempt is retried 2 s (+-20%) later: long after the completed could be sent.
    h = await startHerald(queueTestConfig({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 2] } }));
    c = queues(h.baseUrl);
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  it('an acquired whose first attempt failed is never delivered after the completed of the same job', async () => {
    const queueName = 'order-failing';
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await c.submit(queueName, { i }, { query: { webhook: `${rx.url}/failing` } })).jobId);
    // The worker completes each request right after acquiring it.
    const tasks = await c.acquire('w-order', [queueName], { max: 10 });
    expect(tasks.map((t) => t.jobId)).toEqual(ids.map(String));
    for (const t of tasks) expect((await c.complete(t.taskId, 'w-order', { n: Number(t.jobId) })).status).toBe(200);

    for (const jobId of ids) {
      const messages = await lifecycleSettled(h, jobId, 2);
      expect(messages.map((m) => m.eventType)).toEqual(['task.acquired', 'task.succeeded']);
      const [acquired, completed] = messages;
      expect(completed.status).toBe('delivered');
      // Its retry was superseded by the completed (or, on a very slow run, went through before it).
      expect(['delivered', 'superseded']).toContain(acquired.status);

      const types = lifecycleOf(rx, jobId).map((r) => r.body.eventType);
      expect(types[0]).toBe('acquired'); // the failed first attempt
      expect(types.filter((t) => t === 'completed')).toEqual(['completed']);
      // Received in lifecycle order: nothing after `completed`.
      expect(types.slice(types.indexOf('completed') + 1)).toEqual([]);
      expectLifecycleOrder(types);
      expect(types.filter((t) => t === 'acquired').length).toBe(acquired.status === 'delivered' ? 2 : 1);
    }
  });

  it('delivers an acquired whose stream a later message already passed (fan-outs that ran out of order) instead of superseding it', async () => {
    const delivery = h.app.get(DeliveryWorker);
    delivery.pause();
    const { jobId } = await c.submit('late-q', { x: 1 }, { query: { webhook: `${rx.url}/late` } });
    await c.acquire('w-late', ['late-q']);
    const [msg] = await eventually(async () => {
      const rows = await h.db.query<{ subscription_id: string; job_id: string; event_position: number }>(
        `SELECT subscription_id, job_id, event_position FROM webhook_messages WHERE job_id = $1 AND event_type = 'task.acquired'`,
        [String(jobId)],
      );
      return rows.length === 1 && rows;
    });
    // As if a later lifecycle message of the same request had gone out first.
    await h.db.query(
      `INSERT INTO webhook_streams (subscription_id, job_id, last_position) VALUES ($1, $2, $3)
       ON CONFLICT (subscription_id, job_id) DO UPDATE SET last_position = excluded.last_position`,
      [msg.subscription_id, msg.job_id, msg.event_position + 1000],
    );
    delivery.resume();
    const [acquired] = await lifecycleSettled(h, jobId, 1);
    expect([acquired.eventType, acquired.status, acquired.attempts]).toEqual(['task.acquired', 'delivered', 1]);
    expect(lifecycleOf(rx, jobId).map((r) => r.body.eventType)).toEqual(['acquired']);
  });

  it('a completed waits until the slow first attempt of the acquired has been answered', async () => {
    const queueName = 'order-slow';
    const { jobId } = await c.submit(queueName, { slow: true }, { headers: { 'x-pipelet-webhook': `${rx.url}/slow` } });
    const [task] = await c.acquire('w-slow', [queueName]);
    expect((await c.complete(task.taskId, 'w-slow', { done: true })).status).toBe(200);

    await lifecycleSettled(h, jobId, 2);
    const got = lifecycleOf(rx, jobId);
    expect(got.map((r) => r.body.eventType)).toEqual(['acquired', 'completed']);
    // The acquired was answered 800 ms after it arrived; the completed was sent after that.
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(790);
  });
});

describe('named queues: lifecycle ordering when a retry races the completed', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: QueueClient;
  const acquiredAttempts = new Map<number, number>();

  beforeAll(async () => {
    // The first attempt of each `acquired` is answered 500 after 300 ms; the completed is made
    // meanwhile, and the retry is due at once: retry and completed are due together.
    rx = await new Receiver((r) => {
      if (r.body?.eventType === 'acquired') {
        const n = (acquiredAttempts.get(r.body.jobId) ?? 0) + 1;
        acquiredAttempts.set(r.body.jobId, n);
        if (n === 1) return { status: 500, body: 'not ready', delayMs: 300 };
      }
      return { status: 200, body: 'ok' };
    }).start();
    h = await startHerald(queueTestConfig({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0, 0] } }));
    c = queues(h.baseUrl);
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  it('every request settles, completed delivered once, and nothing arrives after the completed', async () => {
    const queueName = 'order-race';
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await c.submit(queueName, { i }, { query: { webhook: `${rx.url}/race` } })).jobId);
    const tasks = await c.acquire('w-race', [queueName], { max: 20 });
    expect(tasks.map((t) => t.jobId)).toEqual(ids.map(String));
    for (const t of tasks) expect((await c.complete(t.taskId, 'w-race', { n: Number(t.jobId) })).status).toBe(200);

    for (const jobId of ids) {
      const messages = await lifecycleSettled(h, jobId, 2);
      expect(messages.map((m) => m.eventType)).toEqual(['task.acquired', 'task.succeeded']);
      expect(messages[1].status).toBe('delivered');
      expect(['delivered', 'superseded']).toContain(messages[0].status);
      const types = lifecycleOf(rx, jobId).map((r) => r.body.eventType);
      expect(types.filter((t) => t === 'completed')).toEqual(['completed']);
      expect(types.at(-1)).toBe('completed');
      expectLifecycleOrder(types);
    }
  });
});

