import { Injectable } from '@nestjs/common';
import { SpanKind, type Span } from '@opentelemetry/api';
import {
  ATTR_HERALD_EVENT_TYPES,
  ATTR_HERALD_FANOUT_PATH,
  ATTR_HERALD_JOB_ID,
  ATTR_HERALD_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from './span-attributes';
import { endFailed } from './span-status';
import { traceparentOf } from './trace-context';
import { Tracing } from './tracing.service';

/** The three ways a fan-out job is processed (docs/ARCHITECTURE.md, Outbox and delivery). */
export type FanoutPath = 'chained' | 'handoff' | 'queue';

/** A fan-out job as the fan-out holds it: its queue id and its data (the append's `traceparent` among it). */
export interface FanoutRef {
  id: string;
  data: { jobId: string; traceparent?: string; events: ReadonlyArray<{ type: string }> };
}

/** What a message of a traced fan-out carries: the `traceparent` its delivery attempts continue from. */
export interface MessageTrace {
  traceParent?: string;
}

const UNTRACED: MessageTrace = Object.freeze({});
const NOTHING_TO_END = (): void => undefined;
/** The fan-out queue (src/webhooks/infrastructure/work-queue.service.ts, FANOUT_QUEUE). */
const FANOUT_QUEUE = 'herald_fanout';

/**
 * Fan-out spans (FanoutWorker): one per fan-out job, a child of the span of the append that
 * enqueued it (the `traceparent` the job's data carries; none: a job enqueued without tracing
 * starts a trace), whichever way it is processed, in this instance or another one, now or after
 * a crash. The messages it writes carry its own `traceparent` (webhook_messages.trace_parent),
 * which every delivery attempt of theirs continues from.
 */
@Injectable()
export class FanoutTracing {
  /** Fan-out job data -> the traceparent of its span, while it is processed (what its messages carry). */
  private readonly current = new WeakMap<object, string>();

  constructor(private readonly tracing: Tracing) {}

  /** Runs `process` as the fan-out of `jobs`: their spans start now and end when it settles. */
  run<T>(path: Exclude<FanoutPath, 'chained'>, jobs: readonly FanoutRef[], process: () => Promise<T>): Promise<T> {
    if (!this.tracing.enabled) return process();
    const spans = jobs.map((job) => {
      const span = this.start(path, job);
      const traceparent = traceparentOf(span);
      if (traceparent) this.current.set(job.data, traceparent);
      return span;
    });
    const done = () => {
      for (const job of jobs) this.current.delete(job.data);
    };
    return process().then(
      (value) => {
        done();
        for (const span of spans) span.end();
        return value;
      },
      (err: unknown) => {
        done();
        for (const span of spans) endFailed(span, err);
        throw err;
      },
    );
  }

  /** What a message rendered for this fan-out job's data carries (nothing when it is not traced). */
  messageOf(data: object): MessageTrace {
    if (!this.tracing.enabled) return UNTRACED;
    const traceParent = this.current.get(data);
    return traceParent ? { traceParent } : UNTRACED;
  }

  /**
   * The chained fan-out of one job, decided with its messages rendered: its span starts now and
   * the messages get its `traceparent`; the answer ends it (with the chained transaction's failure, if any).
   */
  chained(job: FanoutRef, messages: Array<{ traceParent?: string | null }>): (failure?: unknown) => void {
    if (!this.tracing.enabled) return NOTHING_TO_END;
    const span = this.start('chained', job);
    span.setAttribute(ATTR_HERALD_MESSAGE_COUNT, messages.length);
    const traceParent = traceparentOf(span);
    if (traceParent) for (const m of messages) m.traceParent = traceParent;
    return (failure) => (failure === undefined ? span.end() : endFailed(span, failure));
  }

  private start(path: FanoutPath, job: FanoutRef): Span {
    return this.tracing.start(
      `fan-out ${FANOUT_QUEUE}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [ATTR_MESSAGING_SYSTEM]: 'pg-boss',
          [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
          [ATTR_MESSAGING_OPERATION_NAME]: 'fan-out',
          [ATTR_MESSAGING_DESTINATION_NAME]: FANOUT_QUEUE,
          [ATTR_MESSAGING_MESSAGE_ID]: job.id,
          [ATTR_HERALD_FANOUT_PATH]: path,
          [ATTR_HERALD_JOB_ID]: job.data.jobId,
          [ATTR_HERALD_EVENT_TYPES]: [...new Set(job.data.events.map((e) => e.type))],
        },
      },
      job.data.traceparent,
    );
  }
}
