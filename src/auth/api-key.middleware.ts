import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { UNAUTHORIZED_BODY } from './api-keys';
import { LookupRefused, type Callers } from './callers.service';
import { isPublicRequest } from './public-routes';
import { setCaller } from './current-caller.decorator';
import { setStreamTokenJob, streamTokenRequest, type StreamTokenResolver } from './stream-token-access';
import { rateLimited, retryAfterSeconds, unknownKeysLimited } from '../limits/domain/project-limits';
import type { ProjectLimitsService } from '../limits/limits.service';
import type { DomainError } from '../common/domain-error';

const UNAVAILABLE = { error: { code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer' } };

/**
 * Every request needs a valid key (`Authorization: Bearer <key>`) except the public ones
 * (public-routes.ts): deny by default, whatever the path's spelling. Without admin keys a request
 * without a project key is served as an admin's (open API). Runs before any body is read, so a
 * caller without a key gets 401 without Herald parsing (or storing) what it sent; the caller it
 * resolves is what the guard and the handlers see. A job's status stream alone may instead come
 * with a stream token (`?token=`, no Authorization header; stream-token-access.ts) for that job.
 */
export function apiKeyMiddleware(callers: Callers, docs: boolean, limits: ProjectLimitsService, dashboard = false, streamTokens?: StreamTokenResolver) {
  const log = new Logger('Auth');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (isPublicRequest(req.method, req.path, docs, dashboard)) return next();
    const gate = limits.gateFor(req.ip);
    const byToken = streamTokens ? streamTokenRequest(req) : undefined;
    let caller;
    try {
      caller = byToken ? await streamTokens!.resolve(byToken.jobId, byToken.token, gate) : await callers.resolve(req.header('authorization'), gate);
      if (caller?.kind === 'project') {
        const admission = await limits.admit(caller.projectId);
        if (!admission.ok) return tooMany(res, rateLimited(caller.projectId, admission.limit, admission.retryAfterMs), admission.retryAfterMs, admission.limit);
        if (admission.limit > 0) rateHeaders(res, admission.limit, admission.remaining, admission.resetMs);
      }
    } catch (err) {
      // An address sending unknown project keys waits: each one is a database lookup.
      if (err instanceof LookupRefused) return tooMany(res, unknownKeysLimited(err.retryAfterMs), err.retryAfterMs);
      log.error(`could not look up an API key: ${(err as Error).message}`);
      res.status(503).json(UNAVAILABLE);
      return;
    }
    if (!caller) {
      res.status(401).json(UNAUTHORIZED_BODY);
      return;
    }
    setCaller(req, caller);
    if (byToken) setStreamTokenJob(req, byToken.jobId);
    next();
  };
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): this instance's share, per second. */
function rateHeaders(res: Response, limit: number, remaining: number, resetMs: number): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, remaining)));
  res.setHeader('RateLimit-Reset', String(retryAfterSeconds(resetMs)));
}

function tooMany(res: Response, e: DomainError, retryAfterMs: number, limit?: number): void {
  res.setHeader('Retry-After', String(retryAfterSeconds(retryAfterMs)));
  if (limit !== undefined) rateHeaders(res, limit, 0, retryAfterMs);
  res.status(429).json({ error: { code: e.code, message: e.message, details: e.details } });
}
