import { cpus, loadavg } from 'node:os';
import { loadConfig } from '../../src/config/config';
import type { CpuUse } from './cpu';
import type { DrainResult } from './drain';
import type { EndToEnd, HeraldTrial } from './herald-drain';
import type { FanoutPaths } from './herald';
import type { ClientResult } from './http-clients';
import { BASELINE_SOCKETS, E2E, JOBS, now, PACED_EVENTS_MAX, PACED_SECONDS, RATE, TARGETS, TRIALS, VACUUM, WARMUP_SECONDS } from './knobs';
import { pacedSummary, type PacedResult } from './pacing';
import { BASELINE_BATCH, BASELINE_POLL_SECONDS, BASELINE_WORKERS } from './pgboss-baseline';
import { median, ratio, round } from './stats';

/** Everything one run measured, as the orchestration collected it. */
export interface BenchResults {
  started: number;
  database: string;
  body: string;
  preflight: CpuUse & { loadAverage1m: number };
  heraldPaced: PacedResult;
  pacedPaths: FanoutPaths;
  /** Result phase (BENCH_RESULT=0: absent). */
  result?: PacedResult;
  baselinePaced: PacedResult;
  heraldTrials: HeraldTrial[];
  baselineTrials: DrainResult[];
  endToEnd?: EndToEnd;
  bullmq?: { redisClient: string; version: string; errors: number; runs: BullRun[] };
  /** Why there is no BullMQ baseline (BENCH_BULLMQ=0, no Redis, a failure). */
  bullmqSkipped?: string;
  statuses: Record<string, number>;
  attemptsLogged: number;
  clients: ClientResult[];
}

export interface BullRun {
  concurrency: number;
  paced?: PacedResult;
  trials: DrainResult[];
}

const bullFigures = (run: BullRun) => ({
  latency: run.paced?.latency,
  latencyBreakdown: run.paced && { addMs: run.paced.callMs, addToReceiptMs: run.paced.afterCallMs },
  paced: run.paced && pacedSummary(run.paced),
  drainDeliveriesPerSec: median(run.trials.map((t) => t.deliveriesPerSec)),
  drainTrials: run.trials,
});

/** The report of a run: the method, every figure, the ratios and the targets (printed as tables and as one JSON line). */
export function buildReport(r: BenchResults) {
  const heraldRate = median(r.heraldTrials.map((t) => t.deliveriesPerSec));
  const baselineRate = median(r.baselineTrials.map((t) => t.deliveriesPerSec));
  const throughputRatio = round(heraldRate / baselineRate, 2);
  const h = r.heraldPaced.latency;
  const res = r.result?.latency;
  const bull = r.bullmq?.runs.map((run) => ({ concurrency: run.concurrency, ...bullFigures(run) })) ?? [];
  // The better BullMQ concurrency for each comparison: the higher drain rate, the lower paced p50.
  const bullDrain = bull.filter((b) => Number.isFinite(b.drainDeliveriesPerSec)).sort((a, b) => b.drainDeliveriesPerSec - a.drainDeliveriesPerSec)[0];
  const bullPaced = bull.filter((b) => b.latency).sort((a, b) => a.latency!.p50Ms - b.latency!.p50Ms)[0];
  const ratios = {
    heraldEndToEndToBullmqDrain: { value: ratio(r.endToEnd?.deliveriesPerSec, bullDrain?.drainDeliveriesPerSec), bullmqConcurrency: bullDrain?.concurrency },
    heraldPacedP50ToBullmqPacedP50: { value: ratio(h.p50Ms, bullPaced?.latency?.p50Ms), bullmqConcurrency: bullPaced?.concurrency },
    resultToProgressP50: ratio(res?.p50Ms, h.p50Ms),
    resultToProgressP99: ratio(res?.p99Ms, h.p99Ms),
    /** The same from the command's answer on (the webhook path alone, without the command's own time). */
    resultToProgressAnsweredToReceiptP50: ratio(r.result?.afterCallMs.p50Ms, r.heraldPaced.afterCallMs.p50Ms),
    resultToProgressAnsweredToReceiptP99: ratio(r.result?.afterCallMs.p99Ms, r.heraldPaced.afterCallMs.p99Ms),
  };
  const cfg = loadConfig().webhooks;
  const phases = [
    r.heraldPaced.cpu,
    ...(r.result ? [r.result.cpu] : []),
    r.baselinePaced.cpu,
    ...(r.bullmq?.runs.flatMap((run) => [...(run.paced ? [run.paced.cpu] : []), ...run.trials.map((t) => t.cpu)]) ?? []),
    ...r.heraldTrials.map((t) => t.cpu),
    ...r.baselineTrials.map((t) => t.cpu),
    ...(r.endToEnd ? [r.endToEnd.cpu] : []),
  ];
  const disturbed = phases.filter((c) => c.otherProcessesPct > 10).length;
  const met = (x: number, ok: (v: number) => boolean) => (Number.isFinite(x) ? ok(x) : null);
  return {
    method: {
      database: r.database,
      receiver: 'node:http keep-alive server on 127.0.0.1 in a worker thread of this process, answering 200 "ok" and stamping each request when its body is fully read (process.hrtime)',
      herald:
        `Herald in this process (createApp, logger off, default webhook settings: maxInFlight ${cfg.maxInFlight}, perEndpoint ${cfg.perEndpoint}; it posts with undici, its UndiciHttpSender); ` +
        `${JOBS} pipeline jobs (one task each) with webhooks.progress = <receiver>/j/<n> and progressVerbosityLevel debug; every event is a real append: ` +
        `ReportTaskCommand heartbeat through the CommandBus, one task.lease-extended event (debug), exactly one progress webhook; one event per job at a time, so nothing is superseded`,
      latency:
        `open-loop Poisson arrivals at ${RATE}/s: ${WARMUP_SECONDS} s warm-up then ${PACED_SECONDS} s measured; latency = receipt time - time just before the command (Herald: a heartbeat through the CommandBus: lock, decide, append, commit) / boss.send (pg-boss baseline) / queue.add (BullMQ)`,
      result: r.result
        ? `result webhook: ${PACED_EVENTS_MAX} one-task pipeline jobs whose only webhook is webhooks.result = <receiver>/r/<n>, their tasks acquired in set-up; the same Poisson pacing (${r.result.events} arrivals, ${r.result.measured} measured); each arrival is a worker's POST /api/v1/tasks/{taskId}/complete over HTTP (undici Pool to Herald's port): task.succeeded + job.completed, whose fan-out renders the results (as GET /exec/results) into exactly one result webhook; ` +
          `latency = receipt of that webhook - time just before the POST (so it includes the HTTP request and Herald's answer, which the progress figure's CommandBus call does not); compared with the progress webhook figure of the Herald paced phase`
        : 'none (BENCH_RESULT=0)',
      throughput:
        `backlog drain: ${JOBS} deliveries queued while the workers are paused, then the workers are resumed; deliveries/s = ${JOBS} / (time from resume until every delivery was received AND every attempt is on record); ` +
        `Herald: the heartbeats are appended with fan-out and delivery paused (the workers' pause()), fan-out is resumed and timed alone, then delivery is resumed and timed (like for like with the baselines, whose backlog is delivery jobs); ` +
        `plus ${E2E ? 'one' : 'no'} drain with fan-out and delivery running together; medians of ${TRIALS} trials per side, alternating Herald / pg-boss / BullMQ`,
      vacuum: VACUUM
        ? 'VACUUM (ANALYZE) of the queue, webhook, task and job tables before each measured phase (pg-boss fetch cost grows with dead rows in its partial index; the set-up churns tens of thousands of queue jobs); BENCH_VACUUM=0 leaves it to autovacuum'
        : 'none: autovacuum only (BENCH_VACUUM=0)',
      baseline:
        `plain pg-boss 10 (own schema, 20-connection pool) with ${BASELINE_WORKERS} work() workers x batchSize ${BASELINE_BATCH}, pollingIntervalSeconds ${BASELINE_POLL_SECONDS}, boss.notifyWorker(round-robin worker) after each paced send; ` +
        `the handler posts every job of the batch concurrently with axios (keep-alive http.Agent, maxSockets ${BASELINE_SOCKETS}) and logs each attempt with one INSERT into baseline_attempts; same body (${Buffer.byteLength(r.body)} bytes), same receiver`,
      bullmq: r.bullmq
        ? `BullMQ ${r.bullmq.version} on the machine's Redis (127.0.0.1:6379; Redis client: ${r.bullmq.redisClient}), queue herald-bench:delivery obliterated before and after each phase; ` +
          `a Worker (concurrency ${r.bullmq.runs.map((x) => x.concurrency).join(' and ')}, default options: blocking fetch) whose processor posts the body with undici (request through a keep-alive Agent, connections = concurrency, as Herald's sender) and returns status, time and the first 16 KiB of the answer, which BullMQ stores with the completed job (its attempt record); ` +
          `jobs with attempts 4, exponential backoff from 5 s (as the pg-boss queue); paced: queue.add per arrival; drain: ${JOBS} jobs added with addBulk before the Worker runs, done when all are received and completed; same body, same receiver`
        : `none: ${r.bullmqSkipped}`,
    },
    node: process.version,
    cpus: cpus().length,
    machineBeforeStart: r.preflight,
    loadAverage1mAtEnd: round(loadavg()[0], 2),
    phasesDisturbedByOtherProcesses: `${disturbed} of ${phases.length}`,
    herald: {
      latency: h,
      latencyBreakdown: { appendMs: r.heraldPaced.callMs, commitToReceiptMs: r.heraldPaced.afterCallMs },
      pacedFanoutPaths: r.pacedPaths,
      paced: pacedSummary(r.heraldPaced),
      drainDeliveriesPerSec: heraldRate,
      drainTrials: r.heraldTrials,
      endToEnd: r.endToEnd,
    },
    result: r.result && {
      latency: res,
      latencyBreakdown: { completeCallMs: r.result.callMs, answeredToReceiptMs: r.result.afterCallMs },
      paced: pacedSummary(r.result),
    },
    baseline: {
      latency: r.baselinePaced.latency,
      latencyBreakdown: { sendMs: r.baselinePaced.callMs, sendToReceiptMs: r.baselinePaced.afterCallMs },
      paced: pacedSummary(r.baselinePaced),
      drainDeliveriesPerSec: baselineRate,
      drainTrials: r.baselineTrials,
    },
    bullmq: r.bullmq ? { redisClient: r.bullmq.redisClient, version: r.bullmq.version, errors: r.bullmq.errors, byConcurrency: bull } : { skipped: r.bullmqSkipped },
    ratioHeraldToBaselineThroughput: throughputRatio,
    ratios,
    targets: {
      ...TARGETS,
      met: {
        p50: h.p50Ms <= TARGETS.p50Ms,
        p99: h.p99Ms <= TARGETS.p99Ms,
        throughput: heraldRate >= TARGETS.deliveriesPerSec,
        ratio: throughputRatio >= TARGETS.ratio,
        bullmqThroughputRatio: met(ratios.heraldEndToEndToBullmqDrain.value, (v) => v >= TARGETS.bullmqThroughputRatio),
        bullmqLatencyRatio: met(ratios.heraldPacedP50ToBullmqPacedP50.value, (v) => v <= TARGETS.bullmqLatencyRatio),
        resultToProgressP50: met(ratios.resultToProgressP50, (v) => v <= TARGETS.resultToProgress),
        resultToProgressP99: met(ratios.resultToProgressP99, (v) => v <= TARGETS.resultToProgress),
      },
    },
    checks: { messagesByStatus: r.statuses, attemptsLogged: r.attemptsLogged },
    httpClients: r.clients,
    totalSeconds: round((now() - r.started) / 1000, 1),
  };
}

export type Report = ReturnType<typeof buildReport>;
