import type { Sql } from '../../database/db';
import type { Level } from '../../event-store/event.types';
import type { MessageStatus, Ordering, PayloadFormat, Subscription, SubscriptionScope } from '../domain/subscription.types';

export interface NewSubscription {
  id: string;
  scope: SubscriptionScope;
  scopeId: string;
  url: string;
  headers: Record<string, string>;
  secret: string | null;
  format: PayloadFormat;
  eventTypes: string[] | null;
  minLevel: Level;
}

export interface NewMessage {
  id: string;
  subscriptionId: string;
  jobId: string;
  eventPosition: number;
  eventType: string;
  kind: PayloadFormat;
  ordering: Ordering;
  body: string;
  jobToken: string;
}

/** A message to attempt, with its subscription, as the delivery worker loads it. */
export interface LoadedMessage {
  id: string;
  jobId: string;
  eventPosition: number;
  eventType: string;
  kind: PayloadFormat;
  ordering: Ordering;
  body: string;
  status: MessageStatus;
  attempts: number;
  jobToken: string;
  /** A newer latest-wins message exists for the same subscription and job. */
  newer: boolean;
  /** An earlier message it must follow has not had its first attempt yet (see Ordering). */
  blocked: boolean;
  subscription: Subscription;
}

export interface AttemptRecord {
  messageId: string;
  subscriptionId: string;
  jobId: string;
  eventPosition: number;
  attempt: number;
  url: string;
  statusCode: number | null;
  statusMessage: string | null;
  responseBody: string | null;
  durationMs: number;
  errorCode: string | null;
  outcome: 'delivered' | 'retrying' | 'failed' | 'disabled';
  attemptedAt: Date;
  nextAttemptAt: Date | null;
}

export interface MessageUpdate {
  id: string;
  status: MessageStatus;
  attempts: number | null;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  supersededBy: string | null;
  /** New token when a new pg-boss job takes over the message (retry, deferral); null keeps it. */
  jobToken: string | null;
}

export interface SubscriptionCall {
  id: string;
  lastCall: { statusCode: number | null; message: string; date: string };
  lastError?: { statusCode: number | null; message: string; body: unknown; date: string };
  disableReason?: string;
}

interface SubscriptionRow {
  id: string;
  scope: SubscriptionScope;
  scope_id: string;
  url: string;
  headers: Record<string, string>;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  format: PayloadFormat;
  event_types: string[] | null;
  min_level: Level;
  status: 'active' | 'disabled';
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    scope: r.scope,
    scopeId: r.scope_id,
    url: r.url,
    headers: r.headers,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at?.toISOString() ?? null,
    format: r.format,
    eventTypes: r.event_types,
    minLevel: r.min_level,
    status: r.status,
  };
}

const SUB_COLUMNS = `s.id, s.scope, s.scope_id, s.url, s.headers, s.secret, s.previous_secret,
  s.previous_secret_expires_at, s.format, s.event_types, s.min_level, s.status`;

/** All SQL of webhook subscriptions, messages and attempts. */
export class WebhooksRepository {
  async insertSubscriptions(sql: Sql, subs: NewSubscription[], at: Date): Promise<void> {
    if (subs.length === 0) return;
    await sql.query(
      `INSERT INTO webhook_subscriptions (id, scope, scope_id, url, headers, secret, format, event_types, min_level, created_at, updated_at)
       SELECT x.id, x.scope, x.scope_id, x.url, x.headers, x.secret, x.format,
              CASE WHEN x.event_types IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(x.event_types)) END,
              x.min_level, $10, $10
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::jsonb[], $9::text[])
           AS x(id, scope, scope_id, url, headers, secret, format, event_types, min_level)`,
      [
        subs.map((s) => s.id),
        subs.map((s) => s.scope),
        subs.map((s) => s.scopeId),
        subs.map((s) => s.url),
        subs.map((s) => JSON.stringify(s.headers)),
        subs.map((s) => s.secret),
        subs.map((s) => s.format),
        subs.map((s) => (s.eventTypes ? JSON.stringify(s.eventTypes) : null)),
        subs.map((s) => s.minLevel),
        at,
      ],
    );
  }

  /** Active subscriptions that cover these jobs. */
  async subscriptionsForJobs(sql: Sql, jobIds: string[]): Promise<Subscription[]> {
    const rows = await sql.query<SubscriptionRow>(
      `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
        WHERE s.scope = 'job' AND s.scope_id = ANY($1::text[]) AND s.status = 'active'
        ORDER BY s.created_at, s.id`,
      [jobIds],
    );
    return rows.map(toSubscription);
  }

  async insertMessages(sql: Sql, messages: NewMessage[], at: Date): Promise<void> {
    if (messages.length === 0) return;
    await sql.query(
      `INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, job_token, status, created_at, updated_at)
       SELECT x.id, x.subscription_id, x.job_id, x.event_position, x.event_type, x.kind, x.ordering, x.body, x.job_token, 'pending', $9, $9
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $10::uuid[])
           AS x(id, subscription_id, job_id, event_position, event_type, kind, ordering, body, job_token)`,
      [
        messages.map((m) => m.id),
        messages.map((m) => m.subscriptionId),
        messages.map((m) => m.jobId),
        messages.map((m) => m.eventPosition),
        messages.map((m) => m.eventType),
        messages.map((m) => m.kind),
        messages.map((m) => m.ordering),
        messages.map((m) => m.body),
        at,
        messages.map((m) => m.jobToken),
      ],
    );
  }

  /** Loads messages with their subscription and the ordering facts the worker decides on. */
  async loadMessages(sql: Sql, ids: string[]): Promise<LoadedMessage[]> {
    const rows = await sql.query<SubscriptionRow & {
      m_id: string; job_id: string; event_position: number; event_type: string; kind: PayloadFormat; ordering: Ordering;
      body: string; m_status: MessageStatus; attempts: number; job_token: string; newer: boolean; blocked: boolean;
    }>(
      `SELECT m.id AS m_id, m.job_id, m.event_position, m.event_type, m.kind, m.ordering, m.body,
              m.status AS m_status, m.attempts, m.job_token,
              (m.ordering = 'latest-wins' AND EXISTS (
                 SELECT 1 FROM webhook_messages n
                  WHERE n.subscription_id = m.subscription_id AND n.job_id = m.job_id
                    AND n.ordering = 'latest-wins' AND n.event_position > m.event_position)) AS newer,
              CASE m.ordering
                WHEN 'always' THEN EXISTS (
                  SELECT 1 FROM webhook_messages p
                   WHERE p.job_id = m.job_id AND p.ordering <> 'always'
                     AND p.event_position < m.event_position AND p.status = 'pending' AND p.attempts = 0)
                WHEN 'ordered' THEN EXISTS (
                  SELECT 1 FROM webhook_messages p
                   WHERE p.subscription_id = m.subscription_id AND p.job_id = m.job_id
                     AND p.event_position < m.event_position AND p.status = 'pending' AND p.attempts = 0)
                ELSE false END AS blocked,
              ${SUB_COLUMNS}
         FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
        WHERE m.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.m_id,
      jobId: r.job_id,
      eventPosition: r.event_position,
      eventType: r.event_type,
      kind: r.kind,
      ordering: r.ordering,
      body: r.body,
      status: r.m_status,
      attempts: r.attempts,
      jobToken: r.job_token,
      newer: r.newer,
      blocked: r.blocked,
      subscription: toSubscription(r),
    }));
  }

  /**
   * Moves each (subscription, job) stream's attempted position forward; returns the streams that
   * moved. A stream that already attempted a later event refuses, so attempts never go backwards.
   */
  async advanceStreams(sql: Sql, streams: Array<{ subscriptionId: string; jobId: string; position: number }>): Promise<Set<string>> {
    if (streams.length === 0) return new Set();
    const rows = await sql.query<{ subscription_id: string; job_id: string }>(
      `INSERT INTO webhook_streams (subscription_id, job_id, last_position)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
       ON CONFLICT (subscription_id, job_id) DO UPDATE SET last_position = excluded.last_position
        WHERE webhook_streams.last_position <= excluded.last_position
       RETURNING subscription_id, job_id`,
      [streams.map((s) => s.subscriptionId), streams.map((s) => s.jobId), streams.map((s) => s.position)],
    );
    return new Set(rows.map((r) => `${r.subscription_id}|${r.job_id}`));
  }

  async insertAttempts(sql: Sql, attempts: AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return;
    await sql.query(
      `INSERT INTO webhook_attempts (message_id, subscription_id, job_id, event_position, attempt, url, status_code,
                                     status_message, response_body, duration_ms, error_code, outcome, attempted_at, next_attempt_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::int[],
                            $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[])`,
      [
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
      ],
    );
  }

  async updateMessages(sql: Sql, updates: MessageUpdate[], at: Date): Promise<void> {
    if (updates.length === 0) return;
    await sql.query(
      `UPDATE webhook_messages m SET
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
       WHERE m.id = x.id`,
      [
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
      ],
    );
  }

  /** Last call / last error per subscription (seed 003), and 410 Gone disabling. */
  async recordCalls(sql: Sql, calls: SubscriptionCall[], at: Date): Promise<void> {
    if (calls.length === 0) return;
    await sql.query(
      `UPDATE webhook_subscriptions s SET
          last_call = x.last_call,
          last_error = coalesce(x.last_error, s.last_error),
          status = CASE WHEN x.disable_reason IS NULL THEN s.status ELSE 'disabled' END,
          disabled_reason = coalesce(x.disable_reason, s.disabled_reason),
          updated_at = CASE WHEN x.disable_reason IS NULL THEN s.updated_at ELSE $5 END
        FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[], $4::text[]) AS x(id, last_call, last_error, disable_reason)
       WHERE s.id = x.id`,
      [
        calls.map((c) => c.id),
        calls.map((c) => JSON.stringify(c.lastCall)),
        calls.map((c) => (c.lastError ? JSON.stringify(c.lastError) : null)),
        calls.map((c) => c.disableReason ?? null),
        at,
      ],
    );
  }

  // ------------------------------------------------------------ API reads

  async listMessages(sql: Sql, filter: { jobId?: string; status?: MessageStatus; limit: number }): Promise<MessageView[]> {
    const rows = await sql.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
        WHERE ($1::text IS NULL OR m.job_id = $1) AND ($2::text IS NULL OR m.status = $2)
        ORDER BY m.created_at DESC, m.event_position DESC LIMIT $3`,
      [filter.jobId ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map(toMessageView);
  }

  async getMessage(sql: Sql, id: string): Promise<MessageView | undefined> {
    const rows = await sql.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id WHERE m.id = $1`,
      [id],
    );
    return rows[0] && toMessageView(rows[0]);
  }

  async attemptsOf(sql: Sql, messageId: string): Promise<AttemptView[]> {
    const rows = await sql.query<Record<string, unknown>>(
      `SELECT attempt, url, status_code, status_message, response_body, duration_ms, error_code, outcome, attempted_at, next_attempt_at
         FROM webhook_attempts WHERE message_id = $1 ORDER BY attempt, id`,
      [messageId],
    );
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
    }));
  }

  /** Marks messages pending again for a manual resend / recovery; returns the ids it reset. */
  async resetForResend(sql: Sql, filter: { ids?: string[]; failedSince?: Date; jobId?: string }, at: Date): Promise<Array<{ id: string; jobToken: string }>> {
    const rows = await sql.query<{ id: string; job_token: string }>(
      `UPDATE webhook_messages SET status = 'pending', next_attempt_at = $4, updated_at = $4, job_token = gen_random_uuid()
        WHERE ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
          AND ($2::timestamptz IS NULL OR (status = 'failed' AND updated_at >= $2))
          AND ($3::text IS NULL OR job_id = $3)
        RETURNING id, job_token`,
      [filter.ids ?? null, filter.failedSince ?? null, filter.jobId ?? null, at],
    );
    return rows.map((r) => ({ id: r.id, jobToken: r.job_token }));
  }

  /** Latest delivery of a kind for a job (the pipeline engine's webhook status routes). */
  async latestOfKind(sql: Sql, jobId: string, kind: PayloadFormat): Promise<MessageView | undefined> {
    const rows = await sql.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id
        WHERE m.job_id = $1 AND m.kind = $2 AND m.status <> 'superseded'
        ORDER BY m.event_position DESC LIMIT 1`,
      [jobId, kind],
    );
    return rows[0] && toMessageView(rows[0]);
  }
}

const MESSAGE_COLUMNS = `m.id, m.subscription_id, m.job_id, m.event_position, m.event_type, m.kind, m.status, m.attempts,
  m.next_attempt_at, m.last_status_code, m.last_error, m.superseded_by, m.created_at, m.updated_at, m.delivered_at,
  m.body, s.url`;

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

export interface MessageView {
  id: string;
  subscriptionId: string;
  jobId: string;
  eventPosition: number;
  eventType: string;
  kind: PayloadFormat;
  url: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  supersededBy: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

export interface AttemptView {
  attempt: number;
  url: string;
  statusCode: number | null;
  statusMessage: string | null;
  responseBody: string | null;
  durationMs: number;
  errorCode: string | null;
  outcome: string;
  attemptedAt: string;
  nextAttemptAt: string | null;
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
