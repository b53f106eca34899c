import type { Sql } from '../../database/db';
import type { StoredPipeline } from '../domain/stored-pipeline';

interface Row {
  name: string;
  definition: Record<string, unknown>;
  triggers: StoredPipeline['triggers'] | null;
  created_at: Date;
  updated_at: Date;
}

const toPipeline = (r: Row): StoredPipeline => ({
  name: r.name,
  definition: r.definition,
  ...(r.triggers ? { triggers: r.triggers } : {}),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** All SQL of stored pipelines and trigger receipts. */
export class TriggersRepository {
  /** False when a pipeline of that name exists already. */
  async insert(sql: Sql, p: StoredPipeline, at: Date): Promise<boolean> {
    const rows = await sql.query(
      `INSERT INTO stored_pipelines (name, definition, triggers, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      [p.name, JSON.stringify(p.definition), p.triggers ? JSON.stringify(p.triggers) : null, at],
    );
    return rows.length === 1;
  }

  async update(sql: Sql, p: StoredPipeline, at: Date): Promise<boolean> {
    const rows = await sql.query(`UPDATE stored_pipelines SET definition = $2, triggers = $3, updated_at = $4 WHERE name = $1 RETURNING name`, [
      p.name,
      JSON.stringify(p.definition),
      p.triggers ? JSON.stringify(p.triggers) : null,
      at,
    ]);
    return rows.length === 1;
  }

  async delete(sql: Sql, name: string): Promise<boolean> {
    return (await sql.query('DELETE FROM stored_pipelines WHERE name = $1 RETURNING name', [name])).length === 1;
  }

  async get(sql: Sql, name: string): Promise<StoredPipeline | undefined> {
    const rows = await sql.query<Row>('SELECT name, definition, triggers, created_at, updated_at FROM stored_pipelines WHERE name = $1', [name]);
    return rows[0] && toPipeline(rows[0]);
  }

  async list(sql: Sql): Promise<StoredPipeline[]> {
    const rows = await sql.query<Row>('SELECT name, definition, triggers, created_at, updated_at FROM stored_pipelines ORDER BY name LIMIT 1000');
    return rows.map(toPipeline);
  }

  /**
   * Records a trigger webhook's id for the job it starts. Returns undefined when this request
   * owns the id (new, or last seen more than 24 h ago), else the job the first one started.
   * Two requests with one id serialise on the row: the second waits and then sees the first.
   */
  async claimReceipt(sql: Sql, pipeline: string, webhookId: string, jobId: string, at: Date): Promise<string | undefined> {
    const rows = await sql.query<{ job_id: string; owned: boolean }>(
      `WITH ins AS (
         INSERT INTO trigger_receipts (pipeline_name, webhook_id, job_id, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (pipeline_name, webhook_id) DO UPDATE SET job_id = EXCLUDED.job_id, received_at = EXCLUDED.received_at
          WHERE trigger_receipts.received_at < $4::timestamptz - interval '24 hours'
         RETURNING job_id)
       SELECT job_id, true AS owned FROM ins
       UNION ALL
       SELECT job_id, false FROM trigger_receipts WHERE pipeline_name = $1 AND webhook_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [pipeline, webhookId, jobId, at],
    );
    const row = rows[0];
    if (row) return row.owned ? undefined : row.job_id;
    // A concurrent request inserted the id after this statement's snapshot: read it now.
    const again = await sql.query<{ job_id: string }>('SELECT job_id FROM trigger_receipts WHERE pipeline_name = $1 AND webhook_id = $2', [pipeline, webhookId]);
    return again[0]?.job_id;
  }
}
