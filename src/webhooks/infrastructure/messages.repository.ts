import type { Sql } from '../../database/db';
import type { MessageUpdate, NewMessage } from '../domain/delivery-records';

// ---------------------------------------------------------------- statements (webhook_messages writes)

/** `position`: how a row's event position is found from `x.event_ref`; `join`: what that needs. */
const insertMessages = (position: string, join: string) => `
INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, job_token, project_id, trace_parent, correlation_id, status, created_at, updated_at)
SELECT x.id, x.subscription_id, x.job_id, ${position}, x.event_type, x.kind, x.ordering, x.body, x.job_token, x.project_id, x.trace_parent, x.correlation_id, 'pending', $9, $9
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $10::uuid[], $11::text[], $12::text[], $13::text[])
    AS x(id, subscription_id, job_id, event_ref, event_type, kind, ordering, body, job_token, project_id, trace_parent, correlation_id)
  ${join}`;

/** Messages whose events are named by global position. */
export const INSERT_MESSAGES = insertMessages('x.event_ref', '');

/**
 * Messages whose events are named by stream version, looked up by (stream, version): one index
 * lookup per message, whatever plan is cached (LIMIT keeps the planner from turning it into a
 * join that scans events when the table looks small). A message whose event is not stored is left out.
 */
export const INSERT_MESSAGES_OF_VERSIONS = insertMessages(
  'e.global_position',
  'CROSS JOIN LATERAL (SELECT global_position FROM events WHERE stream_id = x.job_id AND version = x.event_ref LIMIT 1) e',
);

export const UPDATE_MESSAGES = `
UPDATE webhook_messages m SET
   status = x.status,
   attempts = coalesce(x.attempts, m.attempts),
   next_attempt_at = x.next_attempt_at,
   last_status_code = coalesce(x.last_status_code, m.last_status_code),
   last_error = coalesce(x.last_error, m.last_error),
   delivered_at = coalesce(x.delivered_at, m.delivered_at),
   superseded_by = coalesce(x.superseded_by, m.superseded_by),
   job_token = coalesce(x.job_token, m.job_token),
   updated_at = $9
 FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::int[], $6::text[], $7::timestamptz[], $8::uuid[], $10::uuid[])
   AS x(id, status, attempts, next_attempt_at, last_status_code, last_error, delivered_at, superseded_by, job_token)
WHERE m.id = x.id`;

export const RESET_FOR_RESEND = `
UPDATE webhook_messages SET status = 'pending', next_attempt_at = $4, updated_at = $4, job_token = gen_random_uuid()
 WHERE ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
   AND ($2::timestamptz IS NULL OR (status = 'failed' AND updated_at >= $2))
   AND ($3::text IS NULL OR job_id = $3)
   AND ($5::text IS NULL OR project_id = $5)
 RETURNING id, job_token`;

function messageParams(eventRef: number[], messages: Array<Omit<NewMessage, 'eventPosition'>>, at: Date): unknown[] {
  return [
    messages.map((m) => m.id),
    messages.map((m) => m.subscriptionId),
    messages.map((m) => m.jobId),
    eventRef,
    messages.map((m) => m.eventType),
    messages.map((m) => m.kind),
    messages.map((m) => m.ordering),
    messages.map((m) => m.body),
    at,
    messages.map((m) => m.jobToken),
    messages.map((m) => m.projectId ?? null),
    messages.map((m) => m.traceParent ?? null),
    messages.map((m) => m.correlationId ?? null),
  ];
}

/** webhook_messages: created by fan-out, moved on by delivery, reset by resends. (Taking them is take-messages.statement.ts.) */
export class MessagesRepository {
  /** Inserts messages (their events named by global position). */
  insertMessages(sql: Sql, messages: NewMessage[], at: Date): Promise<unknown> {
    if (messages.length === 0) return Promise.resolve();
    return sql.query(INSERT_MESSAGES, messageParams(messages.map((m) => m.eventPosition), messages, at));
  }

  /**
   * Inserts messages whose events are named by stream version (job id + version) rather than
   * global position: for a fan-out sent before the append's positions came back (see FanoutWorker.chain).
   */
  insertMessagesOfVersions(sql: Sql, messages: Array<Omit<NewMessage, 'eventPosition'> & { eventVersion: number }>, at: Date): Promise<unknown> {
    if (messages.length === 0) return Promise.resolve();
    return sql.query(INSERT_MESSAGES_OF_VERSIONS, messageParams(messages.map((m) => m.eventVersion), messages, at));
  }

  async updateMessages(sql: Sql, updates: MessageUpdate[], at: Date): Promise<void> {
    if (updates.length === 0) return;
    await sql.query(UPDATE_MESSAGES, [
      updates.map((u) => u.id),
      updates.map((u) => u.status),
      updates.map((u) => u.attempts),
      updates.map((u) => u.nextAttemptAt),
      updates.map((u) => u.lastStatusCode),
      updates.map((u) => u.lastError),
      updates.map((u) => u.deliveredAt),
      updates.map((u) => u.supersededBy),
      at,
      updates.map((u) => u.jobToken),
    ]);
  }

  /** Marks messages pending again for a manual resend / recovery (with `projectId`, only that project's); returns the ids it reset. */
  async resetForResend(sql: Sql, filter: { ids?: string[]; failedSince?: Date; jobId?: string; projectId: string | null }, at: Date): Promise<Array<{ id: string; jobToken: string }>> {
    const rows = await sql.query<{ id: string; job_token: string }>(RESET_FOR_RESEND, [filter.ids ?? null, filter.failedSince ?? null, filter.jobId ?? null, at, filter.projectId]);
    return rows.map((r) => ({ id: r.id, jobToken: r.job_token }));
  }
}
