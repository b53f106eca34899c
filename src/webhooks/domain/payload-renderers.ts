import { levelRank } from '../../event-store/event.types';
import type { FanoutJob } from './fanout.types';
import type { PayloadFormat, Subscription } from './subscription.types';

export type FanoutEvent = FanoutJob['events'][number];

/** Job-ending events: the result webhook fires once, on the one that ends the job. */
export const JOB_END_EVENTS = new Set(['job.completed', 'job.failed', 'job.stopped']);

/** Queue request lifecycle (seed 001): which job event is which eventType. */
export const LIFECYCLE_EVENTS: Record<string, 'acquired' | 'retried' | 'completed' | 'failed' | 'cancelled'> = {
  'task.acquired': 'acquired',
  'task.retried': 'retried',
  'task.succeeded': 'completed',
  'task.failed': 'failed',
  'job.stopped': 'cancelled',
};

/**
 * Whether a subscription wants an event: its format renders that event type, the event's level
 * reaches the subscription's minimum, and the event type passes its filter.
 */
export function wants(sub: Subscription, event: FanoutEvent): boolean {
  if (sub.eventTypes && !sub.eventTypes.includes(event.type)) return false;
  switch (sub.format) {
    case 'exec.progress':
      return levelRank(event.level) >= levelRank(sub.minLevel);
    case 'exec.result':
      return JOB_END_EVENTS.has(event.type);
    case 'queue.lifecycle':
      return event.type in LIFECYCLE_EVENTS;
  }
}

/** The single task of a queue request, as the read model has it. */
export interface RequestTask {
  workerName: string | null;
  leaseExpiry: string | null;
  acquiredAt: string | null;
  result: unknown;
  error: unknown;
}

/** Renderers that need data beyond the event get it from the fan-out worker (read models). */
export interface RenderSources {
  results: (jobId: string) => Promise<unknown>;
  task: (jobId: string) => Promise<RequestTask | undefined>;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

export async function render(sub: Subscription, jobId: string, pipeline: string, event: FanoutEvent, sources: RenderSources): Promise<string> {
  switch (sub.format) {
    case 'exec.progress':
      // Exactly GET /api/v1/exec/status/{jobId} as of this event.
      return JSON.stringify(event.status);
    case 'exec.result':
      // Exactly GET /api/v1/exec/results/{jobId} (a finished job's results no longer change).
      return JSON.stringify(await sources.results(jobId));
    case 'queue.lifecycle':
      return JSON.stringify(await lifecycle(sub, jobId, pipeline, event, sources));
  }
}

/**
 * `{ eventType, queueName, jobId, workerName, leaseExpiry, acquiredAt, updatedAt, webhookUrl }`,
 * times in epoch ms. `completed` also carries the result's top-level fields (lifecycle fields win;
 * a result that is not an object comes as `result`), `failed` carries `error`.
 */
async function lifecycle(sub: Subscription, jobId: string, queueName: string, event: FanoutEvent, sources: RenderSources): Promise<Record<string, unknown>> {
  const eventType = LIFECYCLE_EVENTS[event.type];
  const data = event.data ?? {};
  const base = {
    eventType,
    queueName,
    jobId: /^\d+$/.test(jobId) ? Number(jobId) : jobId,
    workerName: null as string | null,
    leaseExpiry: null as number | null,
    acquiredAt: null as number | null,
    updatedAt: ms(event.at),
    webhookUrl: sub.url,
  };
  if (eventType === 'acquired') {
    return { ...base, workerName: (data.workerName as string) ?? null, leaseExpiry: ms(data.leaseExpiry as string), acquiredAt: ms(event.at) };
  }
  if (eventType === 'retried') return base;
  // completed, failed, cancelled: the task is final, so the read model is as of this event.
  const task = await sources.task(jobId);
  const done = { ...base, workerName: task?.workerName ?? null, acquiredAt: ms(task?.acquiredAt) };
  if (eventType === 'completed') {
    const result = task?.result;
    const fields = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : { result };
    return { ...fields, ...done };
  }
  if (eventType === 'failed') return { ...done, error: task?.error ?? data.error ?? null };
  return done;
}
