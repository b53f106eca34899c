import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideComplete, decideFail, decideHeartbeat, decideRelease } from '../domain/job.decide';
import type { JobEvent } from '../domain/job.events';
import type { JobSummary, Task } from '../domain/job.state';
import { JobWriter } from '../job-writer.service';
import { HERALD, projectOf, type Caller } from '../../auth/domain/caller';

/** A worker's report on a task it holds: heartbeat, complete or fail. */
export type TaskReport = { attempt?: number } & (
  | { kind: 'heartbeat'; leaseSeconds?: number }
  | { kind: 'complete'; result: unknown }
  | { kind: 'fail'; error: unknown; retryable: boolean }
  | { kind: 'release' }
);

export class ReportTaskCommand {
  constructor(
    readonly taskId: string,
    readonly workerName: string,
    readonly report: TaskReport,
    /** The request's id (X-Request-Id), recorded as the events' correlationId. */
    readonly correlationId?: string,
    /** Whose worker: a project key's may report only its project's tasks (others are TASK_NOT_FOUND). */
    readonly caller: Caller = HERALD,
    /** With tracing on, the request's span (docs/TRACING.md): the append's span is its child. */
    readonly traceparent?: string,
  ) {}
}

export interface ReportOutcome {
  taskId: string;
  jobId: string;
  state: string;
  leaseExpiry?: string;
}

/** What a worker takes next of the same kind (complete?next=true): the reported task's algorithm or queue. */
export interface ReportedTaskKind {
  filter: { algorithmNames?: string[]; queues?: string[] };
}

@CommandHandler(ReportTaskCommand)
export class ReportTaskHandler implements ICommandHandler<ReportTaskCommand, ReportOutcome & ReportedTaskKind> {
  constructor(private readonly writer: JobWriter) {}

  /** Through the job's group commit (JobWriter): reports of many workers on one job share its lock. */
  async execute({ taskId, workerName, report, correlationId, caller, traceparent }: ReportTaskCommand): Promise<ReportOutcome & ReportedTaskKind> {
    let jobId = '';
    let filter: ReportedTaskKind['filter'] = {};
    const { events } = await this.writer.report({
      kind: 'report',
      taskId,
      meta: { actor: `worker:${workerName}`, ...(correlationId ? { correlationId } : {}), ...(traceparent ? { traceparent } : {}) },
      decide: (job, task, ctx) => {
        jobId = job.jobId;
        filter = job.kind === 'queue' ? { queues: [task.algorithmName] } : { algorithmNames: [task.algorithmName] };
        return decideReport(job, task, workerName, report, ctx.now);
      },
    }, projectOf(caller));
    const after = events[0];
    return {
      filter,
      taskId,
      jobId,
      state: after.type === 'task.succeeded' ? 'succeed' : after.type === 'task.failed' ? 'failed' : after.type === 'task.retried' || after.type === 'task.released' ? 'pending' : 'active',
      ...(after.type === 'task.lease-extended' ? { leaseExpiry: after.data.leaseExpiry } : {}),
    };
  }
}

function decideReport(job: JobSummary, task: Task, workerName: string, report: TaskReport, now: Date): JobEvent[] {
  switch (report.kind) {
    case 'heartbeat':
      return decideHeartbeat(job, task, { workerName, leaseSeconds: report.leaseSeconds, now, attempt: report.attempt });
    case 'complete':
      return decideComplete(job, task, { workerName, result: report.result, now, attempt: report.attempt });
    case 'fail':
      return decideFail(job, task, { workerName, error: report.error, retryable: report.retryable, now, attempt: report.attempt });
    case 'release':
      return decideRelease(job, task, { workerName, now, attempt: report.attempt });
  }
}
