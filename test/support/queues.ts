import { loadConfig, type HeraldConfig } from '../../src/config/config';
import type { AcquiredTask, JobEventView } from './e2e';
import { api, eventually, type RunningHerald } from './herald';
import type { Received, Receiver } from './receiver';
import { deliveries, FINAL_STATUSES, type Delivery } from './webhooks';

/** Shared helpers of the named-queue tests (seed 001): a thin client of /queue and the worker API. */

/** The webhook settings the queue tests run with: fast retries (at once, 0.2 s, 0.4 s). */
export function queueTestConfig(extra: Partial<HeraldConfig> = {}): Partial<HeraldConfig> {
  return { webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4] }, ...extra };
}

/** Lifecycle order: an event type never arrives after a later one of the same job. */
export const LIFECYCLE_ORDER = ['acquired', 'retried', 'completed', 'failed', 'cancelled'];

export interface Submitted {
  jobId: number;
  queueName: string;
  status: string;
  statusUrl: string;
  resultUrl: string;
  cancelUrl: string;
}

export interface SubmitOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** A client of one running Herald: queue API, worker API and audit stream. */
export function queues(baseUrl: string, auth: Record<string, string> = {}) {
  const call = <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api<T>(baseUrl, method, path, body, { ...auth, ...headers });
  const q = (name: string) => `/queue/${encodeURIComponent(name)}`;

  const self = {
    call,

    /** POST /queue/{name}; the raw answer. */
    submitRaw(queueName: string, body: unknown, opts: SubmitOptions = {}) {
      const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
      // Submitted on 202, { error } otherwise.
      return call('POST', `${q(queueName)}${qs}`, body, opts.headers);
    },

    /** POST /queue/{name}, expecting 202; returns the answer's body. */
    async submit(queueName: string, body: unknown, opts: SubmitOptions = {}): Promise<Submitted> {
      const res = await self.submitRaw(queueName, body, opts);
      if (res.status !== 202) throw new Error(`submit to ${queueName}: expected HTTP 202, got ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },

    status(queueName: string, jobId: number | string) {
      return call('GET', `${q(queueName)}/requests/${jobId}/status`);
    },

    result(queueName: string, jobId: number | string) {
      return call('GET', `${q(queueName)}/requests/${jobId}/result`);
    },

    cancel(queueName: string, jobId: number | string) {
      return call('PUT', `${q(queueName)}/requests/${jobId}/cancel`);
    },

    settings(queueName: string) {
      return call('GET', `/api/v1/queues/${encodeURIComponent(queueName)}`);
    },

    putSettings(queueName: string, body: unknown) {
      return call('PUT', `/api/v1/queues/${encodeURIComponent(queueName)}`, body);
    },

    /** POST /api/v1/tasks/acquire with `queues`, expecting 200; returns the tasks. */
    async acquire(workerName: string, queueNames: string[], opts: { leaseSeconds?: number; max?: number } = {}): Promise<AcquiredTask[]> {
      const res = await call<{ tasks: AcquiredTask[] }>('POST', '/api/v1/tasks/acquire', {
        workerName,
        queues: queueNames,
        ...(opts.max === undefined ? {} : { max: opts.max }),
        ...(opts.leaseSeconds === undefined ? {} : { leaseSeconds: opts.leaseSeconds }),
      });
      if (res.status !== 200) throw new Error(`acquire: expected HTTP 200, got ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.tasks;
    },

    complete(taskId: string, workerName: string, result: unknown) {
      return call('POST', `/api/v1/tasks/${taskId}/complete`, { workerName, result });
    },

    fail(taskId: string, workerName: string, error: unknown, retryable?: boolean) {
      return call('POST', `/api/v1/tasks/${taskId}/fail`, { workerName, error, ...(retryable === undefined ? {} : { retryable }) });
    },

    async events(jobId: number | string): Promise<JobEventView[]> {
      const res = await call<{ events: JobEventView[] }>('GET', `/api/v1/jobs/${jobId}/events`);
      if (res.status !== 200) throw new Error(`events of ${jobId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.events;
    },

    /** Epoch ms of the n-th (0-based) event of `type` in the job's stream. */
    async eventTime(jobId: number | string, type: string, nth = 0): Promise<number> {
      const found = (await self.events(jobId)).filter((e) => e.type === type)[nth];
      if (!found) throw new Error(`job ${jobId} has no event ${type} #${nth}`);
      return Date.parse(found.createdAt);
    },
  };
  return self;
}

export type QueueClient = ReturnType<typeof queues>;

/** Requests the receiver got for one queue request (matched on the body's numeric jobId), in arrival order. */
export function lifecycleOf(rx: Receiver, jobId: number): Received[] {
  return rx.requests.filter((r) => typeof r.body === 'object' && r.body !== null && r.body.jobId === jobId);
}

/** Waits until the receiver got these event types for the job (at least; more are checked by the caller). */
export async function receivedTypes(rx: Receiver, jobId: number, types: string[], timeoutMs = 15_000): Promise<Received[]> {
  return eventually(async () => {
    const got = lifecycleOf(rx, jobId);
    return types.every((t) => got.some((r) => r.body.eventType === t)) && got;
  }, timeoutMs);
}

/** Waits until the job's lifecycle messages (at least `min`) are all in a final state. */
export async function lifecycleSettled(h: RunningHerald, jobId: number, min: number, timeoutMs = 15_000): Promise<Delivery[]> {
  return eventually(async () => {
    const all = (await deliveries(h, { jobId: String(jobId) })).filter((d) => d.kind === 'queue.lifecycle');
    return all.length >= min && all.every((d) => FINAL_STATUSES.includes(d.status)) && all;
  }, timeoutMs);
}

/**
 * Row counts of the tables a submitted request writes to (nothing stored = no change in any of
 * them). Webhook messages are left out: they come from events, later, by the fan-out.
 */
export async function storedRows(h: RunningHerald): Promise<Record<string, number>> {
  const [row] = await h.db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM jobs) AS jobs,
            (SELECT count(*)::int FROM tasks) AS tasks,
            (SELECT count(*)::int FROM events) AS events,
            (SELECT count(*)::int FROM webhook_subscriptions) AS subscriptions`,
  );
  return row;
}
