import type { Tx } from '../database/db';
import type { RecordedEvent } from '../event-store/event.types';
import type { JobSummary } from './domain/job.state';

/** One appended job event with the job's summary right after it. */
export interface AppendedJobEvent {
  event: RecordedEvent;
  summary: JobSummary;
}

/**
 * Runs inside the append's transaction, after the read models are updated: the place where
 * durable follow-up work (the webhook outbox) is enqueued atomically with the events.
 */
export interface JobEventsListener {
  onJobEvents(tx: Tx, appended: AppendedJobEvent[]): Promise<void>;
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
