import type { Sql } from '../../database/db';
import type { JobSummary } from '../domain/job.state';
import type { PipelineSpec } from '../domain/pipeline.types';

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

/** HKube's search: by name, status, submission time, algorithm of a node; keyset paging either way. */
const searchJobs = (order: 'ASC' | 'DESC', project: string) => `
SELECT summary, spec FROM jobs
 WHERE ($1::text IS NULL OR pipeline = $1)
   AND ($2::text IS NULL OR status = $2)
   AND ($3::timestamptz IS NULL OR created_at >= $3)
   AND ($4::timestamptz IS NULL OR created_at <= $4)
   AND ($5::text IS NULL OR spec->'nodes' @> jsonb_build_array(jsonb_build_object('algorithmName', $5::text)))
   AND ($6::timestamptz IS NULL OR (created_at, job_id) ${order === 'DESC' ? '<' : '>'} ($6::timestamptz, $7::text))
   ${project}
 ORDER BY created_at ${order}, job_id ${order}
 LIMIT $8`;
export const SEARCH_JOBS_DESC = searchJobs('DESC', 'AND $9::text IS NULL');
export const SEARCH_PROJECT_JOBS_DESC = searchJobs('DESC', 'AND project_id = $9');
export const SEARCH_JOBS_ASC = searchJobs('ASC', 'AND $9::text IS NULL');
export const SEARCH_PROJECT_JOBS_ASC = searchJobs('ASC', 'AND project_id = $9');

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
  async search(sql: Sql, f: SearchFilter): Promise<JobWithSpec[]> {
    const scoped = f.projectId !== null;
    const text = f.order === 'asc' ? (scoped ? SEARCH_PROJECT_JOBS_ASC : SEARCH_JOBS_ASC) : scoped ? SEARCH_PROJECT_JOBS_DESC : SEARCH_JOBS_DESC;
    return sql.query<JobWithSpec>(text, [
      f.pipeline ?? null,
      f.status ?? null,
      f.from ?? null,
      f.to ?? null,
      f.algorithmName ?? null,
      f.after?.createdAt ?? null,
      f.after?.jobId ?? null,
      f.limit,
      f.projectId,
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
