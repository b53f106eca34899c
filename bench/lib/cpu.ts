import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { now } from './knobs';
import { round } from './stats';

/** CPU marks between phases: the whole machine and the embedded PostgreSQL (Linux /proc), this process and its event loop. */

interface CpuMark {
  at: number;
  machine?: { busy: number; total: number };
  /** CPU seconds of the embedded PostgreSQL's processes (postmaster and its children). */
  pg?: number;
  /** CPU seconds of the local redis-server processes (the BullMQ baseline's server). */
  redis?: number;
  proc: NodeJS.CpuUsage;
  elu: ReturnType<typeof performance.eventLoopUtilization>;
}

export function machineJiffies(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The embedded server's postmaster pid (found by its data folder), when running on Linux. */
let pgPostmaster: number | undefined;

/** Finds the embedded server's postmaster by its data folder, so that its CPU is counted from now on. */
export function watchPostgres(dataDir: string): void {
  if (!existsSync('/proc')) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(dataDir) && /postgres\0/.test(cmd) && !cmd.includes('initdb')) {
        pgPostmaster = Number(entry);
        return;
      }
    } catch {
      /* gone */
    }
  }
}

/** The local redis-server processes, when running on Linux. */
let redisPids: number[] = [];

/** Finds the local redis-server processes, so that their CPU is counted from now on (apart from other processes'). */
export function watchRedis(): void {
  if (!existsSync('/proc')) return;
  redisPids = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/comm`, 'utf8').trim() === 'redis-server';
      } catch {
        return false;
      }
    })
    .map(Number);
}

function redisCpuSeconds(): number | undefined {
  if (redisPids.length === 0) return undefined;
  let ticks = 0;
  for (const pid of redisPids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
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

export function cpuMark(): CpuMark {
  return { at: now(), machine: machineJiffies(), pg: pgCpuSeconds(), redis: redisCpuSeconds(), proc: process.cpuUsage(), elu: performance.eventLoopUtilization() };
}

/**
 * CPU use between two marks: whole machine (% of all cores), this process (receiver thread
 * included), the embedded PostgreSQL and the local Redis (% of one core), and the main event
 * loop's utilisation.
 */
export function cpuBetween(a: CpuMark, b: CpuMark) {
  const wallMs = b.at - a.at;
  const proc = (b.proc.user - a.proc.user + b.proc.system - a.proc.system) / 1000;
  const machine = a.machine && b.machine ? (100 * (b.machine.busy - a.machine.busy)) / Math.max(1, b.machine.total - a.machine.total) : NaN;
  const pg = a.pg !== undefined && b.pg !== undefined ? (100 * (b.pg - a.pg) * 1000) / wallMs : NaN;
  const redis = a.redis !== undefined && b.redis !== undefined ? (100 * (b.redis - a.redis) * 1000) / wallMs : NaN;
  const nodePct = (100 * proc) / wallMs;
  return {
    machineBusyPct: round(machine, 0),
    nodeProcessPctOfOneCore: round(nodePct, 0),
    postgresPctOfOneCore: round(pg, 0),
    redisPctOfOneCore: round(redis, 0),
    /** Share of the machine used by other processes (other sessions, other servers). */
    otherProcessesPct: round(Math.max(0, machine - (nodePct + pg + (Number.isFinite(redis) ? redis : 0)) / cpus().length), 0),
    mainLoopUtilisationPct: round(100 * performance.eventLoopUtilization(b.elu, a.elu).utilization, 0),
  };
}

export type CpuUse = ReturnType<typeof cpuBetween>;
