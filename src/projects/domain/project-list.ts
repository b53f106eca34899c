/**
 * The listing of projects (GET /api/v1/projects). Herald has no table of projects: a project is
 * known by what names it, its API keys, project and batch webhooks, channels, routings, stored
 * pipelines and jobs. An admin lists every project any of them names, by id; a project key its
 * own project only. Pages are cut by id: the cursor is the last projectId of the previous page.
 */

export const PROJECT_LIST_DEFAULT_LIMIT = 100;
export const PROJECT_LIST_MAX_LIMIT = 1000;

/** A project and the facts about it that cost one index descent or a bounded count each. */
export interface ProjectListing {
  projectId: string;
  /** Its unfinished (pending, active, paused) jobs and queue requests: what HERALD_PROJECT_MAX_JOBS_IN_FLIGHT counts. */
  jobsInFlight: number;
  /** Its project webhook (0 or 1) and its batches' webhooks, disabled ones included. */
  webhooks: number;
  /** Its notification channels. */
  channels: number;
  /** Its API keys. */
  keys: number;
  /** When its latest job or queue request was submitted; null: none. */
  lastJobAt: string | null;
}

export interface ProjectListPage {
  projects: ProjectListing[];
  nextCursor: string | null;
}

/** The answer from the rows of one page (at most `limit`) and whether more ids follow them. */
export function projectListPage(rows: readonly ProjectListing[], more: boolean): ProjectListPage {
  const last = rows[rows.length - 1];
  return { projects: [...rows], nextCursor: more && last ? last.projectId : null };
}
