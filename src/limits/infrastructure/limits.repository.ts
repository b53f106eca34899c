import type { Sql } from '../../database/db';
import { jobsLimitReached, type LimitOverrides } from '../domain/project-limits';

/** An admin's overrides of one project (no row: every limit is the default). */
export const GET_OVERRIDES = `
  SELECT requests_per_second, max_jobs_in_flight, max_subscriptions, updated_at
    FROM project_limits WHERE project_id = $1`;

/** Sets every override at once (null: the default). */
export const PUT_OVERRIDES = `
  INSERT INTO project_limits (project_id, requests_per_second, max_jobs_in_flight, max_subscriptions, updated_at)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (project_id) DO UPDATE SET requests_per_second = excluded.requests_per_second,
    max_jobs_in_flight = excluded.max_jobs_in_flight, max_subscriptions = excluded.max_subscriptions, updated_at = excluded.updated_at`;

/** Every limit back to the default. */
export const DELETE_OVERRIDES = `DELETE FROM project_limits WHERE project_id = $1`;

/**
 * Raises HR429 (nothing of the transaction is written) when the project already has as many
 * unfinished jobs as its limit (its override, else $2; 0 is none). Issued among a submission's
 * pipelined writes: no round trip of its own.
 */
export const ASSERT_JOBS_ROOM = `SELECT herald_assert_jobs_room($1, $2)`;

/** The project's webhooks and channels, counted up to $2 (a bounded scan whatever it holds). */
export const COUNT_SUBSCRIPTIONS = `
  SELECT count(*)::int AS n FROM (
    SELECT 1 FROM webhook_subscriptions
     WHERE split_part(scope_id, '/', 1) = $1 AND scope IN ('project', 'batch', 'channel') AND status <> 'deleted'
     LIMIT $2) AS owned`;

/**
 * Held by the transaction that makes a webhook or channel of the project, from before its count
 * to its COMMIT: the next one's count (a new snapshot, read committed) then sees this one's row.
 */
export const LOCK_SUBSCRIPTION_ROOM = `SELECT pg_advisory_xact_lock(hashtextextended('herald.subscriptions_room:' || $1, 0))`;

/** Unfinished jobs of the project, counted up to $2 (for the limits view). */
export const COUNT_JOBS_IN_FLIGHT = `
  SELECT count(*)::int AS n FROM (
    SELECT 1 FROM jobs WHERE project_id = $1 AND status IN ('pending', 'active', 'paused') LIMIT $2) AS unfinished`;

interface OverrideRow {
  requests_per_second: number | null;
  max_jobs_in_flight: number | null;
  max_subscriptions: number | null;
  updated_at: Date;
}

/** SQL of per-project limits: the overrides table and the counts the limits are checked against. */
export class LimitsRepository {
  async overrides(sql: Sql, projectId: string): Promise<(LimitOverrides & { updatedAt: Date }) | undefined> {
    const [row] = await sql.query<OverrideRow>(GET_OVERRIDES, [projectId]);
    return row && { requestsPerSecond: row.requests_per_second, maxJobsInFlight: row.max_jobs_in_flight, maxSubscriptions: row.max_subscriptions, updatedAt: row.updated_at };
  }

  async putOverrides(sql: Sql, projectId: string, o: LimitOverrides, at: Date): Promise<void> {
    const values = [o.requestsPerSecond ?? null, o.maxJobsInFlight ?? null, o.maxSubscriptions ?? null];
    if (values.every((v) => v === null)) await sql.query(DELETE_OVERRIDES, [projectId]);
    else await sql.query(PUT_OVERRIDES, [projectId, ...values, at]);
  }

  /** Not awaited by the submission: its failure (the limit) fails the transaction as PROJECT_LIMIT_REACHED. */
  assertJobsRoom(sql: Sql, projectId: string, defaultMax: number): Promise<unknown> {
    return sql.query(ASSERT_JOBS_ROOM, [projectId, defaultMax], {
      mapError: (err) => {
        const e = err as { code?: string; detail?: string };
        return e.code === 'HR429' ? jobsLimitReached(projectId, Number(e.detail)) : err;
      },
    });
  }

  async lockSubscriptionRoom(tx: Sql, projectId: string): Promise<void> {
    await tx.query(LOCK_SUBSCRIPTION_ROOM, [projectId]);
  }

  async subscriptions(sql: Sql, projectId: string, upTo: number): Promise<number> {
    const [row] = await sql.query<{ n: number }>(COUNT_SUBSCRIPTIONS, [projectId, upTo]);
    return row.n;
  }

  async jobsInFlight(sql: Sql, projectId: string, upTo: number): Promise<number> {
    const [row] = await sql.query<{ n: number }>(COUNT_JOBS_IN_FLIGHT, [projectId, upTo]);
    return row.n;
  }
}
