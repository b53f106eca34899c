import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideStop } from '../domain/job.decide';
import { JobStore, type CommandMeta } from '../job-store.service';
import { projectOf, type Caller } from '../../auth/domain/caller';

export class StopJobCommand {
  constructor(
    readonly jobId: string,
    readonly reason: string | undefined,
    readonly meta: CommandMeta,
    /** A project key stops only its project's jobs (another's is JOB_NOT_FOUND). */
    readonly caller: Caller,
  ) {}
}

@CommandHandler(StopJobCommand)
export class StopJobHandler implements ICommandHandler<StopJobCommand, { stoppedJobIds: string[] }> {
  constructor(private readonly store: JobStore) {}

  async execute({ jobId, reason, meta, caller }: StopJobCommand): Promise<{ stoppedJobIds: string[] }> {
    await this.store.withJob(
      jobId,
      async (tx, job) => {
        const ctx = this.store.context();
        await this.store.commit(tx, job, decideStop(job, reason), ctx, meta);
      },
      projectOf(caller),
    );
    return { stoppedJobIds: [jobId] };
  }
}
