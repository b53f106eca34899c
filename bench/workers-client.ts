import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { apiCall } from './bench-util';

/**
 * Task workers for `npm run bench:workers`, in a thread of their own so that the workers'
 * HTTP work does not take event-loop time from Herald (which runs in the main thread).
 *
 * `workers` loops share one keep-alive undici pool with a connection each. A loop acquires up
 * to `max` tasks of `algorithm` and completes each at once, until acquire answers none
 * (mode 'drain') or until `seconds` have passed (mode 'idle': polling every `pollMs` with
 * nothing to take, to time acquire alone). Times are per request, from sent to body read, in ms.
 */
export interface ClientRun {
  base: string;
  workers: number;
  max: number;
  algorithm: string;
  mode: 'drain' | 'idle';
  seconds: number;
  /** Mode 'idle': pause after an answer with nothing to take (pg-boss polls every 2 s by default). */
  pollMs: number;
  /**
   * How results go back: 'each' one POST /tasks/{id}/complete per task; 'next' the same with
   * ?next=true, taking the following task in the same call; 'batch' one POST /tasks/complete
   * with all the tasks acquired.
   */
  style: 'each' | 'next' | 'batch';
}

export interface ClientResult {
  completions: number;
  acquireMs: number[];
  completeMs: number[];
  errors: string[];
  elapsedMs: number;
}

if (!parentPort) throw new Error('workers-client must run as a worker thread');
const port = parentPort;
const run = workerData as ClientRun;

async function main(): Promise<ClientResult> {
  const pool = new Pool(run.base, { connections: run.workers, pipelining: 1, keepAliveTimeout: 60_000 });
  const acquireMs: number[] = [];
  const completeMs: number[] = [];
  const errors: string[] = [];
  let completions = 0;
  const started = performance.now();
  const stopAt = started + run.seconds * 1000;
  const loop = async (w: number): Promise<void> => {
    const workerName = `bench-w${w}`;
    let first = true;
    // Idle workers start spread over one poll interval, as workers started at different times
    // would; each one's first call (which opens its connection) is not counted.
    if (run.mode === 'idle') await new Promise((r) => setTimeout(r, Math.random() * run.pollMs));
    while (performance.now() < stopAt && errors.length < 20) {
      const t0 = performance.now();
      const got = await apiCall<{ tasks: Array<{ taskId: string }> }>(pool, 'POST', '/api/v1/tasks/acquire', {
        workerName,
        algorithmNames: [run.algorithm],
        max: run.max,
        leaseSeconds: 600,
      });
      if (!(first && run.mode === 'idle')) acquireMs.push(performance.now() - t0);
      first = false;
      if (got.status !== 200) {
        errors.push(`acquire -> ${got.status} ${JSON.stringify(got.body).slice(0, 200)}`);
        continue;
      }
      if (got.body.tasks.length === 0) {
        if (run.mode === 'drain') return;
        await new Promise((r) => setTimeout(r, run.pollMs * (0.5 + Math.random())));
        continue;
      }
      if (run.style === 'batch') {
        const t1 = performance.now();
        const done = await apiCall<{ tasks: Array<{ error?: unknown }> }>(pool, 'POST', '/api/v1/tasks/complete', {
          workerName,
          tasks: got.body.tasks.map((t) => ({ taskId: t.taskId, result: { w, ok: true } })),
        });
        completeMs.push(performance.now() - t1);
        if (done.status !== 200) errors.push(`complete batch -> ${done.status} ${JSON.stringify(done.body).slice(0, 200)}`);
        else for (const item of done.body.tasks) if (item.error) errors.push(`complete batch item: ${JSON.stringify(item.error)}`); else completions++;
        continue;
      }
      const queue = [...got.body.tasks];
      while (queue.length > 0 && performance.now() < stopAt) {
        const t = queue.shift()!;
        const t1 = performance.now();
        const next = run.style === 'next' && queue.length === 0;
        const done = await apiCall<{ next?: { taskId: string } | null }>(pool, 'POST', `/api/v1/tasks/${t.taskId}/complete${next ? '?next=true' : ''}`, { workerName, result: { w, ok: true } });
        completeMs.push(performance.now() - t1);
        if (done.status === 200) completions++;
        else errors.push(`complete -> ${done.status} ${JSON.stringify(done.body).slice(0, 200)}`);
        if (next && done.body.next) queue.push(done.body.next);
      }
    }
  };
  await Promise.all(Array.from({ length: run.workers }, (_, w) => loop(w)));
  const elapsedMs = performance.now() - started;
  await pool.close();
  return { completions, acquireMs, completeMs, errors, elapsedMs };
}

main().then(
  (result) => port.postMessage({ type: 'done', result }),
  (err) => port.postMessage({ type: 'failed', error: String((err as Error).stack ?? err) }),
);
