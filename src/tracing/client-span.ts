import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { traceparentOf } from './trace-context';
import type { Tracing } from './tracing.service';

/** The outcome of a request Herald made (delivery-outcome.ts, AttemptResult): its status, or the error instead of one. */
export interface ClientAnswer {
  statusCode?: number;
  errorCode?: string;
  errorMessage?: string;
}

/** The span of one request Herald makes (a delivery attempt, a stage call, a channel test), from just before it until its answer. */
export interface ClientSpan {
  /** The request's headers, with the span's `traceparent` when traced (else the same object). */
  headers(headers: Record<string, string>): Record<string, string>;
  end(answer: ClientAnswer): void;
}

/** Tracing off: headers left as they are, nothing made. */
export const UNTRACED_CLIENT: ClientSpan = Object.freeze({ headers: (headers: Record<string, string>) => headers, end: () => undefined });

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Starts an HTTP client span for a request to `url` (only when tracing is on), a child of
 * `parent`: named by its method, with the endpoint's scheme, host and port only (never a path
 * or query: a webhook URL's path is often its secret) and `attributes`. An answer of 400 or more,
 * or none, is an error (`error.type`: the status, or Herald's error code).
 */
export function startClientSpan(tracing: Tracing, method: string, target: string, attributes: Attributes, parent: string | null | undefined): ClientSpan {
  const url = new URL(target);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  const span = tracing.start(
    method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_SCHEME]: url.protocol.slice(0, -1),
        [ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        ...(port !== undefined ? { [ATTR_SERVER_PORT]: port } : {}),
        ...attributes,
      },
    },
    parent,
  );
  return {
    headers: (headers) => {
      const traceparent = traceparentOf(span);
      return traceparent ? { ...headers, traceparent } : headers;
    },
    end: (answer) => {
      if (answer.statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, answer.statusCode);
      if (answer.errorCode !== undefined) {
        span.setAttribute(ATTR_ERROR_TYPE, answer.errorCode);
        span.setStatus({ code: SpanStatusCode.ERROR, ...(answer.errorMessage ? { message: answer.errorMessage } : {}) });
      } else if (answer.statusCode !== undefined && answer.statusCode >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(answer.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}
