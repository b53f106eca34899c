import 'reflect-metadata';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { benchDatabase } from './bench-database';

/**
 * `npm run bench:status`: status latency of a 10-task job against a 100,000-task job.
 *
 * The status read model is kept in O(1) per event, so both must answer alike. Herald runs
 * in this process on a fresh database (a dedicated database on DATABASE_URL's server when set,
 * otherwise an embedded PostgreSQL in a temporary folder); both jobs get some tasks acquired,
 * completed and failed; then GET /api/v1/exec/status/{jobId} is timed over HTTP for both,
 * interleaved, after a warm-up.
 *
 * BENCH_REQUESTS (default 3000) sets the measured requests per job; BENCH_BIG (default 100000)
 * the size of the big job.
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const WARMUP = 300;
const BIG = Number(process.env.BENCH_BIG ?? 100_000);
const SMALL = 10;


async function call<T = any>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Acquires `acquire` tasks of one algorithm, completes `complete` of them and fails `fail` (retryably). */
async function moveAlong(base: string, algorithmName: string, acquire: number, complete: number, fail: number): Promise<void> {
  const tasks: Array<{ taskId: string }> = [];
  while (tasks.length < acquire) {
    const got = await call<{ tasks: Array<{ taskId: string }> }>(base, 'POST', '/api/v1/tasks/acquire', {
      workerName: 'bench-worker',
      algorithmNames: [algorithmName],
      max: Math.min(1000, acquire - tasks.length),
      leaseSeconds: 3600,
    });
    if (got.tasks.length === 0) break;
    tasks.push(...got.tasks);
  }
  for (const t of tasks.slice(0, complete)) {
    await call(base, 'POST', `/api/v1/tasks/${t.taskId}/complete`, { workerName: 'bench-worker', result: { ok: true } });
  }
  for (const t of tasks.slice(complete, complete + fail)) {
    await call(base, 'POST', `/api/v1/tasks/${t.taskId}/fail`, { workerName: 'bench-worker', error: 'bench failure', retryable: true });
  }
}

async function timeStatus(base: string, jobId: string): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fetch(`${base}/api/v1/exec/status/${encodeURIComponent(jobId)}`);
  await res.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 200) throw new Error(`status ${jobId} -> ${res.status}`);
  return ms;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    medianMs: round(quantile(s, 0.5)),
    p95Ms: round(quantile(s, 0.95)),
    p99Ms: round(quantile(s, 0.99)),
    meanMs: round(s.reduce((a, b) => a + b, 0) / s.length),
    minMs: round(s[0]),
    maxMs: round(s[s.length - 1]),
  };
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const database = await benchDatabase();
  const config = { ...loadConfig(), databaseUrl: database.url, poolSize: 10 };
  const app = await createApp(config, { logger: ['error'] });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

    const submitSmallStarted = Date.now();
    const small = await call<{ jobId: string }>(base, 'POST', '/api/v1/exec/raw', {
      name: 'bench-small',
      nodes: [{ nodeName: 'items', algorithmName: 'bench-small-alg', input: [`#[1...${SMALL}]`] }],
    });
    const submitSmallMs = Date.now() - submitSmallStarted;
    const submitBigStarted = Date.now();
    const big = await call<{ jobId: string }>(base, 'POST', '/api/v1/exec/raw', {
      name: 'bench-big',
      nodes: [{ nodeName: 'items', algorithmName: 'bench-big-alg', input: [`#[1...${BIG}]`] }],
    });
    const submitBigMs = Date.now() - submitBigStarted;

    const moveStarted = Date.now();
    await moveAlong(base, 'bench-small-alg', 6, 3, 1);
    await moveAlong(base, 'bench-big-alg', 3000, 300, 50);
    const moveMs = Date.now() - moveStarted;

    const smallStatus = await call(base, 'GET', `/api/v1/exec/status/${small.jobId}`);
    const bigStatus = await call(base, 'GET', `/api/v1/exec/status/${big.jobId}`);

    for (let i = 0; i < WARMUP; i++) {
      await timeStatus(base, small.jobId);
      await timeStatus(base, big.jobId);
    }
    const samples = { small: [] as number[], big: [] as number[] };
    for (let i = 0; i < REQUESTS; i++) {
      // Alternate which job goes first, so neither always follows the other.
      const order = i % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const);
      for (const which of order) samples[which].push(await timeStatus(base, which === 'small' ? small.jobId : big.jobId));
    }

    const s = stats(samples.small);
    const b = stats(samples.big);
    const round = (x: number) => Math.round(x * 100) / 100;
    const report = {
      method:
        `GET /api/v1/exec/status/{jobId} over HTTP (fetch, keep-alive) to Herald in the same process on ${database.description}; ` +
        `${WARMUP} warm-up requests per job, then ${REQUESTS} timed requests per job, interleaved (alternating order); ` +
        `latency = request sent to body fully read`,
      node: process.version,
      small: { jobId: small.jobId, tasks: SMALL, details: (smallStatus as { data: { details: string } }).data.details, ...s },
      big: { jobId: big.jobId, tasks: BIG, details: (bigStatus as { data: { details: string } }).data.details, ...b },
      ratio: { median: round(b.medianMs / s.medianMs), p95: round(b.p95Ms / s.p95Ms) },
      setup: { submitSmallMs, submitBigMs, moveTasksMs: moveMs },
      totalSeconds: round((Date.now() - benchStarted) / 1000),
    };

    console.log(`\nmethod: ${report.method}\n`);
    console.log(`small job: ${report.small.details}`);
    console.log(`big job:   ${report.big.details}\n`);
    console.table({
      [`${SMALL} tasks`]: { n: s.n, 'median ms': s.medianMs, 'p95 ms': s.p95Ms, 'p99 ms': s.p99Ms, 'mean ms': s.meanMs },
      [`${BIG} tasks`]: { n: b.n, 'median ms': b.medianMs, 'p95 ms': b.p95Ms, 'p99 ms': b.p99Ms, 'mean ms': b.meanMs },
      [`ratio big/small`]: { n: '', 'median ms': report.ratio.median, 'p95 ms': report.ratio.p95, 'p99 ms': '', 'mean ms': '' },
    });
    console.log(`setup: submit ${SMALL}-task job ${submitSmallMs} ms, ${BIG}-task job ${submitBigMs} ms; moving tasks along ${moveMs} ms\n`);
    console.log(JSON.stringify(report));
  } finally {
    await app.close();
    await database.dispose();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench:status failed:', err);
    process.exit(1);
  },
);
