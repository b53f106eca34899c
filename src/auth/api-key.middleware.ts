import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { UNAUTHORIZED_BODY } from './api-keys';
import type { Callers } from './callers.service';
import { isPublicRequest } from './public-routes';
import { setCaller } from './current-caller.decorator';

const UNAVAILABLE = { error: { code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer' } };

/**
 * Every request needs a valid key (`Authorization: Bearer <key>`) except the public ones
 * (public-routes.ts): deny by default, whatever the path's spelling. Without admin keys a request
 * without a project key is served as an admin's (open API). Runs before any body is read, so a
 * caller without a key gets 401 without Herald parsing (or storing) what it sent; the caller it
 * resolves is what the guard and the handlers see.
 */
export function apiKeyMiddleware(callers: Callers, docs: boolean) {
  const log = new Logger('Auth');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (isPublicRequest(req.method, req.path, docs)) return next();
    let caller;
    try {
      caller = await callers.resolve(req.header('authorization'));
    } catch (err) {
      log.error(`could not look up an API key: ${(err as Error).message}`);
      res.status(503).json(UNAVAILABLE);
      return;
    }
    if (!caller) {
      res.status(401).json(UNAUTHORIZED_BODY);
      return;
    }
    setCaller(req, caller);
    next();
  };
}
