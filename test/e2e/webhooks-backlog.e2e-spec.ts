import { DeliveryWorker } from '../../src/webhooks/delivery.worker';
import { client, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { fastWebhooks } from '../support/webhooks';

/**
 * A backlog of queued deliveries (the workers were paused): the fetch loops together never take
 * more than HERALD_WEBHOOK_MAX_IN_FLIGHT at once, so none is pushed back by the endpoint limit,
 * and the backlog drains without a stall.
 */
describe('draining a backlog', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;
  let open = 0;
  let peak = 0;

  beforeAll(async () => {
    rx = await new Receiver(() => {
      open++;
      peak = Math.max(peak, open);
      setTimeout(() => open--, 20);
      return { status: 200, delayMs: 20 };
    }).start();
    // 16 in flight per instance; 2 per endpoint with 16 waiting behind them. Two fetch loops that
    // each took 16 (a race fixed since) overflowed the endpoint and pushed 14 back by a second.
    h = await startHerald(fastWebhooks({ maxInFlight: 16, perEndpoint: 2, pollMs: 60_000 }));
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  it('takes at most maxInFlight deliveries at once and defers none of them', async () => {
    const delivery = h.app.get(DeliveryWorker);
    delivery.pause();
    const jobIds: string[] = [];
    for (let i = 0; i < 60; i++) {
      jobIds.push(await c.submit({ name: 'backlog', nodes: [{ nodeName: 'n', algorithmName: 'backlog-alg', input: [i] }], webhooks: { progress: `${rx.url}/p/${i}` } }));
    }
    // Fanned out (after each submit's commit) into 60 queued deliveries.
    await eventually(async () => {
      const [{ n }] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'herald_deliver' AND state = 'created'`);
      return n === 60;
    });
    delivery.resume();
    await eventually(async () => rx.requests.length >= 60, 20_000, 10);
    expect(peak).toBeLessThanOrEqual(2); // the endpoint's limit held...
    expect(new Set(rx.requests.map((r) => r.path)).size).toBe(60);
    // ...and no message was pushed back for want of room: one queue job each, none re-queued.
    const [{ n: jobs }] = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job j JOIN webhook_messages m ON m.id = (j.data->>'m')::uuid
        WHERE j.name = 'herald_deliver' AND m.job_id = ANY($1)`,
      [jobIds],
    );
    expect(jobs).toBe(60);
  });
});
