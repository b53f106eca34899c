import { ConflictError, DomainError, NotFoundError } from '../../common/domain-error';

export const jobNotFound = (jobId: string) => new NotFoundError('JOB_NOT_FOUND', `job ${jobId} does not exist`);
export const taskNotFound = (taskId: string) => new NotFoundError('TASK_NOT_FOUND', `task ${taskId} does not exist`);
export const jobNotRunning = (jobId: string, status: string) =>
  new ConflictError('JOB_NOT_RUNNING', `job ${jobId} is already ${status}`, { jobId, status });
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
