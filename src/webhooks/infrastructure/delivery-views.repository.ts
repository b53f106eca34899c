import type { Sql } from '../../database/db';
import type { MessageStatus, PayloadFormat } from '../domain/subscription.types';
import type { AttemptView, MessageView } from '../webhook.views';

// ---------------------------------------------------------------- statements (API reads of messages and attempts)

const MESSAGE_COLUMNS = `m.id, m.subscription_id, m.job_id, m.event_position, m.event_type, m.kind, m.status, m.attempts,
  m.next_attempt_at, m.last_status_code, m.last_error, m.superseded_by, m.created_at, m.updated_at, m.delivered_at,
  m.body, s.url`;

const listMessages = (project: string) => `
SELECT ${MESSAGE_COLUMNS} FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
 WHERE ($1::text IS NULL OR m.job_id = $1) AND ($2::text IS NULL OR m.status = $2) ${project}
 ORDER BY m.created_at DESC, m.event_position DESC LIMIT $3`;
export const LIST_MESSAGES = listMessages('');
/** A project's messages only (webhook_messages.project_id: its jobs' and channels' messages), by its own index. */
export const LIST_PROJECT_MESSAGES = listMessages('AND m.project_id = $4');

export const GET_MESSAGE = `SELECT ${MESSAGE_COLUMNS} FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id WHERE m.id = $1`;
export const GET_PROJECT_MESSAGE = `${GET_MESSAGE} AND m.project_id = $2`;

export const LATEST_OF_KIND = `
SELECT ${MESSAGE_COLUMNS} FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
 WHERE m.job_id = $1 AND m.kind = $2 AND m.status <> 'superseded'
 ORDER BY m.event_position DESC LIMIT 1`;

export const ATTEMPTS_OF = `
SELECT attempt, url, status_code, status_message, response_body, duration_ms, error_code, outcome, attempted_at, next_attempt_at, endpoint_state
  FROM webhook_attempts WHERE message_id = $1 ORDER BY attempt, id`;

interface MessageRow {
  id: string;
  subscription_id: string;
  job_id: string;
  event_position: number;
  event_type: string;
  kind: PayloadFormat;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  superseded_by: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
  body: string;
  url: string;
}

function toMessageView(r: MessageRow): MessageView {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    jobId: r.job_id,
    eventPosition: r.event_position,
    eventType: r.event_type,
    kind: r.kind,
    url: r.url,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    supersededBy: r.superseded_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
    payload: JSON.parse(r.body),
  };
}

/** What the deliveries API reads: messages with their target, and each message's attempt log. */
export class DeliveryViewsRepository {
  /** Newest first; with `projectId`, that project's messages only. */
  async listMessages(sql: Sql, filter: { jobId?: string; status?: MessageStatus; limit: number; projectId: string | null }): Promise<MessageView[]> {
    const params = [filter.jobId ?? null, filter.status ?? null, filter.limit];
    const rows = await sql.query<MessageRow>(filter.projectId === null ? LIST_MESSAGES : LIST_PROJECT_MESSAGES, filter.projectId === null ? params : [...params, filter.projectId]);
    return rows.map(toMessageView);
  }

  /** A message by id; with `projectId`, only one of that project's. */
  async getMessage(sql: Sql, id: string, projectId: string | null): Promise<MessageView | undefined> {
    const rows = await sql.query<MessageRow>(projectId === null ? GET_MESSAGE : GET_PROJECT_MESSAGE, projectId === null ? [id] : [id, projectId]);
    return rows[0] && toMessageView(rows[0]);
  }

  /** Latest delivery of a kind for a job (the pipeline engine's webhook status routes). */
  async latestOfKind(sql: Sql, jobId: string, kind: PayloadFormat): Promise<MessageView | undefined> {
    const rows = await sql.query<MessageRow>(LATEST_OF_KIND, [jobId, kind]);
    return rows[0] && toMessageView(rows[0]);
  }

  async attemptsOf(sql: Sql, messageId: string): Promise<AttemptView[]> {
    const rows = await sql.query<Record<string, unknown>>(ATTEMPTS_OF, [messageId]);
    return rows.map((r) => ({
      attempt: r.attempt as number,
      url: r.url as string,
      statusCode: r.status_code as number | null,
      statusMessage: r.status_message as string | null,
      responseBody: r.response_body as string | null,
      durationMs: r.duration_ms as number,
      errorCode: r.error_code as string | null,
      outcome: r.outcome as string,
      attemptedAt: (r.attempted_at as Date).toISOString(),
      nextAttemptAt: r.next_attempt_at ? (r.next_attempt_at as Date).toISOString() : null,
      endpointState: (r.endpoint_state as string | null) ?? 'healthy',
    }));
  }
}
