import type { Sql } from '../../database/db';
import type { QueueSettings } from '../domain/queue-request';

/** SQL of named queues: settings and request ids. */
export class QueuesRepository {
  async settings(sql: Sql, queueName: string): Promise<QueueSettings | undefined> {
    const rows = await sql.query<{ retry_limit: number; retry_delay_seconds: number; retry_backoff: boolean; lease_seconds: number }>(
      'SELECT retry_limit, retry_delay_seconds, retry_backoff, lease_seconds FROM queue_settings WHERE queue_name = $1',
      [queueName],
    );
    const r = rows[0];
    return r && { queueName, retryLimit: r.retry_limit, retryDelaySeconds: r.retry_delay_seconds, retryBackoff: r.retry_backoff, leaseSeconds: r.lease_seconds };
  }

  async saveSettings(sql: Sql, s: QueueSettings): Promise<void> {
    await sql.query(
      `INSERT INTO queue_settings (queue_name, retry_limit, retry_delay_seconds, retry_backoff, lease_seconds, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (queue_name) DO UPDATE SET retry_limit = excluded.retry_limit, retry_delay_seconds = excluded.retry_delay_seconds,
         retry_backoff = excluded.retry_backoff, lease_seconds = excluded.lease_seconds, updated_at = now()`,
      [s.queueName, s.retryLimit, s.retryDelaySeconds, s.retryBackoff, s.leaseSeconds],
    );
  }

  async nextRequestId(sql: Sql): Promise<string> {
    const [row] = await sql.query<{ id: string }>(`SELECT nextval('queue_request_id_seq')::text AS id`);
    return row.id;
  }
}
