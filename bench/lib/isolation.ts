import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Pool as UndiciPool } from 'undici';
import { createApp } from '../../src/app.factory';
import { loadConfig, type HeraldConfig } from '../../src/config/config';
import { benchDatabase } from '../bench-database';
import { apiCall, forEachLimit, quantile, until } from '../bench-util';
import { machineJiffies } from './cpu';
import { Receivers, type BadStats } from './endpoints';
import { log, now } from './knobs';
import { poisson } from './pacing';
import { latencyStats, round, type LatencyStats } from './stats';

/**
 * One run of the isolation bench (bench/isolation-bench.ts documents the method): a fresh
 * database and Herald in this process, healthy and `bad` endpoints (bench/lib/endpoints.ts), an
 * optional backlog for the bad ones, a paced phase to the healthy ones, then the bad endpoints'
 * state and their recovery. Used by `npm run bench:isolation` and the backpressure fault scenario.
 */

export interface IsolationSettings {
  backlog: number;
  /** The paced phase: warm-up, then measured (the bad endpoints are down throughout). */
  seconds: number;
  warmupSeconds: number;
  rate: number;
  healthy: number;
  timeoutMs: number;
  retrySchedule: number[];
  graceSeconds: number;
  recover: boolean;
  recoverSeconds: number;
  durable: boolean;
  perEndpoint: number;
  maxInFlight: number;
}

/** Tasks prepared for the paced phase: its expected arrivals plus a wide margin (Poisson). */
export const healthyTasks = (s: IsolationSettings) => Math.ceil(s.rate * (s.warmupSeconds + s.seconds) * 1.3) + 100;
export const SETUP_CONCURRENCY = 32;
const CLIENT_CONNECTIONS = 64;
const WORKER_NAME = 'isolation-bench-worker';
const LEASE_SECONDS = 86_400;

/** p99 with every missing sample counted as infinitely late (Infinity when more than 1% are missing). */
export function p99CountingMissing(samples: number[], missing: number): number {
  const s = [...samples].sort((a, b) => a - b);
  for (let i = 0; i < missing; i++) s.push(Infinity);
  return s.length ? round(quantile(s, 0.99)) : NaN;
}

export function busyPct(a?: { busy: number; total: number }, b?: { busy: number; total: number }): number {
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

export interface MessageSummary {
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

async function messageSummary(monitor: Client, pathPart: '/bad/' | '/healthy/', attemptsInSchedule: number, eventTypes?: string[]): Promise<MessageSummary> {
  const { rows } = await monitor.query(
    `SELECT m.status, count(*)::int AS n, coalesce(sum(m.attempts), 0)::int AS attempts,
            count(*) FILTER (WHERE m.attempts = 0)::int AS never,
            count(*) FILTER (WHERE m.status = 'failed' AND m.attempts < $3)::int AS failed_early
       FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
      WHERE strpos(s.url, $1) > 0 AND ($2::text[] IS NULL OR m.event_type = ANY ($2))
      GROUP BY m.status`,
    [pathPart, eventTypes ?? null, attemptsInSchedule],
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

export interface RunResult {
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
    /** From the comeback to the first bad message seen delivered (polled every 500 ms). */
    firstDeliveredSeconds: number;
    settled: boolean;
    answeredHeld: number;
    messages: MessageSummary;
    stuck: number;
    healthyMessages: MessageSummary;
  };
}

export async function runScenario(bad: number, settings: IsolationSettings): Promise<RunResult> {
  const { backlog: BACKLOG, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, rate: RATE, healthy: HEALTHY, graceSeconds: GRACE_SECONDS, recoverSeconds: RECOVER_SECONDS } = settings;
  const HEALTHY_TASKS = healthyTasks(settings);
  const summary = (monitor: Client, pathPart: '/bad/' | '/healthy/', eventTypes?: string[]): Promise<MessageSummary> => messageSummary(monitor, pathPart, settings.retrySchedule.length, eventTypes);
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${(err as Error).message}`));
  };
  activeCleanup = cleanup;
  try {
    const database = await benchDatabase(settings.durable);
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
      webhooks: { ...base.webhooks, timeoutMs: settings.timeoutMs, retrySchedule: settings.retrySchedule, perEndpoint: settings.perEndpoint, maxInFlight: settings.maxInFlight },
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
    await until(`${HEALTHY_TASKS} healthy acquired webhooks`, async () => (await rx.sync(), acquiredSeen.size >= HEALTHY_TASKS), Math.max(120_000, HEALTHY_TASKS * 5), 50);
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
        async () => (await summary(monitor, '/bad/')).messages >= BACKLOG,
        Math.max(180_000, BACKLOG * 5),
        200,
      );
      backlogSetupSeconds = round((now() - t0) / 1000, 1);
      const s = await summary(monitor, '/bad/');
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
    const events = await poisson(RATE, WARMUP_SECONDS * 1000, SECONDS * 1000, (k, measured) => {
      if (k >= tasks.length) return void notFired++;
      const task = tasks[k];
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
    const healthyMessages = await summary(monitor, '/healthy/', COMPLETED_TYPES);
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
      const badAfterPhase = { ...(await summary(monitor, '/bad/')), receiver: await rx.badStats(), timeoutAttempts };
      result.badAfterPhase = badAfterPhase;
      log(`bad=${bad}: bad endpoints' messages after the phase ${JSON.stringify(result.badAfterPhase.byStatus)}, ${result.badAfterPhase.attempts} attempts`);

      if (settings.recover) {
        const deliveredBefore = badAfterPhase.byStatus.delivered;
        const answeredHeld = await rx.recover();
        const r0 = now();
        let firstDeliveredSeconds = NaN;
        const open = async () => {
          const s = await summary(monitor, '/bad/');
          if (Number.isNaN(firstDeliveredSeconds) && s.byStatus.delivered > deliveredBefore) firstDeliveredSeconds = round((now() - r0) / 1000, 1);
          return s.byStatus.pending + s.byStatus.retrying;
        };
        let settled = true;
        await until('bad endpoints\' messages to end', async () => (await open()) === 0, RECOVER_SECONDS * 1000, 500).catch(() => (settled = false));
        const seconds = round((now() - r0) / 1000, 1);
        const messages = await summary(monitor, '/bad/');
        result.recovery = {
          seconds,
          firstDeliveredSeconds,
          settled,
          answeredHeld,
          messages,
          stuck: messages.byStatus.pending + messages.byStatus.retrying,
          healthyMessages: await summary(monitor, '/healthy/', COMPLETED_TYPES),
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

/** Ends the run under way (its Herald, receivers and database), e.g. on SIGINT. */
export const cleanupActive = (): Promise<void> => activeCleanup?.() ?? Promise.resolve();
