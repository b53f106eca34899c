import 'reflect-metadata';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { Pool as UndiciPool } from 'undici';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { benchDatabase } from './bench-database';
import { apiCall, quantile, until } from './bench-util';
import type { ClientResult, ClientRun } from './workers-client';

/**
 * `npm run bench:workers`: task completions per second when many workers work on one big batch
 * job, against the same workers on many small jobs, against the database's own ceiling.
 *
 * Herald runs in this process (createApp, logger off) on a fresh database (embedded PostgreSQL
 * in a temporary folder, fsync off like the test suite, BENCH_DURABLE=1 keeps it on; or a
 * dedicated database on DATABASE_URL's server). The workers run in a worker thread
 * (workers-client.ts) and speak HTTP to Herald: acquire up to `max` tasks, complete each at
 * once, again. Every job has a progress and a result webhook (default level) to a receiver on
 * 127.0.0.1 in this process.
 *
 * For each shape (one job of BENCH_ITEMS items; BENCH_ITEMS/1000 jobs of 1,000), each number of
 * workers (BENCH_WORKERS, default 1,8,32,128) and each `max` (1 and 10): fresh jobs of their own
 * algorithm, run for up to BENCH_SECONDS or until acquire finds nothing; then the jobs are
 * stopped and the webhook backlog drained before the next. Figures: completions/s, acquire and
 * complete p50/p99, and write transactions per completion (xids assigned on the server over the
 * run, including fan-out and delivery, divided by completions).
 *
 * The ceiling, in the same run: N clients each looping a single-row INSERT transaction for
 * BENCH_CEILING_SECONDS (a pgbench-style loop), with N = the number of workers.
 * Then (BENCH_FAST, default on) the fast worker paths with 32 workers, both shapes: complete with
 * ?next=true (the next task in the same call) and batch completion (POST /tasks/complete).
 * Last, acquire p99 of 128 idle workers polling with nothing to take, each every
 * BENCH_IDLE_POLL_MS (250, jittered +-50 %; pg-boss's default is 2 s): 512 acquires/s.
 */

const ITEMS = int('BENCH_ITEMS', 20_000);
const SECONDS = int('BENCH_SECONDS', 10);
const CEILING_SECONDS = int('BENCH_CEILING_SECONDS', 3);
const IDLE_SECONDS = int('BENCH_IDLE_SECONDS', 5);
const IDLE_POLL_MS = int('BENCH_IDLE_POLL_MS', 250);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,8,32,128').split(',').map((s) => Number(s.trim()));
const MAXES = (process.env.BENCH_MAX ?? '1,10').split(',').map((s) => Number(s.trim()));
const DURABLE = process.env.BENCH_DURABLE === '1';
/** BENCH_FAST (1): also the fast paths, 32 workers: complete?next=true (max 1), POST /tasks/complete (max 10). */
const FAST = process.env.BENCH_FAST !== '0';
/** BENCH_PGSS=1: the server's time per statement per completion, per run (pg_stat_statements; embedded server only). */
const PGSS = process.env.BENCH_PGSS === '1';
const SMALL = 1000;
const IDLE_WORKERS = 128;
const TARGETS = { ofCeiling: 0.5, bigVsSmall: 1.5, idleAcquireP99Ms: 20 };

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return v;
}

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

function clientRun(run: ClientRun): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'workers-client.js'), { workerData: run });
    worker.once('message', (m: { type: string; result?: ClientResult; error?: string }) => {
      if (m.type === 'done') resolve(m.result!);
      else reject(new Error(m.error));
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Next transaction id the server will assign (not consuming one). */
async function nextXid(db: Client): Promise<number> {
  const [row] = (await db.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x')).rows;
  return Number(row.x);
}

/** Single-row INSERT transactions per second with `clients` connections, each in a loop. */
async function ceiling(url: string, clients: number, seconds: number): Promise<number> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let n = 0;
  const stopAt = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    conns.map(async (c, i) => {
      while (performance.now() < stopAt) {
        await c.query('INSERT INTO bench_ceiling (client, at) VALUES ($1, now())', [i]);
        n++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(conns.map((c) => c.end()));
  return n / elapsed;
}

/** Server time (planning + execution) per statement, per completion, from pg_stat_statements. */
async function serverTimePerCompletion(db: Client, completions: number): Promise<void> {
  const { rows } = await db.query<{ query: string; calls: string; ms: number }>(
    `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query, calls::text, (total_exec_time + total_plan_time) AS ms
       FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY 3 DESC LIMIT 14`,
  );
  for (const r of rows) console.log(`  ${round(r.ms / Math.max(1, completions), 3)} ms/done  ${round(Number(r.calls) / Math.max(1, completions), 2)} calls/done  ${r.query}`);
}

interface Row {
  shape: 'one job' | 'many jobs';
  workers: number;
  max: number;
  style: ClientRun['style'];
  completions: number;
  perSec: number;
  acquireP50: number;
  acquireP99: number;
  completeP50: number;
  completeP99: number;
  txPerCompletion: number;
  errors: string[];
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const database = await benchDatabase(DURABLE, { max_connections: '400', ...(PGSS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on', 'pg_stat_statements.track': 'all' } : {}) });
  const config = { ...loadConfig(), databaseUrl: database.url };
  const app = await createApp(config, { logger: ['error'] });
  const admin = new Client({ connectionString: database.url });
  const receipts = { progress: 0, result: 0 };
  const receiver = (await import('node:http')).createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/r/')) receipts.result++;
      else receipts.progress++;
      res.writeHead(200).end('ok');
    });
  });
  try {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const api = new UndiciPool(base, { connections: 4 });
    await admin.connect();
    if (PGSS) await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.query('CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, client int NOT NULL, at timestamptz NOT NULL)');
    const maxConnections = Number((await admin.query<{ max_connections: string }>('SHOW max_connections')).rows[0].max_connections);
    // Herald's pool and pg-boss's keep their connections meanwhile.
    const ceilingClients = (n: number) => Math.min(n, maxConnections - config.poolSize - 40);

    const submit = async (name: string, algorithm: string, items: number, i: number): Promise<string> => {
      const res = await apiCall<{ jobId: string }>(api, 'POST', '/api/v1/exec/raw', {
        name,
        nodes: [{ nodeName: 'items', algorithmName: algorithm, input: [`#[1...${items}]`] }],
        webhooks: { progress: `${hook}/p/${algorithm}/${i}`, result: `${hook}/r/${algorithm}/${i}` },
      });
      if (res.status !== 200 && res.status !== 201) throw new Error(`submit -> ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.jobId;
    };
    const backlogDrained = () =>
      until(
        'the webhook backlog to drain',
        async () => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE status IN ('pending', 'retrying')`)).rows[0].n === 0,
        120_000,
        100,
      );

    const rows: Row[] = [];
    const ceilings = new Map<number, number>();
    let seq = 0;
    // The contract's runs (one complete per task), then the fast paths with 32 workers.
    const plan: Array<{ shape: Row['shape']; workers: number; max: number; style: ClientRun['style'] }> = [];
    if (process.env.BENCH_ONLY_FAST !== '1') for (const shape of ['one job', 'many jobs'] as const) for (const workers of WORKERS) for (const max of MAXES) plan.push({ shape, workers, max, style: 'each' });
    if (FAST) for (const shape of ['one job', 'many jobs'] as const) plan.push({ shape, workers: 32, max: 1, style: 'next' }, { shape, workers: 32, max: 10, style: 'batch' });
    {
      {
        for (const { shape, workers, max, style } of plan) {
          const algorithm = `bench-alg-${seq++}`;
          const jobIds: string[] = [];
          if (shape === 'one job') jobIds.push(await submit('bench-big', algorithm, ITEMS, 0));
          else for (let i = 0; i < Math.max(1, Math.round(ITEMS / SMALL)); i++) jobIds.push(await submit('bench-small', algorithm, SMALL, i));
          await admin.query('VACUUM ANALYZE');
          if (PGSS) await admin.query('SELECT pg_stat_statements_reset()');
          const x0 = await nextXid(admin);
          const r = await clientRun({ base, workers, max, algorithm, mode: 'drain', seconds: SECONDS, pollMs: 0, style });
          const x1 = await nextXid(admin);
          const a = [...r.acquireMs].sort((p, q) => p - q);
          const c = [...r.completeMs].sort((p, q) => p - q);
          const row: Row = {
            shape,
            workers,
            max,
            style,
            completions: r.completions,
            perSec: round(r.completions / (r.elapsedMs / 1000), 0),
            acquireP50: round(quantile(a, 0.5), 2),
            acquireP99: round(quantile(a, 0.99), 2),
            completeP50: round(quantile(c, 0.5), 2),
            completeP99: round(quantile(c, 0.99), 2),
            txPerCompletion: round((x1 - x0 - 1) / Math.max(1, r.completions), 2),
            errors: r.errors.slice(0, 3),
          };
          rows.push(row);
          log(`${shape}, ${workers} workers, max ${max}${style === 'each' ? '' : `, ${style}`}: ${row.perSec}/s (${row.completions} in ${round(r.elapsedMs / 1000)} s), acquire p99 ${row.acquireP99} ms, complete p99 ${row.completeP99} ms, ${row.txPerCompletion} tx/completion${r.errors.length ? `, ${r.errors.length} errors: ${r.errors[0]}` : ''}`);
          if (PGSS) await serverTimePerCompletion(admin, r.completions);
          for (const jobId of jobIds) await apiCall(api, 'POST', '/api/v1/exec/stop', { jobId, reason: 'bench run over' });
          await backlogDrained();
          if (!ceilings.has(workers)) {
            ceilings.set(workers, await ceiling(database.url, ceilingClients(workers), CEILING_SECONDS));
            log(`ceiling with ${ceilingClients(workers)} clients: ${round(ceilings.get(workers)!, 0)} tx/s`);
          }
        }
      }
    }

    await admin.query('VACUUM ANALYZE'); // as before every run: the stopped jobs' dead rows are cleared first
    const idle = await clientRun({ base, workers: IDLE_WORKERS, max: 10, algorithm: 'bench-nothing', mode: 'idle', seconds: IDLE_SECONDS, pollMs: IDLE_POLL_MS, style: 'each' });
    const ia = [...idle.acquireMs].sort((p, q) => p - q);
    const idleStats = { workers: IDLE_WORKERS, acquires: ia.length, perSec: round(ia.length / IDLE_SECONDS, 0), p50Ms: round(quantile(ia, 0.5), 2), p99Ms: round(quantile(ia, 0.99), 2) };
    log(`idle: ${IDLE_WORKERS} workers polling, acquire p50 ${idleStats.p50Ms} ms, p99 ${idleStats.p99Ms} ms`);

    const pick = (shape: Row['shape'], workers: number, max: number) => rows.find((r) => r.shape === shape && r.workers === workers && r.max === max && r.style === 'each');
    const verdicts = MAXES.flatMap((max) => {
      const big = pick('one job', 32, max);
      const small = pick('many jobs', 32, max);
      const ceil = ceilings.get(32);
      if (!big || !small || !ceil) return [];
      return [{ max, ofCeiling: round(big.perSec / ceil, 2), bigVsSmall: round(small.perSec / big.perSec, 2) }];
    });

    const method =
      `Herald in this process on ${database.description}, pool ${config.poolSize}; workers over HTTP (undici, keep-alive, one connection each) in a worker thread; ` +
      `each loop: POST /tasks/acquire {max}, then POST /tasks/{id}/complete for each task at once; one job of ${ITEMS} items vs ${Math.round(ITEMS / SMALL)} jobs of ${SMALL}; ` +
      `each run ${SECONDS} s at most or until acquire finds nothing, on fresh jobs with a progress and a result webhook (default level); ` +
      `tx/completion = xids assigned on the server during the run / completions (fan-out and delivery included); ` +
      `ceiling = N pg clients each looping a single-row INSERT for ${CEILING_SECONDS} s`;
    console.log(`\nmethod: ${method}\n`);
    console.table(
      rows.map((r) => ({
        shape: r.shape,
        workers: r.workers,
        max: r.max,
        results: r.style === 'each' ? 'each' : r.style === 'next' ? 'each+next' : 'batch',
        'done/s': r.perSec,
        'of ceiling': `${round((r.perSec / (ceilings.get(r.workers) ?? NaN)) * 100, 0)}%`,
        'acq p50': r.acquireP50,
        'acq p99': r.acquireP99,
        'cmp p50': r.completeP50,
        'cmp p99': r.completeP99,
        'tx/done': r.txPerCompletion,
        errors: r.errors.length,
      })),
    );
    console.table(Object.fromEntries([...ceilings].map(([n, v]) => [`${n} workers`, { clients: ceilingClients(n), 'INSERT tx/s': round(v, 0) }])));
    console.log(`idle acquire (${IDLE_WORKERS} workers polling every ${IDLE_POLL_MS} ms, nothing to take, ${idleStats.perSec}/s): p50 ${idleStats.p50Ms} ms, p99 ${idleStats.p99Ms} ms (target < ${TARGETS.idleAcquireP99Ms} ms)`);
    for (const v of verdicts) {
      console.log(`32 workers, max ${v.max}: one job = ${round(v.ofCeiling * 100, 0)}% of the ceiling (target >= ${TARGETS.ofCeiling * 100}%); many jobs / one job = ${v.bigVsSmall} (target <= ${TARGETS.bigVsSmall})`);
    }
    console.log(`webhooks received: ${receipts.progress} progress, ${receipts.result} result`);
    console.log(JSON.stringify({ method, node: process.version, rows, ceilings: Object.fromEntries(ceilings), idle: idleStats, verdicts, targets: TARGETS, totalSeconds: round((Date.now() - benchStarted) / 1000) }));
    await api.close();
  } finally {
    await admin.end().catch(() => undefined);
    await app.close();
    receiver.closeAllConnections();
    receiver.close();
    await database.dispose();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench:workers failed:', err);
    process.exit(1);
  },
);

