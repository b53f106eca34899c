import type { Sql } from '../../database/db';
import type { SourceTask } from '../domain/caching-run';
import type { CachedTask } from '../domain/job.events';
import type { JobSummary, TaskState } from '../domain/job.state';
import type { PipelineSpec } from '../domain/pipeline.types';
import { withSecrets, type SpecSecrets } from '../domain/spec-secrets';

/** The job a caching run starts from: its summary and its request with the secrets kept apart (job_secrets); the project form for a project key. */
const cachingSource = (project: string) =>
  `SELECT j.summary, j.spec, s.secrets FROM jobs j LEFT JOIN job_secrets s ON s.job_id = j.job_id WHERE j.job_id = $1 ${project}`;
export const CACHING_SOURCE = cachingSource('');
export const PROJECT_CACHING_SOURCE = cachingSource('AND j.project_id = $2');

/** The items of the nodes a caching run takes, as the original job's tasks hold them. */
export const SOURCE_TASKS = `
SELECT node_name, batch_index, state, input, result, error, context FROM tasks
 WHERE job_id = $1 AND node_name = ANY($2::text[])
 ORDER BY node_name, batch_index`;

/** A caching run's cached items: ended at submission (never pending, so no worker acquires them). */
export const INSERT_CACHED_TASKS = `
INSERT INTO tasks (task_id, job_id, kind, node_name, algorithm_name, batch_index, batch_id, input, state,
                   result, error, context, priority, attempt, available_at, created_at, updated_at, project_id)
SELECT x.task_id, $1, $2, $3, $4, x.batch_index,
       CASE WHEN x.batch_index IS NULL THEN NULL ELSE $3 || '#' || x.batch_index END,
       x.input, x.state, x.result, x.error, x.context, $5, 0, $6, $6, $6, $7
  FROM unnest($8::uuid[], $9::int[], $10::jsonb[], $11::text[], $12::jsonb[], $13::jsonb[], $14::jsonb[])
       AS x(task_id, batch_index, input, state, result, error, context)`;

const INSERT_CHUNK = 5000;
/** jsonb of a value, SQL NULL for none (a failed item has no result, a succeeded one no error). */
const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** The SQL of caching runs (exec/caching): reading the job they start from, writing their cached tasks. */
export class CachedTasksRepository {
  /** A job with its request (secrets included); with `projectId`, only one of that project's. */
  async findSource(sql: Sql, jobId: string, projectId: string | null): Promise<{ summary: JobSummary; spec: PipelineSpec } | undefined> {
    const rows = await sql.query<{ summary: JobSummary; spec: PipelineSpec; secrets: SpecSecrets | null }>(
      projectId === null ? CACHING_SOURCE : PROJECT_CACHING_SOURCE,
      projectId === null ? [jobId] : [jobId, projectId],
    );
    return rows[0] && { summary: rows[0].summary, spec: withSecrets(rows[0].spec, rows[0].secrets ?? undefined) };
  }

  /** The tasks of these nodes of a job, by node. */
  async sourceTasks(sql: Sql, jobId: string, nodeNames: string[]): Promise<Record<string, SourceTask[]>> {
    const out: Record<string, SourceTask[]> = Object.fromEntries(nodeNames.map((n) => [n, []]));
    if (nodeNames.length === 0) return out;
    const rows = await sql.query<{ node_name: string; batch_index: number | null; state: TaskState; input: unknown; result: unknown; error: unknown; context: unknown }>(SOURCE_TASKS, [jobId, nodeNames]);
    for (const r of rows) out[r.node_name].push({ batchIndex: r.batch_index, state: r.state, input: r.input, result: r.result, error: r.error, context: r.context });
    return out;
  }

  /** Issues every chunk at once (pipelined on a transaction), so callers need not await. */
  insert(sql: Sql, job: { jobId: string; projectId?: string }, kind: string, nodeName: string, algorithmName: string, priority: number, tasks: readonly CachedTask[], at: string): Promise<void> {
    const chunks: Promise<unknown>[] = [];
    for (let i = 0; i < tasks.length; i += INSERT_CHUNK) {
      const chunk = tasks.slice(i, i + INSERT_CHUNK);
      chunks.push(
        sql.query(INSERT_CACHED_TASKS, [
          job.jobId,
          kind,
          nodeName,
          algorithmName,
          priority,
          at,
          job.projectId ?? null,
          chunk.map((t) => t.taskId),
          chunk.map((t) => t.batchIndex),
          chunk.map((t) => JSON.stringify(t.input ?? null)),
          chunk.map((t) => t.state),
          chunk.map((t) => (t.state === 'succeed' ? JSON.stringify(t.result ?? null) : null)),
          chunk.map((t) => json(t.error)),
          chunk.map((t) => json(t.context)),
        ]),
      );
    }
    return Promise.all(chunks).then(() => undefined);
  }
}
