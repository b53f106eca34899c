import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideCachingSubmit, type CachingSource } from '../domain/caching-run';
import { decideSubmit } from '../domain/job.decide';
import type { PipelineSpec } from '../domain/pipeline.types';
import { JobStore, type CommandMeta } from '../job-store.service';
import { pipelineTargets } from '../domain/pipeline-targets';
import { TargetCheck } from '../../webhooks/target-check.service';
import { projectForWrite, type Caller } from '../../auth/domain/caller';
import { withProject } from '../domain/pipeline.types';

export class SubmitPipelineCommand {
  constructor(
    readonly spec: PipelineSpec,
    readonly meta: CommandMeta,
    /** A project key's job is its project's (a projectId in the request must be it). */
    readonly caller: Caller,
    /** A caching run (exec/caching): the nodes it takes completed, and where from. */
    readonly cache?: CachingSource,
  ) {}
}

@CommandHandler(SubmitPipelineCommand)
export class SubmitPipelineHandler implements ICommandHandler<SubmitPipelineCommand, { jobId: string }> {
  constructor(
    private readonly store: JobStore,
    private readonly targets: TargetCheck,
  ) {}

  async execute({ spec: requested, meta, caller, cache }: SubmitPipelineCommand): Promise<{ jobId: string }> {
    const spec = withProject(requested, projectForWrite(caller, requested.projectId, 'projectId'));
    await this.targets.assertAllowed(pipelineTargets(spec));
    const ctx = this.store.context();
    // jobId is "<name>:<uuid v4>", as in the seed.
    const jobId = `${spec.name}:${ctx.newId()}`;
    const events = cache ? decideCachingSubmit(spec, jobId, cache, ctx) : decideSubmit(spec, jobId, ctx);
    await this.store.db.tx((tx) => this.store.commit(tx, undefined, events, ctx, meta));
    return { jobId };
  }
}
