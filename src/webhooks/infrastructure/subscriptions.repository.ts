import type { Sql } from '../../database/db';
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

export const RECORD_CALLS = `
UPDATE webhook_subscriptions s SET
   last_call = x.last_call,
   last_error = coalesce(x.last_error, s.last_error),
   status = CASE WHEN x.disable_reason IS NULL THEN s.status ELSE 'disabled' END,
   disabled_reason = coalesce(x.disable_reason, s.disabled_reason),
   disabled_at = CASE WHEN x.disable_reason IS NULL THEN s.disabled_at ELSE $5 END,
   updated_at = CASE WHEN x.disable_reason IS NULL THEN s.updated_at ELSE $5 END
 FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[], $4::text[]) AS x(id, last_call, last_error, disable_reason)
WHERE s.id = x.id`;

export const COUNT_SKIPPED = `
UPDATE webhook_subscriptions s SET skipped_events = s.skipped_events + x.n
  FROM unnest($1::uuid[], $2::int[]) AS x(id, n) WHERE s.id = x.id`;

/** webhook_subscriptions as fan-out and delivery use it: creation, who hears a job, last calls. */
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

  /** Last call / last error per subscription (seed 003), and 410 Gone disabling. */
  async recordCalls(sql: Sql, calls: SubscriptionCall[], at: Date): Promise<void> {
    if (calls.length === 0) return;
    await sql.query(RECORD_CALLS, [
      calls.map((c) => c.id),
      calls.map((c) => JSON.stringify(c.lastCall)),
      calls.map((c) => (c.lastError ? JSON.stringify(c.lastError) : null)),
      calls.map((c) => c.disableReason ?? null),
      at,
    ]);
  }

  /** Events disabled subscriptions would have received, per subscription. */
  countSkipped(sql: Sql, skipped: Map<string, number>): Promise<unknown> {
    if (skipped.size === 0) return Promise.resolve();
    return sql.query(COUNT_SKIPPED, [[...skipped.keys()], [...skipped.values()]]);
  }
}
