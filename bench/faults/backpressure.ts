import { loadavg } from 'node:os';
import { loadConfig } from '../../src/config/config';
import { int } from '../lib/knobs';
import { runScenario, type IsolationSettings, type RunResult } from '../lib/isolation';
import { round } from '../lib/stats';

/**
 * Backpressure (issue 13): a receiver down for BP_DOWN_SECONDS (600) with BP_BACKLOG (100,000)
 * messages queued for it must not slow other endpoints, and its backlog drains when it returns.
 *
 * The isolation bench's run (bench/lib/isolation.ts, method in bench/isolation-bench.ts), twice,
 * each on a fresh database and Herald in this process with Herald's own webhook settings (timeout
 * 15 s, retry schedule 0, 5 s, 5 min, …, per-endpoint 32, circuit pauses 30 s doubling to 600 s;
 * HERALD_* variables change them):
 *   1. baseline: no backlog; BP_HEALTHY (50) healthy endpoints get open-loop Poisson completions at
 *      BP_RATE (50)/s for BP_WARMUP_SECONDS (10) + BP_BASELINE_SECONDS (120); latency = complete call
 *      to the receipt of its `completed` webhook.
 *   2. down: one endpoint that accepts every connection, reads the request and never answers (harder for
 *      Herald than a refused connection: each attempt holds a connection and one of the endpoint's
 *      slots for the whole 15 s timeout, and only the timeout tells it the endpoint is dead, whereas
 *      a refusal fails in a millisecond); BP_BACKLOG queue requests with a webhook to it, acquired so
 *      that each has an `acquired` message, all ready at once; then the same pace to the healthy
 *      endpoints for BP_WARMUP_SECONDS + BP_DOWN_SECONDS while it stays down.
 *   3. the endpoint comes back (answers the held requests and every later one 200); the scenario
 *      waits up to BP_RECOVER_SECONDS (1,200: the circuit's next probe may be up to 600 s away) until
 *      none of its messages is open: time to the first delivery, to the last, and the drain rate.
 * Target: the healthy p99 during the down phase within 20 % of the baseline's (failedChecks when
 * not met); lost = healthy webhooks missing + backlog messages not delivered (must be 0).
 */

const BACKLOG = int('BP_BACKLOG', 100_000);
const DOWN_SECONDS = int('BP_DOWN_SECONDS', 600);
const BASELINE_SECONDS = int('BP_BASELINE_SECONDS', 120);
const TARGET_P99_RATIO = 1.2;

function settings(seconds: number): IsolationSettings {
  const webhooks = loadConfig().webhooks;
  return {
    backlog: BACKLOG,
    seconds,
    warmupSeconds: int('BP_WARMUP_SECONDS', 10),
    rate: int('BP_RATE', 50),
    healthy: int('BP_HEALTHY', 50),
    timeoutMs: webhooks.timeoutMs,
    retrySchedule: webhooks.retrySchedule,
    graceSeconds: int('BP_GRACE_SECONDS', 10),
    recover: true,
    recoverSeconds: int('BP_RECOVER_SECONDS', 1200),
    durable: false,
    perEndpoint: webhooks.perEndpoint,
    maxInFlight: webhooks.maxInFlight,
  };
}

const latency = (r: RunResult) => `${r.healthy.latency.p50Ms} / ${r.healthy.latency.p99Ms} / ${r.healthy.latency.maxMs} (${r.healthy.measured} measured, ${r.healthy.missing} missing; machine ${r.healthy.machineBusyPct} % busy)`;

export async function backpressureScenario(): Promise<Record<string, number | string>> {
  const load0 = round(loadavg()[0], 2);
  const baseline = await runScenario(0, settings(BASELINE_SECONDS));
  const down = await runScenario(1, settings(DOWN_SECONDS));
  const bad = down.badAfterPhase!;
  const rec = down.recovery!;
  const ratio = round(down.healthy.p99CountingMissingMs / baseline.healthy.p99CountingMissingMs, 2);
  const drained = rec.messages.byStatus.delivered - bad.byStatus.delivered;
  const drainSeconds = rec.seconds - (Number.isNaN(rec.firstDeliveredSeconds) ? 0 : rec.firstDeliveredSeconds);
  const notDelivered = rec.messages.messages - rec.messages.byStatus.delivered;
  const failed: string[] = [];
  if (!(ratio <= TARGET_P99_RATIO)) failed.push(`healthy p99 ${ratio} x the baseline's (target ${TARGET_P99_RATIO})`);
  if (!rec.settled) failed.push(`backlog not drained within ${rec.seconds} s`);
  const webhooks = loadConfig().webhooks;
  return {
    scenario: `backpressure: ${BACKLOG} messages for an endpoint that never answers, down ${DOWN_SECONDS} s (timeout ${webhooks.timeoutMs} ms, schedule ${webhooks.retrySchedule.join(',')} s)`,
    'load average at start': load0,
    'healthy pace': `${down.healthy.offeredPerSec}/s Poisson over ${settings(0).healthy} endpoints (baseline ${baseline.healthy.offeredPerSec}/s)`,
    'baseline p50 / p99 / max ms': latency(baseline),
    'down p50 / p99 / max ms': latency(down),
    'p99 down / baseline': `${ratio} (target <= ${TARGET_P99_RATIO})`,
    'complete call p50 / p99 ms (baseline, down)': `${baseline.healthy.completeCallMs.p50Ms} / ${baseline.healthy.completeCallMs.p99Ms}, ${down.healthy.completeCallMs.p50Ms} / ${down.healthy.completeCallMs.p99Ms}`,
    'backlog set-up (s)': down.backlogSetupSeconds,
    'backlog after the down phase': `${JSON.stringify(bad.byStatus)}, ${bad.attempts} attempts (${bad.timeoutAttempts} TIMEOUT), receiver held at most ${bad.receiver.maxHeld} at once`,
    'comeback → first delivered (s)': rec.firstDeliveredSeconds,
    'comeback → all ended (s)': rec.settled ? rec.seconds : `> ${rec.seconds}`,
    'drain rate (delivered/s after the first)': drainSeconds > 0 ? round(drained / drainSeconds, 0) : NaN,
    'backlog after recovery': JSON.stringify(rec.messages.byStatus),
    'healthy missing (baseline + down)': baseline.healthy.missing + down.healthy.missing,
    lost: baseline.healthy.missing + down.healthy.missing + notDelivered,
    'load average at end': round(loadavg()[0], 2),
    failedChecks: failed.length,
    ...(failed.length ? { failures: failed.join('; ') } : {}),
  };
}
