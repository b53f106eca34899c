import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** Ends a span as failed by `err`: error status with its message, the exception event, error.type. */
export function endFailed(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setAttribute(ATTR_ERROR_TYPE, (e as { code?: unknown }).code !== undefined ? String((e as { code?: unknown }).code) : e.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  span.end();
}
