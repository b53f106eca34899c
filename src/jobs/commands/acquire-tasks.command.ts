import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideAcquire } from '../domain/job.decide';
import { batchId } from '../domain/job.state';
import { JobStore } from '../job-store.service';
import { JobWriter } from '../job-writer.service';
import type { TaskFilter } from '../infrastructure/jobs.repository';

export class AcquireTasksCommand {
  constructor(
    readonly workerName: string,
    readonly filter: TaskFilter,
    readonly leaseSeconds: number | undefined,
    readonly max: number,
    /** The request's id (X-Request-Id), recorded as the events' correlationId. */
    readonly correlationId?: string,
  ) {}
}

export interface AcquiredTask {
  taskId: string;
  jobId: string;
  nodeName: string;
  algorithmName: string;
  batchID: string | null;
  input: unknown;
  attempt: number;
  leaseExpiry: string;
}

/** Longest search for work before answering (jobs emptied by other workers meanwhile are skipped). */
const MAX_JOBS_TRIED = 20;

@CommandHandler(AcquireTasksCommand)
export class AcquireTasksHandler implements ICommandHandler<AcquireTasksCommand, { tasks: AcquiredTask[] }> {
  constructor(
    private readonly store: JobStore,
    private readonly writer: JobWriter,
  ) {}

  /**
   * Takes pending tasks job by job, through each job's group commit (JobWriter): the job row is
   * locked first (all changes to a job are serialised on it), then its pending tasks; workers
   * acquiring from the same job at the same time share one transaction.
   */
  async execute(cmd: AcquireTasksCommand): Promise<{ tasks: AcquiredTask[] }> {
    const acquired: AcquiredTask[] = [];
    const tried: string[] = [];
    while (acquired.length < cmd.max && tried.length < MAX_JOBS_TRIED) {
      const jobId = await this.store.repo.nextPendingJobId(this.store.db, cmd.filter, this.store.context().now, tried);
      if (!jobId) break;
      tried.push(jobId);
      const { events, tasks } = await this.writer.write(jobId, {
        kind: 'acquire',
        filter: cmd.filter,
        max: cmd.max - acquired.length,
        meta: { actor: `worker:${cmd.workerName}`, ...(cmd.correlationId ? { correlationId: cmd.correlationId } : {}) },
        decide: (job, offered, ctx) => decideAcquire(job, offered, { workerName: cmd.workerName, leaseSeconds: cmd.leaseSeconds, now: ctx.now }),
      });
      const byId = new Map(tasks.map((t) => [t.taskId, t]));
      const got = events.flatMap((e) => {
        if (e.type !== 'task.acquired') return [];
        const t = byId.get(e.data.taskId)!;
        return [
          {
            taskId: t.taskId,
            jobId,
            nodeName: t.nodeName,
            algorithmName: t.algorithmName,
            batchID: batchId(t.nodeName, t.batchIndex),
            input: t.input,
            attempt: e.data.attempt,
            leaseExpiry: e.data.leaseExpiry,
          },
        ];
      });
      this.writer.remember(jobId, got.map((t) => t.taskId));
      acquired.push(...got);
    }
    return { tasks: acquired };
  }
}
