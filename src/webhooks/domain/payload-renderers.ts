import { levelRank } from '../../event-store/event.types';
import type { FanoutJob } from './fanout.types';
import type { PayloadFormat, Subscription } from './subscription.types';

export type FanoutEvent = FanoutJob['events'][number];

/** Job-ending events: the result webhook fires once, on the one that ends the job. */
export const JOB_END_EVENTS = new Set(['job.completed', 'job.failed', 'job.stopped']);

/**
 * Whether a subscription wants an event: its format renders that event type, the event's level
 * reaches the subscription's minimum, and the event type passes its filter.
 */
export function wants(sub: Subscription, event: FanoutEvent): boolean {
  if (sub.eventTypes && !sub.eventTypes.includes(event.type)) return false;
  switch (sub.format) {
    case 'exec.progress':
      return levelRank(event.level) >= levelRank(sub.minLevel);
    case 'exec.result':
      return JOB_END_EVENTS.has(event.type);
  }
}

/** Renderers that need data beyond the event get it from the fan-out worker (results: read model). */
export interface RenderSources {
  results: (jobId: string) => Promise<unknown>;
}

export async function render(format: PayloadFormat, jobId: string, event: FanoutEvent, sources: RenderSources): Promise<string> {
  switch (format) {
    case 'exec.progress':
      // Exactly GET /api/v1/exec/status/{jobId} as of this event.
      return JSON.stringify(event.status);
    case 'exec.result':
      // Exactly GET /api/v1/exec/results/{jobId} (a finished job's results no longer change).
      return JSON.stringify(await sources.results(jobId));
  }
}
