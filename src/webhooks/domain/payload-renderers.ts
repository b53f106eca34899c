import { levelRank } from '../../event-store/event.types';
import { errorText } from '../../jobs/domain/job.errors';
import type { FanoutJob } from './fanout.types';
import { ROUTABLE_EVENTS, type Subscription } from './subscription.types';

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
    case 'project.task':
      // Seed 003: the webhook fires when a task of a job in the batch completes.
      return event.type === 'task.succeeded';
    case 'notification':
      return (ROUTABLE_EVENTS as readonly string[]).includes(event.type) && sub.eventTypes !== null;
    case 'exec.progress':
      return levelRank(event.level) >= levelRank(sub.minLevel);
    case 'exec.result':
      return JOB_END_EVENTS.has(event.type);
    case 'queue.lifecycle':
      return event.type in LIFECYCLE_EVENTS;
    case 'fal.result':
      return JOB_END_EVENTS.has(event.type);
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
  /** Creation and end times of the job (immutable once set). */
  times: (jobId: string) => Promise<{ createdAt: string; finishedAt?: string }>;
  /** Base URL of this Herald for links in notification bodies. */
  publicUrl: string;
}

/** The job an event belongs to. */
export interface JobRef {
  jobId: string;
  pipeline: string;
  projectId?: string;
  batchId?: string;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

export async function render(sub: Subscription, job: JobRef, event: FanoutEvent, sources: RenderSources): Promise<string> {
  const now = renderNow(sub, job, event);
  if (now !== undefined) return now;
  switch (sub.format) {
    case 'exec.result':
      // Exactly GET /api/v1/exec/results/{jobId} (a finished job's results no longer change).
      return JSON.stringify(await sources.results(job.jobId));
    case 'queue.lifecycle':
      return JSON.stringify(await lifecycle(sub, job.jobId, job.pipeline, event, sources));
    case 'notification':
      return JSON.stringify(await notification(job, event, sources));
    case 'fal.result': {
      const outcome = event.type === 'job.completed' ? 'completed' : event.type === 'job.failed' ? 'failed' : 'cancelled';
      return JSON.stringify(falWebhookBody(job.jobId, outcome, outcome === 'cancelled' ? undefined : await sources.task(job.jobId)));
    }
    default:
      throw new Error(`no renderer for ${sub.format}`);
  }
}

/**
 * The payloads that need nothing beyond the event (its data and the status right after it):
 * rendered at once, while the append is still being written. undefined: this one needs the
 * read models (results, the request's task, the job's times); use render().
 */
export function renderNow(sub: Subscription, job: JobRef, event: FanoutEvent): string | undefined {
  switch (sub.format) {
    case 'exec.progress':
      // Exactly GET /api/v1/exec/status/{jobId} as of this event.
      return JSON.stringify(event.status);
    case 'project.task':
      // Seed 003: { workflowId, type, taskId, batchId, projectId }; type is the task's node name.
      return JSON.stringify({
        workflowId: job.jobId,
        type: (event.data?.nodeName as string) ?? null,
        taskId: (event.data?.taskId as string) ?? null,
        batchId: job.batchId ?? null,
        projectId: job.projectId ?? null,
      });
    case 'queue.lifecycle': {
      // acquired and retried come from the event alone (see lifecycle()).
      const eventType = LIFECYCLE_EVENTS[event.type];
      return eventType === 'acquired' || eventType === 'retried' ? JSON.stringify(lifecycleFromEvent(sub, job.jobId, job.pipeline, event)) : undefined;
    }
    default:
      return undefined;
  }
}

const TITLES: Record<string, (j: string, e: FanoutEvent) => string> = {
  'job.submitted': (j) => `Job submitted: ${j}`,
  'job.completed': (j) => `Job finished: ${j} (completed)`,
  'job.failed': (j) => `Job finished: ${j} (failed)`,
  'job.stopped': (j) => `Job finished: ${j} (stopped)`,
  'task.failed': (j, e) => `Task failed: ${j} ${taskLabel(e)}`,
  'task.retried': (j, e) => `Task retried: ${j} ${taskLabel(e)}`,
};

function taskLabel(e: FanoutEvent): string {
  return `${e.data?.nodeName ?? ''}${e.data?.attempt !== undefined ? ` (attempt ${e.data.attempt})` : ''}`.trim();
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * Seed 002's notification: `{ project, title, type, body, url, data }`. type is the event with an
 * underscore (job_completed), url the job's status path, data flat `herald.`-prefixed keys.
 */
async function notification(job: JobRef, event: FanoutEvent, sources: RenderSources): Promise<Record<string, unknown>> {
  const label = `${job.pipeline}/${job.jobId}`;
  const path = `/api/v1/exec/status/${encodeURIComponent(job.jobId)}`;
  const times = await sources.times(job.jobId);
  const ended = JOB_END_EVENTS.has(event.type);
  const seconds = ended && times.finishedAt ? (Date.parse(times.finishedAt) - Date.parse(times.createdAt)) / 1000 : null;
  const link = `[${label}](${sources.publicUrl}${path})`;
  const body = ended
    ? `Job ${link} finished with status ${event.status.status}${seconds !== null ? ` after ${duration(seconds)}` : ''}.\n${event.status.data.details}`
    : event.type === 'job.submitted'
      ? `Job ${link} was submitted.`
      : `Task ${taskLabel(event)} of job ${link}: ${event.type === 'task.failed' ? 'failed for good' : 'will be retried'}.${event.data?.error !== undefined ? `\nError: ${typeof event.data.error === 'string' ? event.data.error : JSON.stringify(event.data.error)}` : ''}`;
  const counts = Object.fromEntries(
    (['succeed', 'failed', 'skipped', 'stopped', 'active', 'pending', 'creating'] as const).map((k) => [`herald.count-${k}`, event.status.data.states[k] ?? 0]),
  );
  return {
    project: job.projectId ?? null,
    title: TITLES[event.type]?.(label, event) ?? `${event.type}: ${label}`,
    type: event.type.replace('.', '_'),
    body,
    url: path,
    data: {
      'herald.event-type': event.type,
      'herald.job-id': job.jobId,
      'herald.pipeline': job.pipeline,
      'herald.status': event.status.status,
      'herald.progress': Number(event.status.data.progress),
      'herald.duration-seconds': seconds,
      'herald.created-at': times.createdAt,
      'herald.finished-at': ended ? (times.finishedAt ?? null) : null,
      'herald.project-id': job.projectId ?? null,
      'herald.batch-id': job.batchId ?? null,
      ...counts,
      ...(event.type.startsWith('task.')
        ? {
            'herald.task-id': (event.data?.taskId as string) ?? null,
            'herald.node-name': (event.data?.nodeName as string) ?? null,
            'herald.attempt': (event.data?.attempt as number) ?? null,
            'herald.error': event.data?.error === undefined ? null : typeof event.data.error === 'string' ? event.data.error : JSON.stringify(event.data.error),
          }
        : {}),
    },
  };
}

/** delivery.exhausted: a webhook of this project failed for good (never raised by notifications). */
export function exhaustedNotification(
  project: string,
  failed: { messageId: string; subscriptionId: string; url: string; jobId: string; eventType: string; attempts: number; lastError: string | null },
  publicUrl: string,
): Record<string, unknown> {
  const path = `/api/v1/deliveries/${failed.messageId}`;
  return {
    project,
    title: `Webhook delivery failed: ${failed.url} (${failed.eventType} of ${failed.jobId})`,
    type: 'delivery_exhausted',
    body: `Delivery [${failed.messageId}](${publicUrl}${path}) to ${failed.url} failed for good after ${failed.attempts} attempts${failed.lastError ? `: ${failed.lastError}` : ''}.`,
    url: path,
    data: {
      'herald.event-type': 'delivery.exhausted',
      'herald.delivery-id': failed.messageId,
      'herald.subscription-id': failed.subscriptionId,
      'herald.url': failed.url,
      'herald.job-id': failed.jobId,
      'herald.delivery-event-type': failed.eventType,
      'herald.attempts': failed.attempts,
      'herald.last-error': failed.lastError,
      'herald.project-id': project,
    },
  };
}

/**
 * subscription.disabled: a subscription of this project was disabled, by a 410 Gone or because
 * every attempt failed for HERALD_WEBHOOK_DISABLE_AFTER_DAYS. Sent once per disabling.
 */
export function disabledNotification(
  project: string,
  off: { subscriptionId: string; scope: string; url: string; reason: string; failingSince: string | null; disabledAt: string },
  publicUrl: string,
): Record<string, unknown> {
  const path = `/api/v1/subscriptions?projectId=${encodeURIComponent(project)}&status=disabled`;
  const since = off.failingSince ? `, failing since ${off.failingSince}` : '';
  return {
    project,
    title: `Webhook disabled: ${off.url}`,
    type: 'subscription_disabled',
    body:
      `Subscription ${off.subscriptionId} (${off.scope}) to ${off.url} was [disabled](${publicUrl}${path}) at ${off.disabledAt}: ${off.reason}${since}. ` +
      `It gets nothing more until \`POST /api/v1/subscriptions/${off.subscriptionId}/enable\` turns it on again (with \`recoverSince\` to resend what failed).`,
    url: path,
    data: {
      'herald.event-type': 'subscription.disabled',
      'herald.subscription-id': off.subscriptionId,
      'herald.scope': off.scope,
      'herald.url': off.url,
      'herald.reason': off.reason,
      'herald.failing-since': off.failingSince,
      'herald.disabled-at': off.disabledAt,
      'herald.project-id': project,
    },
  };
}

/**
 * `{ eventType, queueName, jobId, workerName, leaseExpiry, acquiredAt, updatedAt, webhookUrl }`,
 * times in epoch ms. `completed` also carries the result's top-level fields (lifecycle fields win;
 * a result that is not an object comes as `result`), `failed` carries `error`.
 */
function lifecycleFromEvent(sub: Subscription, jobId: string, queueName: string, event: FanoutEvent): Record<string, unknown> {
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
  return base;
}

async function lifecycle(sub: Subscription, jobId: string, queueName: string, event: FanoutEvent, sources: RenderSources): Promise<Record<string, unknown>> {
  const eventType = LIFECYCLE_EVENTS[event.type];
  const base = lifecycleFromEvent(sub, jobId, queueName, event);
  if (eventType === 'acquired' || eventType === 'retried') return base;
  // completed, failed, cancelled: the task is final, so the read model is as of this event.
  const task = await sources.task(jobId);
  const done = { ...base, workerName: task?.workerName ?? null, acquiredAt: ms(task?.acquiredAt) };
  if (eventType === 'completed') {
    const result = task?.result;
    const fields = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : { result };
    return { ...fields, ...done };
  }
  if (eventType === 'failed') return { ...done, error: task?.error ?? event.data?.error ?? null };
  return done;
}

/**
 * fal's webhook body, sent once when a request submitted on the fal routes with ?fal_webhook=
 * ends: `{ request_id, gateway_request_id, status: OK | ERROR, payload, error }` (payload: the
 * result; for a failure `{ detail: <the worker's error> }`; null for a cancelled request).
 */
export function falWebhookBody(requestId: string, outcome: 'completed' | 'failed' | 'cancelled', task: { result: unknown; error: unknown } | undefined) {
  const common = { request_id: requestId, gateway_request_id: requestId };
  if (outcome === 'completed') return { ...common, status: 'OK' as const, payload: task?.result ?? null, error: null };
  if (outcome === 'failed') {
    const error = task?.error ?? null;
    return { ...common, status: 'ERROR' as const, payload: { detail: error }, error: errorText(error) };
  }
  return { ...common, status: 'ERROR' as const, payload: null, error: 'request cancelled' };
}
