import { client, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { completeAll, fastWebhooks, settled } from '../support/webhooks';

/**
 * A slow or dead endpoint never delays deliveries to healthy ones: concurrency is bounded per
 * endpoint (here 2), and one endpoint hanging until the timeout (2 s) holds only its own slots.
 */
describe('endpoint isolation', () => {
  let h: RunningHerald;
  let dead: Receiver;
  let healthy: Receiver;
  let c: HeraldClient;

  beforeAll(async () => {
    dead = await new Receiver(() => ({ status: 200, hang: true })).start();
    healthy = await new Receiver().start();
    h = await startHerald(fastWebhooks({ timeoutMs: 2000, perEndpoint: 2 }));
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await dead.stop();
    await healthy.stop();
    await h.close();
  });

  it('keeps delivering to a healthy endpoint promptly while another one hangs', async () => {
    // Jobs A and A2: their progress endpoint never answers. Each job's progress goes out one at a
    // time, so two jobs fill the endpoint's 2 slots, and their later events queue behind.
    const stuck = () =>
      c.submit({
        name: 'stuck',
        nodes: [{ nodeName: 'n', algorithmName: 'a-alg', input: ['#[1,2,3]'] }],
        webhooks: { progress: `${dead.url}/progress` },
        options: { progressVerbosityLevel: 'debug' },
      });
    const jobA = await stuck();
    const jobA2 = await stuck();
    await completeAll(c, 'a-alg');
    await eventually(async () => dead.requests.length >= 2);
    const hungSince = dead.requests[0].at;

    // Job B, to the healthy endpoint, while A's requests hang.
    const jobB = await c.submit({
      name: 'lively',
      nodes: [{ nodeName: 'n', algorithmName: 'b-alg', input: ['#[1,2,3]'] }],
      webhooks: { progress: `${healthy.url}/progress`, result: `${healthy.url}/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    // Each step waits for the webhook of its latest event (so none is superseded by the next step).
    const arrived = async () => {
      const last = (await c.events(jobB)).at(-1)!;
      await eventually(async () => healthy.requests.some((r) => r.body?.jobId === jobB && r.body.timestamp === last.createdAt), 5000);
    };
    await arrived();
    for (let i = 0; i < 3; i++) {
      const [task] = await c.acquire('wb', ['b-alg'], 1);
      await arrived();
      expect((await c.complete(task.taskId, 'wb', i)).status).toBe(200);
      await arrived();
    }
    await eventually(async () => healthy.requests.some((r) => r.path === '/result'));
    const progressB = await settled(h, jobB, 'exec.progress', (await c.events(jobB)).length);
    const deliveredB = progressB.filter((d) => d.status === 'delivered');
    expect(deliveredB.length).toBeGreaterThanOrEqual(7); // the last event of each of the 7 commits
    expect(progressB.at(-1)!.status).toBe('delivered');

    // Every request B's endpoint got came well within 500 ms of its event.
    const received = healthy.requests.filter((r) => r.body?.jobId === jobB);
    expect(received).toHaveLength(deliveredB.length + 1);
    for (const r of received) {
      expect({ path: r.path, lagMs: r.at - Date.parse(r.body.timestamp) < 500 }).toEqual({ path: r.path, lagMs: true });
    }
    // ...while A's first requests were still hanging (they time out only after 2 s).
    expect(received[0].at).toBeLessThan(hungSince + 2000);
    // The dead endpoint never had more than 2 requests at once: its third came after a timeout.
    const concurrentAtStart = dead.requests.filter((r) => r.at < hungSince + 1900);
    expect(concurrentAtStart.length).toBeLessThanOrEqual(2);
    const timeouts = await eventually(async () => {
      const rows = await h.db.query<{ error_code: string; duration_ms: number }>(`SELECT error_code, duration_ms FROM webhook_attempts WHERE job_id = ANY($1)`, [[jobA, jobA2]]);
      return rows.length >= 2 && rows;
    }, 10_000);
    expect(timeouts.length).toBeLessThanOrEqual(dead.requests.length);
    for (const t of timeouts) {
      expect(t.error_code).toBe('TIMEOUT');
      expect(t.duration_ms).toBeGreaterThanOrEqual(1990);
    }
  });
});
