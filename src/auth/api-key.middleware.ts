import type { NextFunction, Request, Response } from 'express';
import { UNAUTHORIZED_BODY, type ApiKeys } from './api-keys';
import { isPublicRequest } from './public-routes';

/**
 * With HERALD_API_KEYS set, every request needs `Authorization: Bearer <key>` except the public
 * ones (public-routes.ts): deny by default, whatever the path's spelling. Runs before any body
 * is read, so a caller without a key gets 401 without Herald parsing (or storing) what it sent.
 */
export function apiKeyMiddleware(keys: ApiKeys, docs: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (keys.open || isPublicRequest(req.method, req.path, docs) || keys.accepts(req.header('authorization'))) return next();
    res.status(401).json(UNAUTHORIZED_BODY);
  };
}
