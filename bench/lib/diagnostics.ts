import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { Client } from 'pg';
import { now } from './knobs';
import { round } from './stats';

/** The delivery bench's optional diagnostics: CPU profiles, a SQL trace, server time per statement. */

// ------------------------------------------------------------------ CPU profiles

/**
 * BENCH_PROFILE=<folder>: a V8 CPU profile of the main thread (Herald, the baseline workers and
 * the bench itself; not the receiver thread) for each measured phase, as <phase>.cpuprofile
 * (open in Chrome DevTools or speedscope).
 */
const PROFILE_DIR = process.env.BENCH_PROFILE;
let profiler: Session | undefined;

function post<T = unknown>(method: string): Promise<T> {
  return new Promise((resolve, reject) => profiler!.post(method, (err, res) => (err ? reject(err) : resolve(res as T))));
}

export async function profileStart(): Promise<void> {
  if (!PROFILE_DIR) return;
  if (!profiler) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    profiler = new Session();
    profiler.connect();
    await post('Profiler.enable');
  }
  await post('Profiler.start');
}

export async function profileStop(name: string): Promise<void> {
  if (!profiler) return;
  const { profile } = await post<{ profile: unknown }>('Profiler.stop');
  writeFileSync(join(PROFILE_DIR!, `${name}.cpuprofile`), JSON.stringify(profile));
}

// ------------------------------------------------------------------ SQL trace

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

export const TRACE = process.env.BENCH_TRACE === '1' ? new SqlTrace() : undefined;
TRACE?.install();

// ------------------------------------------------------------------ server time per statement

/**
 * BENCH_PGSS=1: the server's time (planning + execution) per statement, per paced event, from
 * pg_stat_statements: where the database's share of each event's latency goes.
 */
export async function serverTimePerEvent(monitor: Client, events: number): Promise<void> {
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
