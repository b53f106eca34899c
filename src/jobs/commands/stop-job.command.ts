import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideStop } from '../domain/job.decide';
import { JobStore, type CommandMeta } from '../job-store.service';

export class StopJobCommand {
  constructor(
    readonly jobId: string,
    readonly reason: string | undefined,
    readonly meta: CommandMeta,
  ) {}
}

@CommandHandler(StopJobCommand)
export class StopJobHandler implements ICommandHandler<StopJobCommand, { stoppedJobIds: string[] }> {
  constructor(private readonly store: JobStore) {}

  async execute({ jobId, reason, meta }: StopJobCommand): Promise<{ stoppedJobIds: string[] }> {
    await this.store.withJob(jobId, async (tx, job) => {
      const ctx = this.store.context();
      await this.store.commit(tx, job, decideStop(job, reason), ctx, meta);
    });
    return { stoppedJobIds: [jobId] };
  }
}
