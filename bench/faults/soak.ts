import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { Pool as UndiciPool } from 'undici';
import { apiCall, forEachLimit, sleep, until } from '../bench-util';
import { benchDatabase } from '../bench-database';
import { Receivers } from '../lib/endpoints';
import { int, log, now } from '../lib/knobs';
import { latencyStats, round } from '../lib/stats';
import { startInstance } from './instances';

/**
 * Soak (issue 13): events through fan-out and delivery, a webhook each, for SOAK_SECONDS (600) at
 * the highest pace Herald keeps up with, while Herald's memory and the tables' dead rows are sampled.
 *
 * Herald runs as its own process (dist/src/main.js, default settings) on a fresh database
 * (bench-database: embedded PostgreSQL, fsync off, default autovacuum), so its RSS is read from
 * /proc/<pid>/status (VmRSS) without the driver's own memory. SOAK_PROJECTS (4) projects each have
 * a project webhook to their own endpoint on 127.0.0.1 (bench/lib/endpoints.ts, a worker thread
 * answering 200 at once). One event = one task completion (task.succeeded: one message, one
 * delivery); tasks come from jobs of a SOAK_ITEMS-item (100) batch node, submitted and acquired
 * over HTTP ahead of the pace, and are completed over HTTP (POST /api/v1/tasks/complete, batches
 * of up to 1000).
 *
 * Pace: open loop, arrivals at `rate`/s fired every 50 ms without waiting for earlier calls (at
 * most 16 calls in flight). Every 10 s the rate adapts: down by 20 % when Herald fell behind
 * (receipts more than 3 s of pace behind the acknowledged completions, no acquired task left to
 * complete, or the call cap reached), up by 15 % when it kept up (less than 1 s behind) during the
 * warm-up (SOAK_WARMUP_SECONDS: a fifth of the run, at most 120 s); after it the rate only goes
 * down, so the memory after the warm-up is compared at a pace that does not grow. Printed: the
 * rate achieved (events / seconds).
 *
 * Every 10 s: Herald's RSS, and n_live_tup / n_dead_tup of webhook_messages, webhook_attempts,
 * webhook_streams, events and pg-boss's job table (its partitions summed; pg_stat_user_tables),
 * with an exact count of pgboss.job. After the load: every acknowledged completion must have
 * reached its endpoint (lost), then up to SOAK_SETTLE_SECONDS (120) for autovacuum.
 *
 * Verdicts (failedChecks, checked by run.ts):
 *   - RSS flat: the last sample under load <= 1.25 x the first sample after SOAK_WARMUP_SECONDS.
 *   - Dead rows under load: at the last sample under load, each table's n_dead_tup <=
 *     autovacuum's trigger (autovacuum_vacuum_threshold per table or partition +
 *     autovacuum_vacuum_scale_factor x n_live_tup) + what the table's updates and deletes make in
 *     one autovacuum_naptime plus one sample interval (at its mean rate over the load). Past that
 *     bound dead rows grow faster than autovacuum clears them.
 *   - Dead rows after the load: within SOAK_SETTLE_SECONDS, every table is back under the same
 *     bound with the churn measured since the load stopped (Herald's tables: none, so autovacuum's
 *     trigger; pgboss.job: pg-boss still archives the last 5 minutes of completed jobs).
 *   - Queue archived: pgboss.job's rows at the end of the load <= its job rows per second x (300 s,
 *     Herald's archiveCompletedAfterSeconds, + 2 maintenance intervals + one sample) + 1,000: completed jobs
 *     move out to pgboss.archive instead of piling up (a run shorter than that cannot show it).
 */

const SECONDS = int('SOAK_SECONDS', 600);
const WARMUP_SECONDS = int('SOAK_WARMUP_SECONDS', Math.min(120, Math.round(SECONDS / 5)));
const START_RATE = int('SOAK_START_RATE', 400);
const MAX_RATE = int('SOAK_MAX_RATE', 5000);
const MIN_RATE = 20;
const ITEMS = int('SOAK_ITEMS', 100);
const PROJECTS = int('SOAK_PROJECTS', 4);
const SETTLE_SECONDS = int('SOAK_SETTLE_SECONDS', 120);
/** SOAK_AUTOVACUUM=off: the server without autovacuum, to see the dead-row checks fail. */
const AUTOVACUUM = process.env.SOAK_AUTOVACUUM !== 'off';
const SAMPLE_MS = 10_000;
const TICK_MS = 50;
const MAX_CALLS_IN_FLIGHT = 16;
const MAX_BATCH = 1000;
const WORKER = 'soak-worker';
const ALGORITHM = 'soak-alg';
const RSS_FLAT_RATIO = 1.25;
/** Herald's archiveCompletedAfterSeconds and maintenance interval (src/webhooks/infrastructure/work-queue.service.ts, HERALD_QUEUE_MAINTENANCE_SECONDS). */
const ARCHIVE_AFTER_SECONDS = 300;
const MAINTENANCE_SECONDS = Number(process.env.HERALD_QUEUE_MAINTENANCE_SECONDS ?? 30);

const TABLES = ['webhook_messages', 'webhook_attempts', 'webhook_streams', 'events', 'pgboss.job'] as const;
type Table = (typeof TABLES)[number];

interface TableStat {
  live: number;
  dead: number;
  /** n_tup_upd + n_tup_del: what makes dead rows (inserts that abort aside). */
  churn: number;
  autovacuums: number;
  parts: number;
}

interface Sample {
  t: number;
  underLoad: boolean;
  rate: number;
  acked: number;
  received: number;
  rssMb: number;
  tables: Record<Table, TableStat>;
  jobRows: number;
}

/** Resident and peak resident memory of a process, MiB (Linux /proc). */
function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: round(kb('VmRSS') / 1024, 1), hwmMb: round(kb('VmHWM') / 1024, 1) };
}

async function tableStats(sql: Client): Promise<Record<Table, TableStat>> {
  const { rows } = await sql.query<{ t: Table; live: string; dead: string; churn: string; av: string; parts: number }>(
    `WITH boss AS (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'pgboss.job'::regclass)
     SELECT CASE WHEN s.relid IN (SELECT inhrelid FROM boss) THEN 'pgboss.job' ELSE s.relname END AS t,
            sum(s.n_live_tup) AS live, sum(s.n_dead_tup) AS dead, sum(s.n_tup_upd + s.n_tup_del) AS churn,
            sum(s.autovacuum_count) AS av, count(*)::int AS parts
       FROM pg_stat_user_tables s
      WHERE s.relid IN (SELECT inhrelid FROM boss)
         OR (s.schemaname = 'public' AND s.relname = ANY ($1::text[]))
      GROUP BY 1`,
    [TABLES.filter((t) => !t.includes('.'))],
  );
  const out = {} as Record<Table, TableStat>;
  for (const t of TABLES) out[t] = { live: 0, dead: 0, churn: 0, autovacuums: 0, parts: 1 };
  for (const r of rows) out[r.t] = { live: Number(r.live), dead: Number(r.dead), churn: Number(r.churn), autovacuums: Number(r.av), parts: r.parts };
  return out;
}

export async function soakScenario(): Promise<Record<string, number | string>> {
  const db = await benchDatabase(false, AUTOVACUUM ? {} : { autovacuum: 'off' });
  const rx = await Receivers.start(PROJECTS, 0);
  const herald = await startInstance(db.url, 'soak');
  const pid = herald.proc.pid!;
  const sql = new Client({ connectionString: db.url, application_name: 'soak-monitor' });
  await sql.connect();
  const api = new UndiciPool(herald.url, { connections: MAX_CALLS_IN_FLIGHT + 8, pipelining: 1 });
  try {
    const [av] = (
      await sql.query<{ threshold: string; scale: string; naptime: string }>(
        `SELECT current_setting('autovacuum_vacuum_threshold') AS threshold, current_setting('autovacuum_vacuum_scale_factor') AS scale,
                extract(epoch FROM current_setting('autovacuum_naptime')::interval)::text AS naptime`,
      )
    ).rows;
    const autovacuum = { threshold: Number(av.threshold), scale: Number(av.scale), naptime: Number(av.naptime) };
    for (let p = 0; p < PROJECTS; p++) {
      const res = await fetch(`${herald.url}/api/v1/projects/soak-${p}/webhook`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: rx.healthyUrls[p] }) });
      if (!res.ok) throw new Error(`project webhook: HTTP ${res.status} ${await res.text()}`);
    }

    // Receipts: distinct completed tasks (a duplicate delivery is counted, never lost).
    const received = new Set<string>();
    let receipts = 0;
    rx.onReceipt = (r) => {
      receipts++;
      if (r.taskId) received.add(r.taskId);
    };

    // Supply: acquired tasks ready to complete, kept ahead of the pace.
    const stock: string[] = [];
    let running = true;
    let jobsSubmitted = 0;
    let supplyError: Error | undefined;
    let rate = START_RATE;
    const supply = (async () => {
      while (running) {
        if (stock.length >= rate * 8 + ITEMS * 4) {
          await sleep(20);
          continue;
        }
        const jobs = Math.max(1, Math.min(16, Math.ceil((rate * 8 - stock.length) / ITEMS)));
        await forEachLimit(jobs, 4, async () => {
          const p = jobsSubmitted++ % PROJECTS;
          const res = await apiCall(api, 'POST', '/api/v1/exec/raw', { name: 'soak', projectId: `soak-${p}`, nodes: [{ nodeName: 'n', algorithmName: ALGORITHM, input: [`#[1...${ITEMS}]`] }] });
          if (res.status !== 201) throw new Error(`submit: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        });
        for (let want = jobs * ITEMS; want > 0; ) {
          const got = await apiCall<{ tasks: Array<{ taskId: string }> }>(api, 'POST', '/api/v1/tasks/acquire', { workerName: WORKER, algorithmNames: [ALGORITHM], max: Math.min(1000, want), leaseSeconds: 3600 });
          if (got.status !== 200) throw new Error(`acquire: HTTP ${got.status} ${JSON.stringify(got.body).slice(0, 200)}`);
          if (got.body.tasks.length === 0) break;
          for (const t of got.body.tasks) stock.push(t.taskId);
          want -= got.body.tasks.length;
        }
      }
    })().catch((err: Error) => {
      supplyError = err;
    });
    await until('a first stock of acquired tasks', () => stock.length >= Math.min(rate * 4, 2000) || supplyError !== undefined, 120_000, 20);

    // The pace: open loop; a completion is acknowledged when its answer says 'succeed'.
    const acked: string[] = [];
    const callMs: number[] = [];
    let inFlight = 0;
    let starved = 0;
    let capped = 0;
    let refused = 0;
    let callErrors = 0;
    const complete = (taskIds: string[]) => {
      inFlight++;
      const t0 = now();
      apiCall<{ tasks: Array<{ taskId: string; state?: string }> }>(api, 'POST', '/api/v1/tasks/complete', { workerName: WORKER, tasks: taskIds.map((taskId) => ({ taskId, result: 1 })) })
        .then((res) => {
          callMs.push(now() - t0);
          if (res.status !== 200) return void (callErrors++, log(`complete: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`));
          for (const t of res.body.tasks) {
            if (t.state === 'succeed') acked.push(t.taskId);
            else refused++;
          }
        })
        .catch(() => void callErrors++)
        .finally(() => inFlight--);
    };

    const samples: Sample[] = [];
    const started = now();
    const sample = async (underLoad: boolean) => {
      await rx.sync();
      const [{ n: jobRows }] = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job')).rows;
      const s: Sample = { t: round((now() - started) / 1000, 1), underLoad, rate: round(rate, 0), acked: acked.length, received: received.size, rssMb: memoryOf(pid).rssMb, tables: await tableStats(sql), jobRows };
      samples.push(s);
      const d = (t: Table) => `${s.tables[t].dead}/${s.tables[t].live}`;
      log(
        `soak t=${s.t}s rate ${s.rate}/s acked ${s.acked} received ${s.received} RSS ${s.rssMb} MB; dead/live messages ${d('webhook_messages')} attempts ${d('webhook_attempts')} ` +
          `streams ${d('webhook_streams')} events ${d('events')} boss ${d('pgboss.job')} (count ${jobRows}); load ${loadavg()[0].toFixed(2)}`,
      );
      return s;
    };
    await sample(true);

    let credit = 0;
    let lastTick = now();
    let nextSample = started + SAMPLE_MS;
    let window = { starved: 0, capped: 0 };
    while (now() - started < SECONDS * 1000 && !supplyError) {
      await sleep(TICK_MS);
      const t = now();
      credit += (rate * (t - lastTick)) / 1000;
      lastTick = t;
      while (credit >= 1) {
        if (inFlight >= MAX_CALLS_IN_FLIGHT) {
          capped++;
          window.capped++;
          break;
        }
        const n = Math.min(Math.floor(credit), MAX_BATCH, stock.length);
        if (n === 0) {
          starved += Math.floor(credit);
          window.starved++;
          credit -= Math.floor(credit);
          break;
        }
        complete(stock.splice(0, n));
        credit -= n;
      }
      // An open loop fires what fell due; arrivals held back by the cap are not kept for later.
      credit = Math.min(credit, rate);
      if (t >= nextSample) {
        nextSample += SAMPLE_MS;
        const s = await sample(true);
        const behind = s.acked - s.received;
        if (window.starved || window.capped || behind > rate * 3) rate = Math.max(MIN_RATE, rate * 0.8);
        else if (behind < rate && t - started < WARMUP_SECONDS * 1000) rate = Math.min(MAX_RATE, rate * 1.15);
        window = { starved: 0, capped: 0 };
      }
    }
    const loadSeconds = (now() - started) / 1000;
    running = false;
    await supply;
    if (supplyError) throw supplyError;
    await until('every completion call answered', () => inFlight === 0, 120_000, 20);
    const lastLoad = await sample(true);

    // Every acknowledged completion's webhook, then the open messages.
    const drain0 = now();
    await until('every acknowledged completion received', async () => (await rx.sync(), acked.every((id) => received.has(id))), 300_000, 200).catch(() => undefined);
    const drainSeconds = round((now() - drain0) / 1000, 1);
    const lost = acked.filter((id) => !received.has(id)).length;

    // What autovacuum lets a table hold: its trigger, plus what the table's updates and deletes
    // (at their mean rate from `from` to `to`) make in one naptime and one sample interval.
    const trigger = (s: TableStat) => autovacuum.threshold * s.parts + autovacuum.scale * s.live;
    const bound = (t: Table, from: Sample, to: Sample) => {
      const churnPerSec = (to.tables[t].churn - from.tables[t].churn) / Math.max(1, to.t - from.t);
      return { churnPerSec, bound: Math.round(trigger(to.tables[t]) + churnPerSec * (autovacuum.naptime + SAMPLE_MS / 1000)) };
    };
    // After the load: autovacuum clears what is left (pg-boss still archives, i.e. deletes, the
    // last 5 minutes of completed jobs meanwhile: the bound allows for that churn).
    const settle0 = now();
    const settleFrom = await sample(false);
    let settled = settleFrom;
    const overBound = (s: Sample) => TABLES.filter((t) => s.tables[t].dead > bound(t, settleFrom, s).bound);
    while ((settled === settleFrom || overBound(settled).length) && now() - settle0 < SETTLE_SECONDS * 1000) {
      await sleep(SAMPLE_MS);
      settled = await sample(false);
    }
    const settleSeconds = round((now() - settle0) / 1000, 1);

    const [counts] = (
      await sql.query<{ messages: number; delivered: number; open: number; attempts: number; archive: number; tasks: number }>(
        `SELECT (SELECT count(*)::int FROM webhook_messages) AS messages,
                (SELECT count(*)::int FROM webhook_messages WHERE status = 'delivered') AS delivered,
                (SELECT count(*)::int FROM webhook_messages WHERE status IN ('pending', 'retrying')) AS open,
                (SELECT count(*)::int FROM webhook_attempts) AS attempts,
                (SELECT count(*)::int FROM pgboss.archive) AS archive,
                (SELECT count(*)::int FROM tasks WHERE state = 'succeed') AS tasks`,
      )
    ).rows;

    // Verdicts.
    const failed: string[] = [];
    const warm = samples.find((s) => s.t >= WARMUP_SECONDS) ?? samples[0];
    const rssPeak = Math.max(...samples.map((s) => s.rssMb));
    if (lastLoad.rssMb > RSS_FLAT_RATIO * warm.rssMb) failed.push(`RSS grew from ${warm.rssMb} MB (t=${warm.t} s) to ${lastLoad.rssMb} MB under load (limit x${RSS_FLAT_RATIO})`);
    const first = samples[0];
    const deadFigures: Record<string, string> = {};
    for (const t of TABLES) {
      const end = lastLoad.tables[t];
      const underLoad = bound(t, first, lastLoad);
      const after = bound(t, settleFrom, settled);
      const peak = Math.max(...samples.map((s) => s.tables[t].dead));
      deadFigures[`dead rows ${t}`] =
        `peak ${peak}, end of load ${end.dead} (bound ${underLoad.bound}: live ${end.live}, ${round(underLoad.churnPerSec, 0)} upd+del/s), ` +
        `after settle ${settled.tables[t].dead} (bound ${after.bound}), autovacuums ${settled.tables[t].autovacuums}`;
      if (end.dead > underLoad.bound) failed.push(`${t}: ${end.dead} dead rows at the end of the load, bound ${underLoad.bound}`);
      if (settled.tables[t].dead > after.bound) failed.push(`${t}: ${settled.tables[t].dead} dead rows ${settleSeconds} s after the load, bound ${after.bound}`);
    }
    const jobRowsPerSec = (lastLoad.jobRows + counts.archive) / loadSeconds;
    const jobBound = Math.round(jobRowsPerSec * (ARCHIVE_AFTER_SECONDS + 2 * MAINTENANCE_SECONDS + SAMPLE_MS / 1000) + 1000);
    if (lastLoad.jobRows > jobBound) failed.push(`pgboss.job holds ${lastLoad.jobRows} rows at the end of the load, bound ${jobBound} (completed jobs not archived)`);
    const jobPeak = Math.max(...samples.map((s) => s.jobRows));
    const call = latencyStats(callMs);
    const rateTrace = samples.filter((s) => s.underLoad).map((s) => s.rate);

    return {
      scenario: `soak: ${SECONDS} s of task completions, a project webhook each (Herald as a process, default settings)`,
      events: acked.length,
      'rate achieved (events/s)': round(acked.length / loadSeconds, 1),
      'pace (target rate every 10 s)': `${rateTrace[0]} → … → ${rateTrace[rateTrace.length - 1]} (max ${Math.max(...rateTrace)})`,
      'arrivals not fired': `${starved} without an acquired task, ${capped} ticks at the ${MAX_CALLS_IN_FLIGHT}-call cap`,
      'complete call (batch) p50 / p99 ms': `${call.p50Ms} / ${call.p99Ms} (${call.n} calls)`,
      'refused completions / failed calls': `${refused} / ${callErrors}`,
      delivered: received.size,
      duplicates: receipts - received.size,
      'messages / delivered / open': `${counts.messages} / ${counts.delivered} / ${counts.open}`,
      'attempts logged': counts.attempts,
      'jobs submitted / tasks succeeded': `${jobsSubmitted} / ${counts.tasks}`,
      'last receipt after the load (s)': drainSeconds,
      lost,
      'RSS MB start / after warm-up / peak / end of load / after settle': `${first.rssMb} / ${warm.rssMb} (t=${warm.t} s) / ${rssPeak} / ${lastLoad.rssMb} / ${settled.rssMb}`,
      'RSS growth after warm-up': `${round(lastLoad.rssMb - warm.rssMb, 1)} MB (x${round(lastLoad.rssMb / warm.rssMb, 2)}, limit x${RSS_FLAT_RATIO})`,
      ...deadFigures,
      autovacuum: `threshold ${autovacuum.threshold}, scale factor ${autovacuum.scale}, naptime ${autovacuum.naptime} s; settle ${settleSeconds} s`,
      'pgboss.job rows peak / end of load': `${jobPeak} / ${lastLoad.jobRows} (bound ${jobBound}); pgboss.archive ${counts.archive}`,
      samples: samples.length,
      failedChecks: failed.length,
      ...(failed.length ? { failures: failed.join('; ') } : {}),
    };
  } finally {
    await api.close();
    await sql.end();
    herald.proc.kill('SIGTERM');
    await herald.exited;
    await rx.stop();
    await db.dispose();
  }
}
