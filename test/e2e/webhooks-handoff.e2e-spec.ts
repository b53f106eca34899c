import { EventStoreRepository } from '../../src/event-store/event-store.repository';
import type { FanoutJob } from '../../src/webhooks/domain/fanout.types';
import { FanoutWorker } from '../../src/webhooks/fanout.worker';
import { DELIVER_QUEUE, FANOUT_QUEUE, WorkQueue } from '../../src/webhooks/infrastructure/work-queue.service';
import { client, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { deliveries, fastWebhooks, settled } from '../support/webhooks';

/**
 * The hand-off: a commit in an instance is fanned out and delivered by that instance at once,
 * its pg-boss jobs claimed by id, with no trip through queue polling: in a transaction chained
 * behind the append's COMMIT when the subscriptions are known beforehand and the payloads
 * render from the event alone, else right after the commit. A fan-out job that another
 * instance took first is left to it, never fanned out twice.
 */
describe('local hand-off of fan-out and delivery', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;
  /** Ids of the queue jobs Herald's fetch loops obtained (not handed over). */
  const fetched = { fanout: [] as Array<{ id: string; jobId: string }>, deliver: [] as string[] };
  /** While set, the fan-out loop finds its queue empty (another instance's jobs stay put). */
  let fanoutLoopBlind = false;
  /** Jobs whose fan-out was handed over after the commit (not chained behind it). */
  const handedOver: string[] = [];

  beforeAll(async () => {
    rx = await new Receiver().start();
    // Polling once a minute: only a wake-up or a hand-off moves anything within a test.
    h = await startHerald({ ...fastWebhooks({ pollMs: 60_000 }), fastPaths: 'required' });
    c = client(h.baseUrl);
    const fanout = h.app.get(FanoutWorker);
    const handOff = fanout.handOff.bind(fanout);
    fanout.handOff = (job) => {
      handedOver.push(job.data.jobId);
      return handOff(job);
    };
    const queue = h.app.get(WorkQueue) as unknown as { fetch: (name: string, limit: number) => Promise<Array<{ id: string; data: any }>> };
    const fetch = queue.fetch.bind(queue);
    queue.fetch = async (name, limit) => {
      if (name === FANOUT_QUEUE && fanoutLoopBlind) return [];
      const jobs = await fetch(name, limit);
      if (name === FANOUT_QUEUE) fetched.fanout.push(...jobs.map((j) => ({ id: j.id, jobId: j.data.jobId })));
      if (name === DELIVER_QUEUE) fetched.deliver.push(...jobs.map((j) => j.data.m));
      return jobs;
    };
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  it('delivers each commit through the hand-off: no fan-out job and no first attempt goes through the queue', async () => {
    const jobId = await c.submit({
      name: 'handoff',
      nodes: [{ nodeName: 'n', algorithmName: 'handoff-alg', input: [1] }],
      webhooks: { progress: `${rx.url}/handoff/progress`, result: `${rx.url}/handoff/result` },
    });
    // One commit at a time, each once its progress webhook is in (one attempt at a time per
    // stream: a commit that lands while the previous message is in flight waits its turn).
    const delivered = (n: number) => eventually(async () => (await deliveries(h, { jobId })).filter((d) => d.kind === 'exec.progress' && d.status === 'delivered').length >= n);
    await delivered(1);
    const [task] = await c.acquire('w', ['handoff-alg'], 1);
    await delivered(2);
    expect((await c.complete(task.taskId, 'w', 7)).status).toBe(200);
    const progress = await settled(h, jobId, 'exec.progress', 3);
    const [result] = await settled(h, jobId, 'exec.result', 1);
    expect(progress.map((d) => [d.eventType, d.status, d.attempts])).toEqual([
      ['job.submitted', 'delivered', 1],
      ['job.started', 'delivered', 1],
      ['job.completed', 'delivered', 1],
    ]);
    expect(result.status).toBe('delivered');
    expect(rx.bodies('/handoff/result')).toEqual([await c.results(jobId)]);
    expect(fetched.fanout.filter((f) => f.jobId === jobId)).toEqual([]);
    expect(progress.filter((d) => fetched.deliver.includes(d.id))).toEqual([]);
    // The result waited behind the last progress in memory, not in the queue.
    expect(fetched.deliver).not.toContain(result.id);
    // No project: its subscriptions are known before each append, every progress payload renders
    // from the event, so every fan-out was chained; the result (read from the tasks) was not.
    expect(handedOver.filter((j) => j === jobId)).toHaveLength(1);
  });

  it("hands a project job's submit over after the commit (its project's subscriptions are read with the append), and chains the rest", async () => {
    expect((await c.call('PUT', '/api/v1/projects/hp/webhook', { url: `${rx.url}/hp/project` })).status).toBe(200);
    const before = handedOver.length;
    const jobId = await c.submit({
      name: 'handoff-project',
      projectId: 'hp',
      nodes: [{ nodeName: 'n', algorithmName: 'hp-alg', input: [1] }],
      webhooks: { progress: `${rx.url}/hp/progress` },
    });
    await settled(h, jobId, 'exec.progress', 1);
    // A fan-out chains only when nothing of its job is pending here: on a loaded machine the
    // previous one may still be, so each command waits for it.
    const lanes = (h.app.get(FanoutWorker) as unknown as { lanes: Map<string, unknown> }).lanes;
    const laneIdle = () => eventually(async () => !lanes.has(jobId));
    await laneIdle();
    const [task] = await c.acquire('w', ['hp-alg'], 1);
    await laneIdle();
    expect((await c.complete(task.taskId, 'w', 1)).status).toBe(200);
    await settled(h, jobId, 'project.task', 1);
    const progress = await settled(h, jobId, 'exec.progress', 3);
    expect(progress.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(rx.requests.filter((r) => r.path === '/hp/project').map((r) => r.body)).toEqual([
      { workflowId: jobId, type: 'n', taskId: task.taskId, batchId: null, projectId: 'hp' },
    ]);
    // The submit appends twice: both handed over; acquire and complete were chained.
    expect(handedOver.slice(before).filter((j) => j === jobId)).toHaveLength(2);
    expect(fetched.fanout.filter((f) => f.jobId === jobId)).toEqual([]);
  });

  it('delivers several events of one commit one after the other, each waiting in memory behind the one before', async () => {
    const jobId = await c.submit({
      name: 'burst',
      nodes: [{ nodeName: 'n', algorithmName: 'burst-alg', input: [1] }],
      webhooks: { progress: `${rx.url}/burst/progress`, result: `${rx.url}/burst/result` },
      options: { progressVerbosityLevel: 'debug' },
    });
    const [task] = await c.acquire('w', ['burst-alg'], 1);
    expect((await c.complete(task.taskId, 'w', 1)).status).toBe(200);
    const events = await c.events(jobId);
    const progress = await settled(h, jobId, 'exec.progress', events.length);
    await settled(h, jobId, 'exec.result', 1);
    // debug: every event has a message, and every one was delivered (none superseded), in order...
    expect(progress.map((d) => d.status)).toEqual(events.map(() => 'delivered'));
    const seen = rx.requests.filter((r) => r.path === '/burst/progress').map((r) => r.body.timestamp);
    expect(seen).toEqual([...seen].sort());
    // ...and none of them, nor the result, went back through the queue to wait.
    const ids = (await deliveries(h, { jobId })).map((d) => d.id);
    expect(ids.filter((id) => fetched.deliver.includes(id))).toEqual([]);
  });

  it("keeps a job's fan-outs in order when one is chained and the next handed over: the later waits", async () => {
    // A failing task: the command appends task.failed (its progress renders at once: chained) and
    // then job.failed (with the result, which reads the tasks: handed over after the commit).
    // The chained insert is held back 300 ms; the handed-over fan-out must not overtake it.
    await h.db.query(`
      CREATE FUNCTION test_slow_message() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.job_id LIKE 'slow:%' AND NEW.event_type = 'task.failed' THEN PERFORM pg_sleep(0.3); END IF;
        RETURN NEW;
      END $$`);
    await h.db.query(`CREATE TRIGGER test_slow_message BEFORE INSERT ON webhook_messages FOR EACH ROW EXECUTE FUNCTION test_slow_message()`);
    try {
      const jobId = await c.submit({
        name: 'slow',
        nodes: [{ nodeName: 'n', algorithmName: 'slow-alg', input: [1], retry: { limit: 0 } }],
        webhooks: { progress: `${rx.url}/slow/progress`, result: `${rx.url}/slow/result` },
        options: { progressVerbosityLevel: 'warn' },
      });
      const [task] = await c.acquire('w', ['slow-alg'], 1);
      const before = handedOver.length;
      expect((await c.fail(task.taskId, 'w', { message: 'boom' }, false)).status).toBe(200);
      const progress = await settled(h, jobId, 'exec.progress', 2);
      await settled(h, jobId, 'exec.result', 1);
      expect(progress.map((d) => [d.eventType, d.status])).toEqual([
        ['task.failed', 'delivered'],
        ['job.failed', 'delivered'],
      ]);
      expect(rx.bodies('/slow/progress').map((b) => b.status)).toEqual(['active', 'failed']);
      expect(handedOver.slice(before)).toEqual([jobId]); // job.failed's fan-out; task.failed's was chained
    } finally {
      await h.db.query(`DROP TRIGGER test_slow_message ON webhook_messages`);
    }
  });

  it('leaves a chained fan-out that failed to the fetch loop, and loses nothing', async () => {
    // Message inserts for this job fail (a trigger stands in for any failure of the chained
    // transaction) until the trigger is dropped.
    await h.db.query(`
      CREATE FUNCTION test_refuse_message() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.job_id LIKE 'refused:%' THEN RAISE EXCEPTION 'message refused for the test'; END IF;
        RETURN NEW;
      END $$`);
    await h.db.query(`CREATE TRIGGER test_refuse_message BEFORE INSERT ON webhook_messages FOR EACH ROW EXECUTE FUNCTION test_refuse_message()`);
    fanoutLoopBlind = true; // the loop takes the job up only once the failure is gone
    const jobId = await c.submit({ name: 'refused', nodes: [{ nodeName: 'n', algorithmName: 'refused-alg', input: [1] }], webhooks: { progress: `${rx.url}/refused/progress` } });
    // The submit itself succeeded; its fan-out (the job.submitted event's: the expansion's is
    // debug, heard by nobody at this verbosity, and makes no fan-out job) is back in the queue, waiting.
    const states = async () =>
      (await h.db.query<{ state: string }>(`SELECT state::text FROM pgboss.job WHERE name = $1 AND data->>'jobId' = $2`, [FANOUT_QUEUE, jobId])).map((r) => r.state).sort();
    await eventually(async () => (await states()).join() === 'created');
    expect(await deliveries(h, { jobId })).toEqual([]);
    await h.db.query(`DROP TRIGGER test_refuse_message ON webhook_messages`);
    fanoutLoopBlind = false;
    h.app.get(WorkQueue).wake(FANOUT_QUEUE);
    const [progress] = await settled(h, jobId, 'exec.progress', 1);
    expect(progress.status).toBe('delivered');
    expect(fetched.fanout.some((f) => f.jobId === jobId)).toBe(true);
    expect(rx.bodies('/refused/progress')).toHaveLength(1);
  });

  it('leaves a fan-out job that another instance took first, and fans out the rest of the batch once', async () => {
    const fanout = h.app.get(FanoutWorker);
    const events = h.app.get(EventStoreRepository);
    fanout.pause(); // commits now leave their fan-out jobs in the queue...
    fanoutLoopBlind = true; // ...and the loop does not pick them up: only the hand-offs below do
    const ids: Record<string, string> = {};
    for (const name of ['taken', 'free']) {
      ids[name] = await c.submit({ name, nodes: [{ nodeName: 'n', algorithmName: `${name}-alg`, input: [1] }], webhooks: { progress: `${rx.url}/${name}/progress` } });
    }
    const queued = await h.db.query<{ id: string; data: FanoutJob }>(
      `SELECT id, data FROM pgboss.job WHERE name = $1 AND state = 'created' AND data->>'jobId' = ANY($2::text[]) ORDER BY created_on`,
      [FANOUT_QUEUE, Object.values(ids)],
    );
    // A submit appends twice (the request, then its expansion); only the request's is heard at
    // this verbosity: one fan-out job per job.
    expect(queued.map((q) => q.data.jobId)).toEqual([ids.taken, ids.free]);
    // "Another instance" fetches the first one.
    await h.db.query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = $1`, [queued[0].id]);

    fanout.resume();
    for (const q of queued) {
      const accepted = fanout.handOff({
        id: q.id,
        data: q.data,
        recorded: events.readStream(h.db, q.data.jobId),
        subscriptions: fanout.subscriptionsFor(h.db, [{ data: q.data }]),
      });
      expect(accepted).toBe(true);
    }
    const [free] = await settled(h, ids.free, 'exec.progress', 1);
    expect(free.status).toBe('delivered');
    await eventually(async () => {
      const rows = await h.db.query<{ state: string }>('SELECT state::text FROM pgboss.job WHERE id = ANY($1::uuid[])', [queued.slice(1).map((q) => q.id)]);
      return rows.every((r) => r.state === 'completed');
    });
    // The taken one: no message from its events, its job still the other instance's.
    const takenPositions = await events.positionsOf(h.db, queued[0].data.events.map((e) => ({ streamId: ids.taken, version: e.version! })));
    expect(takenPositions.size).toBe(queued[0].data.events.length);
    const takenMessages = (await deliveries(h, { jobId: ids.taken })).filter((d) => [...takenPositions.values()].includes(d.eventPosition));
    expect(takenMessages).toEqual([]);
    const [taken] = await h.db.query<{ state: string }>('SELECT state::text FROM pgboss.job WHERE id = $1', [queued[0].id]);
    expect(taken.state).toBe('active');
    // The free one was fanned out exactly once: one message per event it has.
    const positions = (await deliveries(h, { jobId: ids.free })).map((d) => d.eventPosition);
    expect(positions.length).toBeGreaterThan(0);
    expect(new Set(positions).size).toBe(positions.length);
    fanoutLoopBlind = false;
  });
});
