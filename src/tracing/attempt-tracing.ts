import { Injectable } from '@nestjs/common';
import { ATTR_HTTP_REQUEST_RESEND_COUNT } from '@opentelemetry/semantic-conventions';
import { startClientSpan, UNTRACED_CLIENT, type ClientAnswer, type ClientSpan } from './client-span';
import {
  ATTR_HERALD_ATTEMPT,
  ATTR_HERALD_ENDPOINT_STATE,
  ATTR_HERALD_EVENT_TYPE,
  ATTR_HERALD_JOB_ID,
  ATTR_HERALD_MESSAGE_ID,
  ATTR_HERALD_SUBSCRIPTION_ID,
} from './span-attributes';
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
export type AttemptAnswer = ClientAnswer;

/** One delivery attempt's span, from just before the request until its answer. */
export type AttemptSpan = ClientSpan;

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
    if (!this.tracing.enabled) return UNTRACED_CLIENT;
    return startClientSpan(
      this.tracing,
      'POST',
      message.subscription.url,
      {
        ...(message.attempts > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: message.attempts } : {}),
        [ATTR_HERALD_SUBSCRIPTION_ID]: message.subscription.id,
        [ATTR_HERALD_MESSAGE_ID]: message.id,
        [ATTR_HERALD_ATTEMPT]: message.attempts + 1,
        [ATTR_HERALD_JOB_ID]: message.jobId,
        [ATTR_HERALD_EVENT_TYPE]: message.eventType,
        [ATTR_HERALD_ENDPOINT_STATE]: endpointState,
      },
      message.traceParent,
    );
  }
}
