import { DomainError } from '../../common/domain-error';
import { jobEvent, type JobEvent } from './job.events';
import { isFinished, type JobSummary } from './job.state';
import type { JobOptions } from './pipeline.types';

/**
 * HKube's options.concurrentPipelines { amount, rejectOnFailure }: at most `amount` unfinished
 * jobs of one pipeline name in one project. Over it, a submission is refused (rejectOnFailure,
 * the default) or accepted and held back (waiting: pending, nothing expanded, no task handed
 * out) until a job of the pipeline ends; then the oldest waiting ones are admitted.
 */
export interface ConcurrencyLimit {
  amount: number;
  /** false: the job waits for its turn instead of being refused. */
  rejectOnFailure: boolean;
}

/** The job's limit; undefined without concurrentPipelines or without an amount (HKube: no limit then). */
export function concurrencyLimit(options: JobOptions): ConcurrencyLimit | undefined {
  const c = options.concurrentPipelines;
  if (c?.amount === undefined) return undefined;
  return { amount: c.amount, rejectOnFailure: c.rejectOnFailure };
}

/** HKube's words (api-server validation/executions.js validateConcurrentPipelines); HKube answers 400 too. */
export const concurrentPipelinesReached = (amount: number, pipeline?: string) =>
  new DomainError('CONCURRENT_PIPELINES_LIMIT', `maximum number [${amount}] of concurrent pipelines has been reached`, 400, {
    amount,
    ...(pipeline !== undefined ? { pipeline } : {}),
  });

/**
 * A submission's events as they are appended once the pipeline's unfinished jobs are counted
 * (`unfinished`, waiting ones included, as HKube counts every job without a result): held back
 * when they reach the job's amount and it waits (rejectOnFailure false), else unchanged. A new
 * job never overtakes a waiting one: while one waits the pipeline counts as full.
 */
export function holdIfFull(events: JobEvent[], unfinished: number): JobEvent[] {
  const [first, ...rest] = events;
  if (first?.type !== 'job.submitted') return events;
  const limit = concurrencyLimit(first.data.options);
  if (!limit || limit.rejectOnFailure || unfinished < limit.amount) return events;
  return [jobEvent('job.submitted', { ...first.data, waiting: true }), ...rest];
}

export interface WaitingJob {
  jobId: string;
  /** Its own amount (jobs of one pipeline may be submitted with different ones). */
  amount: number;
}

/**
 * Which waiting jobs to admit, oldest first, given the pipeline's admitted unfinished jobs: each
 * while there are fewer than its amount; the first that does not fit stops the walk (first come,
 * first served).
 */
export function admissions(admitted: number, waiting: readonly WaitingJob[]): string[] {
  const out: string[] = [];
  let running = admitted;
  for (const w of waiting) {
    if (running >= w.amount) break;
    out.push(w.jobId);
    running += 1;
  }
  return out;
}

/** A waiting job, still unfinished, is admitted; anything else is left as it is (swept twice: once). */
export function decideAdmit(job: JobSummary): JobEvent[] {
  if (!job.waiting || isFinished(job.status)) return [];
  return [jobEvent('job.admitted', {})];
}

/** Whether this change of the job frees a place for a waiting job of its pipeline (it ended, and had a limit). */
export function freesRoom(before: JobSummary | undefined, after: JobSummary): boolean {
  return isFinished(after.status) && (before === undefined || !isFinished(before.status)) && concurrencyLimit(after.options) !== undefined;
}
