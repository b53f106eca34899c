import { ConflictError, DomainError, NotFoundError } from '../../common/domain-error';

export const jobNotFound = (jobId: string) => new NotFoundError('JOB_NOT_FOUND', `job ${jobId} does not exist`);
export const taskNotFound = (taskId: string) => new NotFoundError('TASK_NOT_FOUND', `task ${taskId} does not exist`);
export const jobNotRunning = (jobId: string, status: string) =>
  new ConflictError('JOB_NOT_RUNNING', `job ${jobId} is already ${status}`, { jobId, status });
/** HKube's wording (api-server execution.js pauseJob / resumeJob); HKube answers 400, Herald 409 like JOB_NOT_RUNNING. */
export const jobAlreadyPaused = (jobId: string, pipeline: string) =>
  new ConflictError('JOB_ALREADY_PAUSED', `unable to pause pipeline ${pipeline} because its in paused status`, { jobId, status: 'paused' });
export const jobNotPaused = (jobId: string, pipeline: string, status: string) =>
  new ConflictError('JOB_NOT_PAUSED', `unable to resume pipeline ${pipeline} because its in ${status} status`, { jobId, status });
/** exec/caching from a node the job does not have: HKube's words (api-server lib/service/caching.js). */
export const unknownCachingNode = (jobId: string, nodeName: string) =>
  new DomainError('UNKNOWN_NODE', `cant find relations for ${nodeName}`, 400, [{ path: 'nodeName', message: `is not a node of job ${jobId}` }]);
/** Why a node a caching run would take was not completed in its job. */
export type CacheGap = 'not started' | 'running' | 'stopped' | 'failed' | 'results missing';
/** exec/caching from a node whose predecessors (some of them) have no results to take yet, or never will. */
export const cacheNotAvailable = (jobId: string, nodeName: string, nodes: Array<{ nodeName: string; state: CacheGap }>) =>
  new ConflictError(
    'CACHE_NOT_AVAILABLE',
    `a run of job ${jobId} from node ${nodeName} takes the results of node ${nodes[0].nodeName}, which did not complete (${nodes[0].state})`,
    { jobId, nodeName, nodes },
  );
export const jobNotFinished = (jobId: string, status: string) =>
  new DomainError('JOB_NOT_FINISHED', `job ${jobId} is still ${status}: results are available once it completes, fails or stops`, 400, { jobId, status });
export const taskNotActive = (taskId: string, state: string, jobStatus: string) =>
  new ConflictError(
    'TASK_NOT_ACTIVE',
    state === 'stopped' ? `task ${taskId} was stopped (job ${jobStatus})` : `task ${taskId} is ${state}, not active`,
    { taskId, state },
  );
export const leaseNotHeld = (taskId: string) => new ConflictError('LEASE_NOT_HELD', `task ${taskId} is leased to another worker`, { taskId });
export const leaseExpired = (taskId: string, leaseExpiry: string) =>
  new ConflictError('LEASE_EXPIRED', `the lease on task ${taskId} expired at ${leaseExpiry}`, { taskId, leaseExpiry });

/** A task's error as one line of text: a string as is, an object's `message`, else its JSON. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return canonicalJson(error ?? null);
}

/**
 * JSON with every object's keys in sorted order: the same text for a value as submitted and as
 * read back from jsonb (which reorders keys), so a projection rebuilt from stored events equals
 * the live one.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
