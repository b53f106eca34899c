import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../common/domain-error';
import { decideComplete } from '../domain/job.decide';
import { taskNotFound } from '../domain/job.errors';
import { JobWriter } from '../job-writer.service';
import { HERALD, projectOf, type Caller } from '../../auth/domain/caller';

/** Many results at once from one worker (POST /tasks/complete). */
export class CompleteTasksCommand {
  constructor(
    readonly workerName: string,
    readonly tasks: Array<{ taskId: string; result: unknown; attempt?: number }>,
    /** The request's id (X-Request-Id), recorded as the events' correlationId. */
    readonly correlationId?: string,
    /** Whose worker: a project key's may report only its project's tasks (others are TASK_NOT_FOUND). */
    readonly caller: Caller = HERALD,
    /** With tracing on, the request's span (docs/TRACING.md): the append's span is its child. */
    readonly traceparent?: string,
  ) {}
}

export type CompletedItem =
  | { taskId: string; jobId: string; state: 'succeed' }
  | { taskId: string; error: { code: string; message: string; details?: unknown } };

/**
 * Each result is its own report, refused or accepted alone (in the request's order in the
 * answer); they all go through the jobs' group commit at once, so the results of one job share
 * its transactions. A failure that is not a refusal (the database) is named per task
 * (`STORE_UNAVAILABLE`): that task is not recorded and may be reported again.
 */
@CommandHandler(CompleteTasksCommand)
export class CompleteTasksHandler implements ICommandHandler<CompleteTasksCommand, { tasks: CompletedItem[] }> {
  private readonly log = new Logger('CompleteTasks');

  constructor(private readonly writer: JobWriter) {}

  async execute({ workerName, tasks, correlationId, caller, traceparent }: CompleteTasksCommand): Promise<{ tasks: CompletedItem[] }> {
    // Which job each task belongs to: one lookup for all that this instance does not know.
    const jobs = await this.writer.jobsOf(tasks.map((t) => t.taskId), projectOf(caller));
    const items = await Promise.all(
      tasks.map(async ({ taskId, result, attempt }): Promise<CompletedItem> => {
        let jobId = '';
        try {
          const owner = jobs.get(taskId);
          if (!owner) throw taskNotFound(taskId);
          await this.writer.write(owner, {
            kind: 'report',
            taskId,
            meta: { actor: `worker:${workerName}`, ...(correlationId ? { correlationId } : {}), ...(traceparent ? { traceparent } : {}) },
            decide: (job, task, ctx) => {
              jobId = job.jobId;
              return decideComplete(job, task, { workerName, result, now: ctx.now, attempt });
            },
          });
          return { taskId, jobId, state: 'succeed' };
        } catch (err) {
          if (err instanceof DomainError) return { taskId, error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
          this.log.error(`result of task ${taskId} not recorded: ${(err as Error).message}`);
          return { taskId, error: { code: 'STORE_UNAVAILABLE', message: 'the result was not recorded (database unavailable); report it again' } };
        }
      }),
    );
    return { tasks: items };
  }
}
