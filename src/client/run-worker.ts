import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createHeraldClient, expectOk, HeraldApiError, type HeraldClient, type Schema } from './herald-client';
import { IdleBackoff, Pause } from './idle-backoff';

export type WorkerTask = Schema<'AcquiredTask'>;

export interface TaskContext {
  /** Aborted when the lease is lost (another worker may have the task) or the worker gave the task back on stop. */
  signal: AbortSignal;
  workerName: string;
}

/** Thrown by a handler to fail its task; `retryable: false` fails it now, whatever its retry limit. */
export class TaskError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'TaskError';
    this.retryable = options.retryable ?? true;
  }
}

export interface RunWorkerOptions {
  url: string;
  key?: string;
  /** Default `<host>-<pid>-<random>`. */
  workerName?: string;
  /** Pipeline tasks of these algorithms; `queues`: requests on these named queues; neither: any task. */
  algorithmNames?: string[];
  queues?: string[];
  /** Its return value is the task's result; a throw fails the task (retryable unless a TaskError says otherwise). */
  handler: (task: WorkerTask, context: TaskContext) => unknown;
  /** Tasks held at once (default 1). */
  concurrency?: number;
  /** Lease asked for at acquire and at each heartbeat; default the task's own (30 s, or the queue's setting). */
  leaseSeconds?: number;
  /**
   * Long poll: each acquire waits up to this long on Herald for a task (default 20, at most 30),
   * so an idle worker costs one request per wait and gets a task the moment it is committed.
   * 0: short acquires with the idle backoff below.
   */
  waitSeconds?: number;
  /** Backoff between empty short acquires (waitSeconds 0) and after errors: from `idleMinMs` doubling to `idleMaxMs` (default 100 and 5000). */
  idleMinMs?: number;
  idleMaxMs?: number;
  /** On stop, how long held tasks may take to finish before they are handed back (released: pending again at once, no retry spent). Default 30000. */
  gracePeriodMs?: number;
  /** Stop gracefully on SIGTERM and SIGINT (default false). */
  handleSignals?: boolean;
  /** Errors that do not stop the worker (a refused report, an unreachable Herald); default console.error. */
  onError?: (error: unknown, task?: WorkerTask) => void;
  /** Another fetch (tests, proxies). */
  fetch?: typeof fetch;
}

export interface Worker {
  readonly workerName: string;
  /** Tasks held right now. */
  readonly running: number;
  /** Stops acquiring (ending a waiting acquire), lets held tasks finish within the grace period, releases the rest. */
  stop(): Promise<void>;
  /** Settles once the worker has stopped. */
  readonly done: Promise<void>;
}

interface Held {
  task: WorkerTask;
  abort: AbortController;
  heartbeat?: NodeJS.Timeout;
  /** The lease was lost or the task handed back: its outcome is no longer reported. */
  dropped: boolean;
  reporting: boolean;
  settled?: Promise<void>;
}

const REPORT_TRIES = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isRetryableFailure(err: unknown): boolean {
  return !(err instanceof HeraldApiError) || err.status >= 500;
}

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? `${err.message} (${cause.code})` : err.message;
}

/**
 * Runs a worker against a Herald: acquires up to its free slots (`max`), runs `handler` per
 * task, heartbeats every third of the lease, completes with the handler's value or fails with
 * its error's message, and backs off (bounded exponential) while there is nothing to do.
 */
export function runWorker(options: RunWorkerOptions): Worker {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const workerName = options.workerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const onError = options.onError ?? ((err: unknown, task?: WorkerTask) => console.error(`herald worker ${workerName}${task ? ` task ${task.taskId}` : ''}:`, messageOf(err)));
  const client: HeraldClient = createHeraldClient({ url: options.url, key: options.key, fetch: options.fetch });
  const backoff = new IdleBackoff(options.idleMinMs ?? 100, options.idleMaxMs ?? 5000);
  const pause = new Pause();
  const held = new Map<string, Held>();
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const lease = options.leaseSeconds === undefined ? {} : { leaseSeconds: options.leaseSeconds };
  const waitSeconds = Math.min(30, Math.max(0, options.waitSeconds ?? 20));
  /** Ends a waiting acquire when the worker stops. */
  const stopAcquire = new AbortController();

  async function report(h: Held, outcome: { result: unknown } | { error: string; retryable: boolean }): Promise<void> {
    const { taskId, attempt } = h.task;
    for (let tries = 1; ; tries++) {
      try {
        if ('result' in outcome) {
          await expectOk(client.POST('/api/v1/tasks/{taskId}/complete', { params: { path: { taskId } }, body: { workerName, attempt, result: outcome.result ?? null } }));
        } else {
          await expectOk(client.POST('/api/v1/tasks/{taskId}/fail', { params: { path: { taskId } }, body: { workerName, attempt, ...outcome } }));
        }
        return;
      } catch (err) {
        if (!isRetryableFailure(err) || tries >= REPORT_TRIES) return onError(err, h.task);
        await sleep(100 * 2 ** tries);
      }
    }
  }

  function startHeartbeat(h: Held): void {
    const everyMs = Math.max(50, ((options.leaseSeconds ?? (Date.parse(h.task.leaseExpiry) - Date.now()) / 1000) * 1000) / 3);
    h.heartbeat = setInterval(() => {
      client
        .POST('/api/v1/tasks/{taskId}/heartbeat', { params: { path: { taskId: h.task.taskId } }, body: { workerName, attempt: h.task.attempt, ...lease } })
        .then((answer) => expectOk(answer))
        .catch((err: unknown) => {
          onError(err, h.task);
          if (isRetryableFailure(err) || h.dropped) return;
          // 404 / 409: the lease is gone; another worker may run the task now.
          h.dropped = true;
          clearInterval(h.heartbeat);
          h.abort.abort(err);
        });
    }, everyMs);
  }

  async function execute(h: Held): Promise<void> {
    startHeartbeat(h);
    let outcome: { result: unknown } | { error: string; retryable: boolean };
    try {
      outcome = { result: await options.handler(h.task, { signal: h.abort.signal, workerName }) };
    } catch (err) {
      outcome = { error: messageOf(err), retryable: !(err instanceof TaskError) || err.retryable };
    } finally {
      clearInterval(h.heartbeat);
    }
    if (h.dropped) return;
    h.reporting = true;
    await report(h, outcome);
  }

  function start(task: WorkerTask): void {
    const h: Held = { task, abort: new AbortController(), dropped: false, reporting: false };
    held.set(task.taskId, h);
    h.settled = execute(h)
      .catch((err: unknown) => onError(err, task))
      .finally(() => {
        held.delete(task.taskId);
        pause.wake();
      });
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      const free = concurrency - held.size;
      if (free <= 0) {
        await pause.sleep(options.idleMaxMs ?? 5000);
        continue;
      }
      let tasks: WorkerTask[];
      try {
        const body = {
          workerName,
          max: free,
          ...lease,
          ...(waitSeconds > 0 ? { waitSeconds } : {}),
          ...(options.algorithmNames ? { algorithmNames: options.algorithmNames } : {}),
          ...(options.queues ? { queues: options.queues } : {}),
        };
        tasks = (await expectOk(client.POST('/api/v1/tasks/acquire', { body, signal: stopAcquire.signal }))).tasks;
      } catch (err) {
        if (stopping) break;
        onError(err);
        await pause.sleep(backoff.next());
        continue;
      }
      if (tasks.length === 0) {
        // A long poll already waited on Herald; a short acquire backs off.
        if (waitSeconds === 0) await pause.sleep(backoff.next());
        continue;
      }
      backoff.reset();
      for (const task of tasks) start(task);
    }
  }

  const looping = loop();
  const onSignal = () => void stop();
  if (options.handleSignals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  /** Hands a task back (release): pending again at once for another worker, without a retry spent. */
  async function giveBack(h: Held): Promise<void> {
    h.dropped = true;
    clearInterval(h.heartbeat);
    h.abort.abort(new Error('worker stopped'));
    const { taskId, attempt } = h.task;
    for (let tries = 1; ; tries++) {
      try {
        await expectOk(client.POST('/api/v1/tasks/{taskId}/release', { params: { path: { taskId } }, body: { workerName, attempt } }));
        return;
      } catch (err) {
        if (!isRetryableFailure(err) || tries >= REPORT_TRIES) return onError(err, h.task);
        await sleep(100 * 2 ** tries);
      }
    }
  }

  function stop(): Promise<void> {
    stopped ??= (async () => {
      stopping = true;
      pause.wake();
      stopAcquire.abort();
      await looping;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.gracePeriodMs ?? 30_000)));
      await Promise.race([Promise.all([...held.values()].map((h) => h.settled)), grace]);
      clearTimeout(timer);
      const left = [...held.values()];
      await Promise.all(left.map((h) => (h.reporting ? h.settled : giveBack(h))));
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      resolveDone();
    })();
    return stopped;
  }

  return {
    workerName,
    get running() {
      return held.size;
    },
    stop,
    done,
  };
}
