import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';

/** Correlation id of a request: the caller's X-Request-Id, or a fresh one. */
export const RequestMeta = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const given = req.header('x-request-id');
  const correlationId = given && given.length <= 200 ? given : randomUUID();
  return { correlationId, actor: 'api' };
});
