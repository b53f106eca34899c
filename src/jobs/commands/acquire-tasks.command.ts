import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideAcquire } from '../domain/job.decide';
import { batchId, isFinished } from '../domain/job.state';
import { JobStore } from '../job-store.service';
import type { TaskFilter } from '../infrastructure/jobs.repository';

export class AcquireTasksCommand {
  constructor(
    readonly workerName: string,
    readonly filter: TaskFilter,
    readonly leaseSeconds: number | undefined,
    readonly max: number,
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
  constructor(private readonly store: JobStore) {}

  /**
   * Takes pending tasks job by job: the job row is locked first (all changes to a job are
   * serialised on it), then its pending tasks. One transaction per job keeps locks short.
   */
  async execute(cmd: AcquireTasksCommand): Promise<{ tasks: AcquiredTask[] }> {
    const acquired: AcquiredTask[] = [];
    const tried: string[] = [];
    while (acquired.length < cmd.max && tried.length < MAX_JOBS_TRIED) {
      const ctx = this.store.context();
      const jobId = await this.store.repo.nextPendingJobId(this.store.db, cmd.filter, ctx.now, tried);
      if (!jobId) break;
      tried.push(jobId);
      const got = await this.store.db.tx(async (tx) => {
        // Both go out together: the tasks are locked by the statement after the job's lock.
        const [job, tasks] = await Promise.all([
          this.store.lock(tx, jobId),
          this.store.repo.lockPendingTasks(tx, jobId, cmd.filter, ctx.now, cmd.max - acquired.length),
        ]);
        if (!job || isFinished(job.status)) return [];
        const events = decideAcquire(job, tasks, { workerName: cmd.workerName, leaseSeconds: cmd.leaseSeconds, now: ctx.now });
        if (events.length === 0) return [];
        await this.store.commit(tx, job, events, ctx, { actor: `worker:${cmd.workerName}` });
        const byId = new Map(tasks.map((t) => [t.taskId, t]));
        return events.flatMap((e) => {
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
      });
      acquired.push(...got);
    }
    return { tasks: acquired };
  }
}
