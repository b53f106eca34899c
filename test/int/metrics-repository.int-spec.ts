import { Client } from 'pg';
import PgBoss from 'pg-boss';
import type { Db } from '../../src/database/db';
import {
  ENDPOINT_BACKLOG,
  JOB_STATUSES,
  JOBS_BY_STATUS,
  MetricsRepository,
  QUEUE_DEPTHS,
  SUBSCRIPTIONS_DISABLED,
  TASKS_BY_STATE,
  TOP_ENDPOINTS,
} from '../../src/metrics/infrastructure/metrics.repository';
import { DELIVER_QUEUE, FANOUT_QUEUE } from '../../src/webhooks/infrastructure/work-queue.service';
import { openTestDb } from '../support/database';

/**
 * What GET /metrics reads at scrape time, on a database of realistic size: 100,000 jobs (and a
 * task each), 100,000 subscriptions and messages (2,000 of them open), 52,000 delivery queue
 * jobs (2,000 waiting) and 20,000 fan-out jobs (none waiting). Each statement answers the right numbers, and its plan, custom or
 * generic, reads an index: no sequential scan of any table.
 */
const JOBS = 100_000;
const OPEN_EVERY = 50; // one message in 50 is open: 2,000
const HOSTS = 30;

/** Every plan node of an EXPLAIN (FORMAT JSON). */
function nodes(plan: Record<string, unknown>): Array<Record<string, unknown>> {
  return [plan, ...((plan.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(nodes)];
}

describe('metrics repository on 100,000 jobs and 100,000 messages', () => {
  let db: Db;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const opened = await openTestDb(4);
    ({ db, url, close } = opened);
    const boss = new PgBoss({ connectionString: opened.url, supervise: false, schedule: false, max: 2 });
    boss.on('error', () => undefined);
    await boss.start();
    for (const q of [FANOUT_QUEUE, DELIVER_QUEUE]) await boss.createQueue(q);
    await boss.stop({ graceful: false, close: true, wait: true });

    // Job i: status by i % 100 (1 pending, 1 active, 1 paused, 3 failed, 3 stopped, 91 completed), one task.
    await db.query(`
      INSERT INTO jobs (job_id, kind, pipeline, status, priority, version, level, summary, spec, created_at, updated_at, ttl_expires_at)
      SELECT 'metrics:' || i, 'pipeline', 'p' || (i % 10),
             CASE WHEN i % 100 = 0 THEN 'pending' WHEN i % 100 = 1 THEN 'active' WHEN i % 100 = 2 THEN 'paused'
                  WHEN i % 100 < 6 THEN 'failed' WHEN i % 100 < 9 THEN 'stopped' ELSE 'completed' END,
             3, 5, 'info', jsonb_build_object('jobId', 'metrics:' || i, 'pad', repeat('x', 300)), '{}'::jsonb,
             now() - i * interval '1 second', now(), now() + interval '1 day'
        FROM generate_series(1, ${JOBS}) AS i`);
    await db.query(`
      INSERT INTO tasks (task_id, job_id, node_name, algorithm_name, input, state, priority, available_at, created_at, updated_at)
      SELECT gen_random_uuid(), 'metrics:' || i, 'n', 'alg', '[]'::jsonb,
             CASE WHEN i % 100 = 0 THEN 'pending' WHEN i % 100 = 1 THEN 'active' ELSE 'succeed' END, 3, now(), now(), now()
        FROM generate_series(1, ${JOBS}) AS i`);
    await db.query(`UPDATE tasks SET lease_expires_at = now() + interval '1 minute' WHERE state = 'active'`);
    // One subscription per job (as job webhooks are), on 30 hosts; 10 disabled.
    await db.query(`
      INSERT INTO webhook_subscriptions (id, scope, scope_id, url, format, status)
      SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'job', 'metrics:' || i,
             'https://user:secret@Hooks-' || (i % ${HOSTS}) || '.example.test' || CASE WHEN i % ${HOSTS} = 0 THEN ':443' ELSE ':8443' END || '/h/' || i,
             'exec.progress', CASE WHEN i <= 10 THEN 'disabled' ELSE 'active' END
        FROM generate_series(1, ${JOBS}) AS i`);
    await db.query(`
      INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, status, job_token, created_at)
      SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'metrics:' || i, i, 'job.completed',
             'exec.progress', 'latest-wins', repeat('b', 200),
             CASE WHEN i % ${OPEN_EVERY} = 0 THEN (CASE WHEN i % 100 = 0 THEN 'retrying' ELSE 'pending' END) ELSE 'delivered' END, gen_random_uuid(),
             now() - (i % 1000) * interval '1 second'
        FROM generate_series(1, ${JOBS}) AS i`);
    // The delivery queue: 50,000 completed jobs (kept 5 minutes), 2,000 waiting (half of them due 10 s ago, half in a minute).
    await db.query(`
      INSERT INTO pgboss.job (id, name, data, state, start_after, created_on, completed_on)
      SELECT gen_random_uuid(), '${DELIVER_QUEUE}', '{}'::jsonb,
             (CASE WHEN i <= 2000 THEN 'created' ELSE 'completed' END)::pgboss.job_state,
             CASE WHEN i <= 1000 THEN now() - interval '10 seconds' + i * interval '1 millisecond' WHEN i <= 2000 THEN now() + interval '1 minute' ELSE now() - interval '1 minute' END,
             now() - interval '1 minute', CASE WHEN i > 2000 THEN now() END
        FROM generate_series(1, 52000) AS i`);
    // The fan-out queue: 20,000 completed jobs, none waiting.
    await db.query(`
      INSERT INTO pgboss.job (id, name, data, state, start_after, created_on, completed_on)
      SELECT gen_random_uuid(), '${FANOUT_QUEUE}', '{}'::jsonb, 'completed', now() - interval '1 minute', now() - interval '1 minute', now()
        FROM generate_series(1, 20000) AS i`);
    await db.query('VACUUM ANALYZE');
  }, 180_000);
  afterAll(() => close?.());

  it('reads jobs by status, tasks, queue depth and age, the webhook backlog per endpoint and disabled subscriptions', async () => {
    const g = await new MetricsRepository().read(db);
    expect(Object.fromEntries(g.jobs!.map((j) => [j.status, j.n]))).toEqual({ pending: 1000, active: 1000, paused: 1000, completed: 91_000, failed: 3000, stopped: 3000 });
    const live = g.live!;
    expect(live.tasks).toEqual({ pending: 1000, active: 1000 });
    const deliver = live.queues.find((q) => q.queue === DELIVER_QUEUE)!;
    expect(deliver.depth).toBe(2000);
    expect(deliver.oldestSeconds).toBeGreaterThanOrEqual(9.9);
    expect(deliver.oldestSeconds).toBeLessThan(60);
    expect(live.queues.find((q) => q.queue === FANOUT_QUEUE)).toEqual({ queue: FANOUT_QUEUE, depth: 0, oldestSeconds: 0 });
    // 2,000 open messages (i % 50 = 0) on the hosts i % 30 = 0, 10, 20: origins only (no credentials, no path, no default port).
    const backlog = g.backlog!;
    expect(backlog.endpoints.reduce((a, e) => a + e.waiting, 0)).toBe(2000);
    expect(backlog.endpoints.map((e) => e.endpoint).sort()).toEqual(['https://hooks-0.example.test', 'https://hooks-10.example.test:8443', 'https://hooks-20.example.test:8443']);
    expect([backlog.total, backlog.endpointCount]).toEqual([2000, 3]);
    // The oldest open message was created 950 s before the seeding (i % 1000 = 950).
    expect(backlog.oldestSeconds).toBeGreaterThanOrEqual(950);
    expect(backlog.oldestSeconds).toBeLessThan(1500);
    expect(live.subscriptionsDisabled).toBe(10);
  });

  it('leaves out the part whose read takes too long (cancelled by its timeout) and answers the others', async () => {
    // Another transaction holds the jobs table: the jobs per status cannot be read.
    const blocker = new Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const g = await new MetricsRepository().read(db);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(g.jobs).toBeUndefined();
      expect(g.live?.tasks).toEqual({ pending: 1000, active: 1000 });
      expect(g.backlog?.endpoints.length).toBe(3);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });

  it('reads an index for each statement, in custom and generic plans: no sequential scan', async () => {
    const statements: Array<[string, string, unknown[]]> = [
      ['JOBS_BY_STATUS', JOBS_BY_STATUS, [JOB_STATUSES]],
      ['TASKS_BY_STATE', TASKS_BY_STATE, []],
      ['QUEUE_DEPTHS', QUEUE_DEPTHS, []],
      ['ENDPOINT_BACKLOG', ENDPOINT_BACKLOG, [TOP_ENDPOINTS]],
      ['SUBSCRIPTIONS_DISABLED', SUBSCRIPTIONS_DISABLED, []],
    ];
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      for (const [name, text, params] of statements) {
        const plan = await db.tx(async (tx) => {
          await tx.query(`SET LOCAL plan_cache_mode = ${mode}`);
          const [row] = await tx.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
          return row['QUERY PLAN'][0].Plan;
        });
        const scans = nodes(plan).filter((n) => typeof n['Relation Name'] === 'string');
        expect([mode, name, scans.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])]).toEqual([mode, name, []]);
        // A bitmap heap scan reads the rows a bitmap index scan (its child) found: an index too.
        const indexed = (n: Record<string, unknown>) => /Index/.test(String(n['Node Type'])) || n['Node Type'] === 'Bitmap Heap Scan';
        expect([mode, name, scans.length > 0 && scans.every(indexed)]).toEqual([mode, name, true]);
      }
    }
  });
});
