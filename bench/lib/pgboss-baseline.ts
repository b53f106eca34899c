import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { Pool as PgPool } from 'pg';
import PgBoss from 'pg-boss';
import { HERALD_VERSION } from '../../src/version';
import { until } from '../bench-util';
import { profileStart, profileStop } from './diagnostics';
import { measureDrain, type DrainResult } from './drain';
import { BASELINE_SOCKETS, JOBS, log, now } from './knobs';
import type { Monitor } from './monitor';
import { pacedPhase, type PacedResult } from './pacing';
import type { Receiver } from './receiver';
import { round } from './stats';

/** The first baseline: a plain pg-boss 10 worker posting with axios and logging each attempt, on Herald's database server. */

export const BASELINE_QUEUE = 'bench_deliver';
export const BASELINE_WORKERS = 16;
export const BASELINE_BATCH = 64;
export const BASELINE_POLL_SECONDS = 0.5;

type Data = { url: string; body: string };

export interface Baseline {
  boss: PgBoss;
  pool: PgPool;
  workerIds: string[];
  body: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Jobs of the baseline queue not finished yet. */
  queued(): Promise<number>;
  close(): Promise<void>;
}

export async function startBaseline(url: string, body: string, m: Monitor): Promise<Baseline> {
  const pool = new PgPool({ connectionString: url, max: 20, application_name: 'baseline' });
  pool.on('error', () => undefined);
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) },
    schema: 'baseline_boss',
    schedule: false,
  });
  boss.on('error', (err) => log(`baseline pg-boss: ${err.message}`));
  await boss.start();
  await boss.createQueue(BASELINE_QUEUE, { name: BASELINE_QUEUE, retryLimit: 3, retryDelay: 5, retryBackoff: true });
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_attempts (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id       uuid        NOT NULL,
      url          text        NOT NULL,
      status_code  integer,
      duration_ms  integer     NOT NULL,
      error_code   text,
      response_body text,
      attempted_at timestamptz NOT NULL)`);

  const client = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: BASELINE_SOCKETS }),
    timeout: 15_000,
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (d: unknown) => d,
    headers: { 'content-type': 'application/json', 'user-agent': `baseline/${HERALD_VERSION}` },
  });
  const handler = async (jobs: PgBoss.Job<Data>[]) => {
    const results = await Promise.allSettled(
      jobs.map(async (job) => {
        const attemptedAt = new Date();
        const started = performance.now();
        let status: number | null = null;
        let error: string | null = null;
        let responseBody: string | null = null;
        try {
          const res = await client.post(job.data.url, job.data.body);
          status = res.status;
          responseBody = typeof res.data === 'string' ? res.data.slice(0, 16_384) : null;
        } catch (err) {
          error = (err as { code?: string }).code ?? 'ERROR';
        }
        await pool.query(
          'INSERT INTO baseline_attempts (job_id, url, status_code, duration_ms, error_code, response_body, attempted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [job.id, job.data.url, status, Math.round(performance.now() - started), error, responseBody, attemptedAt],
        );
        if (status === null || status < 200 || status >= 300) throw new Error(`delivery failed: ${status ?? error}`);
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw (failed[0] as PromiseRejectedResult).reason;
  };

  const baseline: Baseline = {
    boss,
    pool,
    workerIds: [],
    body,
    async start() {
      for (let i = 0; i < BASELINE_WORKERS; i++) {
        baseline.workerIds.push(await boss.work<Data>(BASELINE_QUEUE, { batchSize: BASELINE_BATCH, pollingIntervalSeconds: BASELINE_POLL_SECONDS }, handler));
      }
    },
    async stop() {
      await boss.offWork(BASELINE_QUEUE);
      baseline.workerIds = [];
    },
    async queued() {
      return (await m.q(`SELECT count(*)::int AS n FROM baseline_boss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [BASELINE_QUEUE]))[0].n as number;
    },
    async close() {
      await boss.stop({ graceful: false, wait: true, close: false, timeout: 2000 });
      await pool.end();
    },
  };
  return baseline;
}

/** Paced phase of the pg-boss baseline: boss.send, then notifyWorker of a worker (round-robin). */
export async function baselinePaced(b: Baseline, rx: Receiver, m: Monitor): Promise<PacedResult> {
  await m.vacuum('baseline paced');
  await b.start();
  await profileStart();
  const runId = randomBytes(3).toString('hex');
  const r = await pacedPhase(
    rx,
    (k) => `/b/${runId}/${k}`,
    async (k) => {
      const id = await b.boss.send(BASELINE_QUEUE, { url: `${rx.url}/b/${runId}/${k}`, body: b.body });
      if (!id) throw new Error('baseline send returned null');
      b.boss.notifyWorker(b.workerIds[k % b.workerIds.length]);
    },
  );
  await profileStop('baseline-paced');
  await until('baseline paced jobs completed', async () => (await b.queued()) === 0, 30_000, 50);
  await b.stop();
  return r;
}

/** One drain trial of the pg-boss baseline: BENCH_JOBS jobs inserted with no worker, then the workers started. */
export async function baselineDrain(b: Baseline, rx: Receiver, m: Monitor, trial: number): Promise<DrainResult> {
  const t0 = now();
  const jobs = Array.from({ length: JOBS }, (_, k) => ({ name: BASELINE_QUEUE, data: { url: `${rx.url}/d/${trial}/${k}`, body: b.body } }));
  for (let i = 0; i < jobs.length; i += 2000) await b.boss.insert(jobs.slice(i, i + 2000));
  await m.vacuum(`baseline drain ${trial}`);
  const from = await m.maxId('baseline_attempts');
  log(`baseline drain ${trial}: ${JOBS} jobs queued in ${round((now() - t0) / 1000, 2)} s; draining`);
  if (trial === 1) await profileStart();
  const r = await measureDrain(rx, `/d/${trial}/`, JOBS, () => b.start(), () => m.attemptsSince('baseline_attempts', from));
  if (trial === 1) await profileStop('baseline-drain-1');
  await until('baseline drain jobs completed', async () => (await b.queued()) === 0, 30_000, 50);
  await b.stop();
  log(`baseline drain ${trial}: ${r.deliveriesPerSec} deliveries/s (steady ${r.steadyPerSec}/s), cpu ${JSON.stringify(r.cpu)}`);
  return r;
}
