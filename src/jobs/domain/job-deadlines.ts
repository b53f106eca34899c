import type { JobSummary } from './job.state';
import type { JobOptions } from './pipeline.types';

/** HKube's reason for a job stopped by its activeTtl (gc-service, pipelines cleaner). */
export const ACTIVE_TTL_REASON = 'pipeline active TTL expired';
/** Herald's reason for a job stopped by its ttl (HKube: "pipeline expired"). */
export const TTL_REASON = 'ttl expired';

/**
 * When a job started at `startedAt` (ISO) is stopped by options.activeTtl; undefined without one.
 * HKube counts from the job's activeTime; Herald's active job is one a worker (or a stage) started.
 */
export function activeExpiry(options: JobOptions, startedAt: string): string | undefined {
  if (options.activeTtl === undefined) return undefined;
  return new Date(Date.parse(startedAt) + options.activeTtl * 1000).toISOString();
}

/** The earliest time at which an unfinished job is stopped: its ttl, or its activeTtl once started. */
export function stopDeadline(job: Pick<JobSummary, 'ttlExpiresAt' | 'activeExpiresAt'>): string {
  const { ttlExpiresAt, activeExpiresAt } = job;
  return activeExpiresAt !== undefined && Date.parse(activeExpiresAt) < Date.parse(ttlExpiresAt) ? activeExpiresAt : ttlExpiresAt;
}

/** Why the job is to be stopped at `now`, if it is: the ttl first (HKube's order), then the activeTtl. */
export function expiryReason(job: Pick<JobSummary, 'ttlExpiresAt' | 'activeExpiresAt'>, now: Date): string | undefined {
  if (Date.parse(job.ttlExpiresAt) <= now.getTime()) return TTL_REASON;
  if (job.activeExpiresAt !== undefined && Date.parse(job.activeExpiresAt) <= now.getTime()) return ACTIVE_TTL_REASON;
  return undefined;
}
