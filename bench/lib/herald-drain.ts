import { forEachLimit, until } from '../bench-util';
import { DELIVER_QUEUE } from '../../src/webhooks/infrastructure/work-queue.service';
import { profileStart, profileStop, TRACE } from './diagnostics';
import { measureDrain, type DrainResult } from './drain';
import { heartbeat, type HeraldBench } from './herald';
import { APPEND_CONCURRENCY, JOBS, log, now } from './knobs';
import type { Monitor } from './monitor';
import type { Receiver } from './receiver';
import { round } from './stats';

/** Herald's backlog drains: delivery alone after a timed fan-out, and fan-out + delivery together. */

export type HeraldTrial = DrainResult & { appendsPerSec: number; fanoutSeconds: number; fanoutMessagesPerSec: number; superseded: number };
export type EndToEnd = DrainResult & { appendsPerSec: number };

/** Appends one heartbeat per job with fan-out (and optionally delivery) paused; appends per second. */
async function appendBacklog(h: HeraldBench, gateDelivery: boolean): Promise<number> {
  h.fanout.pause();
  if (gateDelivery) h.delivery.pause();
  const t0 = now();
  await forEachLimit(JOBS, APPEND_CONCURRENCY, async (i) => void (await heartbeat(h, i)));
  return JOBS / ((now() - t0) / 1000);
}

/**
 * One trial: BENCH_JOBS heartbeats appended with fan-out and delivery paused, fan-out resumed
 * and timed alone (until its loop finds its queue empty), then delivery resumed and timed (like
 * for like with the baselines, whose backlog is delivery jobs).
 */
export async function heraldDrainTrial(h: HeraldBench, m: Monitor, rx: Receiver, trial: number): Promise<HeraldTrial> {
  if (TRACE) log(`pg-boss job partitions before herald drain ${trial}: ${JSON.stringify(await m.queueBloat())}`);
  const supersededBefore = await m.superseded();
  const appendsPerSec = await appendBacklog(h, true);
  // Fan-out alone (delivery still paused): time until the fan-out loop finds its queue empty.
  await m.vacuum(`herald fan-out ${trial}`);
  h.fanoutIdle.at = null;
  if (trial === 1) TRACE?.start();
  if (trial === 1) await profileStart();
  const tf = now();
  h.fanout.resume();
  await until('fan-out of the backlog', () => h.fanoutIdle.at !== null, 120_000, 5);
  const fanoutSeconds = (h.fanoutIdle.at! - tf) / 1000;
  if (trial === 1) TRACE?.stop(`Herald fan-out of a ${JOBS}-event backlog`);
  if (trial === 1) await profileStop('herald-fanout-1');
  const [{ n: queued }] = await m.q(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created'`, [DELIVER_QUEUE]);
  if (queued !== JOBS) throw new Error(`expected ${JOBS} queued deliveries after fan-out, found ${queued}`);
  await m.vacuum(`herald drain ${trial}`);
  const from = await m.maxId('webhook_attempts');
  log(`herald drain ${trial}: ${JOBS} appends at ${Math.round(appendsPerSec)}/s, fan-out ${round(fanoutSeconds, 2)} s; draining`);
  if (trial === 1) TRACE?.start();
  if (trial === 1) await profileStart();
  const r = await measureDrain(rx, '/j/', JOBS, () => h.delivery.resume(), () => m.attemptsSince('webhook_attempts', from));
  if (trial === 1) TRACE?.stop(`Herald delivery drain of ${JOBS} messages`);
  if (trial === 1) await profileStop('herald-drain-1');
  await m.waitQuiet(`herald drain ${trial}`, rx);
  const superseded = (await m.superseded()) - supersededBefore;
  log(`herald drain ${trial}: ${r.deliveriesPerSec} deliveries/s (steady ${r.steadyPerSec}/s), cpu ${JSON.stringify(r.cpu)}`);
  return { ...r, appendsPerSec: Math.round(appendsPerSec), fanoutSeconds: round(fanoutSeconds, 3), fanoutMessagesPerSec: Math.round(JOBS / fanoutSeconds), superseded };
}

/** One drain through fan-out and delivery together (only fan-out paused while appending). */
export async function endToEndDrain(h: HeraldBench, m: Monitor, rx: Receiver): Promise<EndToEnd> {
  const appendsPerSec = await appendBacklog(h, false);
  await m.vacuum('herald fan-out + delivery');
  const from = await m.maxId('webhook_attempts');
  log(`herald fan-out + delivery drain: ${JOBS} appends at ${Math.round(appendsPerSec)}/s; draining`);
  await profileStart();
  const r = await measureDrain(rx, '/j/', JOBS, () => h.fanout.resume(), () => m.attemptsSince('webhook_attempts', from));
  await profileStop('herald-fanout-and-drain');
  await m.waitQuiet('end-to-end drain', rx);
  log(`herald fan-out + delivery drain: ${r.deliveriesPerSec} deliveries/s, cpu ${JSON.stringify(r.cpu)}`);
  return { ...r, appendsPerSec: Math.round(appendsPerSec) };
}
