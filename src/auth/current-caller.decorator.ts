import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller } from './domain/caller';

type WithCaller = Request & { heraldCaller?: Caller };

/** Set by the key middleware (api-key.middleware.ts) once it has resolved the request's key. */
export function setCaller(req: Request, caller: Caller): void {
  (req as WithCaller).heraldCaller = caller;
}

/** The request's caller; undefined on a public route reached without a key. */
export function callerOf(req: Request): Caller | undefined {
  return (req as WithCaller).heraldCaller;
}

/**
 * The caller of the request, for a controller to hand to its service. Only on routes that need
 * a key (the guard refused the request otherwise), so it is always there.
 */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = callerOf(ctx.switchToHttp().getRequest<Request>());
  if (!caller) throw new Error('CurrentCaller on a route the key guard let through without a caller');
  return caller;
});
