import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Pool as UndiciPool } from 'undici';
import { createApp } from '../src/app.factory';
import { loadConfig, type HeraldConfig } from '../src/config/config';
import { parseSchedule } from '../src/webhooks/domain/retry-schedule';
import { benchDatabase } from './bench-database';
import { apiCall, forEachLimit, quantile, sleep, until } from './bench-util';

/**
 * `npm run bench:isolation`: does one dead endpoint delay delivery to healthy ones? (issue 19)
 *
 * Receivers (one worker thread of this process, started by this same file): BENCH_HEALTHY (50)
 * healthy endpoints, each its own node:http server on 127.0.0.1 (so its own origin), answering
 * 200 at once and stamping every request when its body is read (process.hrtime, the clock of
 * every thread of the process); and N "bad" endpoints, also one server (origin) each, that accept
 * the connection, read the request and never answer, until they are told to come back (then they
 * answer the held requests and every later one 200).
 *
 * Each run: a fresh database (embedded PostgreSQL in a temporary folder, or a dedicated database
 * on DATABASE_URL's server), a fresh Herald in this process (createApp, logger off, HTTP on
 * 127.0.0.1:0), with webhook timeout BENCH_TIMEOUT_MS and retry schedule BENCH_RETRY_SCHEDULE;
 * perEndpoint and maxInFlight at Herald's defaults (or HERALD_WEBHOOK_* / BENCH_* knobs).
 *   1. Healthy set-up: enough queue requests (POST /queue/healthy?webhook=<healthy i % 50>) for
 *      the whole paced phase, all acquired over HTTP (concurrent acquire calls, 1-day lease); their
 *      `acquired` webhooks are awaited at the healthy receivers, so nothing healthy is pending.
 *   2. Backlog (N > 0): BENCH_BACKLOG requests (POST /queue/backlog?webhook=<bad i % N>), then
 *      acquired by concurrent acquire calls: one `acquired` lifecycle message (ordering 'ordered') per request, each
 *      its own stream, so all of them are ready at once. Waits until all exist in webhook_messages.
 *   3. Measured phase: Poisson arrivals at BENCH_RATE/s for BENCH_WARMUP_SECONDS + BENCH_SECONDS;
 *      each arrival completes the next pre-acquired healthy task over HTTP (POST
 *      /api/v1/tasks/{id}/complete). Latency = receipt of that job's `completed` webhook at its
 *      healthy receiver (matched by jobId and eventType in the body) - the time just before the
 *      complete request. Arrivals of the warm-up are not measured. A measured event not received
 *      within the phase + BENCH_GRACE_SECONDS is missing.
 *   4. The bad endpoints' messages by status (webhook_messages), then (BENCH_RECOVER=1) the bad
 *      endpoints come back and the bench waits up to BENCH_RECOVER_SECONDS for every one of their
 *      messages to end (delivered / failed); pending or retrying after that is stuck.
 *
 * Knobs (environment): BENCH_BAD (0,1,10,100: bad endpoint counts, one run each; the 0 run is the
 * baseline and runs first), BENCH_BACKLOG (10000), BENCH_SECONDS (30), BENCH_WARMUP_SECONDS (3),
 * BENCH_RATE (50), BENCH_HEALTHY (50), BENCH_TIMEOUT_MS (2000), BENCH_RETRY_SCHEDULE (0,1,2),
 * BENCH_PER_ENDPOINT, BENCH_MAX_IN_FLIGHT (default: Herald's, 32 / 256), BENCH_GRACE_SECONDS (10),
 * BENCH_RECOVER (1), BENCH_RECOVER_SECONDS (120), BENCH_DURABLE (0: fsync off on the embedded
 * server), DATABASE_URL, and Herald's HERALD_* settings (read by loadConfig).
 */

// ------------------------------------------------------------------ shared helpers

function int(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return v;
}

/** Monotonic ms, the same clock in every thread of the process. */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

// ------------------------------------------------------------------ receiver thread

interface ReceiverSetup {
  role: 'isolation-receiver';
  healthy: number;
  bad: number;
}

interface Receipt {
  ep: number;
  jobId: string;
  eventType: string;
  at: number;
}

/**
 * The receivers, in a worker thread: `healthy` servers answering 200 at once, `bad` servers
 * holding every request open until { type: 'recover' }. Healthy receipts go to the main thread
 * in batches every 5 ms, and at once on { type: 'flush', seq }.
 */
function runReceivers(setup: ReceiverSetup): void {
  const port = parentPort!;
  const servers: Server[] = [];
  let batch: Receipt[] = [];
  let recovered = false;
  const held = new Set<ServerResponse>();
  const bad = { received: 0, answered: 0, closedByClient: 0, maxHeld: 0 };

  const flush = () => {
    if (batch.length === 0) return;
    port.postMessage({ type: 'receipts', receipts: batch });
    batch = [];
  };
  const listen = (srv: Server) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port));
    });

  const healthy = Array.from({ length: setup.healthy }, (_, ep) => {
    const srv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = now();
        let jobId = '';
        let eventType = '';
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { jobId?: unknown; eventType?: unknown };
          jobId = String(body.jobId);
          eventType = String(body.eventType);
        } catch {
          /* not JSON: recorded with empty fields */
        }
        batch.push({ ep, jobId, eventType, at });
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
        res.end('ok');
      });
    });
    srv.keepAliveTimeout = 120_000;
    srv.headersTimeout = 125_000;
    srv.requestTimeout = 0;
    return srv;
  });

  const badServers = Array.from({ length: setup.bad }, () => {
    const srv = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        bad.received++;
        if (recovered) {
          bad.answered++;
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
          res.end('ok');
          return;
        }
        held.add(res);
        bad.maxHeld = Math.max(bad.maxHeld, held.size);
        res.on('close', () => {
          if (held.delete(res)) bad.closedByClient++;
        });
      });
    });
    // Never time a held request out on this side: the sender's timeout must end it.
    srv.keepAliveTimeout = 120_000;
    srv.headersTimeout = 125_000;
    srv.requestTimeout = 0;
    return srv;
  });

  const timer = setInterval(flush, 5);

  port.on('message', (msg: { type: string; seq?: number }) => {
    if (msg.type === 'flush') {
      flush();
      port.postMessage({ type: 'flushed', seq: msg.seq });
    } else if (msg.type === 'stats') {
      port.postMessage({ type: 'stats', seq: msg.seq, stats: { ...bad, heldNow: held.size } });
    } else if (msg.type === 'recover') {
      recovered = true;
      const holding = [...held];
      held.clear();
      for (const res of holding) {
        bad.answered++;
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
      }
      port.postMessage({ type: 'recovered', seq: msg.seq, answeredHeld: holding.length });
    } else if (msg.type === 'stop') {
      clearInterval(timer);
      flush();
      for (const res of held) res.destroy();
      held.clear();
      for (const srv of servers) srv.closeAllConnections();
      void Promise.all(servers.map((srv) => new Promise<void>((r) => srv.close(() => r())))).then(() => port.postMessage({ type: 'stopped' }));
    }
  });

  servers.push(...healthy, ...badServers);
  void Promise.all([Promise.all(healthy.map(listen)), Promise.all(badServers.map(listen))]).then(
    ([healthyPorts, badPorts]) => port.postMessage({ type: 'ready', healthyPorts, badPorts }),
    (err: Error) => port.postMessage({ type: 'failed', message: err.message }),
  );
}

// ------------------------------------------------------------------ main thread

interface BadStats {
  received: number;
  answered: number;
  closedByClient: number;
  maxHeld: number;
  heldNow: number;
}

class Receivers {
  healthyUrls: string[] = [];
  badUrls: string[] = [];
  onReceipt: (r: Receipt) => void = () => undefined;
  private seq = 0;
  private waiting = new Map<number, (msg: any) => void>();
  private stopped?: () => void;

  private constructor(private readonly worker: Worker) {}

  static async start(healthy: number, bad: number): Promise<Receivers> {
    const setup: ReceiverSetup = { role: 'isolation-receiver', healthy, bad };
    const worker = new Worker(__filename, { workerData: setup });
    const rx = new Receivers(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (msg: any) => {
        if (msg.type === 'ready') {
          rx.healthyUrls = (msg.healthyPorts as number[]).map((p, i) => `http://127.0.0.1:${p}/healthy/${i}`);
          rx.badUrls = (msg.badPorts as number[]).map((p, i) => `http://127.0.0.1:${p}/bad/${i}`);
          resolve();
        } else if (msg.type === 'failed') reject(new Error(`receivers: ${msg.message}`));
        else if (msg.type === 'receipts') for (const r of msg.receipts as Receipt[]) rx.onReceipt(r);
        else if (msg.type === 'stopped') rx.stopped?.();
        else if (msg.seq !== undefined) {
          rx.waiting.get(msg.seq)?.(msg);
          rx.waiting.delete(msg.seq);
        }
      });
    });
    return rx;
  }

  private ask(type: string): Promise<any> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.worker.postMessage({ type, seq });
    });
  }

  /** Resolves once every request received so far has been passed to onReceipt. */
  async sync(): Promise<void> {
    await this.ask('flush');
  }

  async badStats(): Promise<BadStats> {
    return (await this.ask('stats')).stats as BadStats;
  }

  /** The bad endpoints answer their held requests and every later one 200. */
  async recover(): Promise<number> {
    return (await this.ask('recover')).answeredHeld as number;
  }

  async stop(): Promise<void> {
    await Promise.race([new Promise<void>((r) => ((this.stopped = r), this.worker.postMessage({ type: 'stop' }))), sleep(3000)]);
    await this.worker.terminate();
  }
}

const BAD_LIST = (process.env.BENCH_BAD ?? '0,1,10,100')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '')
  .map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 0 || v > 1000) throw new Error(`BENCH_BAD must be a list of integers from 0 to 1000, got "${s}"`);
    return v;
  });
const BACKLOG = int('BENCH_BACKLOG', 10_000);
const SECONDS = int('BENCH_SECONDS', 30, 1);
const WARMUP_SECONDS = int('BENCH_WARMUP_SECONDS', 3);
const RATE = int('BENCH_RATE', 50, 1);
const HEALTHY = int('BENCH_HEALTHY', 50, 1);
const TIMEOUT_MS = int('BENCH_TIMEOUT_MS', 2000, 100);
const RETRY_SCHEDULE = parseSchedule(process.env.BENCH_RETRY_SCHEDULE || '0,1,2');
const GRACE_SECONDS = int('BENCH_GRACE_SECONDS', 10);
const RECOVER = process.env.BENCH_RECOVER !== '0';
const RECOVER_SECONDS = int('BENCH_RECOVER_SECONDS', 120);
const DURABLE = process.env.BENCH_DURABLE === '1';
const PER_ENDPOINT = int('BENCH_PER_ENDPOINT', loadConfig().webhooks.perEndpoint, 1);
const MAX_IN_FLIGHT = int('BENCH_MAX_IN_FLIGHT', loadConfig().webhooks.maxInFlight, 1);
/** Tasks prepared for the paced phase: its expected arrivals plus a wide margin (Poisson). */
const HEALTHY_TASKS = Math.ceil(RATE * (WARMUP_SECONDS + SECONDS) * 1.3) + 100;
const SETUP_CONCURRENCY = 32;
const CLIENT_CONNECTIONS = 64;
const WORKER_NAME = 'isolation-bench-worker';
const LEASE_SECONDS = 86_400;
const TARGET_P99_RATIO = 1.2;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);



interface LatencyStats {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** p99 with every missing sample counted as infinitely late (Infinity when more than 1% are missing). */
function p99CountingMissing(samples: number[], missing: number): number {
  const s = [...samples].sort((a, b) => a - b);
  for (let i = 0; i < missing; i++) s.push(Infinity);
  return s.length ? round(quantile(s, 0.99)) : NaN;
}

function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50Ms: round(quantile(s, 0.5)), p95Ms: round(quantile(s, 0.95)), p99Ms: round(quantile(s, 0.99)), maxMs: round(s.length ? s[s.length - 1] : NaN) };
}

function machineJiffies(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - (f[4] ?? 0), total };
}

function busyPct(a?: { busy: number; total: number }, b?: { busy: number; total: number }): number {
  return a && b ? round((100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total), 0) : NaN;
}

const api = apiCall;

async function expect<T>(what: string, status: number, call: Promise<{ status: number; body: T }>): Promise<T> {
  const res = await call;
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

async function submitAll(pool: UndiciPool, queue: string, n: number, webhook: (i: number) => string): Promise<void> {
  await forEachLimit(n, SETUP_CONCURRENCY, async (i) => {
    await expect(`submit ${queue} #${i}`, 202, api(pool, 'POST', `/queue/${queue}?webhook=${encodeURIComponent(webhook(i))}`, { i }));
  });
}

interface Acquired {
  taskId: string;
  jobId: string;
}

/**
 * Acquires every queued request of `queue`: SETUP_CONCURRENCY workers call acquire (max 1000;
 * Herald takes at most 20 jobs per call) until one comes back empty; bounded in calls.
 */
async function acquireAll(pool: UndiciPool, queue: string, expected: number): Promise<Acquired[]> {
  const out: Acquired[] = [];
  let calls = 0;
  const maxCalls = expected + 2 * SETUP_CONCURRENCY;
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (out.length < expected && calls++ < maxCalls) {
        const { tasks } = await expect<{ tasks: Acquired[] }>(
          `acquire ${queue}`,
          200,
          api(pool, 'POST', '/api/v1/tasks/acquire', { workerName: WORKER_NAME, queues: [queue], max: 1000, leaseSeconds: LEASE_SECONDS }),
        );
        if (tasks.length === 0) return;
        out.push(...tasks.map((t) => ({ taskId: t.taskId, jobId: String(t.jobId) })));
      }
    }),
  );
  if (out.length !== expected) throw new Error(`acquired ${out.length} of ${expected} requests of ${queue}`);
  return out;
}

type StatusCounts = Record<string, number>;

interface MessageSummary {
  byStatus: StatusCounts;
  messages: number;
  attempts: number;
  /** Messages never attempted. */
  neverAttempted: number;
  /** Superseded without any attempt (a lifecycle message must never be). */
  supersededUnattempted: number;
  /** Failed before the last attempt of the schedule. */
  failedEarly: number;
}

const STATUSES = ['pending', 'retrying', 'failed', 'delivered', 'superseded'];

/** The job event types of a `completed` lifecycle webhook (messages store the job event's type). */
const COMPLETED_TYPES = ['task.succeeded', 'completed'];

async function messageSummary(monitor: Client, pathPart: '/bad/' | '/healthy/', eventTypes?: string[]): Promise<MessageSummary> {
  const { rows } = await monitor.query(
    `SELECT m.status, count(*)::int AS n, coalesce(sum(m.attempts), 0)::int AS attempts,
            count(*) FILTER (WHERE m.attempts = 0)::int AS never,
            count(*) FILTER (WHERE m.status = 'failed' AND m.attempts < $3)::int AS failed_early
       FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
      WHERE strpos(s.url, $1) > 0 AND ($2::text[] IS NULL OR m.event_type = ANY ($2))
      GROUP BY m.status`,
    [pathPart, eventTypes ?? null, RETRY_SCHEDULE.length],
  );
  const byStatus: StatusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  let messages = 0;
  let attempts = 0;
  let neverAttempted = 0;
  let supersededUnattempted = 0;
  let failedEarly = 0;
  for (const r of rows) {
    byStatus[r.status] = r.n;
    messages += r.n;
    attempts += r.attempts;
    neverAttempted += r.never;
    if (r.status === 'superseded') supersededUnattempted += r.never;
    failedEarly += r.failed_early;
  }
  return { byStatus, messages, attempts, neverAttempted, supersededUnattempted, failedEarly };
}

interface RunResult {
  bad: number;
  backlog: number;
  backlogSetupSeconds: number;
  healthy: {
    latency: LatencyStats;
    /** p99 over the measured events, a missing one counted as infinitely late (null in the JSON: more than 1% missing). */
    p99CountingMissingMs: number;
    completeCallMs: LatencyStats;
    events: number;
    measured: number;
    received: number;
    missing: number;
    notFired: number;
    unexpected: number;
    offeredPerSec: number;
    /** The `completed` messages of the healthy endpoints at the end of the grace period. */
    messagesAfterGrace: MessageSummary;
    /** Measured events received after the grace period (until the end of the run: recovery included). */
    lateReceived?: { n: number; minMs: number; maxMs: number };
    /** Whole machine during the phase (% of all cores), and this process (Herald, bench, receivers; % of one core). */
    machineBusyPct: number;
    nodeProcessPctOfOneCore: number;
  };
  badAfterPhase?: MessageSummary & { receiver: BadStats; timeoutAttempts: number };
  recovery?: {
    seconds: number;
    settled: boolean;
    answeredHeld: number;
    messages: MessageSummary;
    stuck: number;
    healthyMessages: MessageSummary;
  };
}

/** Open-loop Poisson arrivals at `rate`/s; fire() is not awaited. */
async function poisson(rate: number, totalMs: number, fire: (k: number, atMs: number) => void): Promise<number> {
  const start = now();
  let next = start;
  let k = 0;
  for (;;) {
    next += (-Math.log(1 - Math.random()) * 1000) / rate;
    if (next - start > totalMs) break;
    const wait = next - now();
    if (wait >= 1) await sleep(wait);
    fire(k++, next - start);
  }
  return k;
}

async function runScenario(bad: number): Promise<RunResult> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${(err as Error).message}`));
  };
  activeCleanup = cleanup;
  try {
    const database = await benchDatabase(DURABLE);
    cleanups.push(database.dispose);
    const rx = await Receivers.start(HEALTHY, bad);
    cleanups.push(() => rx.stop());
    const monitor = new Client({ connectionString: database.url, application_name: 'bench-monitor' });
    await monitor.connect();
    cleanups.push(() => monitor.end());

    const base = loadConfig();
    const config: HeraldConfig = {
      ...base,
      databaseUrl: database.url,
      apiKeys: [],
      webhooks: { ...base.webhooks, timeoutMs: TIMEOUT_MS, retrySchedule: RETRY_SCHEDULE, perEndpoint: PER_ENDPOINT, maxInFlight: MAX_IN_FLIGHT },
    };
    const app: INestApplication = await createApp(config, { logger: false });
    cleanups.push(async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([app.close(), new Promise<void>((r) => (timer = setTimeout(() => (log('app.close() did not finish within 30 s'), r()), 30_000)))]);
      clearTimeout(timer);
    });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const pool = new UndiciPool(baseUrl, { connections: CLIENT_CONNECTIONS });
    cleanups.push(() => pool.close());

    // ------------------------------------------------ 1. healthy tasks, their `acquired` webhooks delivered
    let t0 = now();
    const acquiredSeen = new Set<string>();
    rx.onReceipt = (r) => {
      if (r.eventType === 'acquired') acquiredSeen.add(r.jobId);
    };
    await submitAll(pool, 'healthy', HEALTHY_TASKS, (i) => rx.healthyUrls[i % HEALTHY]);
    const tasks = await acquireAll(pool, 'healthy', HEALTHY_TASKS);
    await until(`${HEALTHY_TASKS} healthy acquired webhooks`, async () => (await rx.sync(), acquiredSeen.size >= HEALTHY_TASKS), 120_000, 50);
    rx.onReceipt = () => undefined;
    log(`bad=${bad}: ${HEALTHY_TASKS} healthy requests submitted, acquired, their acquired webhooks received in ${round((now() - t0) / 1000, 1)} s`);

    // ------------------------------------------------ 2. backlog for the bad endpoints
    let backlogSetupSeconds = 0;
    if (bad > 0 && BACKLOG > 0) {
      t0 = now();
      await submitAll(pool, 'backlog', BACKLOG, (i) => rx.badUrls[i % bad]);
      const tSubmitted = now();
      await acquireAll(pool, 'backlog', BACKLOG);
      const tAcquired = now();
      await until(
        `${BACKLOG} backlog messages in webhook_messages`,
        async () => (await messageSummary(monitor, '/bad/')).messages >= BACKLOG,
        180_000,
        200,
      );
      backlogSetupSeconds = round((now() - t0) / 1000, 1);
      const s = await messageSummary(monitor, '/bad/');
      log(
        `bad=${bad}: backlog of ${BACKLOG} submitted in ${round((tSubmitted - t0) / 1000, 1)} s, acquired in ${round((tAcquired - tSubmitted) / 1000, 1)} s, ` +
          `all its messages in webhook_messages ${round((now() - tAcquired) / 1000, 1)} s later; ` +
          `now ${JSON.stringify(s.byStatus)}`,
      );
    }

    // ------------------------------------------------ 3. measured phase
    await rx.sync();
    const sent = new Map<string, { at: number; measured: boolean }>();
    const lat: number[] = [];
    const callMs: number[] = [];
    const measuredJobs: string[] = [];
    let unexpected = 0;
    let failures = 0;
    let notFired = 0;
    rx.onReceipt = (r) => {
      if (r.eventType !== 'completed') return;
      const s = sent.get(r.jobId);
      if (!s) return void unexpected++;
      sent.delete(r.jobId);
      if (s.measured) lat.push(r.at - s.at);
    };
    log(`bad=${bad}: paced phase, ${RATE}/s Poisson for ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured`);
    const j0 = machineJiffies();
    const cpu0 = process.cpuUsage();
    const started = now();
    const events = await poisson(RATE, (WARMUP_SECONDS + SECONDS) * 1000, (k, atMs) => {
      if (k >= tasks.length) return void notFired++;
      const task = tasks[k];
      const measured = atMs >= WARMUP_SECONDS * 1000;
      if (measured) measuredJobs.push(task.jobId);
      const at = now();
      sent.set(task.jobId, { at, measured });
      api(pool, 'POST', `/api/v1/tasks/${task.taskId}/complete`, { workerName: WORKER_NAME, result: { k } }).then(
        (res) => {
          if (res.status !== 200) throw new Error(`HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          if (measured) callMs.push(now() - at);
        },
      ).catch((err: Error) => {
        failures++;
        if (failures <= 3) log(`complete ${k} failed: ${err.message}`);
      });
    });
    const phaseEnd = now();
    const machineBusy = busyPct(j0, machineJiffies());
    const cpu = process.cpuUsage(cpu0);
    const nodePct = round((100 * (cpu.user + cpu.system)) / 1000 / (phaseEnd - started), 0);
    const measuredPending = () => measuredJobs.filter((id) => sent.has(id)).length;
    await until('measured deliveries', async () => (await rx.sync(), measuredPending() === 0), GRACE_SECONDS * 1000, 50).catch(() => undefined);
    const missing = measuredPending();
    // Later receipts of measured events (after the grace period, e.g. during recovery) are counted apart.
    const late: number[] = [];
    const measuredSet = new Set(measuredJobs);
    rx.onReceipt = (r) => {
      if (r.eventType !== 'completed' || !measuredSet.has(r.jobId)) return;
      const s = sent.get(r.jobId);
      if (!s) return;
      sent.delete(r.jobId);
      late.push(r.at - s.at);
    };
    if (failures) throw new Error(`${failures} complete calls failed`);
    const healthyMessages = await messageSummary(monitor, '/healthy/', COMPLETED_TYPES);
    const healthy = {
      latency: latencyStats(lat),
      p99CountingMissingMs: p99CountingMissing(lat, missing),
      completeCallMs: latencyStats(callMs),
      events,
      measured: measuredJobs.length,
      received: lat.length,
      missing,
      notFired,
      unexpected,
      offeredPerSec: round(events / ((phaseEnd - started) / 1000), 1),
      messagesAfterGrace: healthyMessages,
      machineBusyPct: machineBusy,
      nodeProcessPctOfOneCore: nodePct,
    };
    log(
      `bad=${bad}: healthy p50 ${healthy.latency.p50Ms} / p99 ${healthy.latency.p99Ms} / max ${healthy.latency.maxMs} ms; ` +
        `${missing} of ${healthy.measured} missing after ${GRACE_SECONDS} s grace; completed messages ${JSON.stringify(healthyMessages.byStatus)}`,
    );
    if (notFired) log(`warning: ${notFired} arrivals had no prepared task and were not fired`);

    const result: RunResult = { bad, backlog: bad > 0 ? BACKLOG : 0, backlogSetupSeconds, healthy };

    // ------------------------------------------------ 4. bad endpoints: state, then recovery
    if (bad > 0) {
      const [{ n: timeoutAttempts }] = (
        await monitor.query(`SELECT count(*)::int AS n FROM webhook_attempts WHERE strpos(url, '/bad/') > 0 AND error_code = 'TIMEOUT'`)
      ).rows;
      result.badAfterPhase = { ...(await messageSummary(monitor, '/bad/')), receiver: await rx.badStats(), timeoutAttempts };
      log(`bad=${bad}: bad endpoints' messages after the phase ${JSON.stringify(result.badAfterPhase.byStatus)}, ${result.badAfterPhase.attempts} attempts`);

      if (RECOVER) {
        const answeredHeld = await rx.recover();
        const r0 = now();
        const open = async () => {
          const s = await messageSummary(monitor, '/bad/');
          return s.byStatus.pending + s.byStatus.retrying;
        };
        let settled = true;
        await until('bad endpoints\' messages to end', async () => (await open()) === 0, RECOVER_SECONDS * 1000, 500).catch(() => (settled = false));
        const seconds = round((now() - r0) / 1000, 1);
        const messages = await messageSummary(monitor, '/bad/');
        result.recovery = {
          seconds,
          settled,
          answeredHeld,
          messages,
          stuck: messages.byStatus.pending + messages.byStatus.retrying,
          healthyMessages: await messageSummary(monitor, '/healthy/', COMPLETED_TYPES),
        };
        log(`bad=${bad}: recovery ${settled ? 'settled' : 'NOT settled'} after ${seconds} s: ${JSON.stringify(messages.byStatus)}`);
      }
    }
    await rx.sync();
    rx.onReceipt = () => undefined;
    const l = latencyStats(late);
    result.healthy.lateReceived = { n: l.n, minMs: round(Math.min(...late)), maxMs: l.maxMs };
    return result;
  } finally {
    await cleanup();
    activeCleanup = undefined;
  }
}

let activeCleanup: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const benchStarted = now();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: cleaning up`);
      void (activeCleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  if (BAD_LIST.length === 0) throw new Error('BENCH_BAD lists no run');
  const runs = [...new Set(BAD_LIST)].sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : 0));
  const j0 = machineJiffies();
  await sleep(1000);
  const machineBeforeStart = { busyPct: busyPct(j0, machineJiffies()), loadAverage1m: round(loadavg()[0], 2) };
  const database = loadConfig().databaseUrl ? 'DATABASE_URL server, a dedicated database per run' : `embedded PostgreSQL 18 per run in a temporary folder (${DURABLE ? 'fsync on' : 'fsync, synchronous_commit and full_page_writes off'})`;
  log(`starting: runs with ${runs.join(', ')} bad endpoints; backlog ${BACKLOG}; ${RATE}/s for ${SECONDS} s`);

  const results: RunResult[] = [];
  for (const bad of runs) results.push(await runScenario(bad));

  const baseline = results.find((r) => r.bad === 0);
  /** p99 (missing counted as infinitely late) over the baseline's: Infinity when more than 1% are missing. */
  const ratio = (r: RunResult) =>
    baseline && baseline.healthy.p99CountingMissingMs > 0 && Number.isFinite(baseline.healthy.p99CountingMissingMs)
      ? round(r.healthy.p99CountingMissingMs / baseline.healthy.p99CountingMissingMs, 2)
      : NaN;
  const method = {
    database,
    receivers:
      `one worker thread of this process: ${HEALTHY} healthy endpoints, each its own node:http server (origin) on 127.0.0.1, answering 200 at once and stamping each request when its body is read (process.hrtime); ` +
      `N bad endpoints, one server (origin) each, reading each request and never answering (until recovery: then the held requests and all later ones get 200)`,
    herald:
      `in this process per run, fresh database: createApp, logger off, HTTP on 127.0.0.1:0; webhooks timeoutMs ${TIMEOUT_MS}, retrySchedule [${RETRY_SCHEDULE.join(', ')}] s (+-20% jitter), ` +
      `perEndpoint ${PER_ENDPOINT}, maxInFlight ${MAX_IN_FLIGHT}, other settings Herald's defaults`,
    backlog:
      `N > 0: ${BACKLOG} queue requests POST /queue/backlog?webhook=<bad i mod N>, then acquired over HTTP (${SETUP_CONCURRENCY} concurrent acquire calls, max 1000, Herald takes up to 20 per call): one 'acquired' lifecycle message ('ordered') per request, ` +
      `each its own (subscription, job) stream, so all are ready at once; the phase starts when all ${BACKLOG} exist in webhook_messages (Herald already attempting them)`,
    healthyLoad:
      `${HEALTHY_TASKS} queue requests POST /queue/healthy?webhook=<healthy i mod ${HEALTHY}>, acquired over HTTP and their 'acquired' webhooks received before the backlog; ` +
      `then open-loop Poisson arrivals at ${RATE}/s for ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured, each completing the next task (POST /api/v1/tasks/{id}/complete, not awaited by the pacer)`,
    latency:
      `receipt of the job's 'completed' webhook at its healthy receiver (matched by jobId and eventType) - time just before the complete request; p50/p95/p99/max over the received ones; ` +
      `missing = measured events not received within the phase + ${GRACE_SECONDS} s; 'p99 missing=inf' counts each missing one as infinitely late, and the ratio to the 0-bad run uses it (Infinity: more than 1% missing)`,
    badEndpoints: `webhook_messages of the bad subscriptions by status after the phase + grace; then ${RECOVER ? `the bad endpoints come back and the bench waits up to ${RECOVER_SECONDS} s until none is pending or retrying (stuck = still pending/retrying)` : 'no recovery (BENCH_RECOVER=0)'}`,
    target: `issue 19: healthy p99 within ${Math.round((TARGET_P99_RATIO - 1) * 100)}% of the 0-bad run, none missing, every bad message ends failed or delivered after recovery, none superseded`,
  };
  const report = {
    method,
    node: process.version,
    cpus: cpus().length,
    machineBeforeStart,
    loadAverage1mAtEnd: round(loadavg()[0], 2),
    knobs: { BENCH_BAD: runs, BENCH_BACKLOG: BACKLOG, BENCH_SECONDS: SECONDS, BENCH_WARMUP_SECONDS: WARMUP_SECONDS, BENCH_RATE: RATE, BENCH_HEALTHY: HEALTHY, BENCH_TIMEOUT_MS: TIMEOUT_MS, BENCH_RETRY_SCHEDULE: RETRY_SCHEDULE, BENCH_PER_ENDPOINT: PER_ENDPOINT, BENCH_MAX_IN_FLIGHT: MAX_IN_FLIGHT, BENCH_GRACE_SECONDS: GRACE_SECONDS, BENCH_RECOVER: RECOVER, BENCH_RECOVER_SECONDS: RECOVER_SECONDS },
    runs: results.map((r) => ({
      ...r,
      p99RatioToBaseline: ratio(r),
      targetMet:
        r.bad === 0
          ? undefined
          : ratio(r) <= TARGET_P99_RATIO &&
            r.healthy.missing === 0 &&
            (!r.recovery || (r.recovery.settled && r.recovery.stuck === 0 && r.recovery.messages.byStatus.superseded === 0)),
    })),
    totalSeconds: round((now() - benchStarted) / 1000, 1),
  };

  const yes = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'yes' : 'NO');
  console.log('\nMethod');
  for (const [k, v] of Object.entries(method)) console.log(`  ${k}: ${v}`);
  console.log('\nHealthy endpoints (completed webhooks, ms from the complete request to receipt)');
  console.table(
    Object.fromEntries(
      report.runs.map((r) => [
        `${r.bad} bad`,
        {
          backlog: r.backlog,
          p50: r.healthy.latency.p50Ms,
          p95: r.healthy.latency.p95Ms,
          p99: r.healthy.latency.p99Ms,
          max: r.healthy.latency.maxMs,
          measured: r.healthy.measured,
          missing: r.healthy.missing,
          'p99 missing=inf': r.healthy.p99CountingMissingMs,
          'p99 / baseline': r.p99RatioToBaseline,
          'target met': yes(r.targetMet),
        },
      ]),
    ),
  );
  const withBad = report.runs.filter((r) => r.badAfterPhase);
  if (withBad.length) {
    console.log(`Bad endpoints' messages: after the phase + grace${RECOVER ? ` | after recovery (up to ${RECOVER_SECONDS} s)` : ''}`);
    console.table(
      Object.fromEntries(
        withBad.map((r) => {
          const a = r.badAfterPhase!;
          const row: Record<string, unknown> = {
            pending: a.byStatus.pending,
            retrying: a.byStatus.retrying,
            failed: a.byStatus.failed,
            delivered: a.byStatus.delivered,
            superseded: a.byStatus.superseded,
            attempts: a.attempts,
            'never attempted': a.neverAttempted,
          };
          if (r.recovery) {
            row['rec. delivered'] = r.recovery.messages.byStatus.delivered;
            row['rec. failed'] = r.recovery.messages.byStatus.failed;
            row['rec. superseded'] = r.recovery.messages.byStatus.superseded;
            row.stuck = r.recovery.stuck;
            row['rec. seconds'] = r.recovery.settled ? r.recovery.seconds : `>${r.recovery.seconds}`;
          }
          return [`${r.bad} bad`, row];
        }),
      ),
    );
  }
  for (const r of report.runs) {
    const h = r.healthy;
    console.log(
      `  ${r.bad} bad: offered ${h.offeredPerSec}/s, complete call p50/p99 ${h.completeCallMs.p50Ms}/${h.completeCallMs.p99Ms} ms, machine ${h.machineBusyPct}% busy during the phase (of ${cpus().length} cores; this process ${h.nodeProcessPctOfOneCore}% of one core, PostgreSQL and other processes the rest); ` +
        `healthy completed messages after grace ${JSON.stringify(h.messagesAfterGrace.byStatus)} (${h.messagesAfterGrace.neverAttempted} never attempted)` +
        (r.badAfterPhase ? `; backlog set-up ${r.backlogSetupSeconds} s; bad receivers: ${r.badAfterPhase.receiver.received} requests, at most ${r.badAfterPhase.receiver.maxHeld} held at once; ${r.badAfterPhase.timeoutAttempts} TIMEOUT attempts` : '') +
        (r.recovery ? `; failed before the last scheduled attempt: ${r.recovery.messages.failedEarly}; healthy completed messages after recovery ${JSON.stringify(r.recovery.healthyMessages.byStatus)}` : '') +
        (h.lateReceived?.n ? `; ${h.lateReceived.n} measured healthy webhooks arrived after the grace period (${h.lateReceived.minMs}-${h.lateReceived.maxMs} ms after their complete)` : ''),
    );
  }
  if (machineBeforeStart.busyPct > 20) console.log(`WARNING: the machine was ${machineBeforeStart.busyPct}% busy before the bench started; figures will suffer`);
  console.log(`machine before start: ${machineBeforeStart.busyPct}% busy, load average ${machineBeforeStart.loadAverage1m}; total ${report.totalSeconds} s\n`);
  console.log(JSON.stringify(report));
}

// Entry point, last: the same file is the main program and the receivers' worker thread.
if (!isMainThread && (workerData as ReceiverSetup | undefined)?.role === 'isolation-receiver') {
  runReceivers(workerData as ReceiverSetup);
} else if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error('bench:isolation failed:', err);
      process.exit(1);
    },
  );
}
