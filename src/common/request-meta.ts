import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { actorOf } from '../auth/domain/caller';
import { callerOf } from '../auth/current-caller.decorator';
import { requestIdOf } from './request-id.middleware';
import { requestTraceparentOf } from '../tracing/http-spans.middleware';

/**
 * Metadata of the events a request's command appends: its request id as correlationId, its key as actor (`api`, or `key:<keyId>` for a project key),
 * and with tracing on the request's span as traceparent (the append's span is its child, docs/TRACING.md).
 */
export const RequestMeta = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const meta = { correlationId: requestIdOf(req), actor: actorOf(callerOf(req)) };
  const traceparent = requestTraceparentOf(req);
  return traceparent ? { ...meta, traceparent } : meta;
});

/** With tracing on, the request's span as a traceparent (worker commands record it in their events' metadata, as RequestMeta does); undefined when off. */
export const RequestTraceparent = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestTraceparentOf(ctx.switchToHttp().getRequest<Request>()));

/** The request's id alone (worker commands name the worker as actor themselves). */
export const WorkerRequestId = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestIdOf(ctx.switchToHttp().getRequest<Request>()));
