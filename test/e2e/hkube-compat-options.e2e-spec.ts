import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, ISO_TIME, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';

const ADMIN = 'hkube-options-admin-key-01';
const one = (name: string, algorithmName: string, options: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  nodes: [{ nodeName: 'green', algorithmName, input: ['@flowInput'] }],
  flowInput: { x: 1 },
  options,
  ...extra,
});
const limitMessage = (amount: number) => `maximum number [${amount}] of concurrent pipelines has been reached`;

/**
 * HKube's pipeline options activeTtl and concurrentPipelines { amount, rejectOnFailure }, from
 * outside: HKube's api-server tests (tests/exec-pipelines.js) by name where they exist, real
 * workers over HTTP, real webhook receivers, project keys, and two instances on one database.
 */
describe('HKube options: activeTtl, concurrentPipelines', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  const rx = new Receiver();
  const submittedOf = async (pipeline: string) =>
    (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE event_type = 'job.submitted' AND data->>'pipeline' = $1`, [pipeline]))[0].n;

  beforeAll(async () => {
    await rx.start();
    h = await startHerald({ adminKey: ADMIN, keyCacheMs: 200 });
    c = client(h.baseUrl, bearer(ADMIN));
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  describe('activeTtl', () => {
    it('stops a running pipeline once it has been active longer than activeTtl, with HKube\'s reason, and its webhooks say so', async () => {
      // Submitted first and never started: an activeTtl does not run for it (HKube: only the active state counts).
      const idle = await c.submit(one('active-ttl-idle', 'active-ttl-idle-alg', { activeTtl: 1, ttl: 600 }));
      const jobId = await c.submit(
        one('active-ttl', 'active-ttl-alg', { activeTtl: 1, ttl: 600 }, { webhooks: { progress: `${rx.url}/att/progress`, result: `${rx.url}/att/result` } }),
      );
      const [held] = await c.acquire('w', ['active-ttl-alg'], 1, 60);
      const started = (await c.events(jobId)).find((e) => e.type === 'job.started')!;
      const s = await eventually(async () => {
        const st = await c.status(jobId);
        return st.status === 'stopped' ? st : undefined;
      });
      expect(s).toEqual({
        jobId,
        timestamp: expect.stringMatching(ISO_TIME),
        pipeline: 'active-ttl',
        level: 'info',
        status: 'stopped',
        reason: 'pipeline active TTL expired',
        data: { progress: '0.00', details: '0.00% completed, 1 stopped', states: { stopped: 1 }, activeNodes: [] },
      });
      expect(Date.parse(s.timestamp) - Date.parse(started.createdAt)).toBeGreaterThanOrEqual(1000);
      const stopped = (await c.events(jobId)).at(-1)!;
      expect([stopped.type, stopped.data, stopped.metadata.actor]).toEqual(['job.stopped', { reason: 'pipeline active TTL expired' }, 'herald:ttl-sweeper']);
      expect((await c.results(jobId)).reason).toBe('pipeline active TTL expired');
      // The worker is told its task was stopped.
      expect((await c.complete(held.taskId, 'w', 'late')).status).toBe(409);
      await eventually(async () => rx.bodies('/att/result').length > 0 && rx.bodies('/att/progress').some((b) => b.status === 'stopped'));
      expect(rx.bodies('/att/result')[0]).toMatchObject({ jobId, status: 'stopped', reason: 'pipeline active TTL expired' });
      expect(rx.bodies('/att/progress').find((b) => b.status === 'stopped')).toMatchObject({ jobId, reason: 'pipeline active TTL expired' });
      // The job no worker started is still pending, past the same activeTtl.
      expect((await c.status(idle)).status).toBe('pending');
      expect((await c.call('POST', '/api/v1/exec/stop', { jobId: idle })).status).toBe(200);
    });

    it('refuses an activeTtl below 1 with HKube\'s message', async () => {
      const res = await c.call('POST', '/api/v1/exec/raw', one('active-ttl-bad', 'active-ttl-bad-alg', { activeTtl: 0 }));
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', 'data.options.activeTtl should be >= 1']);
    });
  });

  describe('concurrentPipelines', () => {
    it('should exec stored pipeline with concurrent and failed if reached the max number', async () => {
      const stored = await c.call('POST', '/api/v1/store/pipelines', one('concurrentPipelinesReject', 'cp-reject-alg', { batchTolerance: 100, progressVerbosityLevel: 'debug', ttl: 3600, concurrentPipelines: { amount: 2 } }));
      expect(stored.status).toBe(201);
      const run = () => c.call('POST', '/api/v1/exec/stored', { name: 'concurrentPipelinesReject' });
      const r0 = await run();
      const r1 = await run();
      const r2 = await run();
      expect([r0.status, r1.status]).toEqual([201, 201]);
      expect(r0.body).toHaveProperty('jobId');
      expect(r1.body).toHaveProperty('jobId');
      expect([r2.status, r2.body]).toEqual([
        400,
        { error: { code: 'CONCURRENT_PIPELINES_LIMIT', message: limitMessage(2), details: { amount: 2, pipeline: 'concurrentPipelinesReject' } } },
      ]);
      // One ends: there is room for one more.
      expect((await c.call('POST', '/api/v1/exec/stop', { jobId: r0.body.jobId })).status).toBe(200);
      expect((await run()).status).toBe(201);
    });

    it('refuses exactly the submissions over the amount when 10 race, and stores none of them', async () => {
      const body = one('cp-race', 'cp-race-alg', { concurrentPipelines: { amount: 2, rejectOnFailure: true } });
      const answers = await Promise.all(Array.from({ length: 10 }, () => c.call('POST', '/api/v1/exec/raw', body)));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(2);
      const refused = answers.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, r.body.error.code, r.body.error.message])).toEqual(Array(8).fill([400, 'CONCURRENT_PIPELINES_LIMIT', limitMessage(2)]));
      expect(await submittedOf('cp-race')).toBe(2);
    });

    it('counts only the jobs of the same pipeline name in the same project', async () => {
      const a = client(h.baseUrl, bearer((await createKey(h, ADMIN, 'cp-a')).key));
      const b = client(h.baseUrl, bearer((await createKey(h, ADMIN, 'cp-b')).key));
      const body = one('cp-tenant', 'cp-tenant-alg', { concurrentPipelines: { amount: 2 } });
      expect((await a.call('POST', '/api/v1/exec/raw', body)).status).toBe(201);
      expect((await a.call('POST', '/api/v1/exec/raw', body)).status).toBe(201);
      const full = await a.call('POST', '/api/v1/exec/raw', body);
      expect([full.status, full.body.error.code]).toEqual([400, 'CONCURRENT_PIPELINES_LIMIT']);
      // Another project's jobs of that name do not count (and are not revealed), nor do other names.
      expect((await b.call('POST', '/api/v1/exec/raw', body)).status).toBe(201);
      expect((await b.call('POST', '/api/v1/exec/raw', body)).status).toBe(201);
      expect((await a.call('POST', '/api/v1/exec/raw', { ...body, name: 'cp-tenant-other' })).status).toBe(201);
      // Jobs without a project (an admin's) are counted apart too.
      expect((await c.call('POST', '/api/v1/exec/raw', body)).status).toBe(201);
    });

    it('should exec stored pipeline with concurrent and success if reached the max number (the third waits, and starts when one finishes)', async () => {
      const stored = await c.call('POST', '/api/v1/store/pipelines', one('concurrentPipelinesResolve', 'cp-resolve-alg', { batchTolerance: 100, ttl: 3600, concurrentPipelines: { amount: 2, rejectOnFailure: false } }));
      expect(stored.status).toBe(201);
      const run = async () => {
        const res = await c.call('POST', '/api/v1/exec/stored', { name: 'concurrentPipelinesResolve' });
        expect(res.status).toBe(201);
        expect(res.body).toHaveProperty('jobId');
        return res.body.jobId as string;
      };
      const [j0, j1, j2] = [await run(), await run(), await run()];
      const waiting = await c.status(j2);
      expect([waiting.status, waiting.data.details]).toEqual(['pending', '0.00% completed, 1 creating']);
      // Only the two admitted jobs' tasks are handed out.
      const tasks = await c.acquire('w', ['cp-resolve-alg'], 10, 60);
      expect(tasks.map((t) => t.jobId).sort()).toEqual([j0, j1].sort());
      expect((await c.events(j2)).map((e) => e.type)).toEqual(['job.submitted']);
      expect((await c.complete(tasks[0].taskId, 'w', 'done')).status).toBe(200);
      // Its turn came: admitted, its node expands, a worker gets its task.
      const [next] = await eventually(async () => {
        const got = await c.acquire('w', ['cp-resolve-alg'], 10, 60);
        return got.length > 0 ? got : undefined;
      });
      expect(next.jobId).toBe(j2);
      expect((await c.events(j2)).map((e) => e.type).slice(0, 3)).toEqual(['job.submitted', 'job.admitted', 'node.expanded']);
      for (const t of [tasks[1], next]) expect((await c.complete(t.taskId, 'w', 'done')).status).toBe(200);
      expect((await c.status(j2)).status).toBe('completed');
    });

    it('admits a waiting job at once on the instance where a job of its pipeline ended, with no sweep to help', async () => {
      // Alone on its own database, with a sweep once an hour: only the admission right after the
      // local end can start the waiting job.
      const local = await startHerald({ adminKey: ADMIN, keyCacheMs: 200, sweepIntervalMs: 3_600_000 });
      try {
        const lc = client(local.baseUrl, bearer(ADMIN));
        const opts = { concurrentPipelines: { amount: 1, rejectOnFailure: false } };
        const first = await lc.submit(one('cp-local', 'cp-local-alg', opts));
        const second = await lc.submit(one('cp-local', 'cp-local-alg', opts));
        const [task] = await lc.acquire('w', ['cp-local-alg'], 10, 60);
        expect(task.jobId).toBe(first);
        expect((await lc.events(second)).map((e) => e.type)).toEqual(['job.submitted']);
        expect((await lc.complete(task.taskId, 'w', 'done')).status).toBe(200);
        const [next] = await eventually(async () => {
          const got = await lc.acquire('w', ['cp-local-alg'], 10, 60);
          return got.length > 0 ? got : undefined;
        });
        expect(next.jobId).toBe(second);
        expect((await lc.events(second)).map((e) => e.type).slice(0, 2)).toEqual(['job.submitted', 'job.admitted']);
      } finally {
        await local.close();
      }
    });

    it('admits a waiting job across instances, from the sweep, when the job that ends has no limit of its own', async () => {
      const second = await startHerald({ adminKey: ADMIN, keyCacheMs: 200 }, { url: h.databaseUrl, drop: async () => undefined });
      try {
        const c2 = client(second.baseUrl, bearer(ADMIN));
        // A plain job of the pipeline fills it (it counts, as every unfinished job of the name does).
        const plain = await c.submit(one('cp-cross', 'cp-cross-alg', {}));
        const waits = await c2.submit(one('cp-cross', 'cp-cross-alg', { concurrentPipelines: { amount: 1, rejectOnFailure: false } }));
        const later = await c2.submit(one('cp-cross', 'cp-cross-alg', { concurrentPipelines: { amount: 1, rejectOnFailure: false } }));
        const [t] = await c.acquire('w', ['cp-cross-alg'], 10, 60);
        expect(t.jobId).toBe(plain);
        expect((await c.complete(t.taskId, 'w', 1)).status).toBe(200);
        // The oldest waiting one goes first; the other keeps waiting behind it.
        const [mine] = await eventually(async () => {
          const got = await c2.acquire('w2', ['cp-cross-alg'], 10, 60);
          return got.length > 0 ? got : undefined;
        });
        expect(mine.jobId).toBe(waits);
        expect((await c.status(later)).status).toBe('pending');
        expect((await c.events(later)).map((e) => e.type)).toEqual(['job.submitted']);
        // It ends on the second instance: the last one starts.
        expect((await c2.complete(mine.taskId, 'w2', 1)).status).toBe(200);
        const [last] = await eventually(async () => {
          const got = await c.acquire('w', ['cp-cross-alg'], 10, 60);
          return got.length > 0 ? got : undefined;
        });
        expect(last.jobId).toBe(later);
        expect((await c.complete(last.taskId, 'w', 1)).status).toBe(200);
      } finally {
        await second.stop();
      }
    });

    it('refuses a concurrentPipelines that is not HKube\'s shape', async () => {
      const res = await api(h.baseUrl, 'POST', '/api/v1/exec/raw', one('cp-bad', 'cp-bad-alg', { concurrentPipelines: { amount: 0 } }), bearer(ADMIN));
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'VALIDATION_FAILED', 'data.options.concurrentPipelines.amount should be >= 1']);
    });
  });
});
