import type { Sql } from '../../database/db';
import type { AttemptRecord, EndpointRow } from '../domain/delivery-records';

// ---------------------------------------------------------------- statements (webhook_attempts, webhook_endpoints)

export const INSERT_ATTEMPTS = `
INSERT INTO webhook_attempts (message_id, subscription_id, job_id, event_position, attempt, url, status_code,
                              status_message, response_body, duration_ms, error_code, outcome, attempted_at, next_attempt_at,
                              endpoint_state)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::int[],
                     $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[],
                     $15::text[])`;

export const SAVE_ENDPOINTS = `
INSERT INTO webhook_endpoints (endpoint, state, concurrency, consecutive_failures, retry_at, last_error, updated_at)
SELECT x.*, $7 FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::timestamptz[], $6::text[])
  AS x(endpoint, state, concurrency, consecutive_failures, retry_at, last_error)
ON CONFLICT (endpoint) DO UPDATE SET state = excluded.state, concurrency = excluded.concurrency,
  consecutive_failures = excluded.consecutive_failures, retry_at = excluded.retry_at,
  last_error = coalesce(excluded.last_error, webhook_endpoints.last_error), updated_at = excluded.updated_at`;

export const ENDPOINTS = `SELECT endpoint, state, concurrency, consecutive_failures, retry_at, last_error FROM webhook_endpoints WHERE endpoint = ANY($1::text[])`;

/** The attempt log (append-only) and the endpoints' latest health, as delivery writes them. */
export class AttemptsRepository {
  async insertAttempts(sql: Sql, attempts: AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return;
    await sql.query(INSERT_ATTEMPTS, [
      attempts.map((a) => a.messageId),
      attempts.map((a) => a.subscriptionId),
      attempts.map((a) => a.jobId),
      attempts.map((a) => a.eventPosition),
      attempts.map((a) => a.attempt),
      attempts.map((a) => a.url),
      attempts.map((a) => a.statusCode),
      attempts.map((a) => a.statusMessage),
      attempts.map((a) => a.responseBody),
      attempts.map((a) => a.durationMs),
      attempts.map((a) => a.errorCode),
      attempts.map((a) => a.outcome),
      attempts.map((a) => a.attemptedAt),
      attempts.map((a) => a.nextAttemptAt),
      attempts.map((a) => a.endpointState),
    ]);
  }

  /** The endpoints' latest states as the delivery workers saw them (last writer wins). */
  async saveEndpoints(sql: Sql, rows: EndpointRow[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await sql.query(SAVE_ENDPOINTS, [
      rows.map((r) => r.endpoint),
      rows.map((r) => r.state),
      rows.map((r) => r.concurrency),
      rows.map((r) => r.consecutiveFailures),
      rows.map((r) => r.retryAt),
      rows.map((r) => r.lastError),
      at,
    ]);
  }

  async endpoints(sql: Sql, endpoints: string[]): Promise<Map<string, EndpointRow>> {
    if (endpoints.length === 0) return new Map();
    const rows = await sql.query<{ endpoint: string; state: EndpointRow['state']; concurrency: number; consecutive_failures: number; retry_at: Date | null; last_error: string | null }>(ENDPOINTS, [endpoints]);
    return new Map(rows.map((r) => [r.endpoint, { endpoint: r.endpoint, state: r.state, concurrency: r.concurrency, consecutiveFailures: r.consecutive_failures, retryAt: r.retry_at, lastError: r.last_error }]));
  }
}
