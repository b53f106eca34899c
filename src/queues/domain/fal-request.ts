import { NotFoundError, ValidationError } from '../../common/domain-error';
import type { JobSummary } from '../../jobs/domain/job.state';
import { errorText } from '../../jobs/domain/job.errors';
import { requestStatus, type RequestTaskView } from './queue-request';

/**
 * The fal queue dialect (`/fal/queue/...`, as `@fal-ai/client` calls it) over Herald's named
 * queues. A fal endpoint id `owner/app[/path]` is the Herald queue of that name: a worker takes
 * requests for `fal-ai/flux/dev` with `queues: ["fal-ai/flux/dev"]`. Status, result and cancel
 * name only `owner/app` (as fal's do), so they find a request of any endpoint of the app.
 */

export type FalStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The Herald queue of a fal endpoint: `owner/app` plus the endpoint's path, if any. */
export function falQueueName(owner: string, app: string, path?: string): string {
  const parts = [owner, app, ...(path !== undefined ? path.split('/') : [])];
  const bad = parts.find((p) => !SEGMENT.test(p));
  if (bad !== undefined || parts.join('/').length > 128) {
    throw new ValidationError('invalid fal endpoint id: owner/app[/path], segments of letters, digits, ".", "_" or "-" (at most 128 characters)', [
      { path: 'endpointId', message: 'invalid' },
    ]);
  }
  return parts.join('/');
}

/** Whether a queue request belongs to the fal app `owner/app` (any of its endpoints). */
export function isOfApp(queueName: string, app: string): boolean {
  return queueName === app || queueName.startsWith(`${app}/`);
}

/** X-Fal-Queue-Priority: `normal` (Herald's queue default, 3) or `low` (5, behind every normal one). */
export function falPriority(header: string | undefined): number {
  if (header === undefined || header === '' || header === 'normal') return 3;
  if (header === 'low') return 5;
  throw new ValidationError('X-Fal-Queue-Priority must be "normal" or "low"', [{ path: 'x-fal-queue-priority', message: 'must be "normal" or "low"' }]);
}

export function falStatus(job: JobSummary, task: RequestTaskView | undefined): FalStatus {
  switch (requestStatus(job, task)) {
    case 'queued':
      return 'IN_QUEUE';
    case 'acquired':
      return 'IN_PROGRESS';
    default:
      // fal reports a request that ended in error as COMPLETED too; its result holds the error.
      return 'COMPLETED';
  }
}

/** The links of a request, under the base URL of this Herald's fal routes for the app. */
export function falLinks(appBase: string, requestId: string) {
  const base = `${appBase}/requests/${requestId}`;
  return { request_id: requestId, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
}

export interface FalLog {
  message: string;
  level: 'INFO' | 'WARN' | 'ERROR';
  source: 'herald';
  timestamp: string;
}

/** What Herald knows of a request's run, as fal log lines: one per lifecycle event. */
export function falLogs(events: Array<{ type: string; data: unknown; createdAt: string }>): FalLog[] {
  const out: FalLog[] = [];
  for (const e of events) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const line = (level: FalLog['level'], message: string) => out.push({ message, level, source: 'herald', timestamp: e.createdAt });
    switch (e.type) {
      case 'job.submitted':
        line('INFO', 'request queued');
        break;
      case 'task.acquired':
        line('INFO', `acquired by ${String(d.workerName ?? 'a worker')} (attempt ${String(d.attempt ?? 1)})`);
        break;
      case 'task.retried':
        line('WARN', `attempt ${String(d.attempt ?? '?')} failed${d.error !== undefined ? `: ${errorText(d.error)}` : ''}; retrying`);
        break;
      case 'task.released':
        line('INFO', `released by ${String(d.workerName ?? 'its worker')}; back in the queue`);
        break;
      case 'task.succeeded':
        line('INFO', 'completed');
        break;
      case 'task.failed':
        line('ERROR', `failed${d.error !== undefined ? `: ${errorText(d.error)}` : ''}`);
        break;
      case 'job.stopped':
        line('WARN', `cancelled${typeof d.reason === 'string' && d.reason !== 'cancelled' ? ` (${d.reason})` : ''}`);
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * GET .../requests/{id}/status: `{ status, request_id, response_url, status_url, cancel_url }`,
 * with `queue_position` while queued, `logs` when asked, and for a finished request
 * `metrics.inference_time` (seconds from acquisition to the end) and, when it did not
 * succeed, `error` and `error_type`.
 */
export function renderFalStatus(
  job: JobSummary,
  task: RequestTaskView | undefined,
  links: ReturnType<typeof falLinks>,
  extra: { position?: number; logs?: FalLog[] },
) {
  const status = falStatus(job, task);
  const ended = requestStatus(job, task);
  return {
    status,
    ...links,
    ...(status === 'IN_QUEUE' ? { queue_position: extra.position ?? 0 } : {}),
    ...(extra.logs ? { logs: extra.logs } : {}),
    ...(status === 'COMPLETED'
      ? {
          metrics: { inference_time: task?.acquiredAt ? (Date.parse(job.finishedAt ?? job.timestamp) - Date.parse(task.acquiredAt)) / 1000 : null },
          ...(ended === 'failed' ? { error: errorText(task?.error ?? job.error ?? 'failed'), error_type: 'request_failed' } : {}),
          ...(ended === 'cancelled' ? { error: 'request cancelled', error_type: 'request_cancelled' } : {}),
        }
      : {}),
  };
}

export const falNotFound = (app: string, id: string) => new NotFoundError('REQUEST_NOT_FOUND', `fal app ${app} has no request ${id}`);
