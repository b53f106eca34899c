import type { Tx } from '../database/db';
import type { NewEvent, RecordedEvent } from '../event-store/event.types';
import type { JobSummary } from './domain/job.state';

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
}

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
