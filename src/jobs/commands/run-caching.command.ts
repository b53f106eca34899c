import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { projectOf, type Caller } from '../../auth/domain/caller';
import { Db } from '../../database/db';
import { cachingSource, planCachingRun } from '../domain/caching-run';
import { jobNotFound } from '../domain/job.errors';
import { isStorableText } from '../domain/storable';
import { cachingNotSupported } from '../exec-runs.errors';
import { CachedTasksRepository } from '../infrastructure/cached-tasks.repository';
import type { CommandMeta } from '../job-store.service';
import { SubmitPipelineCommand } from './submit-pipeline.command';

export class RunCachingCommand {
  constructor(
    readonly jobId: string,
    readonly nodeName: string,
    readonly meta: CommandMeta,
    /** A project key runs its project's jobs only (another project's is JOB_NOT_FOUND). */
    readonly caller: Caller,
    /** The rerun of a caching run keeps its name (HKube reruns its pipeline as it was named). */
    readonly keepName = false,
  ) {}
}

/**
 * HKube's caching run (exec/caching): the job's request (secrets included, from job_secrets),
 * from `nodeName` on, goes through exec/raw's submit path as a new job of the same project, with
 * the nodes it takes completed as the job recorded them (domain/caching-run.ts). The new job's
 * events name the job as their causationId; its job.submitted carries the cached items.
 */
@CommandHandler(RunCachingCommand)
export class RunCachingHandler implements ICommandHandler<RunCachingCommand, { jobId: string }> {
  constructor(
    private readonly db: Db,
    private readonly cachedTasks: CachedTasksRepository,
    private readonly commands: CommandBus,
  ) {}

  async execute({ jobId, nodeName, meta, caller, keepName }: RunCachingCommand): Promise<{ jobId: string }> {
    const source = isStorableText(jobId) ? await this.cachedTasks.findSource(this.db, jobId, projectOf(caller)) : undefined;
    if (!source) throw jobNotFound(jobId);
    if (source.spec.kind !== 'pipeline') throw cachingNotSupported(jobId, source.spec.name);
    const plan = planCachingRun(source, nodeName, { keepName });
    // The nodes taken have ended, so their tasks no longer change: read after the summary, they are the ones it counts.
    const tasks = await this.cachedTasks.sourceTasks(this.db, jobId, plan.cached);
    const cache = cachingSource(plan, source.summary, tasks);
    return this.commands.execute(new SubmitPipelineCommand(plan.spec, { ...meta, causationId: jobId }, caller, cache));
  }
}
