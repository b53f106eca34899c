import type { Sql } from '../../database/db';
import type { JobSummary } from '../domain/job.state';
import type { JobKind, PipelineSpec } from '../domain/pipeline.types';

/**
 * The SQL of HKube's read routes (search, pipeline/list, jobs?raw, pipelines/{jobId}, auditTrail)
 * and of the bulk stop's selection, over the jobs read model and the job streams. Like
 * JobsRepository's list, every statement has an admin form (`$n::text IS NULL`: every project)
 * and a project form (`project_id = $n`): a project key only ever reads its own project's rows.
 */

export interface JobWithSpec {
  summary: JobSummary;
  spec: PipelineSpec;
}

export interface SearchFilter {
  /** Herald's extension of the search: one project's jobs (within the caller's `projectId`). */
  project?: string;
  /** Herald's extension: pipelines or named-queue requests only. */
  kind?: JobKind;
  pipeline?: string;
  status?: string;
  from?: string;
  to?: string;
  algorithmName?: string;
  /** Where the page starts (exclusive), in the page's order. */
  after?: { createdAt: string; jobId: string };
  order: 'asc' | 'desc';
  limit: number;
  projectId: string | null;
}

export interface UnfinishedFilter {
  statuses: string[];
  pipeline?: string;
  from?: string;
  to?: string;
  jobId?: string;
  limit: number;
  projectId: string | null;
}

// ---------------------------------------------------------------- statements

/**
 * HKube's search: by name, status, submission time, algorithm of a node; keyset paging either
 * way. Herald's extensions pick the statement (`project_id = $9`, `kind = $10`) rather than add
 * a `$n IS NULL OR` test: one project's page walks jobs_project_created_idx, one kind's
 * jobs_kind_created_idx or jobs_project_kind_created_idx (migration 105), newest or oldest
 * first, reading about one page of index entries wherever the page lies (EXPLAIN on 250,000 jobs:
 * about 100 buffers and 0.2-0.9 ms a page, against 4,500 buffers for the rare kind of a project
 * without the kind indexes).
 */
const searchJobs = (order: 'ASC' | 'DESC', project: boolean, kind: boolean) => `
SELECT summary, spec FROM jobs
 WHERE ($1::text IS NULL OR pipeline = $1)
   AND ($2::text IS NULL OR status = $2)
   AND ($3::timestamptz IS NULL OR created_at >= $3)
   AND ($4::timestamptz IS NULL OR created_at <= $4)
   AND ($5::text IS NULL OR spec->'nodes' @> jsonb_build_array(jsonb_build_object('algorithmName', $5::text)))
   AND ($6::timestamptz IS NULL OR (created_at, job_id) ${order === 'DESC' ? '<' : '>'} ($6::timestamptz, $7::text))
   AND ${project ? 'project_id = $9' : '$9::text IS NULL'}
   AND ${kind ? 'kind = $10' : '$10::text IS NULL'}
 ORDER BY created_at ${order}, job_id ${order}
 LIMIT $8`;
export const SEARCH_JOBS_DESC = searchJobs('DESC', false, false);
export const SEARCH_PROJECT_JOBS_DESC = searchJobs('DESC', true, false);
export const SEARCH_JOBS_ASC = searchJobs('ASC', false, false);
export const SEARCH_PROJECT_JOBS_ASC = searchJobs('ASC', true, false);
export const SEARCH_KIND_JOBS_DESC = searchJobs('DESC', false, true);
export const SEARCH_PROJECT_KIND_JOBS_DESC = searchJobs('DESC', true, true);
export const SEARCH_KIND_JOBS_ASC = searchJobs('ASC', false, true);
export const SEARCH_PROJECT_KIND_JOBS_ASC = searchJobs('ASC', true, true);

const SEARCH_STATEMENTS = {
  desc: { all: SEARCH_JOBS_DESC, project: SEARCH_PROJECT_JOBS_DESC, kind: SEARCH_KIND_JOBS_DESC, projectKind: SEARCH_PROJECT_KIND_JOBS_DESC },
  asc: { all: SEARCH_JOBS_ASC, project: SEARCH_PROJECT_JOBS_ASC, kind: SEARCH_KIND_JOBS_ASC, projectKind: SEARCH_PROJECT_KIND_JOBS_ASC },
} as const;

/** Jobs in one of `statuses` (the unfinished ones a caller asks for), oldest first. */
const unfinishedJobs = (columns: string, project: string) => `
SELECT ${columns} FROM jobs
 WHERE status = ANY($1::text[])
   AND ($2::text IS NULL OR pipeline = $2)
   AND ($3::timestamptz IS NULL OR created_at >= $3)
   AND ($4::timestamptz IS NULL OR created_at <= $4)
   AND ($5::text IS NULL OR job_id = $5)
   ${project}
 ORDER BY created_at, job_id
 LIMIT $6`;
export const UNFINISHED_JOBS = unfinishedJobs('summary, spec', 'AND $7::text IS NULL');
export const UNFINISHED_PROJECT_JOBS = unfinishedJobs('summary, spec', 'AND project_id = $7');
export const UNFINISHED_JOB_IDS = unfinishedJobs('job_id', 'AND $7::text IS NULL');
export const UNFINISHED_PROJECT_JOB_IDS = unfinishedJobs('job_id', 'AND project_id = $7');

export const GET_JOB_WITH_SPEC = 'SELECT summary, spec FROM jobs WHERE job_id = $1';
export const GET_PROJECT_JOB_WITH_SPEC = 'SELECT summary, spec FROM jobs WHERE job_id = $1 AND project_id = $2';

/** The events of a job's stream that HKube's audit trail shows (a caller's actions), newest first. */
export const AUDIT_EVENTS = `
SELECT event_type, metadata, created_at FROM events
 WHERE stream_id = $1 AND stream_type = $2 AND event_type = ANY($3::text[])
 ORDER BY version DESC`;

export class JobSearchRepository {
  /**
   * One page of the search. `projectId` confines it to the caller's project; `project` (the
   * search's own filter) to one project: a project key naming another one finds nothing, the
   * same empty page as a project without jobs.
   */
  async search(sql: Sql, f: SearchFilter): Promise<JobWithSpec[]> {
    if (f.projectId !== null && f.project !== undefined && f.project !== f.projectId) return [];
    const project = f.projectId ?? f.project ?? null;
    const statements = SEARCH_STATEMENTS[f.order];
    const text = project !== null ? (f.kind ? statements.projectKind : statements.project) : f.kind ? statements.kind : statements.all;
    return sql.query<JobWithSpec>(text, [
      f.pipeline ?? null,
      f.status ?? null,
      f.from ?? null,
      f.to ?? null,
      f.algorithmName ?? null,
      f.after?.createdAt ?? null,
      f.after?.jobId ?? null,
      f.limit,
      project,
      f.kind ?? null,
    ]);
  }

  private unfinishedParams(f: UnfinishedFilter): unknown[] {
    return [f.statuses, f.pipeline ?? null, f.from ?? null, f.to ?? null, f.jobId ?? null, f.limit, f.projectId];
  }

  async unfinished(sql: Sql, f: UnfinishedFilter): Promise<JobWithSpec[]> {
    return sql.query<JobWithSpec>(f.projectId === null ? UNFINISHED_JOBS : UNFINISHED_PROJECT_JOBS, this.unfinishedParams(f));
  }

  async unfinishedIds(sql: Sql, f: UnfinishedFilter): Promise<string[]> {
    const rows = await sql.query<{ job_id: string }>(f.projectId === null ? UNFINISHED_JOB_IDS : UNFINISHED_PROJECT_JOB_IDS, this.unfinishedParams(f));
    return rows.map((r) => r.job_id);
  }

  /** A job and its (masked) request; with `projectId`, only if it is that project's. */
  async jobWithSpec(sql: Sql, jobId: string, projectId: string | null): Promise<JobWithSpec | undefined> {
    const rows = await sql.query<JobWithSpec>(projectId === null ? GET_JOB_WITH_SPEC : GET_PROJECT_JOB_WITH_SPEC, projectId === null ? [jobId] : [jobId, projectId]);
    return rows[0];
  }

  /** Call it for a job the caller may see (JobQueries checks that first). */
  async auditEvents(sql: Sql, jobId: string, streamType: string, types: string[]): Promise<Array<{ type: string; actor: string | undefined; createdAt: Date }>> {
    const rows = await sql.query<{ event_type: string; metadata: { actor?: string }; created_at: Date }>(AUDIT_EVENTS, [jobId, streamType, types]);
    return rows.map((r) => ({ type: r.event_type, actor: r.metadata?.actor, createdAt: r.created_at }));
  }
}
