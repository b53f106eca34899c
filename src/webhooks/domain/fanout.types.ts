import type { Level } from '../../event-store/event.types';
import type { StatusView } from '../../jobs/domain/job-status.view';
import type { JobKind } from '../../jobs/domain/pipeline.types';

/**
 * Data of one fan-out job: the events of one append, each with the job's status right after it.
 * Events are named by their stream version (the append is pipelined, so the outbox does not wait
 * for the global positions); fan-out looks the positions up. Jobs written before that carry
 * `position` instead.
 */
export interface FanoutJob {
  jobId: string;
  kind: JobKind;
  projectId?: string;
  batchId?: string;
  /** W3C traceparent of the append's span (tracing on only): the fan-out's span is its child, in whichever instance runs it. */
  traceparent?: string;
  events: Array<{
    version?: number;
    position?: number;
    type: string;
    level: Level;
    /** Event time (ISO). */
    at: string;
    /** The event's metadata.correlationId: the id of the request that appended it (the messages of the event carry it, for their log lines). */
    correlationId?: string;
    status: StatusView;
    /** The event's data without bulky parts (task results, the request, created tasks). */
    data?: Record<string, unknown>;
  }>;
}

/** Data of one delivery job: the message to attempt. `force` (manual resend) skips supersession. */
export interface DeliverJob {
  m: string;
  /** Token the message must still carry; a job whose token was replaced is stale and skipped. */
  t: string;
  force?: boolean;
  /**
   * The message's endpoint (origin): set by fan-out, and when the message is given back to the
   * queue for want of its endpoint (busy, circuit open) or behind an earlier message. When the
   * endpoint's circuit opens, its waiting jobs are parked (WorkQueue.parkEndpoint); when it
   * closes, they are made due at once (WorkQueue.releaseParked). Retries and resends carry none.
   */
  e?: string;
  /**
   * A retry's due time (epoch ms), kept when the job is given back to the queue: what the send
   * lag of the retry is measured from (herald_delivery_send_lag_seconds). First attempts carry
   * none (their due time is the message's creation).
   */
  d?: number;
}
