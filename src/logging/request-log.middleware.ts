import type { NextFunction, Request, Response } from 'express';
import pinoHttp from 'pino-http';
import type { LevelWithSilent } from 'pino';
import { callerOf } from '../auth/current-caller.decorator';
import { requestIdOf } from '../common/request-id.middleware';
import { SERIALIZERS, type HeraldLog } from './herald-log';

/** Health probes and the metrics scrape: polled all day, logged at debug. */
const PROBE = /^\/(health(\/.*)?|metrics)$/;

/** The request's path without its query string (a query may hold webhook URLs). */
function pathOf(req: Request): string {
  const url = req.originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The route pattern that answered (`/api/v1/exec/status/:jobId`), when one did. */
function routeOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/** Who called, never with the key: `admin`, or `project:<id>` for a project key. */
function callerKindOf(req: Request): string | undefined {
  const caller = callerOf(req);
  if (!caller) return undefined;
  return caller.kind === 'project' ? `project:${caller.projectId}` : 'admin';
}

function fieldsOf(req: Request, res: Response, durationMs: number): Record<string, unknown> {
  const route = routeOf(req);
  const caller = callerKindOf(req);
  return {
    method: req.method,
    ...(route === undefined ? {} : { route }),
    path: pathOf(req),
    status: res.statusCode,
    durationMs,
    ...(caller === undefined ? {} : { caller }),
    ...(res.writableEnded ? {} : { aborted: true }),
  };
}

function messageOf(req: Request, res: Response): string {
  return `${req.method} ${routeOf(req) ?? pathOf(req)} ${res.statusCode}${res.writableEnded ? '' : ' (aborted)'}`;
}

/**
 * One line per request when its answer is sent (pino-http), at info (health probes and
 * /metrics at debug): method, route pattern, path, status, duration in ms, the caller's kind and
 * `reqId`, the id requestIdMiddleware gave the request (it runs first), so the X-Request-Id
 * answered, this line and the correlationId of the events the request appended are one id.
 * No headers, no query string, no body. A 5xx is logged the same way: the error filter logs
 * the error itself, with its stack.
 */
export function requestLogMiddleware(log: HeraldLog): (req: Request, res: Response, next: NextFunction) => void {
  // At warn and above (the tests, the benchmarks) no request line is written: none is prepared.
  if (!log.isLevelEnabled('info')) return (_req, _res, next) => next();
  return pinoHttp<Request, Response>({
    logger: log,
    genReqId: (req) => requestIdOf(req),
    // The per-request logger binds reqId only. pino-http still binds the request to a logger it
    // does not use here: serialized as nothing, it costs nothing. Herald's serializers stay in
    // force otherwise (censored headers), not pino-http's.
    wrapSerializers: false,
    serializers: { ...SERIALIZERS, req: () => undefined },
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'reqId', responseTime: 'durationMs' },
    customLogLevel: (req): LevelWithSilent => (PROBE.test(pathOf(req)) ? 'debug' : 'info'),
    customSuccessObject: (req, res, val: { durationMs: number }) => fieldsOf(req, res, val.durationMs),
    customErrorObject: (req, res, _err, val: { durationMs: number }) => fieldsOf(req, res, val.durationMs),
    customSuccessMessage: (req, res) => messageOf(req, res),
    customErrorMessage: (req, res) => messageOf(req, res),
  });
}
