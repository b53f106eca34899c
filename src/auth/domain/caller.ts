import { DomainError, NotFoundError, ValidationError } from '../../common/domain-error';

/**
 * Who is calling, as the API key of a request says (resolved once per request, before its body
 * is read): an admin key (HERALD_ADMIN_KEY, HERALD_API_KEYS), reaching every project; or a key of
 * one project, confined to that project and to its scopes. Controllers pass it to services, which
 * put its project into their SQL (`projectOf`).
 */

/** What a project key may do; a route names the one scope it needs (src/auth/route-access.decorator.ts). */
export const KEY_SCOPES = ['jobs:write', 'jobs:read', 'workers', 'webhooks:manage', 'deliveries:read', 'deliveries:write'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export interface AdminCaller {
  kind: 'admin';
  /** key: an admin key; open: no admin key is configured and the request carried no project key; herald: Herald itself. */
  via: 'key' | 'open' | 'herald';
}

export interface ProjectCaller {
  kind: 'project';
  projectId: string;
  keyId: string;
  scopes: readonly KeyScope[];
}

export type Caller = AdminCaller | ProjectCaller;

/** Herald's own work (sweeps, stages, commands sent without a request): every project. */
export const HERALD: AdminCaller = { kind: 'admin', via: 'herald' };

/** The project a caller's reads and writes are confined to; null: every project (an admin). */
export function projectOf(caller: Caller): string | null {
  return caller.kind === 'project' ? caller.projectId : null;
}

/** What a route needs: a scope of a project key, or an admin key. */
export type RouteAccess = KeyScope | 'admin';

export const forbiddenScope = (access: RouteAccess) =>
  new DomainError(
    'FORBIDDEN_SCOPE',
    access === 'admin' ? 'this route needs an admin key (HERALD_ADMIN_KEY)' : `this key lacks the scope ${access}`,
    403,
    { required: access },
  );

/** Throws FORBIDDEN_SCOPE unless the caller may use a route that needs `access`. */
export function assertAccess(caller: Caller, access: RouteAccess): void {
  if (caller.kind === 'admin') return;
  if (access === 'admin' || !caller.scopes.includes(access)) throw forbiddenScope(access);
}

/** The one body for another project's (or no) project, whatever that project holds. */
export const projectNotFound = (projectId: string) => new NotFoundError('PROJECT_NOT_FOUND', `project ${projectId} does not exist`);

/**
 * A project named in a path (`/api/v1/projects/{projectId}/...`): an admin reaches any, a project
 * key only its own; any other is 404, the same answer whatever that project holds.
 */
export function assertProjectVisible(caller: Caller, projectId: string): void {
  if (caller.kind === 'project' && caller.projectId !== projectId) throw projectNotFound(projectId);
}

/**
 * The project of something a caller creates (a job, a queue request, a stored pipeline): a
 * project key's own (a `requested` one must be it, else 400 naming `path`); for an admin, the
 * one it asks for, if any.
 */
export function projectForWrite(caller: Caller, requested: string | undefined, path: string): string | undefined {
  if (caller.kind === 'admin') return requested;
  if (requested !== undefined && requested !== caller.projectId) {
    throw new ValidationError(`invalid request: ${path} must be ${caller.projectId}, the project of this API key`, [
      { path, message: `must be ${caller.projectId}, the project of this API key (or left out)` },
    ]);
  }
  return caller.projectId;
}

/** The actor recorded on the events a caller's commands append. */
export function actorOf(caller: Caller | undefined): string {
  return caller?.kind === 'project' ? `key:${caller.keyId}` : 'api';
}
