import { levelRank, type Level } from '../../event-store/event.types';
import { renderStatus } from '../../jobs/domain/job-status.view';
import { evolve } from '../../jobs/domain/job.evolve';
import type { JobEvent } from '../../jobs/domain/job.events';
import type { JobStatus, JobSummary } from '../../jobs/domain/job.state';
import { sseEvent } from './sse';

/** The events that end a job: their snapshot is the last a status stream sends, whatever its level. */
export const JOB_END_EVENTS: ReadonlySet<string> = new Set(['job.completed', 'job.failed', 'job.stopped']);

/** The job's status right after one of its events, as a status stream sends it. */
export interface Snapshot {
  /** The stream version of the event that produced it: the SSE `id`. */
  version: number;
  /** That event's level. */
  level: Level;
  /** Produced by the job-ending event (job.completed, job.failed, job.stopped). */
  final: boolean;
  status: JobStatus;
  /** The SSE event itself (`id:` version, `data:` the status view), written as is to every watcher; rendered when first asked for. */
  readonly frame: string;
}

/** The snapshot of a summary: the body of GET /api/v1/exec/status/{jobId} (and of the progress webhook) at its version. */
export function snapshotOf(summary: JobSummary, final: boolean): Snapshot {
  let frame: string | undefined;
  return {
    version: summary.version,
    level: summary.level,
    final,
    status: summary.status,
    get frame() {
      return (frame ??= sseEvent(summary.version, JSON.stringify(renderStatus(summary))));
    },
  };
}

/** Whether a watcher asking for `min` and above gets this snapshot (the final one always). */
export function passes(snapshot: Snapshot, min: Level): boolean {
  return snapshot.final || levelRank(snapshot.level) >= levelRank(min);
}

/** An event of a job's stream, as the timeline needs it. */
export interface StreamEvent {
  version: number;
  type: string;
  data: unknown;
  createdAt: Date;
}

/**
 * A job's summary carried forward event by event with `evolve`, as the projector does (so each
 * snapshot is what the jobs row held right after that event), from a summary read at some
 * version, or from nothing for a replay from version 1. The event log is read in commit order,
 * which can differ from a stream's version order when transactions commit out of order: an
 * event ahead of the next version waits until the versions before it came; versions already
 * applied are ignored.
 */
export class StatusTimeline {
  private readonly waiting = new Map<number, StreamEvent>();

  constructor(private summary?: JobSummary) {}

  get version(): number {
    return this.summary?.version ?? 0;
  }

  get current(): JobSummary | undefined {
    return this.summary;
  }

  /** Takes events of the stream (any order, repeats ignored); returns the snapshots of those that now follow on, in version order. */
  apply(events: readonly StreamEvent[]): Snapshot[] {
    for (const e of events) if (e.version > this.version) this.waiting.set(e.version, e);
    const out: Snapshot[] = [];
    for (let next = this.waiting.get(this.version + 1); next; next = this.waiting.get(this.version + 1)) {
      this.waiting.delete(next.version);
      this.summary = evolve(this.summary, { type: next.type, data: next.data } as JobEvent, next.createdAt.toISOString());
      out.push(snapshotOf(this.summary, JOB_END_EVENTS.has(next.type)));
    }
    return out;
  }
}
