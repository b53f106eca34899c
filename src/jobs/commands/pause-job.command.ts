import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePause } from '../domain/job.decide';
import { jobNotFound } from '../domain/job.errors';
import { isStorableText } from '../domain/storable';
import { JobStore, type CommandMeta } from '../job-store.service';
import { projectOf, type Caller } from '../../auth/domain/caller';

/** HKube's POST /exec/pause: the job hands out no more tasks until it is resumed. */
export class PauseJobCommand {
  constructor(
    readonly jobId: string,
    readonly meta: CommandMeta,
    /** A project key pauses only its project's jobs (another's is JOB_NOT_FOUND). */
    readonly caller: Caller,
  ) {}
}

@CommandHandler(PauseJobCommand)
export class PauseJobHandler implements ICommandHandler<PauseJobCommand, { message: 'OK' }> {
  constructor(private readonly store: JobStore) {}

  async execute({ jobId, meta, caller }: PauseJobCommand): Promise<{ message: 'OK' }> {
    if (!isStorableText(jobId)) throw jobNotFound(jobId);
    await this.store.withJob(
      jobId,
      async (tx, job) => {
        await this.store.commit(tx, job, decidePause(job), this.store.context(), meta);
      },
      projectOf(caller),
    );
    return { message: 'OK' };
  }
}
