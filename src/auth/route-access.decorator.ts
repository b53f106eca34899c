import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiError } from '../common/openapi';
import { forbiddenScope, type KeyScope, type RouteAccess } from './domain/caller';

export const ROUTE_ACCESS = 'herald:access';

function access(needed: RouteAccess): MethodDecorator & ClassDecorator {
  const e = forbiddenScope(needed);
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, needed),
    ApiExtension('x-herald-access', needed),
    ApiError(403, { code: e.code, message: e.message, details: e.details }),
  );
}

/**
 * The scope a project key needs for this handler (admin keys need none). A handler that is not
 * @Public() and names no access is for admin keys only (deny by default, api-key.guard.ts).
 */
export const RequireScope = (scope: KeyScope): MethodDecorator & ClassDecorator => access(scope);

/** Admin keys only: project keys get 403 FORBIDDEN_SCOPE. */
export const AdminOnly = (): MethodDecorator & ClassDecorator => access('admin');
