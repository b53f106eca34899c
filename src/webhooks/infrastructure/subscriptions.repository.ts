import type { Sql } from '../../database/db';
import type { DisableCandidate } from '../domain/auto-disable';
import type { NewSubscription, SubscriptionCall } from '../domain/delivery-records';
import type { Subscription } from '../domain/subscription.types';
import { SUB_COLUMNS, toSubscription, type SubscriptionRow } from './subscription-rows';

// ---------------------------------------------------------------- statements (webhook_subscriptions)

export const INSERT_SUBSCRIPTIONS = `
INSERT INTO webhook_subscriptions (id, scope, scope_id, url, headers, secret, format, event_types, min_level, name, created_at, updated_at)
SELECT x.id, x.scope, x.scope_id, x.url, x.headers, x.secret, x.format,
       CASE WHEN x.event_types IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(x.event_types)) END,
       x.min_level, x.name, $10, $10
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $11::text[])
    AS x(id, scope, scope_id, url, headers, secret, format, event_types, min_level, name)`;

export const SUBSCRIPTIONS_FOR = `
SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
 WHERE s.status = ANY($4::text[]) AND (
       (s.scope = 'job' AND s.scope_id = ANY($1::text[]))
    OR (s.scope IN ('project', 'channel') AND s.scope_id = ANY($2::text[]))
    OR (s.scope = 'batch' AND s.scope_id = ANY($3::text[])))
 ORDER BY s.created_at, s.id`;

const subscriptionsOfJob = (jobId: string) => `
WITH j AS MATERIALIZED (
  SELECT job_id, summary->>'projectId' AS project_id, summary->>'projectId' || '/' || (summary->>'batchId') AS batch_scope
    FROM jobs WHERE job_id = ${jobId})
SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s
 WHERE s.status IN ('active', 'disabled') AND (
       (s.scope = 'job' AND s.scope_id = (SELECT job_id FROM j))
    OR (s.scope IN ('project', 'channel') AND s.scope_id = (SELECT project_id FROM j))
    OR (s.scope = 'batch' AND s.scope_id = (SELECT batch_scope FROM j)))
 ORDER BY s.created_at, s.id`;
export const SUBSCRIPTIONS_OF_JOB = subscriptionsOfJob('$1');
export const SUBSCRIPTIONS_OF_TASKS_JOB = subscriptionsOfJob('(SELECT job_id FROM tasks WHERE task_id = $1)');

/**
 * Last calls, and the failing streak (domain/auto-disable.ts, nextFailingSince): a batch with a
 * success sets the streak it reports (null when its last attempt succeeded), else a streak
 * already there is kept, or the batch's first failure starts one. A streak older than the
 * active subscription's last change (a PUT of its URL, a PATCH, a rotation) is over: the batch's
 * first failure starts a new one. Disabling is DISABLE_SUBSCRIPTIONS.
 */
export const RECORD_CALLS = `
UPDATE webhook_subscriptions s SET
   last_call = x.last_call,
   last_error = coalesce(x.last_error, s.last_error),
   failing_since = CASE WHEN x.succeeded IS NULL THEN s.failing_since
                        WHEN x.succeeded THEN x.failing_since
                        WHEN s.status = 'active' AND s.failing_since < s.updated_at THEN x.failing_since
                        ELSE coalesce(s.failing_since, x.failing_since) END
 FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[], $4::bool[], $5::timestamptz[]) AS x(id, last_call, last_error, succeeded, failing_since)
WHERE s.id = x.id`;

/** The project a subscription delivers for: its job's, its batch's, or its own scope id (project, channel). */
const PROJECT_OF = `CASE s.scope WHEN 'job' THEN (SELECT j.project_id FROM jobs j WHERE j.job_id = s.scope_id)
  WHEN 'batch' THEN split_part(s.scope_id, '/', 1) ELSE s.scope_id END`;

/**
 * Disables the subscriptions a batch may disable (after RECORD_CALLS, in the same transaction):
 * a reason (410 Gone) disables at once; otherwise a failed attempt at x.failed_at disables one
 * failing since failing_since when failed_at - failing_since >= $3 ms (domain: disablesAt; $3 =
 * 0: never). Only an active one: of several instances recording at once, the one whose
 * statement turned it off gets its row back, and only it sends the subscription.disabled notice.
 * Each row comes with the ids of its project's channels routed for subscription.disabled (not
 * itself, nor one disabled by the same statement).
 */
export const DISABLE_SUBSCRIPTIONS = `
WITH x AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $5::timestamptz[]) AS x(id, reason, failed_at)
), off AS (
  UPDATE webhook_subscriptions s SET
     status = 'disabled', disabled_reason = coalesce(x.reason, $4), disabled_at = $6, updated_at = $6
    FROM x
   WHERE s.id = x.id AND s.status = 'active'
     AND (x.reason IS NOT NULL
       OR ($3::float8 > 0 AND x.failed_at >= s.failing_since + $3::float8 * interval '1 millisecond'))
  RETURNING s.id, s.scope, s.scope_id, s.url, s.disabled_reason, s.failing_since, s.disabled_at, ${PROJECT_OF} AS project_id
)
SELECT off.*, coalesce((
  SELECT array_agg(c.id ORDER BY c.created_at, c.id) FROM webhook_subscriptions c
   WHERE c.scope = 'channel' AND c.scope_id = off.project_id AND c.status = 'active'
     AND 'subscription.disabled' = ANY(c.event_types) AND c.id NOT IN (SELECT id FROM off)), '{}') AS channel_ids
  FROM off`;

export const COUNT_SKIPPED = `
UPDATE webhook_subscriptions s SET skipped_events = s.skipped_events + x.n
  FROM unnest($1::uuid[], $2::int[]) AS x(id, n) WHERE s.id = x.id`;

/** A subscription DISABLE_SUBSCRIPTIONS turned off, with its project's channels routed for subscription.disabled. */
export interface DisabledSubscription {
  id: string;
  scope: string;
  scopeId: string;
  url: string;
  reason: string;
  failingSince: string | null;
  disabledAt: string;
  projectId: string | null;
  channelIds: string[];
}

/** webhook_subscriptions as fan-out and delivery use it: creation, who hears a job, last calls, disabling. */
export class SubscriptionsRepository {
  async insertSubscriptions(sql: Sql, subs: NewSubscription[], at: Date): Promise<void> {
    if (subs.length === 0) return;
    await sql.query(INSERT_SUBSCRIPTIONS, [
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
    ]);
  }

  /** Subscriptions (active, or also disabled ones) that may cover these jobs, projects and batches. */
  async subscriptionsFor(sql: Sql, scope: { jobIds: string[]; projectIds: string[]; batchScopeIds: string[] }, statuses: Subscription['status'][] = ['active']): Promise<Subscription[]> {
    const rows = await sql.query<SubscriptionRow>(SUBSCRIPTIONS_FOR, [scope.jobIds, scope.projectIds, scope.batchScopeIds, statuses]);
    return rows.map(toSubscription);
  }

  /**
   * Active and disabled subscriptions that may hear one job's events (its own; its batch's and
   * project's; its project's channels), the job named by id or by one of its tasks. Read with
   * the lock of a command on the job (see WebhookOutbox.prefetch). Disabled ones only count
   * what they skip (see skippedOf).
   */
  async subscriptionsOfJob(sql: Sql, job: { jobId: string } | { taskId: string }): Promise<Subscription[]> {
    const byJob = 'jobId' in job;
    const rows = await sql.query<SubscriptionRow>(byJob ? SUBSCRIPTIONS_OF_JOB : SUBSCRIPTIONS_OF_TASKS_JOB, [byJob ? job.jobId : job.taskId]);
    return rows.map(toSubscription);
  }

  /** Last call / last error per subscription (seed 003), and its failing streak (failing_since). */
  async recordCalls(sql: Sql, calls: SubscriptionCall[], at: Date): Promise<void> {
    if (calls.length === 0) return;
    await sql.query(RECORD_CALLS, [
      calls.map((c) => c.id),
      calls.map((c) => JSON.stringify(c.lastCall)),
      calls.map((c) => (c.lastError ? JSON.stringify(c.lastError) : null)),
      calls.map((c) => c.streak?.succeeded ?? null),
      calls.map((c) => c.streak?.failingSince ?? null),
    ]);
  }

  /**
   * Disables what these candidates disable (see DISABLE_SUBSCRIPTIONS), `reason` for those the
   * streak rule disables; returns the ones this statement turned off.
   */
  /** `afterMs`: HERALD_WEBHOOK_DISABLE_AFTER_DAYS in ms (0: never); `reason`: what an auto-disabled one shows. */
  async disable(sql: Sql, candidates: DisableCandidate[], rule: { afterMs: number; reason: string }, at: Date): Promise<DisabledSubscription[]> {
    if (candidates.length === 0) return [];
    const rows = await sql.query<{
      id: string; scope: string; scope_id: string; url: string; disabled_reason: string; failing_since: Date | null; disabled_at: Date; project_id: string | null; channel_ids: string[];
    }>(DISABLE_SUBSCRIPTIONS, [candidates.map((c) => c.id), candidates.map((c) => c.reason), rule.afterMs, rule.reason, candidates.map((c) => c.failedAt), at]);
    return rows.map((r) => ({
      id: r.id,
      scope: r.scope,
      scopeId: r.scope_id,
      url: r.url,
      reason: r.disabled_reason,
      failingSince: r.failing_since?.toISOString() ?? null,
      disabledAt: r.disabled_at.toISOString(),
      projectId: r.project_id,
      channelIds: r.channel_ids,
    }));
  }

  /** Events disabled subscriptions would have received, per subscription. */
  countSkipped(sql: Sql, skipped: Map<string, number>): Promise<unknown> {
    if (skipped.size === 0) return Promise.resolve();
    return sql.query(COUNT_SKIPPED, [[...skipped.keys()], [...skipped.values()]]);
  }
}
