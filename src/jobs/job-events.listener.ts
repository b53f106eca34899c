import type { Tx } from '../database/db';
import type { NewEvent, RecordedEvent } from '../event-store/event.types';
import type { JobSummary } from './domain/job.state';
import type { PipelineSpec } from './domain/pipeline.types';

/** An event being appended: everything but its global position, which the append's statement assigns. */
export interface AppendingEvent extends NewEvent {
  streamId: string;
  version: number;
  createdAt: Date;
}

/** One appended job event with the job's summary right after it. */
export interface AppendedJobEvent {
  event: AppendingEvent;
  summary: JobSummary;
  /**
   * On job.submitted of a request with secrets: the request whole (the event's data carries it
   * with its secrets masked, see domain/spec-secrets.ts), for listeners that set up its webhooks.
   */
  request?: PipelineSpec;
}

/**
 * Runs inside the append's transaction, after the read models are updated: the place where
 * durable follow-up work (the webhook outbox) is enqueued atomically with the events.
 * Statements are pipelined (see Tx): a listener issues them before it returns and never waits
 * for them; `recorded` resolves with the stored events (global positions) once the append's
 * statement has answered, which is before the transaction commits.
 */
export interface JobEventsListener {
  onJobEvents(tx: Tx, appended: AppendedJobEvent[], recorded: Promise<RecordedEvent[]>): void;
  /**
   * Optional: a command is about to lock this job (named by its id or one of its tasks) and read
   * what it decides on. A listener may issue reads of its own that go out with those (no round
   * trip of their own); the command awaits the returned promise with its reads, before it
   * decides and appends.
   */
  prefetch?(tx: Tx, job: JobRef): Promise<unknown>;
}

/** A job named by its id, or by the id of one of its tasks. */
export type JobRef = { jobId: string } | { taskId: string };

/** Listeners register themselves at start-up (features depend on jobs, never the reverse). */
export class JobEventsListeners {
  private readonly listeners: JobEventsListener[] = [];

  register(listener: JobEventsListener): void {
    this.listeners.push(listener);
  }

  all(): readonly JobEventsListener[] {
    return this.listeners;
  }
}
