import type { Sql } from '../../database/db';

// ---------------------------------------------------------------- statements (jobs, stream_tokens)

/** The projects of job streams (an events stream confined to a project filters by them): one statement per batch of the log. */
export const PROJECTS_OF_JOBS = `SELECT job_id, project_id FROM jobs WHERE job_id = ANY($1::text[])`;

/** A new token; expired ones (by the same clock) go in the same statement. */
export const INSERT_TOKEN = `
WITH expired AS (DELETE FROM stream_tokens WHERE expires_at <= $5)
INSERT INTO stream_tokens (token_hash, job_id, project_id, key_id, created_at, expires_at)
VALUES ($1, $2, $3, $4::uuid, $5, $6)`;

/** A token for this job, not expired, whose key (if a project key asked for it) still exists. */
export const TOKEN_FOR_JOB = `
SELECT t.project_id, t.key_id::text AS key_id FROM stream_tokens t
 WHERE t.token_hash = $1 AND t.job_id = $2 AND t.expires_at > $3
   AND (t.key_id IS NULL OR EXISTS (SELECT 1 FROM api_keys k WHERE k.id = t.key_id))`;

export interface TokenGrant {
  projectId: string | null;
  keyId: string | null;
}

/** The reads and writes of live streams beyond the event store's own. */
export class StreamsRepository {
  async projectsOf(sql: Sql, jobIds: string[]): Promise<Map<string, string | null>> {
    const rows = await sql.query<{ job_id: string; project_id: string | null }>(PROJECTS_OF_JOBS, [jobIds]);
    return new Map(rows.map((r) => [r.job_id, r.project_id]));
  }

  async insertToken(sql: Sql, t: { digest: Buffer; jobId: string; projectId: string | null; keyId: string | null }, at: Date, expiresAt: Date): Promise<void> {
    await sql.query(INSERT_TOKEN, [t.digest, t.jobId, t.projectId, t.keyId, at, expiresAt]);
  }

  async tokenFor(sql: Sql, digest: Buffer, jobId: string, at: Date): Promise<TokenGrant | undefined> {
    const rows = await sql.query<{ project_id: string | null; key_id: string | null }>(TOKEN_FOR_JOB, [digest, jobId, at]);
    return rows[0] ? { projectId: rows[0].project_id, keyId: rows[0].key_id } : undefined;
  }
}
