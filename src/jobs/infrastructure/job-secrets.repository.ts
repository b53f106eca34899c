import type { Sql } from '../../database/db';
import type { SpecSecrets } from '../domain/spec-secrets';

// ---------------------------------------------------------------- statements (job_secrets)

/** Written in the job.submitted append's transaction; never changed, never read back through the API. */
export const INSERT_SECRETS = `INSERT INTO job_secrets (job_id, secrets, created_at) VALUES ($1, $2, $3)`;

/**
 * job_secrets: the secrets of a job's request that its events carry masked (domain/spec-secrets.ts).
 * They are read with the job's spec (JobsRepository.getSpec joins them) by the code that sends requests.
 */
export class JobSecretsRepository {
  insert(sql: Sql, jobId: string, secrets: SpecSecrets, at: Date): Promise<unknown> {
    return sql.query(INSERT_SECRETS, [jobId, JSON.stringify(secrets), at]);
  }
}
