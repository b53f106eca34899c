import { createPool, Db } from '../../src/database/db';
import { rebuildJobProjections } from '../../src/jobs/infrastructure/projection-rebuilder';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';

/**
 * `projections:rebuild` must reproduce, row for row, what the live append transactions wrote.
 * A seeded pseudo-random workload runs against the real service over HTTP (concurrent workers
 * completing, failing, heartbeating, abandoning leases; stops; a ttl expiry), then the read
 * models are snapshotted, rebuilt from the events, and compared column by column.
 *
 * HERALD_REBUILD_SEED=<n> replays another workload.
 */
const SEED = Number(process.env.HERALD_REBUILD_SEED ?? 20260517);

/** mulberry32: small, seedable, good enough for workloads. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** JSON values whose storage round trip is easy to get subtly wrong (key order, floats, unicode). */
function randomValue(r: Rand, depth = 0): unknown {
  switch (int(r, 0, depth > 1 ? 5 : 8)) {
    case 0:
      return int(r, -1000, 1000);
    case 1:
      return Math.round(r() * 1e6) / 1e3;
    case 2:
      return pick(r, [0.1 + 0.2, 1e21, -2.5e-7, 9007199254740991, 123456789.125]);
    case 3:
      return pick(r, ['plain', 'ünïcødé ✓', 'quote " and \\ backslash', '', 'line\nbreak', '😀 emoji']);
    case 4:
      return pick(r, [true, false, null]);
    case 5:
      return `s${int(r, 0, 99)}`;
    case 6:
    case 7:
      return { zeta: randomValue(r, depth + 1), a: randomValue(r, depth + 1), 'longer key': [randomValue(r, depth + 1)], b: depth };
    default:
      return [randomValue(r, depth + 1), randomValue(r, depth + 1)];
  }
}

const WORKER_ALGS = ['alg-a', 'alg-b', 'alg-c', 'alg-flaky', 'alg-doom'];

function randomPipeline(r: Rand, i: number): Record<string, unknown> {
  const retry = () => ({ limit: int(r, 0, 2) });
  switch (i % 6) {
    case 0: // a batch and two dependents: a single node over its output and a batch over it
      return {
        name: `chain-${i}`,
        nodes: [
          { nodeName: 'green', algorithmName: pick(r, ['alg-a', 'alg-b']), input: [`#[1...${int(r, 3, 12)}]`, randomValue(r)], retry: retry() },
          { nodeName: 'yellow', algorithmName: 'alg-b', input: ['@green'], retry: retry() },
          { nodeName: 'black', algorithmName: 'alg-c', input: ['#@green', 'tail'], retry: retry() },
        ],
        options: { batchTolerance: pick(r, [30, 80, 100]) },
        priority: int(r, 1, 5),
      };
    case 1: // flowInput batch, zipped with a literal batch, and a reader of one value
      return {
        name: `flow-${i}`,
        flowInput: { list: Array.from({ length: int(r, 2, 6) }, () => randomValue(r)), deep: { x: randomValue(r) } },
        nodes: [
          { nodeName: 'fan', algorithmName: 'alg-a', input: ['#@flowInput.list', '#["p","q","r"]'], retry: retry() },
          { nodeName: 'join', algorithmName: pick(r, ['alg-c', 'alg-flaky']), input: ['@flowInput.deep.x', '@fan'], retry: retry() },
        ],
        priority: int(r, 1, 5),
      };
    case 2: // single task
      return { name: `single-${i}`, nodes: [{ nodeName: 'only', algorithmName: pick(r, ['alg-a', 'alg-flaky']), input: [randomValue(r)], retry: retry() }] };
    case 3: // a node that never fails retryably and fails the job once tolerance is reached
      return {
        name: `doomed-${i}`,
        nodes: [
          { nodeName: 'risky', algorithmName: 'alg-doom', input: [`#[1...${int(r, 2, 5)}]`], retry: retry() },
          { nodeName: 'after', algorithmName: 'alg-a', input: ['#@risky'] },
        ],
        options: { batchTolerance: pick(r, [1, 50]) },
      };
    case 4: // a batch over a single task's output: an array, an empty one, or not an array (the job fails)
      return {
        name: `over-output-${i}`,
        flowInput: { none: [] },
        nodes: [
          { nodeName: 'src', algorithmName: 'alg-a', input: [] },
          { nodeName: 'empty', algorithmName: 'alg-b', input: ['#@flowInput.none'] },
          { nodeName: 'per', algorithmName: 'alg-flaky', input: ['#@src', '@empty'], retry: { limit: 2, delaySeconds: 0.05, backoff: true } },
        ],
      };
    default: // wide batch over two zipped ranges
      return {
        name: `wide-${i}`,
        nodes: [{ nodeName: 'wide', algorithmName: pick(r, ['alg-b', 'alg-c', 'alg-flaky']), input: [`#[1...${int(r, 10, 25)}]`, '#[1...3]'], retry: retry() }],
        priority: int(r, 1, 5),
      };
  }
}

interface Held {
  taskId: string;
  algorithmName: string;
  attempt: number;
}

describe('projections:rebuild', () => {
  let h: RunningHerald;
  let db: Db | undefined;

  beforeAll(async () => {
    h = await startHerald({ sweepIntervalMs: 50 });
  });
  afterAll(async () => {
    await db?.end();
    await h.close();
  });

  const call = async (method: string, path: string, body?: unknown, ok: number[] = [200, 201]) => {
    const res = await api(h.baseUrl, method, path, body);
    if (!ok.includes(res.status)) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  async function workload(): Promise<void> {
    const r = prng(SEED);
    const jobIds: string[] = [];
    const submit = async (spec: Record<string, unknown>) => {
      const res = await call('POST', '/api/v1/exec/raw', spec);
      jobIds.push(res.body.jobId);
      return res.body.jobId as string;
    };

    // Jobs nobody works on: one ends by ttl, one stays pending, one is stopped by request.
    const ttlJob = await submit({ name: 'ttl', nodes: [{ nodeName: 'idle', algorithmName: 'alg-idle', input: ['#[1...4]'] }], options: { ttl: 1 } });
    await submit({ name: 'waiting', nodes: [{ nodeName: 'idle', algorithmName: 'alg-idle', input: [1] }, { nodeName: 'next', algorithmName: 'alg-a', input: ['@idle'] }] });
    const toStop = await submit({ name: 'to-stop', nodes: [{ nodeName: 'idle', algorithmName: 'alg-idle', input: ['#[1,2]'] }] });
    // One job stays active: a worker holds its task past the end of the workload.
    await submit({ name: 'held', nodes: [{ nodeName: 'hold', algorithmName: 'alg-hold', input: ['#[1,2,3]'] }] });
    const holding = await call('POST', '/api/v1/tasks/acquire', { workerName: 'holder', algorithmNames: ['alg-hold'], leaseSeconds: 600 });
    expect(holding.body.tasks).toHaveLength(1);

    for (let i = 0; i < 18; i++) await submit(randomPipeline(r, i));

    // A lease that runs out: the service itself must put the task back.
    const expiring = await call('POST', '/api/v1/tasks/acquire', { workerName: 'sleepy', algorithmNames: ['alg-a'], leaseSeconds: 0.2 });
    expect(expiring.body.tasks).toHaveLength(1);

    const stopped = call('POST', '/api/v1/exec/stop', { jobId: toStop, reason: 'operator said so' });

    // Pause and resume (HKube): a job left paused, and one paused then resumed, each with a lease
    // that runs out while paused (the task goes back pending, but unavailable until resumed).
    const pausedJobs: string[] = [];
    for (const name of ['stays-paused', 'resumed']) {
      // Not in jobIds: the workers' random stop and pause below pick among the others.
      const { jobId } = (await call('POST', '/api/v1/exec/raw', { name, nodes: [{ nodeName: 'p', algorithmName: `alg-${name}`, input: ['#[1...3]'] }, { nodeName: 'q', algorithmName: 'alg-a', input: ['@p'] }] })).body as { jobId: string };
      const leased = await call('POST', '/api/v1/tasks/acquire', { workerName: 'pauser', algorithmNames: [`alg-${name}`], leaseSeconds: 1 });
      expect(leased.body.tasks).toHaveLength(1);
      await call('POST', '/api/v1/exec/pause', { jobId });
      pausedJobs.push(jobId);
    }
    const retriedWhilePaused = eventually(async () => {
      const rows = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id = ANY($1::text[]) AND event_type = 'task.retried'`, [pausedJobs]);
      return rows[0].n === 2;
    }).then(() => call('POST', '/api/v1/exec/resume', { jobId: pausedJobs[1] }));

    let pausedMidFlight: string | undefined;
    const worker = async (w: number) => {
      const wr = prng(SEED * 31 + w);
      const name = `worker-${w}`;
      let idle = 0;
      for (let step = 0; step < 120 && idle < 8; step++) {
        const shortLease = wr() < 0.06;
        const got = await call('POST', '/api/v1/tasks/acquire', {
          workerName: name,
          algorithmNames: WORKER_ALGS,
          max: int(wr, 1, 3),
          leaseSeconds: shortLease ? 0.15 : 30,
        });
        const tasks = got.body.tasks as Held[];
        if (tasks.length === 0) {
          idle++;
          await sleep(40);
          continue;
        }
        idle = 0;
        for (const t of tasks) {
          const p = `/api/v1/tasks/${t.taskId}`;
          const roll = wr();
          if (shortLease && roll < 0.7) continue; // abandoned: the lease sweeper takes it back
          if (!shortLease && roll < 0.02) continue; // held past the end of the workload (stays active)
          if (roll < 0.15) await call('POST', `${p}/heartbeat`, { workerName: name, leaseSeconds: int(wr, 20, 60) }, [200, 409]);
          if (t.algorithmName === 'alg-doom') {
            await call('POST', `${p}/fail`, { workerName: name, error: { message: 'doomed', code: int(wr, 1, 9) }, retryable: false }, [200, 409]);
          } else if (t.algorithmName === 'alg-flaky' && t.attempt === 1) {
            await call('POST', `${p}/fail`, { workerName: name, error: `flaky ${randomValue(wr)}` }, [200, 409]);
          } else if (roll < 0.25) {
            await call('POST', `${p}/fail`, { workerName: name, error: randomValue(wr) ?? 'x', retryable: true }, [200, 409]);
          } else if (roll < 0.3) {
            await call('POST', `${p}/fail`, { workerName: name, error: { message: 'fatal', detail: randomValue(wr) }, retryable: false }, [200, 409]);
          } else {
            await call('POST', `${p}/complete`, { workerName: name, result: randomValue(wr) }, [200, 409]);
          }
        }
        if (w === 1 && step === 5) pausedMidFlight = pick(wr, jobIds.slice(4));
        if (w === 1 && (step === 5 || step === 15) && pausedMidFlight) {
          // Pause a random job mid-flight, resume it ten steps later (it may have finished: 409).
          await call('POST', `/api/v1/exec/${step === 5 ? 'pause' : 'resume'}`, { jobId: pausedMidFlight }, [200, 409]);
        }
        if (w === 0 && step === 10) {
          // Stop a random running job mid-flight (it may have finished already: 409).
          await call('POST', '/api/v1/exec/stop', { jobId: pick(wr, jobIds.slice(4)) }, [200, 409]);
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    await stopped;
    await retriedWhilePaused;

    await eventually(async () => (await call('GET', `/api/v1/exec/status/${ttlJob}`)).body.status === 'stopped', 10_000);
    await eventually(async () => {
      const [row] = await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE event_type IN ('task.retried', 'task.failed') AND data->>'reason' = 'lease expired'`,
      );
      return row.n > 0;
    });
  }

  const snapshot = async (sql: Db) => ({
    jobs: await sql.query('SELECT * FROM jobs ORDER BY job_id'),
    tasks: await sql.query('SELECT * FROM tasks ORDER BY task_id'),
    // Canonical text of every row: catches differences a JS round trip would hide (precision, key order).
    text: await sql.query<{ t: string }>(
      `SELECT (SELECT string_agg(to_jsonb(j)::text, E'\\n' ORDER BY job_id) FROM jobs j) || E'\\n--\\n' ||
              coalesce((SELECT string_agg(to_jsonb(t)::text, E'\\n' ORDER BY task_id) FROM tasks t), '') AS t`,
    ),
    events: await sql.query<{ n: number; max: number }>('SELECT count(*)::int AS n, max(global_position) AS max FROM events'),
  });

  it(`rebuilds rows equal to the live ones after a random workload (seed ${SEED})`, async () => {
    await workload();
    await h.stop();

    db = new Db(createPool(h.databaseUrl, 4));
    const live = await snapshot(db);

    // The workload must have produced varied states, or the comparison proves little.
    const jobStatuses = new Set(live.jobs.map((j) => j.status));
    expect([...jobStatuses].sort()).toEqual(expect.arrayContaining(['active', 'completed', 'failed', 'paused', 'pending', 'stopped']));
    expect(live.jobs.some((j) => (j.summary as { reason?: string }).reason === 'ttl expired')).toBe(true);
    const taskStates = new Set(live.tasks.map((t) => t.state));
    expect([...taskStates]).toEqual(expect.arrayContaining(['succeed', 'failed', 'stopped', 'pending', 'active']));
    expect(live.tasks.filter((t) => (t.attempt as number) > 1).length).toBeGreaterThan(0);
    const [kinds] = await db.query<{ retried: number; extended: number; expanded: number }>(
      `SELECT count(*) FILTER (WHERE event_type = 'task.retried')::int AS retried,
              count(*) FILTER (WHERE event_type = 'task.lease-extended')::int AS extended,
              count(*) FILTER (WHERE event_type = 'node.expanded')::int AS expanded
         FROM events`,
    );
    expect(kinds.retried).toBeGreaterThan(0);
    expect(kinds.extended).toBeGreaterThan(0);
    expect(kinds.expanded).toBeGreaterThan(live.jobs.length);

    if (process.env.HERALD_REBUILD_VERBOSE) {
      const byType = await db.query('SELECT event_type, count(*)::int AS n FROM events GROUP BY 1 ORDER BY 1');
      console.log(JSON.stringify({ seed: SEED, jobs: [...jobStatuses], taskStates: [...taskStates], byType }));
    }

    const result = await rebuildJobProjections(db, { streamPage: 4, eventPage: 7 }); // small pages: paging is exercised
    expect(result).toEqual({ jobs: live.jobs.length, events: live.events[0].n });

    const rebuilt = await snapshot(db);
    expect(rebuilt.events).toEqual(live.events); // the event store is only read
    expect(rebuilt.jobs).toHaveLength(live.jobs.length);
    expect(rebuilt.tasks).toHaveLength(live.tasks.length);
    for (let i = 0; i < live.jobs.length; i++) expect(rebuilt.jobs[i]).toEqual(live.jobs[i]);
    for (let i = 0; i < live.tasks.length; i++) expect(rebuilt.tasks[i]).toEqual(live.tasks[i]);
    expect(rebuilt.text[0].t).toBe(live.text[0].t);

    // Rebuilding again (default pages) changes nothing.
    await rebuildJobProjections(db);
    expect((await snapshot(db)).text[0].t).toBe(live.text[0].t);
  }, 120_000);

  it('makes a writer holding a job row wait, and is not blocked by readers', async () => {
    const pool = db!;
    const [job] = await pool.query<{ job_id: string }>('SELECT job_id FROM jobs ORDER BY job_id LIMIT 1');
    const writer = await pool.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('SELECT 1 FROM jobs WHERE job_id = $1 FOR UPDATE', [job.job_id]);
      let done = false;
      const rebuild = rebuildJobProjections(pool).then((r) => ((done = true), r));
      // The rebuild's LOCK TABLE is seen waiting for the writer's lock (not a guess by time).
      await eventually(async () => {
        const [{ n }] = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND l.relation = 'jobs'::regclass AND a.datname = current_database() AND a.query LIKE 'LOCK TABLE jobs%'`,
        );
        return n > 0;
      });
      expect(done).toBe(false);
      // Plain reads are not blocked by the rebuild's lock (EXCLUSIVE allows ACCESS SHARE).
      const [{ n }] = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs');
      expect(n).toBeGreaterThan(0);
      await writer.query('COMMIT');
      await expect(rebuild).resolves.toMatchObject({ jobs: expect.any(Number) });
    } finally {
      writer.release();
    }
  });
});
