import type { Sql } from '../../database/db';
import type { StoredPipeline } from '../domain/stored-pipeline';

// ---------------------------------------------------------------- statements (stored_pipelines, trigger_receipts)

/**
 * Stored pipelines are named per project: an admin key's are Herald's own (project_id NULL),
 * a project key's are its project's; each statement names which (`$1` the project, when any).
 */
const COLUMNS = 'name, project_id, definition, triggers, created_at, updated_at';

export const INSERT_PIPELINE = `
INSERT INTO stored_pipelines (name, project_id, definition, triggers, created_at, updated_at) VALUES ($2, $1, $3, $4, $5, $5)
ON CONFLICT (project_id, name) DO NOTHING RETURNING name`;

const ofNamespace = (project: string) => ({
  update: `UPDATE stored_pipelines SET definition = $3, triggers = $4, updated_at = $5 WHERE ${project} AND name = $2 RETURNING name`,
  delete: `DELETE FROM stored_pipelines WHERE ${project} AND name = $2 RETURNING name`,
  get: `SELECT ${COLUMNS} FROM stored_pipelines WHERE ${project} AND name = $2`,
});
/** Herald's own pipelines ($1 is NULL: an admin's namespace). */
export const GLOBAL = ofNamespace('project_id IS NULL AND $1::text IS NULL');
export const OF_PROJECT = ofNamespace('project_id = $1');

export const LIST_ALL = `SELECT ${COLUMNS} FROM stored_pipelines ORDER BY project_id NULLS FIRST, name LIMIT 1000`;
export const LIST_OF_PROJECT = `SELECT ${COLUMNS} FROM stored_pipelines WHERE project_id = $1 ORDER BY name LIMIT 1000`;

/** `project_id` '' is no project (a key column cannot be NULL; project ids are never empty). */
export const CLAIM_RECEIPT = `
WITH ins AS (
  INSERT INTO trigger_receipts (project_id, pipeline_name, webhook_id, job_id, received_at) VALUES ($5, $1, $2, $3, $4)
  ON CONFLICT (project_id, pipeline_name, webhook_id) DO UPDATE SET job_id = EXCLUDED.job_id, received_at = EXCLUDED.received_at
   WHERE trigger_receipts.received_at < $4::timestamptz - interval '24 hours'
  RETURNING job_id)
SELECT job_id, true AS owned FROM ins
UNION ALL
SELECT job_id, false FROM trigger_receipts WHERE project_id = $5 AND pipeline_name = $1 AND webhook_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`;

export const RECEIPT = 'SELECT job_id FROM trigger_receipts WHERE project_id = $3 AND pipeline_name = $1 AND webhook_id = $2';

interface Row {
  name: string;
  project_id: string | null;
  definition: Record<string, unknown>;
  triggers: StoredPipeline['triggers'] | null;
  created_at: Date;
  updated_at: Date;
}

const toPipeline = (r: Row): StoredPipeline => ({
  name: r.name,
  ...(r.project_id !== null ? { projectId: r.project_id } : {}),
  definition: r.definition,
  ...(r.triggers ? { triggers: r.triggers } : {}),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const namespace = (projectId: string | null) => (projectId === null ? GLOBAL : OF_PROJECT);

/** All SQL of stored pipelines and trigger receipts. `projectId`: the namespace (null: Herald's own, an admin's). */
export class TriggersRepository {
  /** False when a pipeline of that name exists already in that namespace. */
  async insert(sql: Sql, projectId: string | null, p: StoredPipeline, at: Date): Promise<boolean> {
    const rows = await sql.query(INSERT_PIPELINE, [projectId, p.name, JSON.stringify(p.definition), p.triggers ? JSON.stringify(p.triggers) : null, at]);
    return rows.length === 1;
  }

  async update(sql: Sql, projectId: string | null, p: StoredPipeline, at: Date): Promise<boolean> {
    const rows = await sql.query(namespace(projectId).update, [projectId, p.name, JSON.stringify(p.definition), p.triggers ? JSON.stringify(p.triggers) : null, at]);
    return rows.length === 1;
  }

  async delete(sql: Sql, projectId: string | null, name: string): Promise<boolean> {
    return (await sql.query(namespace(projectId).delete, [projectId, name])).length === 1;
  }

  async get(sql: Sql, projectId: string | null, name: string): Promise<StoredPipeline | undefined> {
    const rows = await sql.query<Row>(namespace(projectId).get, [projectId, name]);
    return rows[0] && toPipeline(rows[0]);
  }

  /** Every stored pipeline (an admin), or one project's. */
  async list(sql: Sql, projectId: string | null): Promise<StoredPipeline[]> {
    const rows = projectId === null ? await sql.query<Row>(LIST_ALL) : await sql.query<Row>(LIST_OF_PROJECT, [projectId]);
    return rows.map(toPipeline);
  }

  /**
   * Records a trigger webhook's id for the job it starts. Returns undefined when this request
   * owns the id (new, or last seen more than 24 h ago), else the job the first one started.
   * Two requests with one id serialise on the row: the second waits and then sees the first.
   */
  async claimReceipt(sql: Sql, projectId: string | null, pipeline: string, webhookId: string, jobId: string, at: Date): Promise<string | undefined> {
    const project = projectId ?? '';
    const rows = await sql.query<{ job_id: string; owned: boolean }>(CLAIM_RECEIPT, [pipeline, webhookId, jobId, at, project]);
    const row = rows[0];
    if (row) return row.owned ? undefined : row.job_id;
    // A concurrent request inserted the id after this statement's snapshot: read it now.
    const again = await sql.query<{ job_id: string }>(RECEIPT, [pipeline, webhookId, project]);
    return again[0]?.job_id;
  }
}
