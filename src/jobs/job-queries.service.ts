import { Injectable } from '@nestjs/common';
import { HERALD, projectOf, type Caller } from '../auth/domain/caller';
import { ValidationError } from '../common/domain-error';
import { Db, type Sql } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { jobNotFinished, jobNotFound } from './domain/job.errors';
import { isFinished, type JobStatus, type JobSummary } from './domain/job.state';
import { finalNodes, renderResults, renderStatus, type ResultsView, type StatusView } from './domain/job-status.view';
import { JOB_STREAM } from './domain/job.events';
import { isStorableText } from './domain/storable';
import { splitSecrets } from './domain/spec-secrets';
import { JobsRepository } from './infrastructure/jobs.repository';

function withMaskedSpec(data: Record<string, unknown>): Record<string, unknown> {
  return typeof data.spec === 'object' && data.spec !== null ? { ...data, spec: splitSecrets(data.spec).masked } : data;
}

export interface JobEventView {
  type: string;
  version: number;
  globalPosition: number;
  level: string;
  data: unknown;
  metadata: unknown;
  createdAt: string;
}

/** Read side of jobs: answers only from the read models and the event store. */
@Injectable()
export class JobQueries {
  constructor(
    private readonly db: Db,
    private readonly repo: JobsRepository,
    private readonly eventStore: EventStoreRepository,
  ) {}

  /** Any job, for Herald's own use (fan-out, the result webhook); a missing one is a 404. */
  async summary(jobId: string): Promise<JobSummary> {
    return this.summaryFor(HERALD, jobId);
  }

  /**
   * A job as a caller may see it: an admin any job, a project key its project's jobs (the
   * project is in the statement). Another project's job is the same 404 as a missing one.
   */
  async summaryFor(caller: Caller, jobId: string): Promise<JobSummary> {
    // An id PostgreSQL cannot even compare (it holds NUL) names no job.
    const job = isStorableText(jobId) ? await this.repo.getJob(this.db, jobId, projectOf(caller)) : undefined;
    if (!job) throw jobNotFound(jobId);
    return job;
  }

  async status(caller: Caller, jobId: string): Promise<StatusView> {
    return renderStatus(await this.summaryFor(caller, jobId));
  }

  async results(caller: Caller, jobId: string): Promise<ResultsView> {
    const job = await this.summaryFor(caller, jobId);
    if (!isFinished(job.status)) throw jobNotFinished(jobId, job.status);
    return this.renderResults(job);
  }

  /** Results of a finished job as of its summary (also used by the result webhook). */
  async renderResults(job: JobSummary): Promise<ResultsView> {
    const nodes = finalNodes(job);
    return renderResults(job, await this.repo.resultTasks(this.db, job.jobId, nodes));
  }

  /**
   * The same, read with `sql` (the append's transaction, which sees its own writes) from the
   * summary in hand: one statement, no read of the job row.
   */
  async resultsIn(sql: Sql, job: JobSummary): Promise<ResultsView> {
    return renderResults(job, await this.repo.resultTasks(sql, job.jobId, finalNodes(job)));
  }

  /** The task of a one-task job (a queue request), for lifecycle payloads and the queue API. */
  async requestTask(jobId: string): ReturnType<JobsRepository['singleTask']> {
    return this.repo.singleTask(this.db, jobId);
  }

  /** The query is validated by JobListQuery (http/jobs.schemas.ts); the cursor's content is checked here. */
  async list(caller: Caller, query: { status?: JobStatus; pipeline?: string; limit: number; cursor?: string }): Promise<{ jobs: StatusView[]; nextCursor: string | null }> {
    const limit = query.limit;
    let before: { createdAt: string; jobId: string } | undefined;
    if (query.cursor) {
      try {
        before = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
        if (typeof before?.createdAt !== 'string' || typeof before?.jobId !== 'string') throw new Error();
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(before.createdAt) || Number.isNaN(Date.parse(before.createdAt))) throw new Error();
        if (!isStorableText(before.jobId)) throw new Error();
      } catch {
        throw new ValidationError('cursor is not valid', [{ path: 'cursor', message: 'not a cursor from a previous page' }]);
      }
    }
    const jobs = await this.repo.listJobs(this.db, { status: query.status, pipeline: query.pipeline, before, limit, projectId: projectOf(caller) });
    const last = jobs[jobs.length - 1];
    return {
      jobs: jobs.map(renderStatus),
      nextCursor: jobs.length === limit && last ? Buffer.from(JSON.stringify({ createdAt: last.createdAt, jobId: last.jobId })).toString('base64url') : null,
    };
  }

  async events(caller: Caller, jobId: string, fromVersion = 1, limit = 1000): Promise<{ jobId: string; events: JobEventView[]; nextVersion: number | null }> {
    await this.summaryFor(caller, jobId);
    const events = await this.eventStore.readStream(this.db, jobId, fromVersion, limit);
    return {
      jobId,
      events: events
        .filter((e) => e.streamType === JOB_STREAM)
        .map((e) => ({
          type: e.type,
          version: e.version,
          globalPosition: e.globalPosition,
          level: e.metadata.level,
          // Events recorded before requests' secrets were kept apart still hold them: never shown.
          data: e.type === 'job.submitted' ? withMaskedSpec(e.data as Record<string, unknown>) : e.data,
          metadata: e.metadata,
          createdAt: e.createdAt.toISOString(),
        })),
      nextVersion: events.length === limit ? events[events.length - 1].version + 1 : null,
    };
  }
}
