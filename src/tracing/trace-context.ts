import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) with explicit contexts only: Herald
 * registers no global context manager or propagator, so several Heralds of one process (some
 * tracing, some not) never share one. A context travels as a `traceparent` string: in a
 * request's headers, in the events' metadata, in the fan-out job, on the message row.
 */
const w3c = new W3CTraceContextPropagator();

/** The `traceparent` of a span: `00-<trace id>-<span id>-<flags>`. */
export function traceparentOf(span: Span): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/** The context a stored `traceparent` names (the root context when there is none, or it is malformed). */
export function contextOf(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
}

/** The context of an incoming request's `traceparent` and `tracestate` headers (root without them). */
export function contextOfHeaders(headers: Record<string, string | string[] | undefined>): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}
