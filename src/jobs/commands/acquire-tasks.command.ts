import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideAcquire } from '../domain/job.decide';
import { batchId } from '../domain/job.state';
import { JobStore } from '../job-store.service';
import { JobWriter } from '../job-writer.service';
import type { TaskFilter } from '../infrastructure/jobs.repository';
import { HERALD, projectOf, type Caller } from '../../auth/domain/caller';

export class AcquireTasksCommand {
  constructor(
    readonly workerName: string,
    readonly filter: TaskFilter,
    readonly leaseSeconds: number | undefined,
    readonly max: number,
    /** The request's id (X-Request-Id), recorded as the events' correlationId. */
    readonly correlationId?: string,
    /** Whose worker: a project key's takes only its project's tasks. */
    readonly caller: Caller = HERALD,
    /** With tracing on, the request's span (docs/TRACING.md): the append's span is its child. */
    readonly traceparent?: string,
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
    const project = projectOf(cmd.caller);
    // The project is part of the filter: the search for a pending task is that project's (its own index).
    const filter: TaskFilter = { algorithmNames: cmd.filter.algorithmNames, queues: cmd.filter.queues, ...(project !== null ? { projectId: project } : {}) };
    while (acquired.length < cmd.max && tried.length < MAX_JOBS_TRIED) {
      const jobId = await this.store.repo.nextPendingJobId(this.store.db, filter, this.store.context().now, tried);
      if (!jobId) break;
      tried.push(jobId);
      let jobProject: string | null = null;
      const { events, tasks } = await this.writer.write(jobId, {
        kind: 'acquire',
        filter,
        max: cmd.max - acquired.length,
        meta: { actor: `worker:${cmd.workerName}`, ...(cmd.correlationId ? { correlationId: cmd.correlationId } : {}), ...(cmd.traceparent ? { traceparent: cmd.traceparent } : {}) },
        decide: (job, offered, ctx) => {
          jobProject = job.projectId ?? null;
          return decideAcquire(job, offered, { workerName: cmd.workerName, leaseSeconds: cmd.leaseSeconds, now: ctx.now });
        },
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
      this.writer.remember(jobId, got.map((t) => t.taskId), jobProject);
      acquired.push(...got);
    }
    return { tasks: acquired };
  }
}
