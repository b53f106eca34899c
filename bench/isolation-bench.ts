import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '../src/config/config';
import { parseSchedule } from '../src/webhooks/domain/retry-schedule';
import { sleep } from './bench-util';
import { machineJiffies } from './lib/cpu';
import { busyPct, cleanupActive, healthyTasks, runScenario, SETUP_CONCURRENCY, type IsolationSettings, type RunResult } from './lib/isolation';
import { log, now } from './lib/knobs';
import { round } from './lib/stats';

/**
 * `npm run bench:isolation`: does one dead endpoint delay delivery to healthy ones? (issue 19)
 *
 * Receivers (one worker thread of this process, bench/lib/endpoints.ts): BENCH_HEALTHY (50)
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

function int(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return v;
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
const TARGET_P99_RATIO = 1.2;
const SETTINGS: IsolationSettings = {
  backlog: BACKLOG,
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  rate: RATE,
  healthy: HEALTHY,
  timeoutMs: TIMEOUT_MS,
  retrySchedule: RETRY_SCHEDULE,
  graceSeconds: GRACE_SECONDS,
  recover: RECOVER,
  recoverSeconds: RECOVER_SECONDS,
  durable: DURABLE,
  perEndpoint: PER_ENDPOINT,
  maxInFlight: MAX_IN_FLIGHT,
};
const HEALTHY_TASKS = healthyTasks(SETTINGS);

async function main(): Promise<void> {
  const benchStarted = now();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: cleaning up`);
      void cleanupActive().finally(() => process.exit(130));
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
  for (const bad of runs) results.push(await runScenario(bad, SETTINGS));

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

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench:isolation failed:', err);
    process.exit(1);
  },
);
