import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * With HERALD_API_KEYS set, every /api and /queue route needs `Authorization: Bearer <key>`.
 * Runs before any body is read, so an unauthenticated caller gets 401 without Herald parsing
 * (or storing) anything it sent.
 */
export function apiKeyMiddleware(apiKeys: string[]) {
  const keys = apiKeys.map(digest);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (keys.length === 0 || !(req.path.startsWith('/api/') || req.path.startsWith('/queue/'))) return next();
    const match = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '');
    const given = match ? digest(match[1].trim()) : undefined;
    if (given && keys.some((k) => timingSafeEqual(k, given))) return next();
    res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <key>" header is required' } });
  };
}
