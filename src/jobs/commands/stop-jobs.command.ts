import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Caller } from '../../auth/domain/caller';
import { DomainError, NotFoundError } from '../../common/domain-error';
import type { CommandMeta } from '../job-store.service';
import { JobQueries, type StopCriteria } from '../job-queries.service';
import { StopJobCommand } from './stop-job.command';

/** HKube's bulk stop: every unfinished job of the caller's project(s) that the criteria match. */
export class StopJobsCommand {
  constructor(
    /** As the request gave them (the 404 message quotes them); `from` / `to` already read as instants in `criteria`. */
    readonly asked: { jobId?: string; pipelineName?: string; startTime?: { from?: string; to?: string } },
    readonly criteria: StopCriteria,
    readonly reason: string | undefined,
    readonly meta: CommandMeta,
    readonly caller: Caller,
  ) {}
}

/** HKube's answer when nothing matches, naming the criteria in its words. */
export function noJobsMatched(asked: StopJobsCommand['asked'], statuses: string[]): NotFoundError {
  const details: string[] = [];
  if (asked.jobId) details.push(`jobId: ${asked.jobId}`);
  if (asked.pipelineName) details.push(`pipelineName: ${asked.pipelineName}`);
  if (asked.startTime && (asked.startTime.from !== undefined || asked.startTime.to !== undefined)) details.push(`datesRange: ${asked.startTime.from} to ${asked.startTime.to}`);
  if (statuses.length > 0) details.push(`statuses: ${statuses.join(',')}`);
  return new NotFoundError('NO_JOBS_MATCHED', `No jobs found matching criteria${details.length ? ` (${details.join(', ')})` : ''}`);
}

@CommandHandler(StopJobsCommand)
export class StopJobsHandler implements ICommandHandler<StopJobsCommand, { stoppedJobIds: string[] }> {
  constructor(
    private readonly queries: JobQueries,
    private readonly commands: CommandBus,
  ) {}

  async execute({ asked, criteria, reason, meta, caller }: StopJobsCommand): Promise<{ stoppedJobIds: string[] }> {
    const jobIds = await this.queries.jobsToStop(caller, criteria);
    if (jobIds.length === 0) throw noJobsMatched(asked, criteria.statuses);
    const stoppedJobIds: string[] = [];
    // One command per job, each in its own transaction; a job that ended meanwhile is left out.
    for (const jobId of jobIds) {
      try {
        await this.commands.execute(new StopJobCommand(jobId, reason, meta, caller));
        stoppedJobIds.push(jobId);
      } catch (e) {
        if (!(e instanceof DomainError) || (e.code !== 'JOB_NOT_RUNNING' && e.code !== 'JOB_NOT_FOUND')) throw e;
      }
    }
    return { stoppedJobIds };
  }
}
