import type { Sql } from '../../database/db';
import type { SubscriptionView } from '../webhook.views';

// ---------------------------------------------------------------- statements (API reads of webhook_subscriptions)

const VIEW_COLUMNS = `s.id, s.scope, s.scope_id, s.name, s.url, s.format, s.event_types, s.min_level, s.status, s.disabled_reason, s.disabled_at, s.skipped_events,
  s.headers, s.secret IS NOT NULL AS has_secret, s.previous_secret_expires_at, s.last_call, s.last_error, s.failing_since, s.created_at, s.updated_at,
  (SELECT count(*) FROM webhook_messages m WHERE m.subscription_id = s.id AND m.status = 'delivered')::int AS delivered,
  (SELECT count(*) FROM webhook_messages m WHERE m.subscription_id = s.id AND m.status = 'failed')::int AS failed,
  (SELECT count(*) FROM webhook_messages m WHERE m.subscription_id = s.id AND m.status IN ('pending', 'retrying'))::int AS pending`;

export const SUBSCRIPTIONS_BY_IDS = `SELECT ${VIEW_COLUMNS} FROM webhook_subscriptions s WHERE s.id = ANY($1::uuid[]) ORDER BY s.created_at, s.id`;

export const SUBSCRIPTIONS_OF_PROJECT = `
SELECT ${VIEW_COLUMNS} FROM webhook_subscriptions s
 WHERE s.status <> 'deleted' AND (
       (s.scope IN ('project', 'channel') AND s.scope_id = $1)
    OR (s.scope = 'batch' AND left(s.scope_id, length($1) + 1) = $1 || '/')
    OR (s.scope = 'job' AND s.scope_id IN (SELECT job_id FROM jobs WHERE project_id = $1)))
 ORDER BY s.created_at, s.id LIMIT $2`;

export const ALL_SUBSCRIPTIONS = `SELECT ${VIEW_COLUMNS} FROM webhook_subscriptions s WHERE s.status <> 'deleted' ORDER BY s.created_at DESC, s.id LIMIT $1`;

/** The project a subscription delivers for: its job's, its batch's, or its own scope id (project, channel). */
const PROJECT_OF_SUBSCRIPTION = `CASE s.scope WHEN 'job' THEN (SELECT j.project_id FROM jobs j WHERE j.job_id = s.scope_id)
  WHEN 'batch' THEN split_part(s.scope_id, '/', 1) ELSE s.scope_id END`;

/** With $4 (a project key's project), only a subscription of that project. $3 null: the old secret is dropped (revoked). */
export const ROTATE_SECRET = `
UPDATE webhook_subscriptions s SET
   previous_secret = CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE secret END,
   previous_secret_expires_at = CASE WHEN secret IS NULL OR $3::timestamptz IS NULL THEN NULL ELSE $3::timestamptz END,
   secret = $2, updated_at = now()
 WHERE s.id = $1 AND s.status <> 'deleted' AND ($4::text IS NULL OR ${PROJECT_OF_SUBSCRIPTION} = $4)
 RETURNING previous_secret_expires_at`;

/**
 * Re-enables a disabled subscription (with $3, a project key's project: only one of that
 * project): active again, its failing streak and disabling reason cleared. One row when the
 * subscription is there (`was`: its status before, `enabled`: this statement turned it on);
 * none when it is not (or is another project's).
 */
export const ENABLE_SUBSCRIPTION = `
WITH target AS (
  SELECT s.id, s.status FROM webhook_subscriptions s
   WHERE s.id = $1 AND s.status <> 'deleted' AND ($3::text IS NULL OR ${PROJECT_OF_SUBSCRIPTION} = $3)
   FOR UPDATE
), enabled AS (
  UPDATE webhook_subscriptions s SET status = 'active', disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = $2
    FROM target t WHERE s.id = t.id AND t.status = 'disabled'
  RETURNING s.id
)
SELECT t.status AS was, EXISTS (SELECT 1 FROM enabled) AS enabled FROM target t`;

/**
 * The messages of a subscription a recovery sends again: failed (for good, or by its 410 Gone),
 * or cancelled (its subscription was disabled while they waited), since $2 (their last change).
 */
export const RECOVERABLE_MESSAGES = `
SELECT id FROM webhook_messages
 WHERE subscription_id = $1 AND status IN ('failed', 'cancelled') AND updated_at >= $2
 ORDER BY created_at, id`;

/**
 * Each listed subscription's attempts in ($2, $3] (the last hour up to Herald's clock's now) and
 * how many succeeded, in one statement: per subscription one range of
 * webhook_attempts_subscription_idx (subscription_id, attempted_at) INCLUDE (outcome), so the
 * cost is the hour's attempts of these subscriptions, never their history.
 */
export const RECENT_ATTEMPTS = `
SELECT s.id, h.attempts, h.succeeded
  FROM unnest($1::uuid[]) AS s(id)
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS attempts, (count(*) FILTER (WHERE a.outcome = 'delivered'))::int AS succeeded
     FROM webhook_attempts a
    WHERE a.subscription_id = s.id AND a.attempted_at > $2::timestamptz AND a.attempted_at <= $3::timestamptz) h`;

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
    failingSince: r.failing_since?.toISOString() ?? null,
    counts: { delivered: r.delivered, failed: r.failed, pending: r.pending, skipped: Number(r.skipped_events) },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Subscription management queries (every scope); secrets are never read out. */
export class SubscriptionViewsRepository {
  async byIds(sql: Sql, ids: string[], maskValue: (v: string) => string): Promise<SubscriptionView[]> {
    const rows = await sql.query(SUBSCRIPTIONS_BY_IDS, [ids]);
    return rows.map((r) => toView(r, maskValue));
  }

  /** Everything that delivers for a project: its project, batch and channel subscriptions, and its jobs' own. */
  async ofProject(sql: Sql, projectId: string, limit: number, maskValue: (v: string) => string): Promise<SubscriptionView[]> {
    const rows = await sql.query(SUBSCRIPTIONS_OF_PROJECT, [projectId, limit]);
    return rows.map((r) => toView(r, maskValue));
  }

  async all(sql: Sql, limit: number, maskValue: (v: string) => string): Promise<SubscriptionView[]> {
    const rows = await sql.query(ALL_SUBSCRIPTIONS, [limit]);
    return rows.map((r) => toView(r, maskValue));
  }

  /** Turns a disabled subscription on again (see ENABLE_SUBSCRIPTION): undefined when it is not there (or not the project's). */
  async enable(sql: Sql, id: string, at: Date, projectId: string | null): Promise<{ was: string; enabled: boolean } | undefined> {
    const rows = await sql.query<{ was: string; enabled: boolean }>(ENABLE_SUBSCRIPTION, [id, at, projectId]);
    return rows[0];
  }

  /** Ids of the subscription's failed and cancelled messages changed since `since`. */
  async recoverable(sql: Sql, subscriptionId: string, since: Date): Promise<string[]> {
    const rows = await sql.query<{ id: string }>(RECOVERABLE_MESSAGES, [subscriptionId, since]);
    return rows.map((r) => r.id);
  }

  /** Attempts in (since, until] per subscription id, and how many succeeded (a subscription without any: zeros). */
  async recentAttempts(sql: Sql, ids: string[], since: Date, until: Date): Promise<Map<string, { attempts: number; succeeded: number }>> {
    if (ids.length === 0) return new Map();
    const rows = await sql.query<{ id: string; attempts: number; succeeded: number }>(RECENT_ATTEMPTS, [ids, since, until]);
    return new Map(rows.map((r) => [r.id, { attempts: r.attempts, succeeded: r.succeeded }]));
  }

  /** New secret; the old one keeps signing (a second v1 signature) until `overlapUntil`. With `projectId`, only a subscription of that project. */
  async rotateSecret(sql: Sql, id: string, secret: string, overlapUntil: Date | null, projectId: string | null): Promise<{ previousSecretExpiresAt: string | null } | undefined> {
    const rows = await sql.query<{ previous_secret_expires_at: Date | null }>(ROTATE_SECRET, [id, secret, overlapUntil, projectId]);
    return rows[0] && { previousSecretExpiresAt: rows[0].previous_secret_expires_at?.toISOString() ?? null };
  }
}
