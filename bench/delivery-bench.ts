import 'reflect-metadata';
import { loadavg } from 'node:os';
import { Pool as UndiciPool } from 'undici';
import { benchDatabase } from './bench-database';
import { sleep } from './bench-util';
import { BullBaseline, BULLMQ_CONCURRENCIES } from './lib/bullmq-baseline';
import { cpuBetween, cpuMark, watchPostgres, watchRedis } from './lib/cpu';
import { profileStart, profileStop, serverTimePerEvent, TRACE } from './lib/diagnostics';
import type { DrainResult } from './lib/drain';
import { completeTask, heartbeat, prepareResultTasks, startHerald } from './lib/herald';
import { endToEndDrain, heraldDrainTrial, type EndToEnd, type HeraldTrial } from './lib/herald-drain';
import { httpClients, type ClientResult } from './lib/http-clients';
import { APPEND_CONCURRENCY, BULLMQ, DURABLE, E2E, HTTP_COMPARE, JOBS, log, now, PACED_EVENTS_MAX, PACED_SECONDS, PGSS, RATE, RESULT, TRIALS, WARMUP_SECONDS } from './lib/knobs';
import { Monitor } from './lib/monitor';
import { pacedPhase, type PacedResult } from './lib/pacing';
import { baselineDrain, baselinePaced, startBaseline } from './lib/pgboss-baseline';
import { printReport } from './lib/print';
import { Receiver } from './lib/receiver';
import { buildReport, type BenchResults, type BullRun } from './lib/report';
import { round } from './lib/stats';

/**
 * `npm run bench:delivery`: webhook delivery speed of Herald against two baselines in one run,
 * on one database and one receiver: a plain pg-boss worker posting with axios, and BullMQ on the
 * machine's Redis posting with undici.
 *
 * Herald runs in this process (createApp, logger off) on a fresh database: an embedded
 * PostgreSQL in a temporary folder (fsync off, like the test suite; BENCH_DURABLE=1 keeps
 * fsync on), or a dedicated database on DATABASE_URL's server. Herald posts its webhooks with
 * undici (its UndiciHttpSender). The receiver is a plain node:http keep-alive server on
 * 127.0.0.1 in a worker thread (delivery-receiver.ts).
 *
 * Every Herald "event" is a real append through the CommandBus: a worker heartbeat on a task
 * of a pipeline job whose webhooks.progress is `<receiver>/j/<n>` with progressVerbosityLevel
 * 'debug', which appends one task.lease-extended event (level debug) and so produces exactly
 * one progress webhook. Events are spread over BENCH_JOBS jobs so that no progress message is
 * ever superseded by a newer one of the same job. The jobs are submitted and their tasks
 * acquired over Herald's HTTP API during set-up.
 *
 * The result phase (the webhook users wait for): other one-task jobs whose only webhook is
 * webhooks.result = `<receiver>/r/<n>`, their tasks acquired in set-up; at the same Poisson
 * pace, a worker's POST /api/v1/tasks/{taskId}/complete over HTTP, and the latency from just
 * before that request to the receipt of the job's result webhook. It includes the HTTP round
 * trip to Herald, which the progress figure (a CommandBus call) does not; the report also gives
 * both from the command's answer to the receipt, and the ratio result / progress.
 *
 * The pg-boss baseline: 16 work() workers on its own schema, posting with axios, one INSERT per
 * attempt. The BullMQ baseline (Redis at 127.0.0.1:6379; Herald itself never uses Redis): a
 * Worker at concurrency 16 and at 64 whose processor posts with undici; each completed job is
 * its attempt record. Its queue is obliterated before and after each phase. Without a
 * reachable Redis one line says it is skipped and the rest runs. BullMQ talks to Redis through
 * ioredis, its default driver.
 *
 * Phases: paced latency (Herald progress, Herald result, pg-boss, BullMQ x16 and x64), then
 * BENCH_TRIALS backlog drains per side (alternating Herald / pg-boss / BullMQ x16 / x64), one
 * Herald drain through fan-out and delivery together, and an HTTP client comparison. The method
 * is printed with the results, as tables (with the ratios: Herald end-to-end / BullMQ drain,
 * Herald paced p50 / BullMQ paced p50, result / progress p50 and p99) and as one JSON line.
 *
 * Knobs (environment): BENCH_JOBS (6000: jobs, and the backlog size of a drain trial),
 * BENCH_TRIALS (3: drain trials per side, alternating), BENCH_RATE (50 events/s),
 * BENCH_SECONDS (20: measured seconds of each paced phase), BENCH_WARMUP_SECONDS (3),
 * BENCH_E2E (1: one extra fan-out + delivery drain trial), BENCH_HTTP (1: HTTP client
 * comparison), BENCH_BULLMQ (1: 0 skips the BullMQ baseline), BENCH_RESULT (1: 0 skips the
 * result phase), BENCH_BASELINE_SOCKETS (64: axios keep-alive agent maxSockets), BENCH_DURABLE,
 * BENCH_VACUUM (1: VACUUM ANALYZE before each measured phase; 0 leaves it to autovacuum),
 * BENCH_TRACE (0: 1 prints the wall time of Herald's SQL statements per phase, and each drain's
 * receipts per 100 ms), BENCH_PGSS (0: 1 prints the server's time per statement per paced event), BENCH_PROFILE
 * (a folder: main-thread CPU profiles of the measured phases),
 * and Herald's own HERALD_* settings (read by loadConfig).
 *
 * The parts are in bench/lib/: knobs (settings), stats, cpu (CPU marks), diagnostics (profiles,
 * SQL trace, pg_stat_statements), receiver, pacing, drain, monitor (the bench's own database
 * connection), herald and herald-drain (the Herald driver), pgboss-baseline, bullmq-baseline
 * http-clients, report and print.
 */

async function main(): Promise<void> {
  const started = now();
  const cleanups: Array<() => Promise<unknown>> = [];
  let cleaning = false;
  const cleanup = async () => {
    if (cleaning) return;
    cleaning = true;
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${(err as Error).message}`));
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    // Other processes on the machine distort every figure here: measure how busy it is first.
    watchRedis();
    const idle0 = cpuMark();
    await sleep(1000);
    const preflight = { ...cpuBetween(idle0, cpuMark()), loadAverage1m: round(loadavg()[0], 2) };
    if (preflight.machineBusyPct > 20) log(`warning: the machine was ${preflight.machineBusyPct}% busy before the bench started (load average ${preflight.loadAverage1m}); figures will suffer`);
    log(`starting (${JOBS} jobs, ${TRIALS} drain trials per side, ${RATE} events/s for ${PACED_SECONDS} s after ${WARMUP_SECONDS} s warm-up)`);
    const database = await benchDatabase(DURABLE, PGSS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' } : {});
    if (database.dataDir) watchPostgres(database.dataDir);
    cleanups.push(database.dispose);
    const rx = await Receiver.start();
    cleanups.push(() => rx.stop());
    const m = await Monitor.connect(database.url);
    cleanups.push(() => m.end());

    const herald = await startHerald(database.url, rx);
    cleanups.push(() => herald.app.close());
    const resultTasks = RESULT ? await prepareResultTasks(herald, rx, PACED_EVENTS_MAX) : [];
    await m.waitQuiet('setup', rx);
    const [sample] = await m.q(`SELECT body FROM webhook_messages WHERE event_type = 'task.acquired' LIMIT 1`);
    const body = sample.body as string;
    log(`setup webhooks delivered; a progress body is ${Buffer.byteLength(body)} bytes`);

    // ---------------------------------------------------------- paced latency
    const baseline = await startBaseline(database.url, body, m);
    cleanups.push(() => baseline.close());

    if (RATE * (PACED_SECONDS + WARMUP_SECONDS) * 1.3 > JOBS) log('warning: fewer jobs than paced events; some jobs get two events');
    log(`herald paced: ${RATE}/s Poisson, heartbeat appends`);
    await m.vacuum('herald paced');
    TRACE?.start();
    if (PGSS) await m.client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()');
    await profileStart();
    Object.assign(herald.paths, { chained: 0, handedOver: 0, fetched: 0 });
    const heraldPaced = await pacedPhase(
      rx,
      (k) => `/j/${k % JOBS}`,
      (k) => heartbeat(herald, k % JOBS),
    );
    const pacedPaths = { ...herald.paths };
    if (PGSS) await serverTimePerEvent(m.client, heraldPaced.events);
    await profileStop('herald-paced');
    TRACE?.stop(`Herald paced phase (${heraldPaced.events} events: appends, fan-out and delivery)`);
    await m.waitQuiet('herald paced', rx);

    let result: PacedResult | undefined;
    if (RESULT) {
      log(`herald result webhooks: ${RATE}/s Poisson, POST /api/v1/tasks/{taskId}/complete over HTTP`);
      await m.vacuum('herald result');
      const pool = new UndiciPool(herald.base, { connections: APPEND_CONCURRENCY, keepAliveTimeout: 60_000 });
      await profileStart();
      try {
        result = await pacedPhase(
          rx,
          (k) => `/r/${k}`,
          async (k) => {
            if (k >= resultTasks.length) throw new Error(`more paced events than the ${resultTasks.length} result jobs prepared`);
            await completeTask(pool, resultTasks[k], k);
          },
        );
      } finally {
        await pool.close();
      }
      await profileStop('herald-result');
      await m.waitQuiet('herald result', rx);
    }

    log(`baseline paced: ${RATE}/s Poisson, boss.send + notifyWorker`);
    const pgbossPaced = await baselinePaced(baseline, rx, m);

    // BullMQ: never fails the bench; a failure drops its figures with one line.
    let bull: BullBaseline | undefined;
    let bullmqSkipped: string | undefined = BULLMQ ? undefined : 'BENCH_BULLMQ=0';
    const bullRuns: BullRun[] = BULLMQ_CONCURRENCIES.map((concurrency) => ({ concurrency, trials: [] }));
    const bullStep = async (what: string, step: (b: BullBaseline) => Promise<void>) => {
      if (!bull) return;
      try {
        await step(bull);
      } catch (err) {
        bullmqSkipped = `BullMQ baseline failed in ${what}: ${(err as Error).message}`;
        log(`${bullmqSkipped}; going on without it`);
        const b = bull;
        bull = undefined;
        await b.close().catch(() => undefined);
      }
    };
    if (BULLMQ) {
      const started = await BullBaseline.start(body).catch((err: Error) => err.message);
      if (typeof started === 'string') {
        bullmqSkipped = started;
        console.log(`BullMQ baseline skipped: ${started}`);
      } else {
        bull = started;
        cleanups.push(async () => bull?.close());
      }
    }
    for (const run of bullRuns) {
      await bullStep(`paced x${run.concurrency}`, async (b) => {
        log(`bullmq x${run.concurrency} paced: ${RATE}/s Poisson, queue.add`);
        run.paced = await b.paced(rx, run.concurrency);
      });
    }

    // ---------------------------------------------------------- drains
    const heraldTrials: HeraldTrial[] = [];
    const baselineTrials: DrainResult[] = [];
    for (let t = 1; t <= TRIALS; t++) {
      heraldTrials.push(await heraldDrainTrial(herald, m, rx, t));
      baselineTrials.push(await baselineDrain(baseline, rx, m, t));
      for (const run of bullRuns) await bullStep(`drain ${t} x${run.concurrency}`, async (b) => void run.trials.push(await b.drain(rx, run.concurrency, t)));
    }
    const endToEnd: EndToEnd | undefined = E2E ? await endToEndDrain(herald, m, rx) : undefined;

    // ---------------------------------------------------------- checks
    const statuses = Object.fromEntries((await m.q(`SELECT status, count(*)::int AS n FROM webhook_messages GROUP BY status ORDER BY status`)).map((r) => [r.status, r.n]));
    const [attemptTotals] = await m.q(`SELECT count(*)::int AS attempts, count(*) FILTER (WHERE outcome <> 'delivered')::int AS not_delivered FROM webhook_attempts`);
    if (attemptTotals.attempts !== statuses.delivered || attemptTotals.not_delivered !== 0) {
      throw new Error(`attempt log mismatch: ${JSON.stringify(attemptTotals)} against messages ${JSON.stringify(statuses)}`);
    }

    let clients: ClientResult[] = [];
    if (HTTP_COMPARE) {
      log('HTTP clients: axios vs undici against the same receiver');
      clients = await httpClients(rx, body);
    }

    // ---------------------------------------------------------- report
    const b = bull as BullBaseline | undefined;
    const results: BenchResults = {
      started,
      database: database.description,
      body,
      preflight,
      heraldPaced,
      pacedPaths,
      result,
      baselinePaced: pgbossPaced,
      heraldTrials,
      baselineTrials,
      endToEnd,
      bullmq: b && { redisClient: b.redisClient, version: b.bullmqVersion, errors: b.errors, runs: bullRuns },
      bullmqSkipped,
      statuses,
      attemptsLogged: attemptTotals.attempts,
      clients,
    };
    printReport(buildReport(results), results);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench:delivery failed:', err);
    process.exit(1);
  },
);
