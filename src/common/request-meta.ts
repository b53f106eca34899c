import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestIdOf } from './request-id.middleware';

/** Metadata of the events a request's command appends: its request id as correlationId. */
export const RequestMeta = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return { correlationId: requestIdOf(ctx.switchToHttp().getRequest<Request>()), actor: 'api' };
});

/** The request's id alone (worker commands name the worker as actor themselves). */
export const WorkerRequestId = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestIdOf(ctx.switchToHttp().getRequest<Request>()));
