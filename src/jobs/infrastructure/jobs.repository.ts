import type { Sql } from '../../database/db';
import type { NodeResults } from '../domain/job.decide';
import type { CreatedTask } from '../domain/job.events';
import type { JobStatus, JobSummary, Task, TaskState } from '../domain/job.state';
import type { PipelineSpec } from '../domain/pipeline.types';
import type { ResultTask } from '../domain/job-status.view';
import { withSecrets, type SpecSecrets } from '../domain/spec-secrets';
import { stopDeadline } from '../domain/job-deadlines';

interface TaskRow {
  task_id: string;
  job_id: string;
  node_name: string;
  algorithm_name: string;
  batch_index: number | null;
  input: unknown;
  state: TaskState;
  attempt: number;
  released: number;
  worker_name: string | null;
  lease_expires_at: Date | null;
  result: unknown;
  error: unknown;
}

const TASK_COLUMNS = `task_id, job_id, node_name, algorithm_name, batch_index, input, state, attempt, released,
  worker_name, lease_expires_at, result, error`;

function toTask(r: TaskRow): Task {
  return {
    taskId: r.task_id,
    jobId: r.job_id,
    nodeName: r.node_name,
    algorithmName: r.algorithm_name,
    batchIndex: r.batch_index,
    input: r.input,
    state: r.state,
    attempt: r.attempt,
    released: r.released,
    workerName: r.worker_name,
    leaseExpiry: r.lease_expires_at ? r.lease_expires_at.toISOString() : null,
    result: r.result,
    error: r.error,
  };
}

const INSERT_CHUNK = 5000;

/**
 * A paused job's pending tasks are kept out of every acquisition query (which all ask for
 * `available_at <= now`) by moving their available_at this far into the future; resume moves it
 * back, so a retry delay still running is kept and the order among the tasks is unchanged. Whole
 * hours: the same exact shift in SQL (interval) and in JS, whatever the session time zone.
 */
export const PAUSE_SHIFT_HOURS = 1000 * 8760;

/** available_at of a task that becomes pending while its job is paused. */
export function pausedAvailability(availableAt: string): string {
  return new Date(Date.parse(availableAt) + PAUSE_SHIFT_HOURS * 3_600_000).toISOString();
}

/** Which tasks a worker takes: pipeline tasks by algorithm, queue requests by queue name; a project key's worker only its project's. */
export interface TaskFilter {
  algorithmNames?: string[];
  queues?: string[];
  /** Only tasks of this project's jobs (a project key); absent: every project's (an admin key). */
  projectId?: string;
}

function filterPairs(f: TaskFilter): { kinds: string[]; names: string[] } | undefined {
  if (!f.algorithmNames && !f.queues) return undefined;
  const pairs = [...(f.algorithmNames ?? []).map((n) => ['pipeline', n]), ...(f.queues ?? []).map((n) => ['queue', n])];
  return { kinds: pairs.map((p) => p[0]), names: pairs.map((p) => p[1]) };
}

// ---------------------------------------------------------------- statements (jobs, tasks)

export const GET_JOB = 'SELECT summary FROM jobs WHERE job_id = $1';
/** A job as a project key may see it: one of its project's (jobs without a project are an admin's). */
export const GET_PROJECT_JOB = 'SELECT summary FROM jobs WHERE job_id = $1 AND project_id = $2';

const listJobs = (project: string) => `
SELECT summary FROM jobs
 WHERE ($1::text IS NULL OR status = $1)
   AND ($2::text IS NULL OR pipeline = $2)
   AND ($3::timestamptz IS NULL OR (created_at, job_id) < ($3::timestamptz, $4::text))
   ${project}
 ORDER BY created_at DESC, job_id DESC
 LIMIT $5`;
export const LIST_JOBS = listJobs('AND $6::text IS NULL');
/** Walks the project's jobs by (project_id, created_at, job_id): other projects' jobs cost nothing. */
export const LIST_PROJECT_JOBS = listJobs('AND project_id = $6');

export const LOCK_JOB = 'SELECT summary FROM jobs WHERE job_id = $1 FOR UPDATE';
export const LOCK_JOB_SKIP_LOCKED = 'SELECT summary FROM jobs WHERE job_id = $1 FOR UPDATE SKIP LOCKED';
export const LOCK_PROJECT_JOB = 'SELECT summary FROM jobs WHERE job_id = $1 AND project_id = $2 FOR UPDATE';

/** The spec with the secrets its events carry masked (job_secrets, written by JobSecretsRepository); the project form for a project key. */
const getSpec = (project: string) => `SELECT j.spec, s.secrets FROM jobs j LEFT JOIN job_secrets s ON s.job_id = j.job_id WHERE j.job_id = $1 ${project}`;
export const GET_SPEC = getSpec('');
export const GET_PROJECT_SPEC = getSpec('AND j.project_id = $2');

/** `project`: '' or the project condition on `tasks` ($5), which picks the project's own pending index. */
const nextPendingOfKinds = (project: string) => `
SELECT t.job_id FROM unnest($1::text[], $2::text[]) AS f(kind, name)
CROSS JOIN LATERAL (
  SELECT job_id, priority, available_at, batch_index FROM tasks
   WHERE state = 'pending' AND kind = f.kind AND algorithm_name = f.name ${project}
     AND available_at <= $3 AND NOT (job_id = ANY($4::text[]))
   ORDER BY priority, available_at, job_id, batch_index LIMIT 1) t
ORDER BY t.priority, t.available_at, t.job_id, t.batch_index LIMIT 1`;
const nextPendingAny = (project: string) => `
SELECT job_id FROM tasks
 WHERE state = 'pending' AND available_at <= $3 AND NOT (job_id = ANY($4::text[])) ${project}
   AND $1::text[] IS NULL AND $2::text[] IS NULL AND kind <> 'stage'
 ORDER BY priority, available_at, job_id, batch_index LIMIT 1`;
export const NEXT_PENDING_OF_KINDS = nextPendingOfKinds('');
export const NEXT_PENDING_PROJECT_OF_KINDS = nextPendingOfKinds('AND project_id = $5');
export const NEXT_PENDING_ANY = nextPendingAny('');
export const NEXT_PENDING_PROJECT_ANY = nextPendingAny('AND project_id = $5');

const queuePosition = (project: string) => `
SELECT count(*)::int AS n FROM tasks
 WHERE state = 'pending' AND kind = 'queue' AND algorithm_name = $1 ${project}
   AND (priority, available_at, job_id) < ($2, $3::timestamptz, $4)`;
export const QUEUE_POSITION = queuePosition('');
/** A project's request waits behind its project's requests only (its workers take no others'). */
export const PROJECT_QUEUE_POSITION = queuePosition('AND project_id = $5');

export const JOB_OF_TASK = 'SELECT job_id FROM tasks WHERE task_id = $1';
export const JOB_OF_PROJECT_TASK = 'SELECT job_id FROM tasks WHERE task_id = $1 AND project_id = $2';
export const JOBS_OF_TASKS = 'SELECT task_id, job_id FROM tasks WHERE task_id = ANY($1::uuid[])';
export const JOBS_OF_PROJECT_TASKS = 'SELECT task_id, job_id FROM tasks WHERE task_id = ANY($1::uuid[]) AND project_id = $2';

/** All SQL over the jobs and tasks read models. */
export class JobsRepository {
  // ------------------------------------------------------------ jobs

  /** A job by id; with `projectId`, only if it is that project's. */
  async getJob(sql: Sql, jobId: string, projectId: string | null = null): Promise<JobSummary | undefined> {
    const rows = await sql.query<{ summary: JobSummary }>(projectId === null ? GET_JOB : GET_PROJECT_JOB, projectId === null ? [jobId] : [jobId, projectId]);
    return rows[0]?.summary;
  }

  /** Locks the job row: every change to one job is serialised on it. With `projectId`, only a job of that project (else nothing is locked). */
  async lockJob(sql: Sql, jobId: string, skipLocked = false, projectId: string | null = null): Promise<JobSummary | undefined> {
    const rows = await sql.query<{ summary: JobSummary }>(
      projectId !== null ? LOCK_PROJECT_JOB : skipLocked ? LOCK_JOB_SKIP_LOCKED : LOCK_JOB,
      projectId !== null ? [jobId, projectId] : [jobId],
    );
    return rows[0]?.summary;
  }

  /** Locks the job that owns the task (see JobStore.withTask). */
  async lockJobOfTask(sql: Sql, taskId: string): Promise<JobSummary | undefined> {
    const rows = await sql.query<{ summary: JobSummary }>(
      'SELECT summary FROM jobs WHERE job_id = (SELECT job_id FROM tasks WHERE task_id = $1) FOR UPDATE',
      [taskId],
    );
    return rows[0]?.summary;
  }

  /** The job's request with its secrets (kept apart from the events, see spec-secrets.ts). */
  async getSpec(sql: Sql, jobId: string): Promise<PipelineSpec> {
    const spec = await this.findSpec(sql, jobId);
    if (!spec) throw new Error(`job ${jobId} has no spec`);
    return spec;
  }

  /** The same, or undefined for a job that does not exist (with `projectId`: or is another project's). */
  async findSpec(sql: Sql, jobId: string, projectId: string | null = null): Promise<PipelineSpec | undefined> {
    const rows = await sql.query<{ spec: PipelineSpec; secrets: SpecSecrets | null }>(projectId === null ? GET_SPEC : GET_PROJECT_SPEC, projectId === null ? [jobId] : [jobId, projectId]);
    return rows[0] ? withSecrets(rows[0].spec, rows[0].secrets ?? undefined) : undefined;
  }

  async insertJob(sql: Sql, summary: JobSummary, spec: PipelineSpec): Promise<void> {
    await sql.query(
      `INSERT INTO jobs (job_id, kind, pipeline, status, priority, version, level, summary, spec,
                         created_at, updated_at, started_at, finished_at, ttl_expires_at, project_id, waiting)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        summary.jobId,
        summary.kind,
        summary.pipeline,
        summary.status,
        summary.priority,
        summary.version,
        summary.level,
        JSON.stringify(summary),
        JSON.stringify(spec),
        summary.createdAt,
        summary.timestamp,
        summary.startedAt ?? null,
        summary.finishedAt ?? null,
        stopDeadline(summary),
        summary.projectId ?? null,
        summary.waiting === true,
      ],
    );
  }

  /** ttl_expires_at is the job's stop deadline: its ttl, or its activeTtl once it started (job-deadlines.ts). */
  async updateJob(sql: Sql, summary: JobSummary): Promise<void> {
    await sql.query(
      `UPDATE jobs SET status = $2, version = $3, level = $4, summary = $5, updated_at = $6,
                       started_at = $7, finished_at = $8, ttl_expires_at = $9, waiting = $10
        WHERE job_id = $1`,
      [
        summary.jobId,
        summary.status,
        summary.version,
        summary.level,
        JSON.stringify(summary),
        summary.timestamp,
        summary.startedAt ?? null,
        summary.finishedAt ?? null,
        stopDeadline(summary),
        summary.waiting === true,
      ],
    );
  }

  /** Newest first; with `projectId`, that project's jobs only. */
  async listJobs(
    sql: Sql,
    filter: { status?: JobStatus; pipeline?: string; before?: { createdAt: string; jobId: string }; limit: number; projectId: string | null },
  ): Promise<JobSummary[]> {
    const rows = await sql.query<{ summary: JobSummary }>(filter.projectId === null ? LIST_JOBS : LIST_PROJECT_JOBS, [
      filter.status ?? null,
      filter.pipeline ?? null,
      filter.before?.createdAt ?? null,
      filter.before?.jobId ?? null,
      filter.limit,
      filter.projectId,
    ]);
    return rows.map((r) => r.summary);
  }

  /** Running and paused jobs past their ttl or activeTtl (ttl_expires_at: the earlier of both; the sweeper stops them). */
  async ttlExpiredJobIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
    const rows = await sql.query<{ job_id: string }>(
      // Paused jobs apart: the running ones keep their partial index (jobs_running_ttl_idx), paused ones are few.
      `SELECT job_id FROM (
         SELECT job_id, ttl_expires_at FROM jobs WHERE status IN ('pending', 'active') AND ttl_expires_at <= $1
         UNION ALL
         SELECT job_id, ttl_expires_at FROM jobs WHERE status = 'paused' AND ttl_expires_at <= $1) j
        ORDER BY ttl_expires_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.job_id);
  }

  // ------------------------------------------------------------ tasks

  /** Issues every chunk at once (pipelined on a transaction), so callers need not await. */
  insertTasks(sql: Sql, job: { jobId: string; projectId?: string }, kind: string, nodeName: string, algorithmName: string, priority: number, tasks: CreatedTask[], at: string): Promise<void> {
    const chunks: Promise<unknown>[] = [];
    for (let i = 0; i < tasks.length; i += INSERT_CHUNK) {
      const chunk = tasks.slice(i, i + INSERT_CHUNK);
      chunks.push(
        sql.query(
          `INSERT INTO tasks (task_id, job_id, kind, node_name, algorithm_name, batch_index, batch_id, input, state,
                              priority, attempt, available_at, created_at, updated_at, project_id)
           SELECT x.task_id, $1, $9, $2, $3, x.batch_index,
                  CASE WHEN x.batch_index IS NULL THEN NULL ELSE $2 || '#' || x.batch_index END,
                  x.input, 'pending', $4, 0, $5, $5, $5, $10
             FROM unnest($6::uuid[], $7::int[], $8::jsonb[]) AS x(task_id, batch_index, input)`,
          [
            job.jobId,
            nodeName,
            algorithmName,
            priority,
            at,
            chunk.map((t) => t.taskId),
            chunk.map((t) => t.batchIndex),
            chunk.map((t) => JSON.stringify(t.input)),
            kind,
            job.projectId ?? null,
          ],
        ),
      );
    }
    return Promise.all(chunks).then(() => undefined);
  }

  async patchTask(sql: Sql, taskId: string, set: Record<string, unknown>): Promise<void> {
    const columns = Object.keys(set);
    await sql.query(
      `UPDATE tasks SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE task_id = $1`,
      [taskId, ...columns.map((c) => set[c])],
    );
  }

  async stopUnfinishedTasks(sql: Sql, jobId: string, at: string): Promise<void> {
    await sql.query(
      `UPDATE tasks SET state = 'stopped', lease_expires_at = NULL, updated_at = $2
        WHERE job_id = $1 AND state IN ('pending', 'active')`,
      [jobId, at],
    );
  }

  /** Pause: the job's pending tasks become unavailable (see PAUSE_SHIFT_HOURS); resume: available as before. */
  async shiftPendingTasks(sql: Sql, jobId: string, direction: 'pause' | 'resume', at: string): Promise<void> {
    await sql.query(
      `UPDATE tasks SET available_at = available_at ${direction === 'pause' ? '+' : '-'} make_interval(hours => $2), updated_at = $3
        WHERE job_id = $1 AND state = 'pending'`,
      [jobId, PAUSE_SHIFT_HOURS, at],
    );
  }

  async getTask(sql: Sql, taskId: string): Promise<Task | undefined> {
    const rows = await sql.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE task_id = $1`, [taskId]);
    return rows[0] && toTask(rows[0]);
  }

  /** The job of a task; with `projectId`, only a task of that project's jobs. */
  async jobIdOfTask(sql: Sql, taskId: string, projectId: string | null = null): Promise<string | undefined> {
    const rows = await sql.query<{ job_id: string }>(projectId === null ? JOB_OF_TASK : JOB_OF_PROJECT_TASK, projectId === null ? [taskId] : [taskId, projectId]);
    return rows[0]?.job_id;
  }

  /** Task id -> job id, for those of these tasks that exist (with `projectId`: that are that project's). */
  async jobIdsOfTasks(sql: Sql, taskIds: string[], projectId: string | null = null): Promise<Map<string, string>> {
    const rows = await sql.query<{ task_id: string; job_id: string }>(projectId === null ? JOBS_OF_TASKS : JOBS_OF_PROJECT_TASKS, projectId === null ? [taskIds] : [taskIds, projectId]);
    return new Map(rows.map((r) => [r.task_id, r.job_id]));
  }

  /** Tasks by id. One id is looked up by key (a cached plan); an ANY(array) lookup is planned on every call. */
  async getTasks(sql: Sql, taskIds: string[]): Promise<Task[]> {
    if (taskIds.length === 0) return [];
    if (taskIds.length === 1) return this.getTask(sql, taskIds[0]).then((t) => (t ? [t] : []));
    const rows = await sql.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE task_id = ANY($1::uuid[])`, [taskIds]);
    return rows.map(toTask);
  }

  /** The job whose pending task comes first for this filter (most urgent, then oldest); with a project, among that project's. */
  async nextPendingJobId(sql: Sql, filter: TaskFilter, now: Date, excluded: string[]): Promise<string | undefined> {
    const pairs = filterPairs(filter);
    const scoped = filter.projectId !== undefined;
    const text = pairs ? (scoped ? NEXT_PENDING_PROJECT_OF_KINDS : NEXT_PENDING_OF_KINDS) : scoped ? NEXT_PENDING_PROJECT_ANY : NEXT_PENDING_ANY;
    const rows = await sql.query<{ job_id: string }>(text, [pairs?.kinds ?? null, pairs?.names ?? null, now, excluded, ...(scoped ? [filter.projectId] : [])]);
    return rows[0]?.job_id;
  }

  /** Pending tasks of one job, locked. Called with the job row locked, so nobody else holds them. */
  async lockPendingTasks(sql: Sql, jobId: string, filter: TaskFilter, now: Date, limit: number): Promise<Task[]> {
    const pairs = filterPairs(filter);
    const rows = await sql.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM tasks t
        WHERE job_id = $1 AND state = 'pending' AND available_at <= $2 AND kind <> 'stage'
          AND ($3::text[] IS NULL OR EXISTS (
                SELECT 1 FROM unnest($3::text[], $4::text[]) AS f(kind, name) WHERE f.kind = t.kind AND f.name = t.algorithm_name))
        ORDER BY available_at, node_name, batch_index
        LIMIT $5
        FOR UPDATE SKIP LOCKED`,
      [jobId, now, pairs?.kinds ?? null, pairs?.names ?? null, limit],
    );
    return rows.map(toTask);
  }

  /** Active tasks whose lease ran out, grouped by job. */
  async expiredLeases(sql: Sql, now: Date, limit: number): Promise<Map<string, string[]>> {
    const rows = await sql.query<{ task_id: string; job_id: string }>(
      `SELECT task_id, job_id FROM tasks WHERE state = 'active' AND lease_expires_at <= $1
        ORDER BY lease_expires_at LIMIT $2`,
      [now, limit],
    );
    const byJob = new Map<string, string[]>();
    for (const r of rows) byJob.set(r.job_id, [...(byJob.get(r.job_id) ?? []), r.task_id]);
    return byJob;
  }

  async singleTask(sql: Sql, jobId: string): Promise<{ taskId: string; state: string; attempt: number; workerName: string | null; leaseExpiry: string | null; acquiredAt: string | null; result: unknown; error: unknown; priority: number; availableAt: string; algorithmName: string; batchIndex: number | null } | undefined> {
    const rows = await sql.query<{ task_id: string; state: string; attempt: number; worker_name: string | null; lease_expires_at: Date | null; acquired_at: Date | null; result: unknown; error: unknown; priority: number; available_at: Date; algorithm_name: string; batch_index: number | null }>(
      `SELECT task_id, state, attempt, worker_name, lease_expires_at, acquired_at, result, error, priority, available_at, algorithm_name, batch_index
         FROM tasks WHERE job_id = $1 ORDER BY node_name, batch_index LIMIT 1`,
      [jobId],
    );
    const r = rows[0];
    return r && {
      taskId: r.task_id,
      state: r.state,
      attempt: r.attempt,
      workerName: r.worker_name,
      leaseExpiry: r.lease_expires_at?.toISOString() ?? null,
      acquiredAt: r.acquired_at?.toISOString() ?? null,
      result: r.result,
      error: r.error,
      priority: r.priority,
      availableAt: r.available_at.toISOString(),
      algorithmName: r.algorithm_name,
      batchIndex: r.batch_index,
    };
  }

  /** Pending queue requests ahead of this task in acquisition order (its queue position); a project's request counts its project's only. */
  async queuePosition(sql: Sql, queueName: string, task: { priority: number; availableAt: string }, jobId: string, projectId: string | null): Promise<number> {
    const params = [queueName, task.priority, task.availableAt, jobId];
    const rows = await sql.query<{ n: number }>(projectId === null ? QUEUE_POSITION : PROJECT_QUEUE_POSITION, projectId === null ? params : [...params, projectId]);
    return rows[0].n;
  }

  async nodeResults(sql: Sql, jobId: string, nodeNames: string[]): Promise<Record<string, NodeResults>> {
    const out: Record<string, NodeResults> = Object.fromEntries(nodeNames.map((n) => [n, []]));
    if (nodeNames.length === 0) return out;
    const rows = await sql.query<{ node_name: string; batch_index: number | null; state: TaskState; result: unknown; context: unknown }>(
      `SELECT node_name, batch_index, state, result, context FROM tasks
        WHERE job_id = $1 AND node_name = ANY($2::text[]) ORDER BY node_name, batch_index`,
      [jobId, nodeNames],
    );
    for (const r of rows) out[r.node_name].push({ batchIndex: r.batch_index, state: r.state, result: r.result, ...(r.context !== null ? { context: r.context } : {}) });
    return out;
  }

  async resultTasks(sql: Sql, jobId: string, nodeNames: string[]): Promise<ResultTask[]> {
    const rows = await sql.query<{ node_name: string; algorithm_name: string; batch_index: number | null; state: TaskState; result: unknown; error: unknown; context: unknown }>(
      `SELECT node_name, algorithm_name, batch_index, state, result, error, context FROM tasks
        WHERE job_id = $1 AND node_name = ANY($2::text[]) ORDER BY node_name, batch_index`,
      [jobId, nodeNames],
    );
    return rows.map((r) => ({
      nodeName: r.node_name,
      algorithmName: r.algorithm_name,
      batchIndex: r.batch_index,
      state: r.state,
      result: r.result,
      error: r.error,
      ...(r.context !== null ? { context: r.context } : {}),
    }));
  }
}
