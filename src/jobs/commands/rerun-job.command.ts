import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { projectOf, type Caller } from '../../auth/domain/caller';
import { Db } from '../../database/db';
import { jobNotFound } from '../domain/job.errors';
import { isStorableText } from '../domain/storable';
import { rerunNotSupported } from '../exec-runs.errors';
import { CachedTasksRepository } from '../infrastructure/cached-tasks.repository';
import type { CommandMeta } from '../job-store.service';
import { RunCachingCommand } from './run-caching.command';
import { SubmitPipelineCommand } from './submit-pipeline.command';

export class RerunJobCommand {
  constructor(
    readonly jobId: string,
    readonly meta: CommandMeta,
    /** A project key reruns its project's jobs only (another project's is JOB_NOT_FOUND). */
    readonly caller: Caller,
  ) {}
}

/**
 * HKube's rerun: the job's request as it was submitted (secrets included, from job_secrets) goes
 * through exec/raw's submit path again, as a new job of the same project: egress check, project
 * limits, project and batch webhooks all apply. Any job can be rerun, running or finished (as in
 * HKube); the new job's events name the original as their causationId. A caching run is rerun as
 * one (HKube reruns its pipeline, which still names the cache): from the same node, its cached
 * nodes taken from it, its name kept.
 */
@CommandHandler(RerunJobCommand)
export class RerunJobHandler implements ICommandHandler<RerunJobCommand, { jobId: string }> {
  constructor(
    private readonly db: Db,
    private readonly sources: CachedTasksRepository,
    private readonly commands: CommandBus,
  ) {}

  async execute({ jobId, meta, caller }: RerunJobCommand): Promise<{ jobId: string }> {
    const job = isStorableText(jobId) ? await this.sources.findSource(this.db, jobId, projectOf(caller)) : undefined;
    if (!job) throw jobNotFound(jobId);
    if (job.spec.kind !== 'pipeline') throw rerunNotSupported(jobId, job.spec.name);
    const cachedFrom = job.summary.cachedFrom;
    if (cachedFrom) return this.commands.execute(new RunCachingCommand(jobId, cachedFrom.nodeName, meta, caller, true));
    return this.commands.execute(new SubmitPipelineCommand(job.spec, { ...meta, causationId: jobId }, caller));
  }
}
