import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UNAUTHORIZED_BODY, ApiKeys } from './api-keys';
import { PUBLIC_ROUTE } from './public.decorator';

/**
 * Decides on the handler that matched: every handler needs a key unless it is marked @Public().
 * A second line behind the middleware, so that no spelling of a path can reach a handler
 * without a key even if the two ever disagreed about what a path is.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly reflector: Reflector,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.keys.open) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    if (this.keys.accepts(req.header('authorization'))) return true;
    throw new UnauthorizedException(UNAUTHORIZED_BODY.error);
  }
}
