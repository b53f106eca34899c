import type { Sql } from '../../database/db';
import type { ProjectListing } from '../domain/project-list';

/**
 * The ids of one page of the project listing, and their facts. $1 the cursor ('' for the first
 * page: every id is longer), $2 the page's size.
 *
 * Nothing here reads a table whole (jobs and webhook subscriptions grow with every job):
 *  - the ids come from a loose index scan of each table that names a project, one index descent
 *    per distinct id and at most $2::int + 1 of them per table, whatever the table holds: jobs by
 *    jobs_project_created_idx, api_keys by api_keys_project_idx, project / batch webhooks and
 *    channels by webhook_subscriptions_owner_idx (their project is scope_id's first segment),
 *    routings by notification_routings_unique, stored pipelines by stored_pipelines_project_name_unique;
 *  - the facts are of the page's ids only: unfinished jobs counted by an index-only scan of
 *    jobs_project_unfinished_idx (at most the project's jobs-in-flight limit), the latest job by
 *    one descent of jobs_project_created_idx, webhooks and channels through the owner index (at
 *    most the project's subscription limit), keys through api_keys_project_idx.
 * One id more than the page is read, to tell whether another page follows.
 */
const OWNED = `scope IN ('project', 'batch', 'channel') AND status <> 'deleted'`;

const looseScan = (name: string, id: string, from: string, where = '') => `
${name} (id, n) AS (
  SELECT (SELECT ${id} FROM ${from} WHERE ${where}${id} > $1::text ORDER BY ${id} LIMIT 1), 1
  UNION ALL
  SELECT (SELECT ${id} FROM ${from} WHERE ${where}${id} > p.id ORDER BY ${id} LIMIT 1), p.n + 1
    FROM ${name} p
   WHERE p.id IS NOT NULL AND p.n <= $2::int
)`;

/** The facts of the projects of `shown` (a relation of ids), by id. */
const facts = (shown: string) => `
SELECT shown.id AS project_id, in_flight.n AS jobs_in_flight, subs.webhooks, subs.channels, key_count.n AS keys,
       (SELECT max(created_at) FROM jobs WHERE project_id = shown.id) AS last_job_at
  FROM ${shown}
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS n FROM jobs
     WHERE project_id = shown.id AND status IN ('pending', 'active', 'paused')
  ) in_flight
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE scope IN ('project', 'batch'))::int AS webhooks, count(*) FILTER (WHERE scope = 'channel')::int AS channels
      FROM webhook_subscriptions
     WHERE ${OWNED} AND split_part(scope_id, '/', 1) = shown.id
  ) subs
  CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM api_keys WHERE project_id = shown.id) key_count`;

export const LIST_PROJECTS = `
WITH RECURSIVE
${looseScan('job_ids', 'project_id', 'jobs')},
${looseScan('key_ids', 'project_id', 'api_keys')},
${looseScan('owner_ids', `split_part(scope_id, '/', 1)`, 'webhook_subscriptions', `${OWNED} AND `)},
${looseScan('routing_ids', 'project_id', 'notification_routings')},
${looseScan('pipeline_ids', 'project_id', 'stored_pipelines')},
page AS MATERIALIZED (
  SELECT id FROM (
    SELECT id FROM job_ids UNION SELECT id FROM key_ids UNION SELECT id FROM owner_ids
    UNION SELECT id FROM routing_ids UNION SELECT id FROM pipeline_ids
  ) ids
   WHERE id IS NOT NULL
   ORDER BY id LIMIT $2::int + 1
),
shown AS (SELECT id FROM page ORDER BY id LIMIT $2::int),
listed AS (${facts('shown')})
SELECT listed.*, (SELECT count(*) FROM page) > $2::int AS more FROM listed ORDER BY project_id`;

/** A project key's listing: its own project ($3), when it comes after the cursor. */
export const LIST_OWN_PROJECT = `
WITH shown AS (SELECT $3::text AS id WHERE $3::text > $1::text AND $2::int > 0)
${facts('shown')}`;

type ProjectRow = { project_id: string; jobs_in_flight: number; webhooks: number; channels: number; keys: number; last_job_at: Date | null; more?: boolean };

/** SQL of the project listing. */
export class ProjectListRepository {
  /** One page by id after `after` ('' for the first); `projectId`: a project key's own project only. `more` when ids follow it. */
  async list(sql: Sql, page: { after: string; limit: number; projectId: string | null }): Promise<{ rows: ProjectListing[]; more: boolean }> {
    const rows =
      page.projectId === null
        ? await sql.query<ProjectRow>(LIST_PROJECTS, [page.after, page.limit])
        : await sql.query<ProjectRow>(LIST_OWN_PROJECT, [page.after, page.limit, page.projectId]);
    return {
      rows: rows.map((r) => ({
        projectId: r.project_id,
        jobsInFlight: r.jobs_in_flight,
        webhooks: r.webhooks,
        channels: r.channels,
        keys: r.keys,
        lastJobAt: r.last_job_at?.toISOString() ?? null,
      })),
      more: rows[0]?.more ?? false,
    };
  }
}
