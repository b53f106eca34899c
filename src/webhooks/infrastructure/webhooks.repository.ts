import type { Sql } from '../../database/db';
import type { Level } from '../../event-store/event.types';
import type { MessageStatus, Ordering, PayloadFormat, Subscription, SubscriptionScope } from '../domain/subscription.types';

export interface NewSubscription {
  id: string;
  name?: string | null;
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
  projectId?: string | null;
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
  projectId: string | null;
  /** A newer latest-wins message exists for the same subscription and job, and this one may give way to it. */
  newer: boolean;
  /** The latest later message of the same subscription and job, if any (what supersedes this one). */
  latestId: string | null;
  /** An earlier message it must follow has not had its first attempt yet (see Ordering). */
  blocked: boolean;
  /** When blocked: the latest time such an earlier message is due (epoch: due now). */
  blockedUntil: Date | null;
  createdAt: Date;
  /** takeMessages moved the message's stream to its position: it may be attempted now. */
  moved: boolean;
  /** The stream's attempted position after takeMessages (null: never attempted). */
  streamAt: number | null;
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
  /** The endpoint's state when the attempt was made: healthy, degraded (a reduced limit) or probe. */
  endpointState: 'healthy' | 'degraded' | 'probe';
}

export interface EndpointRow {
  endpoint: string;
  state: 'healthy' | 'degraded' | 'open';
  concurrency: number;
  consecutiveFailures: number;
  retryAt: Date | null;
  lastError: string | null;
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

export interface SubscriptionRow {
  id: string;
  name: string | null;
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
    name: r.name,
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

export const SUB_COLUMNS = `s.id, s.name, s.scope, s.scope_id, s.url, s.headers, s.secret, s.previous_secret,
  s.previous_secret_expires_at, s.format, s.event_types, s.min_level, s.status`;

/** INSERT of webhook_messages rows; `eventRef` is each message's event position or version, as `position` reads it. */
function insertMessageRows(
  sql: Sql,
  position: string,
  join: string,
  eventRef: number[],
  messages: Array<Omit<NewMessage, 'eventPosition'>>,
  at: Date,
): Promise<unknown> {
  if (messages.length === 0) return Promise.resolve();
  return sql.query(
    `INSERT INTO webhook_messages (id, subscription_id, job_id, event_position, event_type, kind, ordering, body, job_token, project_id, status, created_at, updated_at)
     SELECT x.id, x.subscription_id, x.job_id, ${position}, x.event_type, x.kind, x.ordering, x.body, x.job_token, x.project_id, 'pending', $9, $9
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $10::uuid[], $11::text[])
         AS x(id, subscription_id, job_id, event_ref, event_type, kind, ordering, body, job_token, project_id)
       ${join}`,
    [
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
    ],
  );
}

/** All SQL of webhook subscriptions, messages and attempts. */
export class WebhooksRepository {
  async insertSubscriptions(sql: Sql, subs: NewSubscription[], at: Date): Promise<void> {
    if (subs.length === 0) return;
    await sql.query(
      `INSERT INTO webhook_subscriptions (id, scope, scope_id, url, headers, secret, format, event_types, min_level, name, created_at, updated_at)
       SELECT x.id, x.scope, x.scope_id, x.url, x.headers, x.secret, x.format,
              CASE WHEN x.event_types IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(x.event_types)) END,
              x.min_level, x.name, $10, $10
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $11::text[])
           AS x(id, scope, scope_id, url, headers, secret, format, event_types, min_level, name)`,
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
        subs.map((s) => s.name ?? null),
      ],
    );
  }

  /** Subscriptions (active, or also disabled ones) that may cover these jobs, projects and batches. */
  async subscriptionsFor(sql: Sql, scope: { jobIds: string[]; projectIds: string[]; batchScopeIds: string[] }, statuses: Subscription['status'][] = ['active']): Promise<Subscription[]> {
    const rows = await sql.query<SubscriptionRow>(
      `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
        WHERE s.status = ANY($4::text[]) AND (
              (s.scope = 'job' AND s.scope_id = ANY($1::text[]))
           OR (s.scope IN ('project', 'channel') AND s.scope_id = ANY($2::text[]))
           OR (s.scope = 'batch' AND s.scope_id = ANY($3::text[])))
        ORDER BY s.created_at, s.id`,
      [scope.jobIds, scope.projectIds, scope.batchScopeIds, statuses],
    );
    return rows.map(toSubscription);
  }

  /**
   * Active and disabled subscriptions that may hear one job's events (its own; its batch's and
   * project's; its project's channels), the job named by id or by one of its tasks. Read with
   * the lock of a command on the job (see WebhookOutbox.prefetch). Disabled ones only count
   * what they skip (see skippedOf).
   */
  async subscriptionsOfJob(sql: Sql, job: { jobId: string } | { taskId: string }): Promise<Subscription[]> {
    const rows = await sql.query<SubscriptionRow>(
      `WITH j AS MATERIALIZED (
         SELECT job_id, summary->>'projectId' AS project_id, summary->>'projectId' || '/' || (summary->>'batchId') AS batch_scope
           FROM jobs WHERE job_id = ${'jobId' in job ? '$1' : '(SELECT job_id FROM tasks WHERE task_id = $1)'})
       SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
        WHERE s.status IN ('active', 'disabled') AND (
              (s.scope = 'job' AND s.scope_id = (SELECT job_id FROM j))
           OR (s.scope IN ('project', 'channel') AND s.scope_id = (SELECT project_id FROM j))
           OR (s.scope = 'batch' AND s.scope_id = (SELECT batch_scope FROM j)))
        ORDER BY s.created_at, s.id`,
      ['jobId' in job ? job.jobId : job.taskId],
    );
    return rows.map(toSubscription);
  }

  /** Inserts messages (their events named by global position). */
  insertMessages(sql: Sql, messages: NewMessage[], at: Date): Promise<unknown> {
    return insertMessageRows(sql, 'x.event_ref', '', messages.map((m) => m.eventPosition), messages, at);
  }

  /**
   * Inserts messages whose events are named by stream version (job id + version) rather than
   * global position, which the statement looks up: for a fan-out sent before the append's
   * positions came back (see FanoutWorker.chain). A message whose event is not stored is left out.
   */
  insertMessagesOfVersions(sql: Sql, messages: Array<Omit<NewMessage, 'eventPosition'> & { eventVersion: number }>, at: Date): Promise<unknown> {
    return insertMessageRows(
      sql,
      'e.global_position',
      // One index lookup by (stream, version) per message, whatever plan is cached (LIMIT keeps
      // the planner from turning it into a join that scans events when the table looks small).
      'CROSS JOIN LATERAL (SELECT global_position FROM events WHERE stream_id = x.job_id AND version = x.event_ref LIMIT 1) e',
      messages.map((m) => m.eventVersion),
      messages,
      at,
    );
  }

  /**
   * Takes messages for attempts: loads each with its subscription and the ordering facts the
   * worker decides on, and in the same statement moves the (subscription, job) stream of every
   * message that may go now to its position, so attempts never go backwards, across instances.
   *
   * A message may go when it is open, its job still holds its token, its subscription is active,
   * it keeps an order (not `always`), is not a forced resend, is neither superseded (`newer`) nor
   * waiting for an earlier message (`blocked`), and its stream is not busy in this instance
   * (`busy`, "subscription|job" keys). Of several in one stream, the earliest. A stream already
   * past the position refuses. `staleMs`: a latest-wins message waiting longer than this (a
   * backlog: the endpoint is slow or failing) gives way to a newer one; younger ones go out in
   * order, so a healthy endpoint gets every progress event.
   */
  async takeMessages(
    sql: Sql,
    jobs: Array<{ messageId: string; token: string; force: boolean }>,
    staleMs: number,
    busy: string[],
  ): Promise<LoadedMessage[]> {
    if (jobs.length === 0) return [];
    const rows = await sql.query<SubscriptionRow & {
      m_id: string; subscription_id: string; job_id: string; event_position: number; event_type: string; kind: PayloadFormat; ordering: Ordering;
      body: string; m_status: MessageStatus; attempts: number; job_token: string; project_id: string | null; newer: boolean; blocked_until: Date | null; m_created_at: Date;
      latest_id: string | null; moved: boolean; stream_at: number | null;
    }>(
      `WITH x AS (
         ${
           // One message (the usual hand-off) as scalars: the planner then keeps one generic plan
           // for the statement; with arrays it re-plans every call (~0.8 ms, measured).
           jobs.length === 1
             ? 'SELECT $1::uuid AS id, $2::uuid AS token, $3::bool AS force'
             : 'SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bool[]) AS x(id, token, force)'
         }
       ), m AS (
         SELECT DISTINCT ON (m.id)
                m.id AS m_id, m.subscription_id, m.job_id, m.event_position, m.event_type, m.kind, m.ordering, m.body,
                m.status AS m_status, m.attempts, m.job_token, m.project_id, x.token, x.force,
                (m.ordering = 'latest-wins'
                  AND (m.attempts > 0 OR m.created_at < now() - $4 * interval '1 millisecond')
                  AND latest.id IS NOT NULL) AS newer,
                latest.id AS latest_id,
                -- Not null: an earlier message it must follow has not had its first attempt; the
                -- latest time one of those is due (epoch when due now).
                CASE m.ordering
                  WHEN 'latest-wins' THEN (
                    SELECT max(coalesce(p.next_attempt_at, 'epoch')) FROM webhook_messages p
                     WHERE p.subscription_id = m.subscription_id AND p.job_id = m.job_id
                       AND p.event_position < m.event_position AND p.status = 'pending' AND p.attempts = 0
                       AND p.created_at >= now() - $4 * interval '1 millisecond')
                  WHEN 'always' THEN (
                    SELECT max(coalesce(p.next_attempt_at, 'epoch')) FROM webhook_messages p
                     WHERE p.job_id = m.job_id AND p.ordering <> 'always'
                       -- <=: the progress of the job-ending event itself goes before the result
                       AND p.event_position <= m.event_position AND p.status = 'pending' AND p.attempts = 0)
                  WHEN 'ordered' THEN (
                    SELECT max(coalesce(p.next_attempt_at, 'epoch')) FROM webhook_messages p
                     WHERE p.subscription_id = m.subscription_id AND p.job_id = m.job_id
                       AND p.event_position < m.event_position AND p.status = 'pending' AND p.attempts = 0)
                  END AS blocked_until,
                m.created_at AS m_created_at,
                ${SUB_COLUMNS.replace('s.status', 's.status AS s_status, s.status')}
           FROM x JOIN webhook_messages m ON m.id = x.id JOIN webhook_subscriptions s ON s.id = m.subscription_id
           -- The stream's latest later message (what supersedes this one, if anything does).
           LEFT JOIN LATERAL (
             SELECT n.id FROM webhook_messages n
              WHERE n.subscription_id = m.subscription_id AND n.job_id = m.job_id AND n.event_position > m.event_position
                AND n.ordering = m.ordering
              ORDER BY n.event_position DESC LIMIT 1) latest ON true
          ORDER BY m.id, (m.job_token = x.token) DESC
       ), eligible AS (
         SELECT DISTINCT ON (subscription_id, job_id) subscription_id, job_id, event_position
           FROM m
          WHERE m_status IN ('pending', 'retrying') AND job_token = token AND s_status = 'active'
            AND ordering <> 'always' AND NOT force AND NOT (ordering = 'latest-wins' AND newer) AND blocked_until IS NULL
            AND NOT ((subscription_id::text || '|' || job_id) = ANY($5::text[]))
          ORDER BY subscription_id, job_id, event_position
       ), moved AS (
         INSERT INTO webhook_streams (subscription_id, job_id, last_position)
         SELECT subscription_id, job_id, event_position FROM eligible
         ON CONFLICT (subscription_id, job_id) DO UPDATE SET last_position = excluded.last_position
          WHERE webhook_streams.last_position <= excluded.last_position
         RETURNING subscription_id, job_id, last_position
       )
       SELECT m.*, coalesce(mv.last_position = m.event_position, false) AS moved,
              coalesce(mv.last_position, st.last_position) AS stream_at
         FROM m
         LEFT JOIN moved mv ON mv.subscription_id = m.subscription_id AND mv.job_id = m.job_id
         LEFT JOIN webhook_streams st ON st.subscription_id = m.subscription_id AND st.job_id = m.job_id`,
      jobs.length === 1
        ? [jobs[0].messageId, jobs[0].token, jobs[0].force, staleMs, busy]
        : [jobs.map((j) => j.messageId), jobs.map((j) => j.token), jobs.map((j) => j.force), staleMs, busy],
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
      projectId: r.project_id,
      newer: r.newer,
      latestId: r.latest_id,
      blocked: r.blocked_until !== null,
      blockedUntil: r.blocked_until,
      createdAt: r.m_created_at,
      moved: r.moved,
      streamAt: r.stream_at,
      subscription: toSubscription(r),
    }));
  }

  async insertAttempts(sql: Sql, attempts: AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return;
    await sql.query(
      `INSERT INTO webhook_attempts (message_id, subscription_id, job_id, event_position, attempt, url, status_code,
                                     status_message, response_body, duration_ms, error_code, outcome, attempted_at, next_attempt_at,
                                     endpoint_state)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::int[],
                            $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[],
                            $15::text[])`,
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
        attempts.map((a) => a.endpointState),
      ],
    );
  }

  /** The endpoints' latest states as the delivery workers saw them (last writer wins). */
  async saveEndpoints(sql: Sql, rows: EndpointRow[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await sql.query(
      `INSERT INTO webhook_endpoints (endpoint, state, concurrency, consecutive_failures, retry_at, last_error, updated_at)
       SELECT x.*, $7 FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::timestamptz[], $6::text[])
         AS x(endpoint, state, concurrency, consecutive_failures, retry_at, last_error)
       ON CONFLICT (endpoint) DO UPDATE SET state = excluded.state, concurrency = excluded.concurrency,
         consecutive_failures = excluded.consecutive_failures, retry_at = excluded.retry_at,
         last_error = coalesce(excluded.last_error, webhook_endpoints.last_error), updated_at = excluded.updated_at`,
      [rows.map((r) => r.endpoint), rows.map((r) => r.state), rows.map((r) => r.concurrency), rows.map((r) => r.consecutiveFailures), rows.map((r) => r.retryAt), rows.map((r) => r.lastError), at],
    );
  }

  async endpoints(sql: Sql, endpoints: string[]): Promise<Map<string, EndpointRow>> {
    if (endpoints.length === 0) return new Map();
    const rows = await sql.query<{ endpoint: string; state: EndpointRow['state']; concurrency: number; consecutive_failures: number; retry_at: Date | null; last_error: string | null }>(
      `SELECT endpoint, state, concurrency, consecutive_failures, retry_at, last_error FROM webhook_endpoints WHERE endpoint = ANY($1::text[])`,
      [endpoints],
    );
    return new Map(rows.map((r) => [r.endpoint, { endpoint: r.endpoint, state: r.state, concurrency: r.concurrency, consecutiveFailures: r.consecutive_failures, retryAt: r.retry_at, lastError: r.last_error }]));
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
          disabled_at = CASE WHEN x.disable_reason IS NULL THEN s.disabled_at ELSE $5 END,
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

  /** Events disabled subscriptions would have received, per subscription. */
  countSkipped(sql: Sql, skipped: Map<string, number>): Promise<unknown> {
    if (skipped.size === 0) return Promise.resolve();
    return sql.query(
      `UPDATE webhook_subscriptions s SET skipped_events = s.skipped_events + x.n
         FROM unnest($1::uuid[], $2::int[]) AS x(id, n) WHERE s.id = x.id`,
      [[...skipped.keys()], [...skipped.values()]],
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
      `SELECT attempt, url, status_code, status_message, response_body, duration_ms, error_code, outcome, attempted_at, next_attempt_at, endpoint_state
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
      endpointState: (r.endpoint_state as string | null) ?? 'healthy',
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
  /** healthy, degraded (made under a reduced limit) or probe (the one request testing an open endpoint). */
  endpointState: string;
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

export interface SubscriptionView {
  id: string;
  scope: string;
  scopeId: string;
  name: string | null;
  url: string;
  format: string;
  eventTypes: string[] | null;
  minLevel: string;
  status: string;
  disabledReason: string | null;
  disabledAt: string | null;
  headers: Record<string, string>;
  hasSecret: boolean;
  previousSecretExpiresAt: string | null;
  lastCall: unknown;
  lastError: unknown;
  /** skipped: events it would have received while disabled. */
  counts: { delivered: number; failed: number; pending: number; skipped: number };
  createdAt: string;
  updatedAt: string;
}

const VIEW_COLUMNS = `s.id, s.scope, s.scope_id, s.name, s.url, s.format, s.event_types, s.min_level, s.status, s.disabled_reason, s.disabled_at, s.skipped_events,
  s.headers, s.secret IS NOT NULL AS has_secret, s.previous_secret_expires_at, s.last_call, s.last_error, s.created_at, s.updated_at,
  (SELECT count(*) FROM webhook_messages m WHERE m.subscription_id = s.id AND m.status = 'delivered')::int AS delivered,
  (SELECT count(*) FROM webhook_messages m WHERE m.subscription_id = s.id AND m.status = 'failed')::int AS failed,
  (SELECT count(*) FROM webhook_messages m WHERE m.subscription_id = s.id AND m.status IN ('pending', 'retrying'))::int AS pending`;

function toView(r: Record<string, any>, maskValue: (v: string) => string): SubscriptionView {
  return {
    id: r.id,
    scope: r.scope,
    scopeId: r.scope_id,
    name: r.name,
    url: r.url,
    format: r.format,
    eventTypes: r.event_types,
    minLevel: r.min_level,
    status: r.status,
    disabledReason: r.disabled_reason,
    disabledAt: r.disabled_at?.toISOString() ?? null,
    headers: Object.fromEntries(Object.entries(r.headers as Record<string, string>).map(([k, v]) => [k, maskValue(v)])),
    hasSecret: r.has_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at?.toISOString() ?? null,
    lastCall: r.last_call,
    lastError: r.last_error,
    counts: { delivered: r.delivered, failed: r.failed, pending: r.pending, skipped: Number(r.skipped_events) },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Subscription management queries (every scope); secrets are never read out. */
export class SubscriptionsRepository {
  async byIds(sql: Sql, ids: string[], maskValue: (v: string) => string): Promise<SubscriptionView[]> {
    const rows = await sql.query(`SELECT ${VIEW_COLUMNS} FROM webhook_subscriptions s WHERE s.id = ANY($1::uuid[]) ORDER BY s.created_at, s.id`, [ids]);
    return rows.map((r) => toView(r, maskValue));
  }

  /** Everything that delivers for a project: its project, batch and channel subscriptions, and its jobs' own. */
  async ofProject(sql: Sql, projectId: string, limit: number, maskValue: (v: string) => string): Promise<SubscriptionView[]> {
    const rows = await sql.query(
      `SELECT ${VIEW_COLUMNS} FROM webhook_subscriptions s
        WHERE s.status <> 'deleted' AND (
              (s.scope IN ('project', 'channel') AND s.scope_id = $1)
           OR (s.scope = 'batch' AND left(s.scope_id, length($1) + 1) = $1 || '/')
           OR (s.scope = 'job' AND s.scope_id IN (SELECT job_id FROM jobs WHERE summary->>'projectId' = $1)))
        ORDER BY s.created_at, s.id LIMIT $2`,
      [projectId, limit],
    );
    return rows.map((r) => toView(r, maskValue));
  }

  async all(sql: Sql, limit: number, maskValue: (v: string) => string): Promise<SubscriptionView[]> {
    const rows = await sql.query(`SELECT ${VIEW_COLUMNS} FROM webhook_subscriptions s WHERE s.status <> 'deleted' ORDER BY s.created_at DESC, s.id LIMIT $1`, [limit]);
    return rows.map((r) => toView(r, maskValue));
  }

  /** New secret; the old one keeps signing (a second v1 signature) until `overlapUntil`. */
  async rotateSecret(sql: Sql, id: string, secret: string, overlapUntil: Date): Promise<{ previousSecretExpiresAt: string | null } | undefined> {
    const rows = await sql.query<{ previous_secret_expires_at: Date | null }>(
      `UPDATE webhook_subscriptions SET
          previous_secret = secret,
          previous_secret_expires_at = CASE WHEN secret IS NULL THEN NULL ELSE $3::timestamptz END,
          secret = $2, updated_at = now()
        WHERE id = $1 AND status <> 'deleted'
        RETURNING previous_secret_expires_at`,
      [id, secret, overlapUntil],
    );
    return rows[0] && { previousSecretExpiresAt: rows[0].previous_secret_expires_at?.toISOString() ?? null };
  }
}
