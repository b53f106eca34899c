import { sleep, until } from '../bench-util';
import { cpuBetween, cpuMark, type CpuUse } from './cpu';
import { log, now, PACED_SECONDS, RATE, WARMUP_SECONDS } from './knobs';
import type { Receiver } from './receiver';
import { latencyStats, round, type LatencyStats } from './stats';

/**
 * Open-loop Poisson arrivals at `rate`/s for warm-up + measured seconds; fire(k, measured) is not
 * awaited, so a slow append never delays the next arrival.
 */
export async function poisson(rate: number, warmupMs: number, measuredMs: number, fire: (k: number, measured: boolean) => void): Promise<number> {
  const start = now();
  let next = start;
  let k = 0;
  for (;;) {
    next += (-Math.log(1 - Math.random()) * 1000) / rate;
    if (next - start > warmupMs + measuredMs) break;
    const wait = next - now();
    if (wait >= 1) await sleep(wait);
    fire(k++, next - start >= warmupMs);
  }
  return k;
}

export interface PacedResult {
  latency: LatencyStats;
  /** Time for the append / send call itself to resolve, and from then to receipt. */
  callMs: LatencyStats;
  afterCallMs: LatencyStats;
  events: number;
  measured: number;
  missing: number;
  unexpected: number;
  offeredPerSec: number;
  cpu: CpuUse;
}

/**
 * Runs a paced phase at BENCH_RATE for BENCH_WARMUP_SECONDS + BENCH_SECONDS: call(k) must
 * produce exactly one request to `path(k)`; latency is from just before call(k) to the receipt
 * of that request.
 */
export async function pacedPhase(
  rx: Receiver,
  path: (k: number) => string,
  call: (k: number) => Promise<unknown>,
  onMeasured?: (path: string, sentAt: number, receivedAt: number) => void,
): Promise<PacedResult> {
  const sent = new Map<string, { at: number; measured: boolean; calledAt?: number }>();
  const lat: number[] = [];
  const callMs: number[] = [];
  const afterMs: number[] = [];
  let unexpected = 0;
  let failures = 0;
  await rx.sync();
  rx.onReceipt = (p, at) => {
    const s = sent.get(p);
    if (!s) return void unexpected++;
    sent.delete(p);
    if (!s.measured) return;
    lat.push(at - s.at);
    onMeasured?.(p, s.at, at);
    if (s.calledAt !== undefined) afterMs.push(at - s.calledAt);
  };
  let measuredCount = 0;
  const mark = cpuMark();
  const started = now();
  const events = await poisson(RATE, WARMUP_SECONDS * 1000, PACED_SECONDS * 1000, (k, measured) => {
    const p = path(k);
    const s: { at: number; measured: boolean; calledAt?: number } = { at: now(), measured };
    sent.set(p, s);
    if (measured) measuredCount++;
    call(k).then(
      () => {
        const done = now();
        s.calledAt = done;
        if (measured) callMs.push(done - s.at);
      },
      (err) => {
        failures++;
        if (failures <= 3) log(`paced call ${k} failed: ${(err as Error).message}`);
      },
    );
  });
  const elapsed = (now() - started) / 1000;
  const cpu = cpuBetween(mark, cpuMark());
  await until('paced deliveries', async () => (await rx.sync(), sent.size === 0), 10_000, 20).catch(() => undefined);
  const missing = sent.size;
  rx.onReceipt = () => undefined;
  if (failures) throw new Error(`${failures} paced calls failed`);
  return {
    latency: latencyStats(lat),
    callMs: latencyStats(callMs),
    afterCallMs: latencyStats(afterMs),
    events,
    measured: measuredCount,
    missing,
    unexpected,
    offeredPerSec: round(events / elapsed, 1),
    cpu,
  };
}

/** The part of a paced result that the report keeps for each side. */
export function pacedSummary(r: PacedResult) {
  return { events: r.events, measured: r.measured, missing: r.missing, unexpected: r.unexpected, offeredPerSec: r.offeredPerSec, cpu: r.cpu };
}
