import { client } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { sleep } from '../support/e2e';
import { Receiver } from '../support/receiver';
import { fastWebhooks, settled } from '../support/webhooks';

/**
 * Three instances on one database, one job whose events are committed on all three at once (its
 * workers report through different instances, and each instance fans out and delivers what it
 * commits): the job's progress webhooks to one healthy endpoint are attempted one at a time, in
 * event order, and none is superseded (webhook_streams' hold, across instances).
 */
describe('ordered streams across three instances', () => {
  const instances: RunningHerald[] = [];
  let rx: Receiver;
  /** The next request to /hold/progress is answered this much later. */
  let holdNextMs = 0;

  beforeAll(async () => {
    // An endpoint that takes a little while; on /flaky it fails the first attempt of every message
    // (a retry of an older message then runs while newer ones are committed elsewhere).
    const seenIds = new Set<string>();
    rx = await new Receiver((req) => {
      if (req.path === '/hold/progress') {
        const delayMs = holdNextMs;
        holdNextMs = 0;
        return { status: 200, delayMs };
      }
      if (req.path !== '/flaky/progress') return { status: 200, delayMs: 15 };
      // A message's attempts carry the same body (the seed's progress webhooks have no webhook-id without a secret).
      const id = String(req.raw);
      // A retry is answered slowly: newer messages are committed (elsewhere) while it is in flight.
      if (seenIds.has(id)) return { status: 200, delayMs: 400 };
      seenIds.add(id);
      return { status: 500, delayMs: 5 };
    }).start();
    // Retries 20 ms after a failure: a retry is in flight when the next event's message comes.
    const config = fastWebhooks({ heartbeatMs: 50, takeoverMs: 5000, staleMs: 60_000, retrySchedule: [0, 0.02, 0.05, 0.1, 0.2] });
    instances.push(await startHerald(config));
    const shared = { url: instances[0].databaseUrl, drop: async () => undefined };
    instances.push(await startHerald(config, shared), await startHerald(config, shared));
  });
  afterAll(async () => {
    for (const h of instances.slice(1)) await h.stop();
    await instances[0]?.close();
    await rx.stop();
  });

  /** A job of `tasks` tasks, its events committed on all three instances at once (one worker per instance). */
  async function runAcrossInstances(name: string, path: string, tasks: number): Promise<string> {
    const clients = instances.map((h) => client(h.baseUrl));
    const jobId = await clients[0].submit({
      name,
      nodes: [{ nodeName: 'n', algorithmName: `${name}-alg`, input: [`#[1...${tasks}]`] }],
      webhooks: { progress: `${rx.url}/${path}/progress`, result: `${rx.url}/${path}/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    await Promise.all(
      clients.map(async (c, i) => {
        for (;;) {
          const got = await c.acquire(`${name}-${i}`, [`${name}-alg`], 1);
          if (got.length === 0) return;
          expect((await c.complete(got[0].taskId, `${name}-${i}`, i)).status).toBe(200);
        }
      }),
    );
    await eventually(async () => (await clients[0].status(jobId)).status === 'completed', 20_000);
    return jobId;
  }

  /** The job's progress attempts by time. */
  async function progressAttempts(jobId: string) {
    return instances[0].db.query<{ event_position: string; attempted_at: Date; duration_ms: number; status_code: number | null }>(
      `SELECT a.event_position, a.attempted_at, a.duration_ms, a.status_code FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
        WHERE a.job_id = $1 AND m.kind = 'exec.progress' ORDER BY a.attempted_at, a.event_position`,
      [jobId],
    );
  }

  it('never runs two attempts of one stream at once, across instances, when a retry of an older message meets a newer one', async () => {
    const clients = instances.map((h) => client(h.baseUrl));
    const jobId = await clients[0].submit({
      name: 'flaky',
      nodes: [{ nodeName: 'n', algorithmName: 'flaky-alg', input: ['#[1...8]'] }],
      webhooks: { progress: `${rx.url}/flaky/progress`, result: `${rx.url}/flaky/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    // One event every 200 ms, each committed (and fanned out) on the next instance: the retry of
    // the previous event's message (20 ms after its 500, answered in 400 ms) is still in flight.
    for (let i = 0; i < 8; i++) {
      const [task] = await clients[(2 * i) % 3].acquire(`flaky-${i}`, ['flaky-alg'], 1, 60);
      await sleep(200);
      expect((await clients[(2 * i + 1) % 3].complete(task.taskId, `flaky-${i}`, i)).status).toBe(200);
      await sleep(200);
    }
    await eventually(async () => (await clients[0].status(jobId)).status === 'completed', 20_000);
    const events = await clients[0].events(jobId);
    await settled(instances[0], jobId, 'exec.progress', events.length, 30_000);
    const attempts = await progressAttempts(jobId);
    // Retries happened (the case under test), and attempts of the stream never overlapped.
    expect(attempts.filter((r) => r.status_code === 200).length).toBeGreaterThan(5);
    const overlaps = attempts.slice(1).filter((r, i) => r.attempted_at.getTime() < attempts[i].attempted_at.getTime() + attempts[i].duration_ms - 1);
    expect(overlaps).toEqual([]);
    const positions = attempts.map((r) => Number(r.event_position));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    // What the endpoint accepted arrived in event order.
    const accepted = rx.requests.filter((r, i, all) => r.path === '/flaky/progress' && all.findIndex((o) => o.raw === r.raw) !== i);
    const progressSeen = accepted.map((r) => Date.parse(r.body.timestamp));
    expect(progressSeen).toEqual([...progressSeen].sort((x, y) => x - y));
  });

  it('attempts a job progress stream one at a time and in event order, none superseded, while three instances commit its events', async () => {
    const [a] = instances;
    const jobId = await runAcrossInstances('three-instances', 'tri', 45);
    const events = await client(a.baseUrl).events(jobId);
    const progress = await settled(a, jobId, 'exec.progress', events.length, 30_000);
    await settled(a, jobId, 'exec.result', 1, 30_000);

    // Every event's progress webhook delivered, none superseded on this healthy endpoint.
    expect(progress.map((d) => d.status).filter((s) => s !== 'delivered')).toEqual([]);
    expect(progress).toHaveLength(events.length);
    // The attempts by time: event positions only go up, and each began after the previous one ended.
    const attempts = await progressAttempts(jobId);
    expect(attempts).toHaveLength(events.length);
    const positions = attempts.map((r) => Number(r.event_position));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    const overlaps = attempts.slice(1).filter((r, i) => r.attempted_at.getTime() < attempts[i].attempted_at.getTime() + attempts[i].duration_ms - 1);
    expect(overlaps).toEqual([]);
    // What the receiver got, in arrival order, is in event order too.
    const seen = rx.requests.filter((r) => r.path === '/tri/progress').map((r) => Number(r.body.data.progress));
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(rx.requests.filter((r) => r.path === '/tri/result')).toHaveLength(1);
  });

  it('wakes a message waiting behind another instance\'s attempt of its stream when that attempt is recorded (NOTIFY), instead of polling', async () => {
    const [a, b, c] = instances.map((h) => client(h.baseUrl));
    const jobId = await a.submit({
      name: 'hold',
      nodes: [{ nodeName: 'n', algorithmName: 'hold-alg', input: ['#[1...2]'] }],
      webhooks: { progress: `${rx.url}/hold/progress`, result: `${rx.url}/hold/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    const tasks = await b.acquire('hold-w', ['hold-alg'], 2, 60);
    expect(tasks).toHaveLength(2);
    await settled(instances[0], jobId, 'exec.progress', (await a.events(jobId)).length, 15_000);
    // The first completion's progress webhook (attempted by instance B, which committed it) is
    // answered 700 ms later (within the 1 s timeout of these instances).
    holdNextMs = 700;
    const before = rx.requests.length;
    expect((await b.complete(tasks[0].taskId, 'hold-w', 1)).status).toBe(200);
    await eventually(async () => rx.requests.slice(before).some((r) => r.path === '/hold/progress'), 10_000);
    // The second completion is committed and fanned out on C while B's attempt is in flight: its messages wait for B's hold.
    const waitFrom = new Date();
    expect((await c.complete(tasks[1].taskId, 'hold-w', 2)).status).toBe(200);
    const events = await a.events(jobId);
    await settled(instances[0], jobId, 'exec.progress', events.length, 20_000);
    await settled(instances[0], jobId, 'exec.result', 1, 20_000);
    // Every progress webhook arrived, in event order.
    const seen = rx.requests.filter((r) => r.path === '/hold/progress').map((r) => Number(r.body.data.progress));
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    // The messages that waited behind B's attempt went back to the queue at most once or twice
    // each (each trip is a delivery job); polling every 20 ms they took ~30 trips in 700 ms.
    const trips = await instances[0].db.query<{ id: string; trips: number; first_attempt: Date }>(
      `SELECT m.id, (SELECT count(*)::int FROM pgboss.job j WHERE j.name = 'herald_deliver' AND j.data->>'m' = m.id::text)
                  + (SELECT count(*)::int FROM pgboss.archive j WHERE j.name = 'herald_deliver' AND j.data->>'m' = m.id::text) AS trips,
              (SELECT min(attempted_at) FROM webhook_attempts a WHERE a.message_id = m.id) AS first_attempt
         FROM webhook_messages m WHERE m.job_id = $1 AND m.kind = 'exec.progress' AND m.created_at >= $2 ORDER BY m.event_position`,
      [jobId, waitFrom],
    );
    expect(trips.length).toBeGreaterThan(0);
    expect(trips.filter((t) => t.trips > 2)).toEqual([]);
    // And the first of them went out as soon as B's attempt was on record (the hold's end), not a poll later.
    const held = (await progressAttempts(jobId)).find((r) => r.duration_ms >= 650 && r.status_code === 200)!;
    const gapMs = trips[0].first_attempt.getTime() - (held.attempted_at.getTime() + held.duration_ms);
    console.log(`behind another instance's hold: first waiting message attempted ${gapMs} ms after the held attempt ended; queue trips per message ${trips.map((t) => t.trips).join(', ')}`);
    expect(gapMs).toBeLessThan(500);
  });
});

/**
 * Fan-out order per job across instances: an API-only instance (no workers) commits an event,
 * whose fan-out some other instance's loop runs a little later; the next event, committed right
 * after on a worker instance, is fanned out at once behind its own commit. The later event's
 * webhook must not go out before the earlier one's message exists (webhook_pending_fanouts).
 */
describe('fan-out order per job across instances', () => {
  let api: RunningHerald;
  let worker: RunningHerald;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver(() => ({ status: 200 })).start();
    const config = fastWebhooks({ heartbeatMs: 50, takeoverMs: 5000, staleMs: 60_000 });
    worker = await startHerald(config);
    api = await startHerald({ webhooks: { ...config.webhooks!, workers: false } }, { url: worker.databaseUrl, drop: async () => undefined });
  });
  afterAll(async () => {
    await api?.stop();
    await worker?.close();
    await rx.stop();
  });

  it('delivers every progress webhook in event order, none superseded, when consecutive events are fanned out by different instances', async () => {
    const [onApi, onWorker] = [client(api.baseUrl), client(worker.baseUrl)];
    const pairs = 6;
    const jobId = await onWorker.submit({
      name: 'fanout-order',
      nodes: [{ nodeName: 'n', algorithmName: 'fo-alg', input: [`#[1...${2 * pairs}]`] }],
      webhooks: { progress: `${rx.url}/fo/progress` },
      options: { progressVerbosityLevel: 'debug' },
    });
    const tasks = await onWorker.acquire('fo-w', ['fo-alg'], 2 * pairs, 60);
    expect(tasks).toHaveLength(2 * pairs);
    await settled(worker, jobId, 'exec.progress', (await onWorker.events(jobId)).length, 15_000);
    for (let i = 0; i < pairs; i++) {
      // The API-only instance commits first (its fan-out waits for the worker's loop), then the worker commits the next event.
      expect((await onApi.complete(tasks[2 * i].taskId, 'fo-w', i)).status).toBe(200);
      expect((await onWorker.complete(tasks[2 * i + 1].taskId, 'fo-w', i)).status).toBe(200);
    }
    await eventually(async () => (await onWorker.status(jobId)).status === 'completed', 20_000);
    const events = await onWorker.events(jobId);
    const progress = await settled(worker, jobId, 'exec.progress', events.length, 30_000);
    expect(progress.filter((d) => d.status !== 'delivered').map((d) => `${d.eventPosition} ${d.status}`)).toEqual([]);
    const seen = rx.requests.filter((r) => r.path === '/fo/progress').map((r) => Date.parse(r.body.timestamp));
    expect(seen).toHaveLength(events.length);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
  });
});
