import { api } from './herald';

/** Shared helpers for the end-to-end tests: a thin HTTP client of Herald's exec and worker API. */

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `<name>:<uuid v4>`, the jobId format of the seed. */
export function jobIdPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`);
}

export interface AcquiredTask {
  taskId: string;
  jobId: string;
  nodeName: string;
  algorithmName: string;
  batchID: string | null;
  input: unknown[];
  attempt: number;
  leaseExpiry: string;
}

export interface JobEventView {
  type: string;
  version: number;
  globalPosition: number;
  level: string;
  data: any;
  metadata: any;
  createdAt: string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A client bound to one running Herald. */
export function client(baseUrl: string, headers: Record<string, string> = {}) {
  const call = <T = any>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    api<T>(baseUrl, method, path, body, { ...headers, ...extra });

  const expectOk = <T>(res: { status: number; body: T }, status: number, what: string): T => {
    if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  return {
    call,

    async submit(pipeline: unknown, extra: Record<string, string> = {}): Promise<string> {
      const body = expectOk(await call<{ jobId: string }>('POST', '/api/v1/exec/raw', pipeline, extra), 201, 'submit');
      return body.jobId;
    },

    async status(jobId: string): Promise<any> {
      return expectOk(await call('GET', `/api/v1/exec/status/${encodeURIComponent(jobId)}`), 200, 'status');
    },

    async results(jobId: string): Promise<any> {
      return expectOk(await call('GET', `/api/v1/exec/results/${encodeURIComponent(jobId)}`), 200, 'results');
    },

    async events(jobId: string): Promise<JobEventView[]> {
      const body = expectOk(await call<{ events: JobEventView[] }>('GET', `/api/v1/jobs/${encodeURIComponent(jobId)}/events`), 200, 'events');
      return body.events;
    },

    async acquire(workerName: string, algorithmNames: string[], max = 1, leaseSeconds?: number): Promise<AcquiredTask[]> {
      const res = await call<{ tasks: AcquiredTask[] }>('POST', '/api/v1/tasks/acquire', {
        workerName,
        algorithmNames,
        max,
        ...(leaseSeconds === undefined ? {} : { leaseSeconds }),
      });
      return expectOk(res, 200, 'acquire').tasks;
    },

    complete(taskId: string, workerName: string, result: unknown) {
      return call('POST', `/api/v1/tasks/${taskId}/complete`, { workerName, result });
    },

    fail(taskId: string, workerName: string, error: unknown, retryable?: boolean) {
      return call('POST', `/api/v1/tasks/${taskId}/fail`, { workerName, error, ...(retryable === undefined ? {} : { retryable }) });
    },

    heartbeat(taskId: string, workerName: string, leaseSeconds?: number) {
      return call('POST', `/api/v1/tasks/${taskId}/heartbeat`, { workerName, ...(leaseSeconds === undefined ? {} : { leaseSeconds }) });
    },

    stop(jobId: string, reason?: string) {
      return call('POST', '/api/v1/exec/stop', { jobId, ...(reason === undefined ? {} : { reason }) });
    },
  };
}

export type HeraldClient = ReturnType<typeof client>;

/** The task ids a job's node was expanded into, in batch order (read from the audit stream). */
export async function taskIdsOf(c: HeraldClient, jobId: string, nodeName: string): Promise<string[]> {
  const events = await c.events(jobId);
  const expanded = events.find((e) => e.type === 'node.expanded' && e.data.nodeName === nodeName);
  if (!expanded) throw new Error(`node ${nodeName} of ${jobId} is not expanded`);
  return (expanded.data.tasks as Array<{ taskId: string }>).map((t) => t.taskId);
}

/**
 * A worker loop: acquires up to `max` tasks of the given algorithms, completes each with
 * compute(input), until an acquire comes back empty. Returns every task it acquired.
 */
export async function runWorker(
  c: HeraldClient,
  workerName: string,
  algorithmNames: string[],
  max: number,
  compute: (input: unknown[]) => unknown,
): Promise<AcquiredTask[]> {
  const done: AcquiredTask[] = [];
  for (;;) {
    const tasks = await c.acquire(workerName, algorithmNames, max);
    if (tasks.length === 0) return done;
    for (const t of tasks) {
      const res = await c.complete(t.taskId, workerName, compute(t.input));
      if (res.status !== 200) throw new Error(`${workerName} could not complete ${t.taskId}: ${res.status} ${JSON.stringify(res.body)}`);
      done.push(t);
    }
  }
}
