import { createServer, type Server } from 'node:http';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { queues, type QueueClient } from '../support/queues';
import { Receiver } from '../support/receiver';
import { fastWebhooks } from '../support/webhooks';

/**
 * One endpoint that accepts connections and never answers, with a backlog far larger than the
 * instance's room (16 in flight, 4 per endpoint): a healthy endpoint is still served at once,
 * the dead one never has more than its limit open, its circuit opens (visible on its
 * subscriptions), and when it comes back every one of its messages ends delivered or failed.
 * Before endpoints had queues of their own, the backlog's waiting messages held every slot and
 * the healthy endpoint's webhooks waited behind the dead one's timeouts.
 */
describe('a dead endpoint with a backlog', () => {
  let h: RunningHerald;
  let c: QueueClient;
  let healthy: Receiver;
  let dead: Server;
  let deadUrl = '';
  let answering = false;
  let open = 0;
  let peakOpen = 0;
  const BACKLOG = 300;

  beforeAll(async () => {
    dead = createServer((req, res) => {
      open++;
      peakOpen = Math.max(peakOpen, open);
      res.on('close', () => open--);
      req.resume();
      if (answering) req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    deadUrl = `http://127.0.0.1:${(dead.address() as { port: number }).port}/hook`;
    healthy = await new Receiver().start();
    h = await startHerald(
      fastWebhooks({ timeoutMs: 1500, maxInFlight: 16, perEndpoint: 4, retrySchedule: [0, 0.5, 1], circuit: { openAfter: 5, openSeconds: 1, openMaxSeconds: 5 } }),
    );
    c = queues(h.baseUrl);
  });
  afterAll(async () => {
    await h.close();
    await healthy.stop();
    dead.closeAllConnections();
    await new Promise<void>((r) => dead.close(() => r()));
  });

  it('keeps serving a healthy endpoint at once, holds the dead one to its limit, and settles its backlog when it comes back', async () => {
    // The backlog: 300 requests whose `acquired` webhooks go to the dead endpoint.
    const stuck: number[] = [];
    for (let i = 0; i < BACKLOG; i++) stuck.push((await c.submit('dead-q', { i }, { query: { webhook: deadUrl }, headers: { 'x-project-id': 'dead-p' } })).jobId);
    let acquired = 0;
    while (acquired < BACKLOG) {
      const got = (await c.acquire('w-dead', ['dead-q'], { max: 100 })).length;
      expect(got).toBeGreaterThan(0);
      acquired += got;
    }
    await eventually(async () => peakOpen >= 4, 15_000);

    // 30 requests to the healthy endpoint, one after another: completed -> webhook received.
    const lags: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { jobId } = await c.submit('live-q', { i }, { query: { webhook: `${healthy.url}/live` } });
      const [task] = await c.acquire('w-live', ['live-q']);
      const t0 = Date.now();
      expect((await c.complete(task.taskId, 'w-live', { i })).status).toBe(200);
      const got = await eventually(async () => healthy.requests.find((r) => r.body?.jobId === jobId && r.body.eventType === 'completed'), 10_000, 2).catch(async (err) => {
        const rows = await h.db.query(`SELECT event_type, status, attempts, next_attempt_at, last_error FROM webhook_messages WHERE job_id = $1`, [String(jobId)]);
        throw new Error(`request ${i}: completed webhook not received (${(err as Error).message}); after ${JSON.stringify(lags)} ms; its messages: ${JSON.stringify(rows)}`);
      });
      lags.push(got.at - t0);
    }
    lags.sort((a, b) => a - b);
    // Loose bounds (the figures are the benchmark's job): a timeout of the dead endpoint is 1.5 s.
    expect({ p50: lags[14] < 300, max: lags[29] < 1000 }).toEqual({ p50: true, max: true });
    expect(peakOpen).toBeLessThanOrEqual(4);

    // Its circuit opened, and its subscriptions say so.
    const subs = await eventually(async () => {
      const res = await api(h.baseUrl, 'GET', '/api/v1/subscriptions?projectId=dead-p&limit=5000');
      const list = res.body.subscriptions as Array<{ health: { state: string } }>;
      return list.length === BACKLOG && list.some((s) => s.health.state === 'open') && list;
    }, 15_000);
    expect(subs.every((s) => ['open', 'degraded'].includes(s.health.state))).toBe(true);

    // It comes back: every backlog message ends delivered or failed, none stuck.
    answering = true;
    const final = await eventually(async () => {
      const [row] = await h.db.query<{ delivered: number; failed: number; other: number }>(
        `SELECT count(*) FILTER (WHERE m.status = 'delivered')::int AS delivered, count(*) FILTER (WHERE m.status = 'failed')::int AS failed,
                count(*) FILTER (WHERE m.status NOT IN ('delivered', 'failed'))::int AS other
           FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id WHERE s.url = $1`,
        [deadUrl],
      );
      return row.other === 0 && row;
    }, 40_000, 200);
    expect(final.delivered + final.failed).toBe(BACKLOG);
    expect(final.delivered).toBeGreaterThan(0);
    // Every attempt on record, probes marked.
    const [{ probes }] = await h.db.query<{ probes: number }>(`SELECT count(*)::int AS probes FROM webhook_attempts WHERE url = $1 AND endpoint_state = 'probe'`, [deadUrl]);
    expect(probes).toBeGreaterThan(0);
    expect(peakOpen).toBeLessThanOrEqual(4);
  });
});
