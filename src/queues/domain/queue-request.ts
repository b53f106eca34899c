import { ConflictError, NotFoundError, ValidationError } from '../../common/domain-error';
import type { JobSummary } from '../../jobs/domain/job.state';
import { GROUP_ID_RULE, isGroupId, isHttpUrl } from '../../jobs/domain/pipeline.validate';
import { DEFAULT_RETRY, type PipelineSpec } from '../../jobs/domain/pipeline.types';

/** Segments of letters, digits, ".", "_" or "-" joined by "/" (a fal endpoint id is a queue name). */
export const QUEUE_NAME = /^(?=.{1,128}$)[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
/** A queued request not picked up and finished within this many seconds is stopped (ttl expired). */
export const QUEUE_REQUEST_TTL_SECONDS = 7 * 86_400;

export interface QueueSettings {
  queueName: string;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  leaseSeconds: number;
}

export function defaultSettings(queueName: string): QueueSettings {
  return { queueName, retryLimit: DEFAULT_RETRY.limit, retryDelaySeconds: 0, retryBackoff: false, leaseSeconds: 30 };
}

export function assertQueueName(name: string): void {
  if (!QUEUE_NAME.test(name)) {
    throw new ValidationError('invalid queue name: 1-128 characters, segments of letters, digits, ".", "_" or "-" (each starting with a letter or digit) joined by "/"', [
      { path: 'queueName', message: 'invalid' },
    ]);
  }
}

/** The webhook of a request: ?webhook= / ?fal_webhook= or X-Webhook-Url / x-pipelet-webhook (seed 001). */
export function webhookOf(query: Record<string, unknown>, header: (name: string) => string | undefined): { url?: string; secret?: string } {
  const given = [query.webhook, query.fal_webhook, header('x-webhook-url'), header('x-pipelet-webhook')].find((v) => v !== undefined && v !== '');
  const secret = header('x-webhook-secret');
  if (given !== undefined && !isHttpUrl(given)) {
    throw new ValidationError('the webhook URL must be an http or https URL', [{ path: 'webhook', message: 'must be an http or https URL' }]);
  }
  if (secret !== undefined && (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) || Buffer.from(secret.slice(6), 'base64').length < 16)) {
    throw new ValidationError('X-Webhook-Secret must be whsec_ followed by at least 16 base64-encoded bytes', [{ path: 'x-webhook-secret', message: 'invalid secret' }]);
  }
  return { url: given as string | undefined, secret };
}

/** Project and batch of a request: X-Project-Id / X-Batch-Id headers. */
export function groupOf(header: (name: string) => string | undefined): { projectId?: string; batchId?: string } {
  const projectId = header('x-project-id');
  const batchId = header('x-batch-id');
  const problems: Array<{ path: string; message: string }> = [];
  if (projectId !== undefined && !isGroupId(projectId)) problems.push({ path: 'x-project-id', message: GROUP_ID_RULE });
  if (batchId !== undefined && !isGroupId(batchId)) problems.push({ path: 'x-batch-id', message: GROUP_ID_RULE });
  if (batchId !== undefined && projectId === undefined) problems.push({ path: 'x-batch-id', message: 'needs X-Project-Id' });
  if (problems.length) throw new ValidationError(`invalid request: ${problems[0].path} ${problems[0].message}`, problems);
  return { ...(projectId !== undefined ? { projectId } : {}), ...(batchId !== undefined ? { batchId } : {}) };
}

/** How a request came in: on the fal routes (fal's webhook body too), with a priority (1 most urgent, default 3). */
export interface RequestDialect {
  fal?: boolean;
  priority?: number;
}

/** A queue request is a job of one node with one task whose input is the request body. */
export function queueRequestSpec(
  queueName: string,
  body: unknown,
  settings: QueueSettings,
  webhook: { url?: string; secret?: string },
  group: { projectId?: string; batchId?: string } = {},
  dialect: RequestDialect = {},
): PipelineSpec {
  return {
    kind: 'queue',
    name: queueName,
    nodes: [
      {
        nodeName: queueName,
        algorithmName: queueName,
        input: [],
        payload: body,
        retry: { limit: settings.retryLimit, delaySeconds: settings.retryDelaySeconds, backoff: settings.retryBackoff },
        leaseSeconds: settings.leaseSeconds,
      },
    ],
    // On the fal routes the webhook also gets fal's body when the request ends (after the lifecycle events).
    ...(webhook.url ? { webhooks: { lifecycle: webhook.url, ...(dialect.fal ? { fal: webhook.url } : {}), ...(webhook.secret ? { secret: webhook.secret } : {}) } } : {}),
    options: { progressVerbosityLevel: 'info', batchTolerance: 100, ttl: QUEUE_REQUEST_TTL_SECONDS },
    priority: dialect.priority ?? 3,
    ...group,
  };
}

export type RequestStatus = 'queued' | 'acquired' | 'completed' | 'failed' | 'cancelled';

export interface RequestTaskView {
  state: string;
  attempt: number;
  workerName: string | null;
  leaseExpiry: string | null;
  acquiredAt: string | null;
  result: unknown;
  error: unknown;
}

export function requestStatus(job: JobSummary, task: RequestTaskView | undefined): RequestStatus {
  switch (job.status) {
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'stopped':
      return 'cancelled';
    default:
      return task?.state === 'active' ? 'acquired' : 'queued';
  }
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** GET /queue/{queueName}/requests/{jobId}/status; times in epoch ms, like the lifecycle webhook. */
export function renderRequestStatus(job: JobSummary, task: RequestTaskView | undefined, position: number | undefined) {
  const status = requestStatus(job, task);
  return {
    jobId: Number(job.jobId),
    queueName: job.pipeline,
    status,
    ...(status === 'queued' ? { position: position ?? 0 } : {}),
    workerName: task?.workerName ?? null,
    leaseExpiry: status === 'acquired' ? ms(task?.leaseExpiry) : null,
    acquiredAt: ms(task?.acquiredAt),
    updatedAt: ms(job.timestamp),
    attempts: task?.attempt ?? 0,
    ...(job.projectId !== undefined ? { projectId: job.projectId } : {}),
    ...(job.batchId !== undefined ? { batchId: job.batchId } : {}),
  };
}

export const requestNotFound = (queueName: string, id: string) =>
  new NotFoundError('REQUEST_NOT_FOUND', `queue ${queueName} has no request ${id}`);

export const alreadyCompleted = (id: string, status: string) =>
  new ConflictError('ALREADY_COMPLETED', `request ${id} is already ${status}`, { jobId: Number(id), status });
