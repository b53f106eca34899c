import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from '../common/request-id.middleware';
import { ATTR_HERALD_REQUEST_ID } from './span-attributes';
import { contextOfHeaders, traceparentOf } from './trace-context';
import type { Tracing } from './tracing.service';

const SPAN = Symbol('herald.http-span');
type Traced = Request & { [SPAN]?: Span };

/** Methods the HTTP conventions name; any other is `_OTHER` (the real one in http.request.method_original). */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/**
 * The server span of every request (installed only when tracing is on, right after the request
 * id): a child of the caller's `traceparent` when it sends one, named `METHOD route` once the
 * route is known (`METHOD` alone for a request no route took, a 404), ended when the answer is
 * sent (or the connection closes first). 5xx answers are errors; 4xx are the caller's.
 */
export function httpSpansMiddleware(tracing: Tracing) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const method = KNOWN_METHODS.has(req.method) ? req.method : '_OTHER';
    const port = req.socket.localPort;
    const span = tracing.start(
      method === '_OTHER' ? 'HTTP' : method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          ...(method === '_OTHER' ? { [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: req.method } : {}),
          [ATTR_URL_PATH]: req.path,
          [ATTR_URL_SCHEME]: req.protocol,
          [ATTR_SERVER_ADDRESS]: req.hostname,
          ...(port !== undefined ? { [ATTR_SERVER_PORT]: port } : {}),
          ...(req.ip ? { [ATTR_CLIENT_ADDRESS]: req.ip } : {}),
          ...(req.headers['user-agent'] ? { [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'] } : {}),
          [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
          [ATTR_HERALD_REQUEST_ID]: requestIdOf(req),
        },
      },
      contextOfHeaders(req.headers),
    );
    (req as Traced)[SPAN] = span;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        const pattern = req.baseUrl + route;
        span.setAttribute(ATTR_HTTP_ROUTE, pattern);
        if (method !== '_OTHER') span.updateName(`${method} ${pattern}`);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}

/** The `traceparent` of the request's server span; undefined when tracing is off. */
export function requestTraceparentOf(req: Request): string | undefined {
  const span = (req as Traced)[SPAN];
  return span ? traceparentOf(span) : undefined;
}
