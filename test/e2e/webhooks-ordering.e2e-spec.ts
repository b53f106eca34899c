import { client, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { deliveries, delivery, fastWebhooks, settled } from '../support/webhooks';

/**
 * Ordering: for one subscription and one job, progress webhooks are attempted in event order; an
 * older message still waiting or retrying when a newer one exists is superseded, never delivered
 * after it; the result comes after the last progress.
 */
describe('progress ordering and supersession', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;
  let failing = true;

  beforeAll(async () => {
    rx = await new Receiver((req) => {
      if (req.path === '/order/progress' && failing) return { status: 500, body: 'down' };
      if (req.path === '/slow/progress') return { status: 200, delayMs: 300 };
      return { status: 200 };
    }).start();
    h = await startHerald(fastWebhooks());
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  it('drops older progress messages as superseded while the endpoint fails, and never goes backwards', async () => {
    const alg = 'order-alg';
    const jobId = await c.submit({
      name: 'ordered',
      nodes: [{ nodeName: 'n', algorithmName: alg, input: ['#[1...12]'] }],
      webhooks: { progress: `${rx.url}/order/progress`, result: `${rx.url}/order/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    const step = async (i: number) => {
      const [task] = await c.acquire('w', [alg], 1);
      expect((await c.complete(task.taskId, 'w', i)).status).toBe(200);
    };
    // Phase 1: events while every attempt fails, until some message is being retried.
    for (let i = 0; i < 5; i++) await step(i);
    await eventually(async () => {
      const [row] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_attempts WHERE job_id = $1 AND attempt >= 2`, [jobId]);
      return row.n > 0;
    });
    // Phase 2: newer events while it still fails; phase 3: the endpoint recovers.
    for (let i = 5; i < 8; i++) await step(i);
    failing = false;
    for (let i = 8; i < 12; i++) await step(i);
    const final = await c.status(jobId);
    expect(final.status).toBe('completed');

    const events = await c.events(jobId);
    const progress = await settled(h, jobId, 'exec.progress', events.length);
    await settled(h, jobId, 'exec.result', 1);
    expect(progress).toHaveLength(events.length); // debug: every event has a message

    // What the receiver saw, failures included, is in event order: time and progress never go back.
    const seen = rx.requests.filter((r) => r.path === '/order/progress').map((r) => r.body);
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) {
      expect(Date.parse(seen[i].timestamp)).toBeGreaterThanOrEqual(Date.parse(seen[i - 1].timestamp));
      expect(Number(seen[i].data.progress)).toBeGreaterThanOrEqual(Number(seen[i - 1].data.progress));
    }
    // The attempts on record agree: by time, event positions never decrease.
    const attempts = await h.db.query<{ event_position: number; status_code: number | null; attempted_at: Date }>(
      `SELECT a.event_position, a.status_code, a.attempted_at FROM webhook_attempts a
         JOIN webhook_messages m ON m.id = a.message_id
        WHERE a.job_id = $1 AND m.kind = 'exec.progress' ORDER BY a.attempted_at, a.event_position`,
      [jobId],
    );
    expect(attempts.length).toBe(seen.length);
    const positions = attempts.map((a) => a.event_position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    // Some were dropped as superseded, among them messages that had been retrying; none delivered.
    const superseded = await deliveries(h, { jobId, status: 'superseded' });
    expect(superseded.length).toBeGreaterThan(0);
    expect(superseded.map((d) => d.id)).toEqual(progress.filter((d) => d.status === 'superseded').map((d) => d.id));
    expect(superseded.some((d) => d.attempts >= 1)).toBe(true);
    const byId = new Map(progress.map((d) => [d.id, d]));
    for (const d of superseded) {
      expect(d.deliveredAt).toBeNull();
      expect((await delivery(h, d.id)).attemptLog.every((a) => a.statusCode === 500)).toBe(true);
      // Named: the message that superseded it, a later one of the same subscription and job.
      const by = byId.get(d.supersededBy!);
      expect(by).toBeDefined();
      expect(by!.subscriptionId).toBe(d.subscriptionId);
      expect(by!.eventPosition).toBeGreaterThan(d.eventPosition);
    }
    // Each message ended delivered or superseded (or failed for good), none is left waiting.
    for (const d of progress) expect(['delivered', 'superseded', 'failed']).toContain(d.status);
    // Delivered ones were delivered in event order, the newest last.
    const delivered = progress.filter((d) => d.status === 'delivered');
    expect([...delivered].sort((a, b) => Date.parse(a.deliveredAt!) - Date.parse(b.deliveredAt!) || a.eventPosition - b.eventPosition).map((d) => d.id)).toEqual(
      delivered.map((d) => d.id),
    );
    expect(progress.at(-1)!.status).toBe('delivered');
    expect(attempts.filter((a) => a.status_code === 200)).toHaveLength(delivered.length);
    expect(seen.at(-1)).toEqual(final);

    // The result: once, after the last progress webhook.
    const paths = rx.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/order/result')).toHaveLength(1);
    expect(paths.indexOf('/order/result')).toBeGreaterThan(paths.lastIndexOf('/order/progress'));
    expect(rx.requests.find((r) => r.path === '/order/result')!.body).toEqual(await c.results(jobId));
  });

  it('sends the result only once the last progress webhook was answered, even by a slow endpoint', async () => {
    const alg = 'slow-alg';
    const jobId = await c.submit({
      name: 'slowprogress',
      nodes: [{ nodeName: 'n', algorithmName: alg, input: [1] }],
      webhooks: { progress: `${rx.url}/slow/progress`, result: `${rx.url}/slow/result` },
    });
    const [task] = await c.acquire('w', [alg], 1);
    // Earlier progress webhooks answered first, so only the job-ending event's progress is pending.
    await eventually(async () => {
      const all = await deliveries(h, { jobId });
      return all.length > 0 && all.some((d) => d.eventType === 'job.started') && all.every((d) => d.status === 'delivered' || d.status === 'superseded');
    });
    expect((await c.complete(task.taskId, 'w', 1)).status).toBe(200);
    await settled(h, jobId, 'exec.result', 1);
    const lastProgress = rx.requests.filter((r) => r.path === '/slow/progress').at(-1)!;
    const result = rx.requests.filter((r) => r.path === '/slow/result');
    expect(lastProgress.body).toEqual(await c.status(jobId));
    expect(result.map((r) => r.body)).toEqual([await c.results(jobId)]);
    // The progress of job.completed was answered 300 ms after it arrived; the result came after that.
    expect(result[0].at - lastProgress.at).toBeGreaterThanOrEqual(295);
  });
});
