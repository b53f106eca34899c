import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideComplete, decideFail, decideHeartbeat } from '../domain/job.decide';
import type { JobEvent } from '../domain/job.events';
import type { JobSummary, Task } from '../domain/job.state';
import { JobStore } from '../job-store.service';

/** A worker's report on a task it holds: heartbeat, complete or fail. */
export type TaskReport = { attempt?: number } & (
  | { kind: 'heartbeat'; leaseSeconds?: number }
  | { kind: 'complete'; result: unknown }
  | { kind: 'fail'; error: unknown; retryable: boolean }
);

export class ReportTaskCommand {
  constructor(
    readonly taskId: string,
    readonly workerName: string,
    readonly report: TaskReport,
  ) {}
}

export interface ReportOutcome {
  taskId: string;
  jobId: string;
  state: string;
  leaseExpiry?: string;
}

@CommandHandler(ReportTaskCommand)
export class ReportTaskHandler implements ICommandHandler<ReportTaskCommand, ReportOutcome> {
  constructor(private readonly store: JobStore) {}

  async execute({ taskId, workerName, report }: ReportTaskCommand): Promise<ReportOutcome> {
    return this.store.withTask(taskId, async (tx, job, task) => {
      const ctx = this.store.context();
      const events = decideReport(job, task, workerName, report, ctx.now);
      await this.store.commit(tx, job, events, ctx, { actor: `worker:${workerName}` });
      const after = events[0];
      return {
        taskId,
        jobId: job.jobId,
        state: after.type === 'task.succeeded' ? 'succeed' : after.type === 'task.failed' ? 'failed' : after.type === 'task.retried' ? 'pending' : 'active',
        ...(after.type === 'task.lease-extended' ? { leaseExpiry: after.data.leaseExpiry } : {}),
      };
    });
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
  }
}
