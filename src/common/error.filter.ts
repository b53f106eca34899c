import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable, isUnstorableText, UNSTORABLE_INPUT } from '../database/database-errors';
import { MethodNotAllowedError } from './route-errors';
import { requestIdOf } from './request-id.middleware';
import { HERALD_LOG, type HeraldLog } from '../logging/herald-log';

/** Body-parser and framework errors that are the client's fault, with stable codes. */
export function fromHttpError(err: unknown): { status: number; code: string; message: string } | undefined {
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return { status: 400, code: 'INVALID_JSON', message: 'the request body is not valid JSON' };
  if (e?.type === 'entity.too.large') return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return { status: 415, code: 'UNSUPPORTED_ENCODING', message: e.message ?? 'unsupported encoding' };
  }
  return undefined;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * The one exception filter: every error leaves as { error: { code, message, details } } (plus
 * `detail` on /fal). Only unexpected errors (500) are logged, with their stack and the request's
 * id; a 4xx is the caller's (its request line says the status).
 */
@Catch()
export class GlobalErrorFilter implements ExceptionFilter {
  private readonly log: HeraldLog;

  constructor(@Inject(HERALD_LOG) log: HeraldLog) {
    this.log = log.child({ context: 'Errors' });
  }

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    // fal's clients read an error's text from `detail` (FastAPI's field): the fal routes add it.
    const fal = http.getRequest<Request>().path?.startsWith('/fal/') ?? false;
    const send = (status: number, code: string, message: string, details?: unknown): void => {
      res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) }, ...(fal ? { detail: message } : {}) });
    };

    if (err instanceof MethodNotAllowedError) res.setHeader('Allow', err.allowed.join(', '));
    if (err instanceof DomainError) {
      // A refusal that says when to come back (429 RATE_LIMITED) says it in Retry-After too.
      const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
      return send(err.status, err.code, err.message, err.details);
    }
    if (isUnstorableText(err)) return send(400, UNSTORABLE_INPUT.code, UNSTORABLE_INPUT.message);
    if (isDatabaseUnavailable(err)) {
      res.setHeader('Retry-After', '1');
      return send(503, DATABASE_UNAVAILABLE.code, DATABASE_UNAVAILABLE.message);
    }
    const parsed = fromHttpError(err);
    if (parsed) return send(parsed.status, parsed.code, parsed.message);
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse() as { message?: unknown; code?: string } | string;
      const message = typeof body === 'string' ? body : Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? err.message);
      const cause = fromHttpError((err as { cause?: unknown }).cause);
      if (cause) return send(cause.status, cause.code, cause.message);
      return send(status, (typeof body === 'object' && body.code) || CODE_BY_STATUS[status] || (status >= 500 ? 'INTERNAL' : 'ERROR'), message);
    }
    const error = err instanceof Error ? err : new Error(String(err));
    this.log.error({ err: error, reqId: requestIdOf(http.getRequest<Request>()) }, `unexpected error: ${error.message}`);
    send(500, 'INTERNAL', 'internal error');
  }
}
