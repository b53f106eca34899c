import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideResume } from '../domain/job.decide';
import { jobNotFound } from '../domain/job.errors';
import { isStorableText } from '../domain/storable';
import { JobStore, type CommandMeta } from '../job-store.service';
import { projectOf, type Caller } from '../../auth/domain/caller';

/** HKube's POST /exec/resume: a paused job hands out its tasks again and goes on where it stopped. */
export class ResumeJobCommand {
  constructor(
    readonly jobId: string,
    readonly meta: CommandMeta,
    /** A project key resumes only its project's jobs (another's is JOB_NOT_FOUND). */
    readonly caller: Caller,
  ) {}
}

@CommandHandler(ResumeJobCommand)
export class ResumeJobHandler implements ICommandHandler<ResumeJobCommand, { message: 'OK' }> {
  constructor(private readonly store: JobStore) {}

  async execute({ jobId, meta, caller }: ResumeJobCommand): Promise<{ message: 'OK' }> {
    if (!isStorableText(jobId)) throw jobNotFound(jobId);
    await this.store.withJob(
      jobId,
      async (tx, job) => {
        await this.store.commit(tx, job, decideResume(job), this.store.context(), meta);
      },
      projectOf(caller),
    );
    return { message: 'OK' };
  }
}
