/**
 * The delivery bench's settings (environment variables, documented in delivery-bench.ts) and the
 * clock and log every part of it uses.
 */

export function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return v;
}

export const JOBS = int('BENCH_JOBS', 6000);
export const TRIALS = int('BENCH_TRIALS', 3);
export const RATE = int('BENCH_RATE', 50);
export const PACED_SECONDS = int('BENCH_SECONDS', 20);
export const WARMUP_SECONDS = int('BENCH_WARMUP_SECONDS', 3);
export const E2E = process.env.BENCH_E2E !== '0';
export const HTTP_COMPARE = process.env.BENCH_HTTP !== '0';
export const BASELINE_SOCKETS = int('BENCH_BASELINE_SOCKETS', 64);
export const DURABLE = process.env.BENCH_DURABLE === '1';
/** BENCH_PGSS=1: server time per statement per event in Herald's paced phase (pg_stat_statements; embedded server only). */
export const PGSS = process.env.BENCH_PGSS === '1';
export const VACUUM = process.env.BENCH_VACUUM !== '0';
/** BENCH_BULLMQ=0: no BullMQ-on-Redis baseline. */
export const BULLMQ = process.env.BENCH_BULLMQ !== '0';
/** BENCH_RESULT=0: no result-webhook phase. */
export const RESULT = process.env.BENCH_RESULT !== '0';

export const APPEND_CONCURRENCY = 16;
export const ALG_GROUPS = 16;
export const WORKER_NAME = 'bench-worker';
export const LEASE_SECONDS = 86_400;

export const TARGETS = {
  p50Ms: 5,
  p99Ms: 25,
  deliveriesPerSec: 3000,
  /** Herald drain / pg-boss baseline drain. */
  ratio: 1.3,
  /** Herald fan-out + delivery drain / BullMQ drain (the better concurrency). */
  bullmqThroughputRatio: 1.3,
  /** Herald paced p50 / BullMQ paced p50 (the better concurrency). */
  bullmqLatencyRatio: 1.5,
  /** Result webhook latency / progress webhook latency, at p50 and at p99. */
  resultToProgress: 1.5,
};

/** Paced events one phase may fire at most (Poisson count over warm-up + measured, with room to spare). */
export const PACED_EVENTS_MAX = Math.ceil(RATE * (PACED_SECONDS + WARMUP_SECONDS) * 1.3) + 100;

/** Monotonic ms, the same clock as the receiver thread's. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
