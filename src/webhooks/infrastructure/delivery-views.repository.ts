import type { Db, Sql } from '../../database/db';
import type { DeliveryPageKey } from '../domain/delivery-cursor';
import type { MessageStatus, PayloadFormat } from '../domain/subscription.types';
import type { AttemptView, MessageView } from '../webhook.views';

// ---------------------------------------------------------------- statements (API reads of messages and attempts)

const MESSAGE_COLUMNS = `m.id, m.subscription_id, m.job_id, m.event_position, m.event_type, m.kind, m.status, m.attempts,
  m.next_attempt_at, m.last_status_code, m.last_error, m.superseded_by, m.created_at, m.updated_at, m.delivered_at,
  m.body, s.url`;

/**
 * Newest first (created_at, event position, then id: unique, so a page ends exactly where the
 * next begins), from the page key in $4-$6 on (the first page's key sorts before every row,
 * domain/delivery-cursor.ts). One variant per filter that picks the index: a project's messages
 * by webhook_messages_project_idx, a subscription's by webhook_messages_subscription_page_idx
 * (its whole order: a page reads `limit` entries, never the subscription's other messages).
 * Run under PLAN_FOR_VALUES.
 */
const listMessages = (only: string) => `
SELECT ${MESSAGE_COLUMNS}, to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key
  FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
 WHERE ($1::text IS NULL OR m.job_id = $1) AND ($2::text IS NULL OR m.status = $2)
   AND (m.created_at, m.event_position, m.id) < ($4::timestamptz, $5::bigint, $6::uuid) ${only}
 ORDER BY m.created_at DESC, m.event_position DESC, m.id DESC LIMIT $3`;
export const LIST_MESSAGES = listMessages('');
/** A project's messages only (webhook_messages.project_id: its jobs' and channels' messages), by its own index. */
export const LIST_PROJECT_MESSAGES = listMessages('AND m.project_id = $7');
/** One subscription's messages. */
export const LIST_SUBSCRIPTION_MESSAGES = listMessages('AND m.subscription_id = $7');
/** One subscription's messages, of a project (another project's subscription: none). */
export const LIST_PROJECT_SUBSCRIPTION_MESSAGES = listMessages('AND m.subscription_id = $7 AND m.project_id = $8');

/**
 * The list statements are planned for each call's values, never by a cached generic plan: one
 * cannot tell a subscription (or project) of 100,000 messages from one of ten, and for a small
 * one it would read them all by bitmap and sort them, which for a large one is a read of its
 * whole history per page. Planning a list read costs a fraction of a millisecond.
 */
export const PLAN_FOR_VALUES = `SET LOCAL plan_cache_mode = force_custom_plan`;

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

/** A listed message: its view and its page key. */
export interface ListedMessage {
  view: MessageView;
  key: DeliveryPageKey;
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
  /**
   * Up to `limit` messages after `after` (a page key), newest first; with `projectId`, that
   * project's messages only; with `subscriptionId`, that subscription's only.
   */
  async listMessages(
    db: Db,
    filter: { jobId?: string; status?: MessageStatus; subscriptionId?: string; after: DeliveryPageKey; limit: number; projectId: string | null },
  ): Promise<ListedMessage[]> {
    const params: unknown[] = [filter.jobId ?? null, filter.status ?? null, filter.limit, filter.after.createdAt, filter.after.eventPosition, filter.after.id];
    const own = filter.projectId === null ? [] : [filter.projectId];
    const [text, values] =
      filter.subscriptionId === undefined
        ? [filter.projectId === null ? LIST_MESSAGES : LIST_PROJECT_MESSAGES, [...params, ...own]]
        : [filter.projectId === null ? LIST_SUBSCRIPTION_MESSAGES : LIST_PROJECT_SUBSCRIPTION_MESSAGES, [...params, filter.subscriptionId, ...own]];
    const rows = await db.tx(async (tx) => {
      tx.defer(tx.query(PLAN_FOR_VALUES));
      return tx.query<MessageRow & { created_key: string }>(text, values);
    });
    return rows.map((r) => ({ view: toMessageView(r), key: { createdAt: r.created_key, eventPosition: r.event_position, id: r.id } }));
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
