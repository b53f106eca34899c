import { Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import {
  ATTR_HERALD_EVENT_COUNT,
  ATTR_HERALD_EVENT_TYPES,
  ATTR_HERALD_JOB_ID,
  ATTR_HERALD_STREAM_ID,
  ATTR_HERALD_STREAM_TYPE,
  ATTR_HERALD_STREAM_VERSION,
} from './span-attributes';
import { endFailed } from './span-status';
import { traceparentOf } from './trace-context';
import { Tracing } from './tracing.service';

export interface TracedAppend<M> {
  /** The metadata of the appended events: the command's, with the append span as `traceparent`. */
  meta: M;
  /** Ends the span when the append's statement answers (or fails: a version conflict, say). */
  settle(recorded: Promise<unknown>): void;
}

/**
 * The span of an append to the event store (JobStore): a child of the command's context (its
 * request's server span, carried as `traceparent` in the command's metadata; none, for the
 * sweeper's or a stage's commands: a trace of its own). The appended events carry the append
 * span's `traceparent` in their metadata, and so does their fan-out job: the fan-out, whenever and
 * wherever it runs, continues the trace from it.
 */
@Injectable()
export class AppendTracing {
  constructor(private readonly tracing: Tracing) {}

  get enabled(): boolean {
    return this.tracing.enabled;
  }

  /** Only when enabled. `types`: the appended events' types, in order. */
  start<M extends { traceparent?: string }>(meta: M, append: { streamId: string; streamType: string; expectedVersion: number; types: string[] }): TracedAppend<M> {
    const span = this.tracing.start(
      `append ${append.streamType}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR_HERALD_STREAM_ID]: append.streamId,
          [ATTR_HERALD_STREAM_TYPE]: append.streamType,
          ...(append.streamType === 'job' ? { [ATTR_HERALD_JOB_ID]: append.streamId } : {}),
          [ATTR_HERALD_STREAM_VERSION]: append.expectedVersion + append.types.length,
          [ATTR_HERALD_EVENT_TYPES]: [...new Set(append.types)],
          [ATTR_HERALD_EVENT_COUNT]: append.types.length,
        },
      },
      meta.traceparent,
    );
    const traceparent = traceparentOf(span);
    return {
      meta: traceparent ? { ...meta, traceparent } : meta,
      settle: (recorded) => {
        recorded.then(
          () => span.end(),
          (err: unknown) => endFailed(span, err),
        );
      },
    };
  }
}
