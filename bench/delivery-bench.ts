import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import axios from 'axios';
import { Client, Pool as PgPool } from 'pg';
import PgBoss from 'pg-boss';
import { Pool as UndiciPool } from 'undici';
import { createApp } from '../src/app.factory';
import { loadConfig, type HeraldConfig } from '../src/config/config';
import { benchDatabase } from './bench-database';
import { apiCall, forEachLimit, quantile, sleep, until } from './bench-util';
import { ReportTaskCommand } from '../src/jobs/commands/report-task.command';
import { UndiciHttpSender } from '../src/webhooks/infrastructure/http-sender';
import { EgressGuard } from '../src/webhooks/infrastructure/egress-guard';
import { parseEgressPolicy } from '../src/webhooks/domain/egress-policy';
import { DELIVER_QUEUE, FANOUT_QUEUE, WorkQueue } from '../src/webhooks/infrastructure/work-queue.service';
import { DeliveryWorker } from '../src/webhooks/delivery.worker';
import { FanoutWorker } from '../src/webhooks/fanout.worker';
import { HERALD_VERSION } from '../src/version';

/**
 * `npm run bench:delivery`: webhook delivery speed of Herald against a plain pg-boss worker
 * posting with axios, in one run, on one database and one receiver.
 *
 * Herald runs in this process (createApp, logger off) on a fresh database: an embedded
 * PostgreSQL in a temporary folder (fsync off, like the test suite; BENCH_DURABLE=1 keeps
 * fsync on), or a dedicated database on DATABASE_URL's server. The receiver is a plain
 * node:http keep-alive server on 127.0.0.1 in a worker thread (delivery-receiver.ts).
 *
 * Every Herald "event" is a real append through the CommandBus: a worker heartbeat on a task
 * of a pipeline job whose webhooks.progress is `<receiver>/j/<n>` with progressVerbosityLevel
 * 'debug', which appends one task.lease-extended event (level debug) and so produces exactly
 * one progress webhook. Events are spread over BENCH_JOBS jobs so that no progress message is
 * ever superseded by a newer one of the same job. The jobs are submitted and their tasks
 * acquired over Herald's HTTP API during set-up.
 *
 * Phases: paced latency (Herald, then the baseline), then BENCH_TRIALS backlog drains per side
 * (alternating), one Herald drain through fan-out and delivery together, and an HTTP client
 * comparison. The method is printed with the results, as a table and as one JSON line.
 *
 * Knobs (environment): BENCH_JOBS (6000: jobs, and the backlog size of a drain trial),
 * BENCH_TRIALS (3: drain trials per side, alternating), BENCH_RATE (50 events/s),
 * BENCH_SECONDS (20: measured seconds of the paced phase), BENCH_WARMUP_SECONDS (3),
 * BENCH_E2E (1: one extra fan-out + delivery drain trial), BENCH_HTTP (1: HTTP client
 * comparison), BENCH_BASELINE_SOCKETS (64: axios keep-alive agent maxSockets), BENCH_DURABLE,
 * BENCH_VACUUM (1: VACUUM ANALYZE before each measured phase; 0 leaves it to autovacuum),
 * BENCH_TRACE (0: 1 prints the wall time of Herald's SQL statements per phase, and each drain's
 * receipts per 100 ms), BENCH_PGSS (0: 1 prints the server's time per statement per paced event), BENCH_PROFILE
 * (a folder: main-thread CPU profiles of the measured phases),
 * and Herald's own HERALD_* settings (read by loadConfig).
 */

const JOBS = int('BENCH_JOBS', 6000);
const TRIALS = int('BENCH_TRIALS', 3);
const RATE = int('BENCH_RATE', 50);
const PACED_SECONDS = int('BENCH_SECONDS', 20);
const WARMUP_SECONDS = int('BENCH_WARMUP_SECONDS', 3);
const E2E = process.env.BENCH_E2E !== '0';
const HTTP_COMPARE = process.env.BENCH_HTTP !== '0';
const BASELINE_SOCKETS = int('BENCH_BASELINE_SOCKETS', 64);
const DURABLE = process.env.BENCH_DURABLE === '1';
/** BENCH_PGSS=1: server time per statement per event in Herald's paced phase (pg_stat_statements; embedded server only). */
const PGSS = process.env.BENCH_PGSS === '1';
const VACUUM = process.env.BENCH_VACUUM !== '0';
const APPEND_CONCURRENCY = 16;
const ALG_GROUPS = 16;
const WORKER_NAME = 'bench-worker';
const LEASE_SECONDS = 86_400;

const TARGETS = { p50Ms: 5, p99Ms: 25, deliveriesPerSec: 3000, ratio: 1.3 };

const BASELINE_QUEUE = 'bench_deliver';
const BASELINE_WORKERS = 16;
const BASELINE_BATCH = 64;
const BASELINE_POLL_SECONDS = 0.5;

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return v;
}

/** Monotonic ms, the same clock as the receiver thread's. */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);
const pct = (x: number) => (Number.isFinite(x) ? `${x}%` : 'n/a');


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}


interface LatencyStats {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50Ms: round(quantile(s, 0.5)),
    p95Ms: round(quantile(s, 0.95)),
    p99Ms: round(quantile(s, 0.99)),
    meanMs: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    maxMs: round(s[s.length - 1]),
  };
}

// ------------------------------------------------------------------ machine CPU (Linux /proc)

interface CpuMark {
  at: number;
  machine?: { busy: number; total: number };
  /** CPU seconds of the embedded PostgreSQL's processes (postmaster and its children). */
  pg?: number;
  proc: NodeJS.CpuUsage;
  elu: ReturnType<typeof performance.eventLoopUtilization>;
}

function machineJiffies(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The embedded server's postmaster pid (found by its data folder), when running on Linux. */
let pgPostmaster: number | undefined;

function findPostmaster(dataDir: string): number | undefined {
  if (!existsSync('/proc')) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(dataDir) && /postgres\0/.test(cmd) && !cmd.includes('initdb')) return Number(entry);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

/**
 * CPU seconds of the postmaster, its live children, and its children that already exited
 * (the postmaster's cutime/cstime), in clock ticks at 100 Hz: monotonic even when backends
 * come and go.
 */
function pgCpuSeconds(): number | undefined {
  if (pgPostmaster === undefined) return undefined;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // f[1] = ppid, f[11..14] = utime, stime, cutime, cstime (fields 4 and 14-17 of proc(5))
      if (Number(entry) === pgPostmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      else if (Number(f[1]) === pgPostmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

function cpuMark(): CpuMark {
  return { at: now(), machine: machineJiffies(), pg: pgCpuSeconds(), proc: process.cpuUsage(), elu: performance.eventLoopUtilization() };
}

/**
 * CPU use between two marks: whole machine (% of all cores), this process (receiver thread
 * included) and the embedded PostgreSQL (% of one core), and the main event loop's utilisation.
 */
function cpuBetween(a: CpuMark, b: CpuMark) {
  const wallMs = b.at - a.at;
  const proc = (b.proc.user - a.proc.user + b.proc.system - a.proc.system) / 1000;
  const machine = a.machine && b.machine ? (100 * (b.machine.busy - a.machine.busy)) / Math.max(1, b.machine.total - a.machine.total) : NaN;
  const pg = a.pg !== undefined && b.pg !== undefined ? (100 * (b.pg - a.pg) * 1000) / wallMs : NaN;
  const nodePct = (100 * proc) / wallMs;
  return {
    machineBusyPct: round(machine, 0),
    nodeProcessPctOfOneCore: round(nodePct, 0),
    postgresPctOfOneCore: round(pg, 0),
    /** Share of the machine used by other processes (other sessions, other servers). */
    otherProcessesPct: round(Math.max(0, machine - (nodePct + pg) / cpus().length), 0),
    mainLoopUtilisationPct: round(100 * performance.eventLoopUtilization(b.elu, a.elu).utilization, 0),
  };
}

// ------------------------------------------------------------------ optional CPU profiles

/**
 * BENCH_PROFILE=<folder>: a V8 CPU profile of the main thread (Herald, the baseline worker and
 * the bench itself; not the receiver thread) for each measured phase, as <phase>.cpuprofile
 * (open in Chrome DevTools or speedscope).
 */
const PROFILE_DIR = process.env.BENCH_PROFILE;
let profiler: Session | undefined;

function post<T = unknown>(method: string): Promise<T> {
  return new Promise((resolve, reject) => profiler!.post(method, (err, res) => (err ? reject(err) : resolve(res as T))));
}

async function profileStart(): Promise<void> {
  if (!PROFILE_DIR) return;
  if (!profiler) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    profiler = new Session();
    profiler.connect();
    await post('Profiler.enable');
  }
  await post('Profiler.start');
}

async function profileStop(name: string): Promise<void> {
  if (!profiler) return;
  const { profile } = await post<{ profile: unknown }>('Profiler.stop');
  writeFileSync(join(PROFILE_DIR!, `${name}.cpuprofile`), JSON.stringify(profile));
}

// ------------------------------------------------------------------ optional SQL trace

/**
 * BENCH_TRACE=1: wall time of every statement Herald sends on its own connections
 * (application_name 'herald'), from the client's query() call to its result, grouped by the
 * statement's first words, per phase. A diagnostic: it adds a little overhead of its own.
 */
class SqlTrace {
  private stats = new Map<string, { n: number; ms: number }>();
  active = false;

  install(): void {
    const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    const trace = this;
    proto.query = function (this: { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
      const config = args[0] as string | { text?: string } | undefined;
      const text = typeof config === 'string' ? config : config?.text;
      if (!trace.active || !text || this.connectionParameters?.application_name !== 'herald') return original.apply(this, args);
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 100);
      const t0 = now();
      const done = () => {
        const st = trace.stats.get(key) ?? { n: 0, ms: 0 };
        st.n++;
        st.ms += now() - t0;
        trace.stats.set(key, st);
      };
      const cbIndex = typeof args[2] === 'function' ? 2 : typeof args[1] === 'function' ? 1 : -1;
      if (cbIndex >= 0) {
        const cb = args[cbIndex] as (...r: unknown[]) => void;
        args[cbIndex] = (...r: unknown[]) => {
          done();
          cb(...r);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args) as Promise<unknown> | undefined;
      if (result && typeof result.then === 'function') result.then(done, done);
      return result;
    };
  }

  start(): void {
    this.stats.clear();
    this.active = true;
  }

  stop(label: string, top = 14): void {
    this.active = false;
    const rows = [...this.stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
    const total = [...this.stats.values()].reduce((a, b) => a + b.ms, 0);
    console.log(`\nSQL trace, ${label}: ${round(total / 1000, 2)} s of statement wall time in ${[...this.stats.values()].reduce((a, b) => a + b.n, 0)} statements`);
    console.table(Object.fromEntries(rows.map(([k, v]) => [k, { count: v.n, 'mean ms': round(v.ms / v.n, 3), 'total s': round(v.ms / 1000, 2) }])));
  }
}

const TRACE = process.env.BENCH_TRACE === '1' ? new SqlTrace() : undefined;
TRACE?.install();

// ------------------------------------------------------------------ database


/**
 * BENCH_PGSS=1: the server's time (planning + execution) per statement, per paced event, from
 * pg_stat_statements: where the database's share of each event's latency goes.
 */
async function serverTimePerEvent(monitor: Client, events: number): Promise<void> {
  const { rows } = await monitor.query(
    `SELECT s.calls, s.mean_plan_time AS plan, s.mean_exec_time AS exec,
            (s.total_plan_time + s.total_exec_time) / $1 AS per_event, regexp_replace(s.query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
      WHERE s.query NOT ILIKE '%pg_stat_statements%' AND s.calls >= $1 / 10
      ORDER BY per_event DESC LIMIT 20`,
    [events],
  );
  const total = rows.reduce((a, r) => a + Number(r.per_event), 0);
  console.log(`\nServer time per paced event (pg_stat_statements, ${events} events): ${round(total, 3)} ms in the statements below`);
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        String(r.query).slice(0, 80),
        { 'calls/event': round(Number(r.calls) / events, 2), 'plan ms': round(Number(r.plan), 3), 'exec ms': round(Number(r.exec), 3), 'ms/event': round(Number(r.per_event), 3) },
      ]),
    ),
  );
}

// ------------------------------------------------------------------ receiver (worker thread)

class Receiver {
  url = '';
  total = 0;
  /** Called for every receipt, in arrival order. */
  onReceipt: (path: string, at: number) => void = () => undefined;
  private seq = 0;
  private flushed = new Map<number, () => void>();
  private stopped?: () => void;

  private constructor(private readonly worker: Worker) {}

  static async start(): Promise<Receiver> {
    const worker = new Worker(join(__dirname, 'delivery-receiver.js'));
    const rx = new Receiver(worker);
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (msg: { type: string; port?: number; paths?: string[]; times?: number[]; seq?: number }) => {
        if (msg.type === 'ready') resolve(msg.port!);
        else if (msg.type === 'receipts') {
          rx.total += msg.paths!.length;
          for (let i = 0; i < msg.paths!.length; i++) rx.onReceipt(msg.paths![i], msg.times![i]);
        } else if (msg.type === 'flushed') {
          rx.flushed.get(msg.seq!)?.();
          rx.flushed.delete(msg.seq!);
        } else if (msg.type === 'stopped') rx.stopped?.();
      });
    });
    rx.url = `http://127.0.0.1:${port}`;
    return rx;
  }

  /** Resolves once every request received so far has been passed to onReceipt. */
  sync(): Promise<void> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.flushed.set(seq, resolve);
      this.worker.postMessage({ type: 'flush', seq });
    });
  }

  async stop(): Promise<void> {
    await Promise.race([new Promise<void>((r) => ((this.stopped = r), this.worker.postMessage({ type: 'stop' }))), sleep(2000)]);
    await this.worker.terminate();
  }
}

// ------------------------------------------------------------------ Poisson pacing

/**
 * Open-loop Poisson arrivals at `rate`/s for warm-up + measured seconds; fire(k, measured) is not
 * awaited, so a slow append never delays the next arrival.
 */
async function poisson(rate: number, warmupMs: number, measuredMs: number, fire: (k: number, measured: boolean) => void): Promise<number> {
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

interface PacedResult {
  latency: LatencyStats;
  /** Time for the append / send call itself to resolve, and from then to receipt. */
  callMs: LatencyStats;
  afterCallMs: LatencyStats;
  events: number;
  measured: number;
  missing: number;
  unexpected: number;
  offeredPerSec: number;
  cpu: ReturnType<typeof cpuBetween>;
}

/**
 * Runs a paced phase: fire(k) must produce exactly one request to `path(k)`; latency is from just
 * before fire's call to the receipt of that request.
 */
async function pacedPhase(
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

// ------------------------------------------------------------------ drain measurement

interface DrainResult {
  deliveries: number;
  seconds: number;
  deliveriesPerSec: number;
  /** Rate between the 10th and the 90th percentile receipt (ramp-up and tail left out). */
  steadyPerSec: number;
  /** From the start to the last receipt, before waiting for the attempt log. */
  lastReceiptSeconds: number;
  attemptsLogged: number;
  cpu: ReturnType<typeof cpuBetween>;
}

/**
 * Starts a drain with `go` and waits for `n` receipts under `prefix` and for `n` attempt rows
 * (countAttempts). Throughput = n / (time from go to the later of the last receipt and the
 * moment every attempt is on record).
 */
async function measureDrain(rx: Receiver, prefix: string, n: number, go: () => void | Promise<void>, countAttempts: () => Promise<number>): Promise<DrainResult> {
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

// ------------------------------------------------------------------ Herald side

interface HeraldBench {
  app: INestApplicationContext;
  bus: CommandBus;
  queue: WorkQueue;
  fanout: FanoutWorker;
  delivery: DeliveryWorker;
  /** Set when a fan-out fetch comes back empty (the fan-out loop has nothing left). */
  fanoutIdle: { at: number | null };
  paths: FanoutPaths;
  taskIds: string[];
  jobIds: string[];
}

/**
 * Observes Herald from outside without touching src/: the fan-out loop's pg-boss fetches (an
 * empty one means the fan-out backlog is done), and which way each fan-out went: chained behind
 * its append's COMMIT, handed over after the commit, or fetched by the loop. Pausing uses the
 * workers' own pause()/resume().
 */
function observe(queue: WorkQueue, fanout: FanoutWorker, fanoutIdle: { at: number | null }, paths: FanoutPaths): void {
  const boss = queue.boss as unknown as { fetch: (name: string, options?: unknown) => Promise<unknown[]> };
  const original = boss.fetch.bind(boss);
  boss.fetch = async (name, options) => {
    const jobs = (await original(name, options)) ?? [];
    if (name === FANOUT_QUEUE) {
      if (jobs.length === 0) fanoutIdle.at = now();
      paths.fetched += jobs.length;
    }
    return jobs;
  };
  // Decided in the committing instance: chained, unless handed over after the commit.
  const decide = fanout.fanOutAfterCommit.bind(fanout);
  fanout.fanOutAfterCommit = (...args) => {
    const local = decide(...args);
    if (local) paths.chained++;
    return local;
  };
  const handOff = fanout.handOff.bind(fanout);
  fanout.handOff = (job) => {
    const taken = handOff(job);
    if (taken) {
      paths.handedOver++;
      paths.chained--;
    }
    return taken;
  };
}

/** How the fan-out jobs of a phase were processed. */
interface FanoutPaths {
  chained: number;
  handedOver: number;
  fetched: number;
}

/** JSON over HTTP to Herald's API (job set-up uses the public contract, not internal classes). */
async function api<T>(pool: UndiciPool, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await apiCall<T>(pool, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

async function startHerald(url: string, rx: Receiver): Promise<HeraldBench> {
  const config: HeraldConfig = { ...loadConfig(), databaseUrl: url };
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const queue = app.get(WorkQueue);
  const fanout = app.get(FanoutWorker);
  const delivery = app.get(DeliveryWorker);
  const fanoutIdle = { at: null as number | null };
  const paths: FanoutPaths = { chained: 0, handedOver: 0, fetched: 0 };
  observe(queue, fanout, fanoutIdle, paths);
  const bus = app.get(CommandBus);
  const client = new UndiciPool(base, { connections: APPEND_CONCURRENCY });
  // Set-up events are fanned out and delivered in one go at the end: much faster than trickling.
  fanout.pause();

  try {
    const t0 = now();
    const jobIds: string[] = new Array(JOBS);
    await forEachLimit(JOBS, APPEND_CONCURRENCY, async (i) => {
      const submitted = await api<{ jobId: string }>(client, 'POST', '/api/v1/exec/raw', {
        name: 'bench',
        nodes: [{ nodeName: 'work', algorithmName: `bench-alg-${i % ALG_GROUPS}`, input: [i] }],
        webhooks: { progress: `${rx.url}/j/${i}` },
        options: { progressVerbosityLevel: 'debug' },
      });
      jobIds[i] = submitted.jobId;
    });
    const submitted = now();
    const index = new Map(jobIds.map((id, i) => [id, i]));
    const taskIds: string[] = new Array(JOBS);
    await forEachLimit(ALG_GROUPS, ALG_GROUPS, async (g) => {
      for (;;) {
        const { tasks } = await api<{ tasks: Array<{ taskId: string; jobId: string }> }>(client, 'POST', '/api/v1/tasks/acquire', {
          workerName: WORKER_NAME,
          algorithmNames: [`bench-alg-${g}`],
          leaseSeconds: LEASE_SECONDS,
          max: 1000,
        });
        if (tasks.length === 0) return;
        for (const t of tasks) taskIds[index.get(t.jobId)!] = t.taskId;
      }
    });
    const missing = taskIds.filter((t) => !t).length;
    if (missing) throw new Error(`${missing} jobs have no acquired task`);
    fanout.resume();
    log(`herald: ${JOBS} jobs submitted in ${round((submitted - t0) / 1000, 1)} s, tasks acquired in ${round((now() - submitted) / 1000, 1)} s`);
    return { app, bus, queue, fanout, delivery, fanoutIdle, paths, taskIds, jobIds };
  } finally {
    await client.close();
  }
}

function heartbeat(h: HeraldBench, i: number): Promise<unknown> {
  return h.bus.execute(new ReportTaskCommand(h.taskIds[i], WORKER_NAME, { kind: 'heartbeat', leaseSeconds: LEASE_SECONDS }));
}

// ------------------------------------------------------------------ baseline: plain pg-boss + axios

interface Baseline {
  boss: PgBoss;
  pool: PgPool;
  workerIds: string[];
  body: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function startBaseline(url: string, body: string): Promise<Baseline> {
  const pool = new PgPool({ connectionString: url, max: 20, application_name: 'baseline' });
  pool.on('error', () => undefined);
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) },
    schema: 'baseline_boss',
    schedule: false,
  });
  boss.on('error', (err) => log(`baseline pg-boss: ${err.message}`));
  await boss.start();
  await boss.createQueue(BASELINE_QUEUE, { name: BASELINE_QUEUE, retryLimit: 3, retryDelay: 5, retryBackoff: true });
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_attempts (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id       uuid        NOT NULL,
      url          text        NOT NULL,
      status_code  integer,
      duration_ms  integer     NOT NULL,
      error_code   text,
      response_body text,
      attempted_at timestamptz NOT NULL)`);

  const client = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: BASELINE_SOCKETS }),
    timeout: 15_000,
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (d: unknown) => d,
    headers: { 'content-type': 'application/json', 'user-agent': `baseline/${HERALD_VERSION}` },
  });
  type Data = { url: string; body: string };
  const handler = async (jobs: PgBoss.Job<Data>[]) => {
    const results = await Promise.allSettled(
      jobs.map(async (job) => {
        const attemptedAt = new Date();
        const started = performance.now();
        let status: number | null = null;
        let error: string | null = null;
        let responseBody: string | null = null;
        try {
          const res = await client.post(job.data.url, job.data.body);
          status = res.status;
          responseBody = typeof res.data === 'string' ? res.data.slice(0, 16_384) : null;
        } catch (err) {
          error = (err as { code?: string }).code ?? 'ERROR';
        }
        await pool.query(
          'INSERT INTO baseline_attempts (job_id, url, status_code, duration_ms, error_code, response_body, attempted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [job.id, job.data.url, status, Math.round(performance.now() - started), error, responseBody, attemptedAt],
        );
        if (status === null || status < 200 || status >= 300) throw new Error(`delivery failed: ${status ?? error}`);
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw (failed[0] as PromiseRejectedResult).reason;
  };

  const baseline: Baseline = {
    boss,
    pool,
    workerIds: [],
    body,
    async start() {
      for (let i = 0; i < BASELINE_WORKERS; i++) {
        baseline.workerIds.push(await boss.work<Data>(BASELINE_QUEUE, { batchSize: BASELINE_BATCH, pollingIntervalSeconds: BASELINE_POLL_SECONDS }, handler));
      }
    },
    async stop() {
      await boss.offWork(BASELINE_QUEUE);
      baseline.workerIds = [];
    },
  };
  return baseline;
}

// ------------------------------------------------------------------ HTTP clients

interface ClientResult {
  client: string;
  concurrency: number;
  requestsPerSec: number;
  mainThreadMsPerRequest: number;
}

async function httpClients(rx: Receiver, body: string): Promise<ClientResult[]> {
  const url = `${rx.url}/h/x`;
  const headers = { 'content-type': 'application/json', 'user-agent': `Herald/${HERALD_VERSION}` };
  const results: ClientResult[] = [];
  const run = async (name: string, concurrency: number, post: () => Promise<void>, close: () => Promise<void>) => {
    const warmEnd = now() + 300;
    await Promise.all(Array.from({ length: concurrency }, async () => { while (now() < warmEnd) await post(); }));
    let count = 0;
    const elu0 = performance.eventLoopUtilization();
    const t0 = now();
    const end = t0 + 1000;
    await Promise.all(Array.from({ length: concurrency }, async () => { while (now() < end) { await post(); count++; } }));
    const secs = (now() - t0) / 1000;
    const elu = performance.eventLoopUtilization(elu0);
    await close();
    results.push({ client: name, concurrency, requestsPerSec: Math.round(count / secs), mainThreadMsPerRequest: round((elu.active) / count, 3) });
  };
  for (const concurrency of [16, 64]) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const ax = axios.create({ httpAgent: agent, maxRedirects: 0, validateStatus: () => true, responseType: 'text', transformResponse: (d: unknown) => d, headers });
    await run('axios (http adapter, keep-alive agent)', concurrency, async () => void (await ax.post(url, body)), async () => agent.destroy());

    const axf = axios.create({ adapter: 'fetch', maxRedirects: 0, validateStatus: () => true, responseType: 'text', headers });
    await run('axios (fetch adapter)', concurrency, async () => void (await axf.post(url, body)), async () => undefined);

    const pool = new UndiciPool(rx.url, { connections: concurrency, keepAliveTimeout: 30_000 });
    await run('undici Pool', concurrency, async () => {
      const res = await pool.request({ path: '/h/x', method: 'POST', headers, body });
      await res.body.text();
    }, () => pool.close());

    const sender = new UndiciHttpSender(new EgressGuard(parseEgressPolicy({})));
    await run("Herald's UndiciHttpSender (undici Agent)", concurrency, async () => void (await sender.send({ url, headers, body, timeoutMs: 15_000 })), () => sender.close());
  }
  return results;
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const benchStarted = now();
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
    const idle0 = cpuMark();
    await sleep(1000);
    const preflight = { ...cpuBetween(idle0, cpuMark()), loadAverage1m: round(loadavg()[0], 2) };
    if (preflight.machineBusyPct > 20) log(`warning: the machine was ${preflight.machineBusyPct}% busy before the bench started (load average ${preflight.loadAverage1m}); figures will suffer`);
    log(`starting (${JOBS} jobs, ${TRIALS} drain trials per side, ${RATE} events/s for ${PACED_SECONDS} s after ${WARMUP_SECONDS} s warm-up)`);
    const database = await benchDatabase(DURABLE, PGSS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' } : {});
    if (database.dataDir) pgPostmaster = findPostmaster(database.dataDir);
    cleanups.push(database.dispose);
    const rx = await Receiver.start();
    cleanups.push(() => rx.stop());
    const monitor = new Client({ connectionString: database.url, application_name: 'bench-monitor' });
    await monitor.connect();
    cleanups.push(() => monitor.end());
    const q = async (sql: string, params: unknown[] = []) => (await monitor.query(sql, params)).rows;

    /**
     * pg-boss 10 fetches through a partial index (state < 'active') that keeps an entry for
     * every job updated since the last vacuum, and sorts every candidate: a fetch costs more
     * with each dead row. The set-up churns tens of thousands of queue jobs; every measured
     * phase starts from a vacuumed database so that neither side pays for the other's churn
     * or for autovacuum's timing.
     */
    const vacuum = async (before: string) => {
      if (!VACUUM) return;
      const t0 = now();
      await monitor.query(`VACUUM (ANALYZE) pgboss.job, baseline_boss.job, webhook_messages, webhook_subscriptions, webhook_streams, webhook_attempts, tasks, jobs`);
      if (TRACE) log(`VACUUM before ${before}: ${Math.round(now() - t0)} ms`);
    };

    const herald = await startHerald(database.url, rx);
    cleanups.push(() => herald.app.close());

    const waitQuiet = async (what: string) => {
      await until(
        `${what}: Herald queues empty`,
        async () => {
          const [r] = await q(`SELECT
              (SELECT count(*) FROM webhook_messages WHERE status IN ('pending', 'retrying'))::int AS open,
              (SELECT count(*) FROM pgboss.job WHERE name IN ($1, $2) AND state IN ('created', 'retry', 'active'))::int AS queued`, [FANOUT_QUEUE, DELIVER_QUEUE]);
          return r.open === 0 && r.queued === 0;
        },
        120_000,
        100,
      );
      await rx.sync();
    };
    await waitQuiet('setup');
    const [sample] = await q(`SELECT body FROM webhook_messages WHERE event_type = 'task.acquired' LIMIT 1`);
    const body = sample.body as string;
    log(`setup webhooks delivered; a progress body is ${Buffer.byteLength(body)} bytes`);

    // ---------------------------------------------------------- paced latency
    const baseline = await startBaseline(database.url, body);
    cleanups.push(async () => {
      await baseline.boss.stop({ graceful: false, wait: true, close: false, timeout: 2000 });
      await baseline.pool.end();
    });
    const baselineQueued = async () =>
      (await q(`SELECT count(*)::int AS n FROM baseline_boss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [BASELINE_QUEUE]))[0].n as number;

    if (RATE * (PACED_SECONDS + WARMUP_SECONDS) * 1.3 > JOBS) log('warning: fewer jobs than paced events; some jobs get two events');
    log(`herald paced: ${RATE}/s Poisson, heartbeat appends`);
    let jobCursor = 0;
    await vacuum('herald paced');
    TRACE?.start();
    if (PGSS) await monitor.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()');
    await profileStart();
    Object.assign(herald.paths, { chained: 0, handedOver: 0, fetched: 0 });
    const heraldPaced = await pacedPhase(
      rx,
      (k) => `/j/${(jobCursor + k) % JOBS}`,
      (k) => heartbeat(herald, (jobCursor + k) % JOBS),
    );
    const pacedPaths = { ...herald.paths };
    if (PGSS) await serverTimePerEvent(monitor, heraldPaced.events);
    jobCursor += heraldPaced.events;
    await profileStop('herald-paced');
    TRACE?.stop(`Herald paced phase (${heraldPaced.events} events: appends, fan-out and delivery)`);
    await waitQuiet('herald paced');

    log(`baseline paced: ${RATE}/s Poisson, boss.send + notifyWorker`);
    await vacuum('baseline paced');
    await baseline.start();
    await profileStart();
    const runId = randomBytes(3).toString('hex');
    const baselinePaced = await pacedPhase(
      rx,
      (k) => `/b/${runId}/${k}`,
      async (k) => {
        const id = await baseline.boss.send(BASELINE_QUEUE, { url: `${rx.url}/b/${runId}/${k}`, body });
        if (!id) throw new Error('baseline send returned null');
        baseline.boss.notifyWorker(baseline.workerIds[k % baseline.workerIds.length]);
      },
    );
    await profileStop('baseline-paced');
    await until('baseline paced jobs completed', async () => (await baselineQueued()) === 0, 30_000, 50);
    await baseline.stop();

    // ---------------------------------------------------------- drains
    const heraldTrials: Array<DrainResult & { appendsPerSec: number; fanoutSeconds: number; fanoutMessagesPerSec: number; superseded: number }> = [];
    const baselineTrials: DrainResult[] = [];
    const attemptsSince = async (table: string, fromId: number) =>
      (await q(`SELECT count(*)::int AS n FROM ${table} WHERE id > $1`, [fromId]))[0].n as number;
    const maxId = async (table: string) => (await q(`SELECT coalesce(max(id), 0)::bigint AS m FROM ${table}`))[0].m as number;
    const superseded = async () => (await q(`SELECT count(*)::int AS n FROM webhook_messages WHERE status = 'superseded'`))[0].n as number;

    /** Appends one heartbeat per job with fan-out (and optionally delivery) paused. */
    const appendBacklog = async (gateDelivery: boolean) => {
      herald.fanout.pause();
      if (gateDelivery) herald.delivery.pause();
      const t0 = now();
      await forEachLimit(JOBS, APPEND_CONCURRENCY, async (i) => void (await heartbeat(herald, i)));
      return JOBS / ((now() - t0) / 1000);
    };

    const queueBloat = async () =>
      Object.fromEntries(
        (await q(`SELECT t.relname, s.n_live_tup, s.n_dead_tup FROM pg_inherits i JOIN pg_class t ON t.oid = i.inhrelid
                   JOIN pg_stat_user_tables s ON s.relid = t.oid JOIN pg_class p ON p.oid = i.inhparent
                   JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'pgboss' AND p.relname = 'job'`)).map((r) => [r.relname, `${r.n_live_tup} live / ${r.n_dead_tup} dead`]),
      );
    const heraldDrain = async (trial: number) => {
      if (TRACE) log(`pg-boss job partitions before herald drain ${trial}: ${JSON.stringify(await queueBloat())}`);
      const supersededBefore = await superseded();
      const appendsPerSec = await appendBacklog(true);
      // Fan-out alone (delivery still paused): time until the fan-out loop finds its queue empty.
      await vacuum(`herald fan-out ${trial}`);
      herald.fanoutIdle.at = null;
      if (trial === 1) TRACE?.start();
      if (trial === 1) await profileStart();
      const tf = now();
      herald.fanout.resume();
      await until('fan-out of the backlog', () => herald.fanoutIdle.at !== null, 120_000, 5);
      const fanoutSeconds = (herald.fanoutIdle.at! - tf) / 1000;
      if (trial === 1) TRACE?.stop(`Herald fan-out of a ${JOBS}-event backlog`);
      if (trial === 1) await profileStop('herald-fanout-1');
      const [{ n: queued }] = await q(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created'`, [DELIVER_QUEUE]);
      if (queued !== JOBS) throw new Error(`expected ${JOBS} queued deliveries after fan-out, found ${queued}`);
      await vacuum(`herald drain ${trial}`);
      const from = await maxId('webhook_attempts');
      log(`herald drain ${trial}: ${JOBS} appends at ${Math.round(appendsPerSec)}/s, fan-out ${round(fanoutSeconds, 2)} s; draining`);
      if (trial === 1) TRACE?.start();
      if (trial === 1) await profileStart();
      const r = await measureDrain(rx, '/j/', JOBS, () => {
        herald.delivery.resume();
      }, () => attemptsSince('webhook_attempts', from));
      if (trial === 1) TRACE?.stop(`Herald delivery drain of ${JOBS} messages`);
      if (trial === 1) await profileStop('herald-drain-1');
      await waitQuiet(`herald drain ${trial}`);
      const s = (await superseded()) - supersededBefore;
      heraldTrials.push({ ...r, appendsPerSec: Math.round(appendsPerSec), fanoutSeconds: round(fanoutSeconds, 3), fanoutMessagesPerSec: Math.round(JOBS / fanoutSeconds), superseded: s });
      log(`herald drain ${trial}: ${r.deliveriesPerSec} deliveries/s (steady ${r.steadyPerSec}/s), cpu ${JSON.stringify(r.cpu)}`);
    };

    const baselineDrain = async (trial: number) => {
      const t0 = now();
      const jobs = Array.from({ length: JOBS }, (_, k) => ({ name: BASELINE_QUEUE, data: { url: `${rx.url}/d/${trial}/${k}`, body } }));
      for (let i = 0; i < jobs.length; i += 2000) await baseline.boss.insert(jobs.slice(i, i + 2000));
      await vacuum(`baseline drain ${trial}`);
      const from = await maxId('baseline_attempts');
      log(`baseline drain ${trial}: ${JOBS} jobs queued in ${round((now() - t0) / 1000, 2)} s; draining`);
      if (trial === 1) await profileStart();
      const r = await measureDrain(rx, `/d/${trial}/`, JOBS, () => baseline.start(), () => attemptsSince('baseline_attempts', from));
      if (trial === 1) await profileStop('baseline-drain-1');
      await until('baseline drain jobs completed', async () => (await baselineQueued()) === 0, 30_000, 50);
      await baseline.stop();
      baselineTrials.push(r);
      log(`baseline drain ${trial}: ${r.deliveriesPerSec} deliveries/s (steady ${r.steadyPerSec}/s), cpu ${JSON.stringify(r.cpu)}`);
    };

    for (let t = 1; t <= TRIALS; t++) {
      await heraldDrain(t);
      await baselineDrain(t);
    }

    // One drain through fan-out and delivery together (only fan-out paused while appending).
    let endToEnd: (DrainResult & { appendsPerSec: number }) | undefined;
    if (E2E) {
      const appendsPerSec = await appendBacklog(false);
      await vacuum('herald fan-out + delivery');
      const from = await maxId('webhook_attempts');
      log(`herald fan-out + delivery drain: ${JOBS} appends at ${Math.round(appendsPerSec)}/s; draining`);
      await profileStart();
      const r = await measureDrain(rx, '/j/', JOBS, () => {
        herald.fanout.resume();
      }, () => attemptsSince('webhook_attempts', from));
      await profileStop('herald-fanout-and-drain');
      await waitQuiet('end-to-end drain');
      endToEnd = { ...r, appendsPerSec: Math.round(appendsPerSec) };
      log(`herald fan-out + delivery drain: ${r.deliveriesPerSec} deliveries/s, cpu ${JSON.stringify(r.cpu)}`);
    }

    // ---------------------------------------------------------- checks
    const statuses = Object.fromEntries(
      (await q(`SELECT status, count(*)::int AS n FROM webhook_messages GROUP BY status ORDER BY status`)).map((r) => [r.status, r.n]),
    );
    const [attemptTotals] = await q(`SELECT count(*)::int AS attempts, count(*) FILTER (WHERE outcome <> 'delivered')::int AS not_delivered FROM webhook_attempts`);
    if (attemptTotals.attempts !== statuses.delivered || attemptTotals.not_delivered !== 0) {
      throw new Error(`attempt log mismatch: ${JSON.stringify(attemptTotals)} against messages ${JSON.stringify(statuses)}`);
    }

    let clients: ClientResult[] = [];
    if (HTTP_COMPARE) {
      log('HTTP clients: axios vs undici against the same receiver');
      clients = await httpClients(rx, body);
    }

    // ---------------------------------------------------------- report
    const heraldRate = median(heraldTrials.map((t) => t.deliveriesPerSec));
    const baselineRate = median(baselineTrials.map((t) => t.deliveriesPerSec));
    const ratio = round(heraldRate / baselineRate, 2);
    const h = heraldPaced.latency;
    const b = baselinePaced.latency;
    const phases = [heraldPaced.cpu, baselinePaced.cpu, ...heraldTrials.map((t) => t.cpu), ...baselineTrials.map((t) => t.cpu), ...(endToEnd ? [endToEnd.cpu] : [])];
    const disturbed = phases.filter((c) => c.otherProcessesPct > 10).length;
    const report = {
      method: {
        database: database.description,
        receiver: 'node:http keep-alive server on 127.0.0.1 in a worker thread of this process, answering 200 "ok" and stamping each request when its body is fully read (process.hrtime)',
        herald:
          `Herald in this process (createApp, logger off, default webhook settings: maxInFlight ${loadConfig().webhooks.maxInFlight}, perEndpoint ${loadConfig().webhooks.perEndpoint}); ` +
          `${JOBS} pipeline jobs (one task each) with webhooks.progress = <receiver>/j/<n> and progressVerbosityLevel debug; every event is a real append: ` +
          `ReportTaskCommand heartbeat through the CommandBus, one task.lease-extended event (debug), exactly one progress webhook; one event per job at a time, so nothing is superseded`,
        latency:
          `open-loop Poisson arrivals at ${RATE}/s: ${WARMUP_SECONDS} s warm-up then ${PACED_SECONDS} s measured; latency = receipt time - time just before the command (Herald: a heartbeat through the CommandBus: lock, decide, append, commit) / boss.send (baseline)`,
        throughput:
          `backlog drain: ${JOBS} deliveries queued while the workers are paused, then the workers are resumed; deliveries/s = ${JOBS} / (time from resume until every delivery was received AND every attempt row is in the attempts table); ` +
          `Herald: the heartbeats are appended with fan-out and delivery paused (the workers' pause()), fan-out is resumed and timed alone, then delivery is resumed and timed (like for like with the baseline, whose backlog is delivery jobs); ` +
          `plus ${E2E ? 'one' : 'no'} drain with fan-out and delivery running together; medians of ${TRIALS} trials per side, alternating Herald / baseline`,
        vacuum: VACUUM
          ? 'VACUUM (ANALYZE) of the queue, webhook, task and job tables before each measured phase (pg-boss fetch cost grows with dead rows in its partial index; the set-up churns tens of thousands of queue jobs); BENCH_VACUUM=0 leaves it to autovacuum'
          : 'none: autovacuum only (BENCH_VACUUM=0)',
        baseline:
          `plain pg-boss 10 (own schema, 20-connection pool) with ${BASELINE_WORKERS} work() workers x batchSize ${BASELINE_BATCH}, pollingIntervalSeconds ${BASELINE_POLL_SECONDS}, boss.notifyWorker(round-robin worker) after each paced send; ` +
          `the handler posts every job of the batch concurrently with axios (keep-alive http.Agent, maxSockets ${BASELINE_SOCKETS}) and logs each attempt with one INSERT into baseline_attempts; same body (${Buffer.byteLength(body)} bytes), same receiver`,
      },
      node: process.version,
      cpus: cpus().length,
      machineBeforeStart: preflight,
      loadAverage1mAtEnd: round(loadavg()[0], 2),
      phasesDisturbedByOtherProcesses: `${disturbed} of ${phases.length}`,
      herald: {
        latency: h,
        latencyBreakdown: { appendMs: heraldPaced.callMs, commitToReceiptMs: heraldPaced.afterCallMs },
        pacedFanoutPaths: pacedPaths,
        paced: { events: heraldPaced.events, measured: heraldPaced.measured, missing: heraldPaced.missing, unexpected: heraldPaced.unexpected, offeredPerSec: heraldPaced.offeredPerSec, cpu: heraldPaced.cpu },
        drainDeliveriesPerSec: heraldRate,
        drainTrials: heraldTrials,
        endToEnd,
      },
      baseline: {
        latency: b,
        latencyBreakdown: { sendMs: baselinePaced.callMs, sendToReceiptMs: baselinePaced.afterCallMs },
        paced: { events: baselinePaced.events, measured: baselinePaced.measured, missing: baselinePaced.missing, unexpected: baselinePaced.unexpected, offeredPerSec: baselinePaced.offeredPerSec, cpu: baselinePaced.cpu },
        drainDeliveriesPerSec: baselineRate,
        drainTrials: baselineTrials,
      },
      ratioHeraldToBaselineThroughput: ratio,
      targets: {
        ...TARGETS,
        met: {
          p50: h.p50Ms <= TARGETS.p50Ms,
          p99: h.p99Ms <= TARGETS.p99Ms,
          throughput: heraldRate >= TARGETS.deliveriesPerSec,
          ratio: ratio >= TARGETS.ratio,
        },
      },
      checks: { messagesByStatus: statuses, attemptsLogged: attemptTotals.attempts },
      httpClients: clients,
      totalSeconds: round((now() - benchStarted) / 1000, 1),
    };

    const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
    console.log('\nMethod');
    for (const [k, v] of Object.entries(report.method)) console.log(`  ${k}: ${v}`);
    console.log('');
    console.table({
      'latency p50 (ms)': { herald: h.p50Ms, baseline: b.p50Ms, target: `<= ${TARGETS.p50Ms}`, met: yes(report.targets.met.p50) },
      'latency p95 (ms)': { herald: h.p95Ms, baseline: b.p95Ms, target: '', met: '' },
      'latency p99 (ms)': { herald: h.p99Ms, baseline: b.p99Ms, target: `<= ${TARGETS.p99Ms}`, met: yes(report.targets.met.p99) },
      'drain deliveries/s (median)': { herald: heraldRate, baseline: baselineRate, target: `>= ${TARGETS.deliveriesPerSec}`, met: yes(report.targets.met.throughput) },
      'throughput herald / baseline': { herald: ratio, baseline: '', target: `>= ${TARGETS.ratio}`, met: yes(report.targets.met.ratio) },
    });
    console.log('Drain trials (deliveries/s, whole drain / steady 10-90%):');
    heraldTrials.forEach((t, i) =>
      console.log(`  herald ${i + 1}: ${t.deliveriesPerSec} / ${t.steadyPerSec}   (fan-out alone ${t.fanoutMessagesPerSec} messages/s; appends ${t.appendsPerSec}/s; cpu: machine ${pct(t.cpu.machineBusyPct)} (others ${pct(t.cpu.otherProcessesPct)}), node ${pct(t.cpu.nodeProcessPctOfOneCore)} + postgres ${pct(t.cpu.postgresPctOfOneCore)} of a core, main loop ${pct(t.cpu.mainLoopUtilisationPct)})`),
    );
    baselineTrials.forEach((t, i) =>
      console.log(`  baseline ${i + 1}: ${t.deliveriesPerSec} / ${t.steadyPerSec}   (cpu: machine ${pct(t.cpu.machineBusyPct)} (others ${pct(t.cpu.otherProcessesPct)}), node ${pct(t.cpu.nodeProcessPctOfOneCore)} + postgres ${pct(t.cpu.postgresPctOfOneCore)} of a core, main loop ${pct(t.cpu.mainLoopUtilisationPct)})`),
    );
    if (endToEnd) console.log(`  herald fan-out + delivery together: ${endToEnd.deliveriesPerSec} / ${endToEnd.steadyPerSec}   (cpu: machine ${pct(endToEnd.cpu.machineBusyPct)} (others ${pct(endToEnd.cpu.otherProcessesPct)}), node ${pct(endToEnd.cpu.nodeProcessPctOfOneCore)} + postgres ${pct(endToEnd.cpu.postgresPctOfOneCore)} of a core)`);
    console.log(
      `Latency breakdown p50/p99 (ms): herald command (lock, decide, append, commit) ${heraldPaced.callMs.p50Ms}/${heraldPaced.callMs.p99Ms}, command answered->receipt ${heraldPaced.afterCallMs.p50Ms}/${heraldPaced.afterCallMs.p99Ms}; ` +
        `baseline send ${baselinePaced.callMs.p50Ms}/${baselinePaced.callMs.p99Ms}, send->receipt ${baselinePaced.afterCallMs.p50Ms}/${baselinePaced.afterCallMs.p99Ms}`,
    );
    console.log(
      `Herald fan-outs in the paced phase: ${pacedPaths.chained} chained behind their append's COMMIT, ${pacedPaths.handedOver} handed over after it, ${pacedPaths.fetched} fetched by the loop`,
    );
    console.log(
      `CPU during the paced phases: herald machine ${pct(heraldPaced.cpu.machineBusyPct)} (others ${pct(heraldPaced.cpu.otherProcessesPct)}), node ${pct(heraldPaced.cpu.nodeProcessPctOfOneCore)} + postgres ${pct(heraldPaced.cpu.postgresPctOfOneCore)} of a core; ` +
        `baseline machine ${pct(baselinePaced.cpu.machineBusyPct)} (others ${pct(baselinePaced.cpu.otherProcessesPct)}), node ${pct(baselinePaced.cpu.nodeProcessPctOfOneCore)} + postgres ${pct(baselinePaced.cpu.postgresPctOfOneCore)} of a core`,
    );
    if (clients.length) {
      console.log('\nHTTP clients, POST of the same body to the same receiver (1 s each, after 0.3 s warm-up):');
      console.table(Object.fromEntries(clients.map((c) => [`${c.client} x${c.concurrency}`, { 'requests/s': c.requestsPerSec, 'main-thread ms/request': c.mainThreadMsPerRequest }])));
    }
    if (disturbed) console.log(`WARNING: other processes used more than 10% of the machine in ${disturbed} of ${phases.length} measured phases; these figures are not clean`);
    console.log(`machine before start: ${preflight.machineBusyPct}% busy, load average ${preflight.loadAverage1m}; total ${report.totalSeconds} s\n`);
    console.log(JSON.stringify(report));
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
