import { jobEvent, type JobEvent, type StageCall, type StagePhase } from '../../jobs/domain/job.events';
import { isFinished, type JobSummary, type Task } from '../../jobs/domain/job.state';
import type { StageRun, Step } from './webhook-run';

/** Herald's own name where a worker's would be. */
export const STAGE_WORKER = 'herald:webhook';

/**
 * A stage task starts like an acquired task (the job becomes active), held by Herald. Its lease
 * outlives the job's ttl: the stage keeps its own deadline, and ttl stops the job first.
 */
export function decideStageStart(job: JobSummary, task: Task, request: { url: string; method: string }, now: Date): JobEvent[] {
  if (isFinished(job.status) || task.state !== 'pending') return [];
  const leaseExpiry = new Date(Math.max(new Date(job.ttlExpiresAt).getTime(), now.getTime()) + 86_400_000).toISOString();
  return [
    ...(job.status === 'pending' ? [jobEvent('job.started', {})] : []),
    jobEvent('task.acquired', { taskId: task.taskId, nodeName: task.nodeName, workerName: STAGE_WORKER, attempt: task.attempt + 1, leaseExpiry }),
    jobEvent('stage.started', { taskId: task.taskId, nodeName: task.nodeName, url: request.url, method: request.method }),
  ];
}

export function callEvent(task: Task, phase: StagePhase, request: { url: string; method: string }, result: { statusCode?: number; errorCode?: string; errorMessage?: string; durationMs: number }, monitor?: StageCall['monitor']): JobEvent {
  return jobEvent('stage.called', {
    taskId: task.taskId,
    nodeName: task.nodeName,
    phase,
    method: request.method,
    url: request.url,
    statusCode: result.statusCode ?? null,
    error: result.statusCode === undefined ? `${result.errorCode ?? 'ERROR'}${result.errorMessage ? `: ${result.errorMessage}` : ''}` : null,
    durationMs: result.durationMs,
    ...(monitor && Object.keys(monitor).length > 0 ? { monitor } : {}),
  });
}

/** What one step of a stage appends: its call, then a retry, or the stage's end. */
export function decideStageStep(job: JobSummary, task: Task, phase: StagePhase, step: Step, call: JobEvent | undefined): JobEvent[] {
  const events: JobEvent[] = call ? [call] : [];
  // The job ended while the call was in flight: the call is recorded, nothing else changes.
  if (isFinished(job.status) || task.state !== 'active') return events;
  const o = step.outcome;
  const base = { taskId: task.taskId, nodeName: task.nodeName };
  switch (o.kind) {
    case 'poll':
      return events;
    case 'retry':
      return [...events, jobEvent('stage.retrying', { ...base, phase, attempt: step.run.attempts, reason: o.reason, retryAt: o.at.toISOString() })];
    case 'succeeded':
      return [
        ...events,
        jobEvent('stage.finished', { ...base, outcome: 'succeeded' }),
        jobEvent('task.succeeded', { ...base, workerName: STAGE_WORKER, attempt: task.attempt, result: o.result ?? null, context: step.run.context }),
      ];
    case 'failed':
      return [...events, ...failStage(task, o.error, step.run)];
    case 'canceled':
      // The remote side canceled the work: the job stops, which cancels and stops this node.
      return [...events, jobEvent('stage.finished', { ...base, outcome: 'canceled' }), jobEvent('job.stopped', { reason: `node ${task.nodeName}: the remote work was canceled` })];
  }
}

export function failStage(task: Task, error: string, run: StageRun): JobEvent[] {
  const base = { taskId: task.taskId, nodeName: task.nodeName };
  return [
    jobEvent('stage.finished', { ...base, outcome: 'failed', error }),
    jobEvent('task.failed', {
      ...base,
      attempt: task.attempt,
      reason: 'stage failure',
      error: { message: error },
      context: { ...run.context, webhook: { ...run.context.webhook, error } },
    }),
  ];
}
