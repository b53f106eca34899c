import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { actorOf } from '../auth/domain/caller';
import { callerOf } from '../auth/current-caller.decorator';
import { requestIdOf } from './request-id.middleware';

/** Metadata of the events a request's command appends: its request id as correlationId, its key as actor (`api`, or `key:<keyId>` for a project key). */
export const RequestMeta = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { correlationId: requestIdOf(req), actor: actorOf(callerOf(req)) };
});

/** The request's id alone (worker commands name the worker as actor themselves). */
export const WorkerRequestId = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestIdOf(ctx.switchToHttp().getRequest<Request>()));
