import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Tx } from '../database/db';
import { JobEventsListeners, type AppendedJobEvent, type JobEventsListener } from '../jobs/job-events.listener';
import { MetricsService } from './metrics.service';

/**
 * Counts appended events (herald_events_appended_total) where they are appended: the job
 * store's listeners see every append, inside its transaction. They count once it has
 * committed, so a rolled-back or retried append is never counted twice. In memory only: no
 * statement, nothing read.
 */
@Injectable()
export class EventMetricsListener implements JobEventsListener, OnModuleInit {
  constructor(
    private readonly listeners: JobEventsListeners,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.listeners.register(this);
  }

  onJobEvents(tx: Tx, appended: AppendedJobEvent[]): void {
    tx.afterCommit(() => {
      for (const a of appended) this.metrics.eventCommitted(a.event.type);
    });
  }
}
