import { Injectable } from '@nestjs/common';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_HERALD_ATTEMPT,
  ATTR_HERALD_ENDPOINT_STATE,
  ATTR_HERALD_EVENT_TYPE,
  ATTR_HERALD_JOB_ID,
  ATTR_HERALD_MESSAGE_ID,
  ATTR_HERALD_SUBSCRIPTION_ID,
} from './span-attributes';
import { traceparentOf } from './trace-context';
import { Tracing } from './tracing.service';

/** The message an attempt sends, as delivery took it (its row's `trace_parent`: the span of the fan-out that wrote it). */
export interface AttemptedMessage {
  id: string;
  jobId: string;
  eventType: string;
  /** Attempts made before this one. */
  attempts: number;
  traceParent?: string | null;
  subscription: { id: string; url: string };
}

/** The outcome of the request (delivery-outcome.ts, AttemptResult). */
export interface AttemptAnswer {
  statusCode?: number;
  errorCode?: string;
  errorMessage?: string;
}

/** One delivery attempt's span, from just before the request until its answer. */
export interface AttemptSpan {
  /** The request's headers, with the attempt's `traceparent` when traced (else the same object). */
  headers(headers: Record<string, string>): Record<string, string>;
  end(answer: AttemptAnswer): void;
}

const UNTRACED: AttemptSpan = Object.freeze({ headers: (headers: Record<string, string>) => headers, end: () => undefined });

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Delivery attempt spans (DeliveryWorker): an HTTP client span per attempt, a child of the
 * fan-out span that wrote the message, with the subscription, message and attempt number; the
 * webhook request carries the attempt's `traceparent` header, so the receiver's own spans join
 * the trace. Untraced (tracing off): the headers are left as they are and nothing is made.
 * Only the endpoint's scheme, host and port are recorded: a webhook URL's path or query may be
 * its secret.
 */
@Injectable()
export class AttemptTracing {
  constructor(private readonly tracing: Tracing) {}

  start(message: AttemptedMessage, endpointState: string): AttemptSpan {
    if (!this.tracing.enabled) return UNTRACED;
    const url = new URL(message.subscription.url);
    const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
    const span = this.tracing.start(
      'POST',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: 'POST',
          [ATTR_URL_SCHEME]: url.protocol.slice(0, -1),
          [ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          ...(port !== undefined ? { [ATTR_SERVER_PORT]: port } : {}),
          ...(message.attempts > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: message.attempts } : {}),
          [ATTR_HERALD_SUBSCRIPTION_ID]: message.subscription.id,
          [ATTR_HERALD_MESSAGE_ID]: message.id,
          [ATTR_HERALD_ATTEMPT]: message.attempts + 1,
          [ATTR_HERALD_JOB_ID]: message.jobId,
          [ATTR_HERALD_EVENT_TYPE]: message.eventType,
          [ATTR_HERALD_ENDPOINT_STATE]: endpointState,
        },
      },
      message.traceParent,
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
}
