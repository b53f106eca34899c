import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** A caller's X-Request-Id is kept when it is 1-200 visible ASCII characters; else Herald makes one. */
const GIVEN = /^[\x21-\x7e]{1,200}$/;

/** The request id of a request (requestIdMiddleware ran first). */
export function requestIdOf(req: Request): string {
  return (req as Request & { requestId?: string }).requestId ?? randomUUID();
}

/**
 * Every request gets an id, before anything else runs (a 401 carries it too): the caller's
 * `X-Request-Id` when usable, else a fresh UUID. It is answered in `X-Request-Id` and becomes
 * the `correlationId` of the events the request's command appends (RequestMeta), so a client,
 * the audit trail and the logs name the same request.
 */
export function requestIdMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.header('x-request-id');
    const id = given !== undefined && GIVEN.test(given) ? given : randomUUID();
    (req as Request & { requestId?: string }).requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
