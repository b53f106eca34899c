import { Injectable } from '@nestjs/common';
import { HERALD, projectOf, type Caller } from '../auth/domain/caller';
import { DomainError, NotFoundError, ValidationError } from '../common/domain-error';
import { Db, type Sql } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { jobNotFinished, jobNotFound } from './domain/job.errors';
import { isFinished, type JobStatus, type JobSummary } from './domain/job.state';
import { finalNodes, renderResults, renderStatus, type ResultsView, type StatusView } from './domain/job-status.view';
import { JOB_STREAM } from './domain/job.events';
import { isStorableText } from './domain/storable';
import { splitSecrets } from './domain/spec-secrets';
import { toUtc } from './http/jobs.schemas';
import { triggersTreeNotFound } from './exec-runs.errors';
import { JobsRepository } from './infrastructure/jobs.repository';
import { JobSearchRepository, type JobWithSpec } from './infrastructure/job-search.repository';

function withMaskedSpec(data: Record<string, unknown>): Record<string, unknown> {
  return typeof data.spec === 'object' && data.spec !== null ? { ...data, spec: splitSecrets(data.spec).masked } : data;
}

/** Herald's job statuses that are not finished (what HKube calls running). */
const UNFINISHED: JobStatus[] = ['pending', 'active', 'paused'];
const MAX_UNPAGED = 10_000;

/** HKube's audit actions, by the job event that records each. */
const AUDIT_ACTIONS: Record<string, 'run' | 'stop' | 'pause' | 'resume'> = { 'job.submitted': 'run', 'job.stopped': 'stop', 'job.paused': 'pause', 'job.resumed': 'resume' };

const ms = (iso: string) => Date.parse(iso);

/** A job's pipeline as HKube's pipelines/{jobId} answers it: the request as normalised, secrets masked; a caching run's rootJobId. */
export function pipelineView({ summary, spec }: JobWithSpec): Record<string, unknown> & { jobId: string; startTime: number } {
  const { kind, ...rest } = splitSecrets(spec).masked;
  const root = summary.cachedFrom ? { rootJobId: summary.cachedFrom.rootJobId } : {};
  return { jobId: summary.jobId, ...rest, kind: kind === 'pipeline' ? 'batch' : kind, experimentName: 'main', startTime: ms(summary.createdAt), ...root };
}

function searchHit(row: JobWithSpec): Record<string, unknown> {
  const job = row.summary;
  const finished = isFinished(job.status);
  const end = job.finishedAt ?? job.timestamp;
  return {
    jobId: job.jobId,
    pipeline: pipelineView(row),
    status: renderStatus(job),
    completion: finished,
    ...(finished
      ? {
          result: {
            pipeline: job.pipeline,
            status: job.status,
            startTime: ms(job.createdAt),
            timestamp: ms(end),
            timeTook: (ms(end) - ms(job.createdAt)) / 1000,
            ...(job.reason !== undefined ? { reason: job.reason } : {}),
            ...(job.error !== undefined ? { error: job.error } : {}),
          },
        }
      : {}),
  };
}

/** A page position (the last row of a page) as an opaque cursor, and back; a bad one is 400. */
function encodeCursor(job: JobSummary): string {
  return Buffer.from(JSON.stringify({ createdAt: job.createdAt, jobId: job.jobId })).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; jobId: string } {
  try {
    const at = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof at?.createdAt !== 'string' || typeof at?.jobId !== 'string') throw new Error();
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at.createdAt) || Number.isNaN(Date.parse(at.createdAt))) throw new Error();
    if (!isStorableText(at.jobId)) throw new Error();
    return { createdAt: at.createdAt, jobId: at.jobId };
  } catch {
    throw new ValidationError('cursor is not valid', [{ path: 'cursor', message: 'not a cursor from a previous page' }]);
  }
}

/** What HKube's search takes that Herald's read model cannot answer. */
export const searchNotSupported = (path: string, why: string) => new DomainError('SEARCH_FILTER_NOT_SUPPORTED', `${path} is not supported: ${why}`, 400, [{ path, message: why }]);

export interface SearchInput {
  query?: { experimentName?: string; pipelineName?: string; pipelineType?: string; algorithmName?: string; pipelineStatus?: string; datesRange?: { from?: string; to?: string }; projectId?: string; kind?: 'pipeline' | 'queue' };
  cursor?: string;
  pageNum?: number;
  sort: 'asc' | 'desc';
  limit: number;
  fields?: Record<string, unknown>;
  exists?: Record<string, unknown>;
  tags?: string[];
}

/** Which unfinished jobs a bulk stop names (times already read as instants). */
export interface StopCriteria {
  jobId?: string;
  pipelineName?: string;
  from?: string;
  to?: string;
  statuses: string[];
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
    private readonly search_: JobSearchRepository,
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

  // ------------------------------------------------------------ HKube's read routes

  /** GET /exec/pipelines/{jobId}. */
  async pipeline(caller: Caller, jobId: string): Promise<Record<string, unknown>> {
    const row = isStorableText(jobId) ? await this.search_.jobWithSpec(this.db, jobId, projectOf(caller)) : undefined;
    if (!row) throw jobNotFound(jobId);
    return pipelineView(row);
  }

  /** GET /exec/flowInput/{jobId}: 404 FLOW_INPUT_NOT_FOUND for a job submitted without one. */
  async flowInput(caller: Caller, jobId: string): Promise<Record<string, unknown>> {
    const view = await this.pipeline(caller, jobId);
    const flowInput = view.flowInput;
    if (typeof flowInput !== 'object' || flowInput === null) throw new NotFoundError('FLOW_INPUT_NOT_FOUND', `flowInput of job ${jobId} Not Found`);
    return flowInput as Record<string, unknown>;
  }

  /** GET /exec/auditTrail/{jobId}: the callers' actions on the job, newest first. */
  async auditTrail(caller: Caller, jobId: string): Promise<Array<{ timestamp: number; user: string; action: string }>> {
    await this.summaryFor(caller, jobId);
    const events = await this.search_.auditEvents(this.db, jobId, JOB_STREAM, Object.keys(AUDIT_ACTIONS));
    return events.map((e) => ({ timestamp: e.createdAt.getTime(), user: e.actor ?? 'herald', action: AUDIT_ACTIONS[e.type] }));
  }

  /**
   * GET /exec/tree/{jobId}: HKube keeps a tree only for a job that triggered other pipelines
   * (and answers 404 "tree <jobId> Not Found" for any other job). Herald has no pipeline-to-pipeline
   * triggers, so a job the caller may see has none; a job it may not see is JOB_NOT_FOUND.
   */
  async tree(caller: Caller, jobId: string): Promise<never> {
    await this.summaryFor(caller, jobId);
    throw triggersTreeNotFound(jobId);
  }

  /** GET /exec/pipeline/list: the pipelines of the unfinished jobs, oldest first. */
  async runningPipelines(caller: Caller): Promise<Array<Record<string, unknown>>> {
    const rows = await this.search_.unfinished(this.db, { statuses: UNFINISHED, limit: MAX_UNPAGED, projectId: projectOf(caller) });
    return rows.map(pipelineView);
  }

  /** GET /exec/jobs?raw=true: ids of the unfinished jobs (or of those in `status`), oldest first. */
  async runningJobIds(caller: Caller, query: { status?: JobStatus; pipeline?: string }): Promise<string[]> {
    return this.search_.unfinishedIds(this.db, { statuses: query.status ? [query.status] : UNFINISHED, pipeline: query.pipeline, limit: MAX_UNPAGED, projectId: projectOf(caller) });
  }

  /** The unfinished jobs a bulk stop names (statuses outside pending/active/paused match nothing). */
  async jobsToStop(caller: Caller, c: StopCriteria): Promise<string[]> {
    const statuses = c.statuses.filter((s) => (UNFINISHED as string[]).includes(s));
    if (statuses.length === 0 || (c.jobId !== undefined && !isStorableText(c.jobId))) return [];
    return this.search_.unfinishedIds(this.db, { statuses, pipeline: c.pipelineName, from: c.from, to: c.to, jobId: c.jobId, limit: MAX_UNPAGED, projectId: projectOf(caller) });
  }

  /** POST|GET /exec/search: HKube's filters that map onto the jobs read model; keyset paging. */
  async search(caller: Caller, input: SearchInput): Promise<{ hits: Array<Record<string, unknown>>; cursor: string | null; timeTook: string }> {
    const started = process.hrtime.bigint();
    const q = input.query ?? {};
    if (q.pipelineType !== undefined) throw searchNotSupported('query.pipelineType', 'Herald does not keep pipeline types');
    if (input.tags && input.tags.length > 0) throw searchNotSupported('tags', 'Herald does not keep tags');
    if (input.pageNum !== undefined) throw searchNotSupported('pageNum', 'page with cursor');
    if (input.fields !== undefined) throw searchNotSupported('fields', 'hits are whole');
    if (input.exists !== undefined) throw searchNotSupported('exists', 'hits are whole');
    const after = input.cursor !== undefined ? decodeCursor(input.cursor) : undefined;
    // Every Herald job is in HKube's default experiment.
    const rows =
      q.experimentName !== undefined && q.experimentName !== 'main'
        ? []
        : await this.search_.search(this.db, {
            pipeline: q.pipelineName,
            status: q.pipelineStatus,
            from: q.datesRange?.from !== undefined ? toUtc(q.datesRange.from) : undefined,
            to: q.datesRange?.to !== undefined ? toUtc(q.datesRange.to) : undefined,
            algorithmName: q.algorithmName,
            project: q.projectId,
            kind: q.kind,
            after,
            order: input.sort,
            limit: input.limit,
            projectId: projectOf(caller),
          });
    const last = rows[rows.length - 1];
    const took = Number(process.hrtime.bigint() - started) / 1e6;
    return { hits: rows.map(searchHit), cursor: rows.length === input.limit && last ? encodeCursor(last.summary) : null, timeTook: `${took.toFixed(2)}ms` };
  }
}
