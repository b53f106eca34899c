import { sleep, until } from '../bench-util';
import { cpuBetween, cpuMark, type CpuUse } from './cpu';
import { TRACE } from './diagnostics';
import { now } from './knobs';
import type { Receiver } from './receiver';
import { round } from './stats';

export interface DrainResult {
  deliveries: number;
  seconds: number;
  deliveriesPerSec: number;
  /** Rate between the 10th and the 90th percentile receipt (ramp-up and tail left out). */
  steadyPerSec: number;
  /** From the start to the last receipt, before waiting for the attempt log. */
  lastReceiptSeconds: number;
  attemptsLogged: number;
  cpu: CpuUse;
}

/**
 * Starts a drain with `go` and waits for `n` receipts under `prefix` and for `n` attempts on
 * record (countAttempts). Throughput = n / (time from go to the later of the last receipt and
 * the moment every attempt is on record).
 */
export async function measureDrain(rx: Receiver, prefix: string, n: number, go: () => void | Promise<void>, countAttempts: () => Promise<number>): Promise<DrainResult> {
  await rx.sync();
  const times: number[] = [];
  let unexpected = 0;
  rx.onReceipt = (p, at) => {
    if (p.startsWith(prefix)) times.push(at);
    else unexpected++;
  };
  const mark = cpuMark();
  const t0 = now();
  await go();
  await until(`${n} receipts under ${prefix}`, async () => (await rx.sync(), times.length >= n), 180_000, 10);
  const lastReceipt = times.reduce((m, t) => (t > m ? t : m), 0);
  let logged = await countAttempts();
  while (logged < n) {
    if (now() - lastReceipt > 30_000) throw new Error(`only ${logged} of ${n} attempts logged 30 s after the last receipt`);
    await sleep(5);
    logged = await countAttempts();
  }
  const end = Math.max(now(), lastReceipt);
  const cpu = cpuBetween(mark, cpuMark());
  await sleep(50);
  await rx.sync();
  rx.onReceipt = () => undefined;
  if (times.length !== n || unexpected) throw new Error(`drain expected ${n} receipts under ${prefix}, got ${times.length} (+${unexpected} elsewhere)`);
  const sorted = [...times].sort((a, b) => a - b);
  if (TRACE) {
    // Receipts per 100 ms from the start of the drain, and when the attempt log caught up.
    const buckets = new Array(Math.ceil((lastReceipt - t0) / 100) + 1).fill(0);
    for (const t of sorted) buckets[Math.floor((t - t0) / 100)]++;
    console.log(`drain ${prefix}: receipts per 100 ms: ${buckets.join(' ')}; last receipt ${round(lastReceipt - t0, 0)} ms, attempts logged ${round(end - t0, 0)} ms`);
  }
  const lo = sorted[Math.floor(n * 0.1)];
  const hi = sorted[Math.floor(n * 0.9)];
  const seconds = (end - t0) / 1000;
  return {
    deliveries: n,
    seconds: round(seconds, 3),
    deliveriesPerSec: Math.round(n / seconds),
    steadyPerSec: Math.round((Math.floor(n * 0.9) - Math.floor(n * 0.1)) / ((hi - lo) / 1000)),
    lastReceiptSeconds: round((lastReceipt - t0) / 1000, 3),
    attemptsLogged: logged,
    cpu,
  };
}
