import { decideSubmit } from '../../src/jobs/domain/job.decide';
import { validatePipelineRequest } from '../../src/jobs/domain/pipeline.validate';
import { JobStore } from '../../src/jobs/job-store.service';
import type { Sql } from '../../src/database/db';
import { client } from '../support/e2e';
import { createTestDatabase } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { completeAll, fastWebhooks, settled } from '../support/webhooks';

/**
 * The transactional outbox: the append's transaction also creates the pg-boss fan-out job. An
 * append that rolls back leaves nothing; one that commits is fanned out even when the instance
 * stops before any worker ran, by the next instance on the same database.
 */
async function traces(sql: Sql, jobId: string) {
  const count = async (text: string) => (await sql.query<{ n: number }>(text, [jobId]))[0].n;
  const fanout = await sql.query<{ data: { events: Array<{ version: number }> } }>(
    `SELECT data FROM pgboss.job WHERE name = 'herald_fanout' AND data->>'jobId' = $1`,
    [jobId],
  );
  const events = await sql.query<{ version: number; level: string }>(`SELECT version, metadata->>'level' AS level FROM events WHERE stream_id = $1 ORDER BY version`, [jobId]);
  return {
    /** Versions of the job's stored events. */
    events: events.map((e) => e.version),
    /** Those its webhooks hear: the progress one at info (the default) and the result one (job ends, at info). */
    heard: events.filter((e) => !['trace', 'debug'].includes(e.level)).map((e) => e.version),
    jobs: await count(`SELECT count(*)::int AS n FROM jobs WHERE job_id = $1`),
    subscriptions: await count(`SELECT count(*)::int AS n FROM webhook_subscriptions WHERE scope_id = $1`),
    fanoutJobs: fanout.length,
    /** Event versions carried by the fan-out jobs. */
    fannedOut: fanout.flatMap((j) => j.data.events.map((e) => e.version)).sort((a, b) => a - b),
    messages: await count(`SELECT count(*)::int AS n FROM webhook_messages WHERE job_id = $1`),
  };
}

describe('webhook outbox durability', () => {
  let database: { url: string; drop: () => Promise<void> };
  let first: RunningHerald | undefined;
  let second: RunningHerald | undefined;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver().start();
    database = await createTestDatabase();
    // No delivery workers in the first instance: whatever it commits waits in the outbox.
    first = await startHerald(fastWebhooks({ workers: false }), database);
  });
  afterAll(async () => {
    await rx.stop();
    await first?.stop();
    await second?.stop();
    await database.drop();
  });

  const request = (name: string) =>
    validatePipelineRequest({
      name,
      nodes: [{ nodeName: 'n', algorithmName: `${name}-alg`, input: [1] }],
      webhooks: { progress: `${rx.url}/${name}/progress`, result: `${rx.url}/${name}/result` },
    });

  it('creates nothing when the append rolls back: no events, no fan-out job, no subscription', async () => {
    const h = first!;
    const store = h.app.get(JobStore);
    const ctx = store.context();
    const jobId = `rollback:${ctx.newId()}`;
    let inside: Awaited<ReturnType<typeof traces>> | undefined;
    await expect(
      h.db.tx(async (tx) => {
        await store.commit(tx, undefined, decideSubmit(request('rollback'), jobId, ctx), ctx, { actor: 'test' });
        inside = await traces(tx, jobId);
        throw new Error('fails after the append');
      }),
    ).rejects.toThrow('fails after the append');
    // Inside the transaction all of it existed, fan-out jobs carrying every event heard included...
    expect(inside!.events.length).toBeGreaterThan(inside!.heard.length);
    expect(inside!.fanoutJobs).toBeGreaterThan(0);
    expect(inside).toEqual({ ...inside!, jobs: 1, subscriptions: 2, fannedOut: inside!.heard, messages: 0 });
    // ...and the rollback took all of it away.
    expect(await traces(h.db, jobId)).toEqual({ events: [], heard: [], jobs: 0, subscriptions: 0, fanoutJobs: 0, fannedOut: [], messages: 0 });
    expect((await api(h.baseUrl, 'GET', `/api/v1/exec/status/${encodeURIComponent(jobId)}`)).status).toBe(404);
  });

  it('creates the fan-out job with the append when it commits', async () => {
    const h = first!;
    const store = h.app.get(JobStore);
    const ctx = store.context();
    const jobId = `committed:${ctx.newId()}`;
    await h.db.tx((tx) => store.commit(tx, undefined, decideSubmit(request('committed'), jobId, ctx), ctx, { actor: 'test' }));
    const t = await traces(h.db, jobId);
    expect(t.events.length).toBeGreaterThan(0);
    expect(t.fanoutJobs).toBeGreaterThan(0);
    // Every committed event that a webhook hears is in exactly one fan-out job (the expansion,
    // debug, is heard by none and makes none).
    expect(t.heard.length).toBeGreaterThan(0);
    expect(t).toEqual({ ...t, jobs: 1, subscriptions: 2, fannedOut: t.heard, messages: 0 });
  });

  it('delivers what was committed before the instance stopped, from a fresh instance', async () => {
    const c1 = client(first!.baseUrl);
    const jobId = await c1.submit({
      name: 'survivor',
      nodes: [{ nodeName: 'n', algorithmName: 'survivor-alg', input: ['#[1,2]'] }],
      webhooks: { progress: `${rx.url}/survivor/progress`, result: `${rx.url}/survivor/result` },
    });
    await completeAll(c1, 'survivor-alg', 5);
    const status = await c1.status(jobId);
    const results = await c1.results(jobId);
    expect(status.status).toBe('completed');
    const before = await traces(first!.db, jobId);
    // Each heard event in exactly one fan-out job (with the unheard ones of its commit, which
    // make no message); a commit heard by nobody makes none.
    expect({ heard: before.heard.filter((v) => !before.fannedOut.includes(v)), twice: before.fannedOut.length - new Set(before.fannedOut).size }).toEqual({ heard: [], twice: 0 });
    expect(before.fannedOut.length).toBeLessThan(before.events.length);
    expect(before.messages).toBe(0);
    const states = await first!.db.query<{ state: string }>(`SELECT DISTINCT state::text FROM pgboss.job WHERE name = 'herald_fanout' AND data->>'jobId' = $1`, [jobId]);
    expect(states).toEqual([{ state: 'created' }]);
    await first!.stop();
    first = undefined;
    expect(rx.requests.filter((r) => r.path.startsWith('/survivor/'))).toEqual([]);

    second = await startHerald(fastWebhooks(), database);
    await eventually(async () => rx.requests.some((r) => r.path === '/survivor/result'));
    const [result] = await settled(second, jobId, 'exec.result', 1);
    expect(result.status).toBe('delivered');
    expect(rx.requests.filter((r) => r.path === '/survivor/result').map((r) => r.body)).toEqual([results]);
    const progress = await settled(second, jobId, 'exec.progress', 1);
    expect(progress.at(-1)!.status).toBe('delivered');
    expect(rx.requests.filter((r) => r.path === '/survivor/progress').at(-1)!.body).toEqual(status);
    // The jobs committed by the first instance without webhooks traffic were fanned out too.
    const committed = await second.db.query<{ scope_id: string }>(`SELECT DISTINCT job_id AS scope_id FROM webhook_messages WHERE job_id LIKE 'committed:%'`);
    expect(committed).toHaveLength(1);
    await eventually(async () => {
      const left = await second!.db.query(`SELECT 1 FROM pgboss.job WHERE name = 'herald_fanout' AND state::text <> 'completed'`);
      return left.length === 0;
    });
    expect(await second.db.query(`SELECT 1 FROM events WHERE stream_id LIKE 'rollback:%'`)).toEqual([]);
  });
});
