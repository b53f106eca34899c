import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UNAUTHORIZED_BODY } from './api-keys';
import { assertAccess, type RouteAccess } from './domain/caller';
import { PUBLIC_ROUTE } from './public.decorator';
import { callerOf } from './current-caller.decorator';
import { ROUTE_ACCESS } from './route-access.decorator';

/**
 * Decides on the handler that matched: every handler needs a caller (resolved from the key by
 * the middleware) unless it is marked @Public(), and a project key needs the scope the handler
 * names (@RequireScope); a handler that names none is for admin keys only. A second line behind
 * the middleware, so that no spelling of a path can reach a handler without a key even if the
 * two ever disagreed about what a path is.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const caller = callerOf(ctx.switchToHttp().getRequest<Request>());
    if (!caller) throw new UnauthorizedException(UNAUTHORIZED_BODY.error);
    assertAccess(caller, this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets) ?? 'admin');
    return true;
  }
}
