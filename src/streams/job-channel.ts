import type { Level, RecordedEvent } from '../event-store/event.types';
import { isFinished, type JobSummary } from '../jobs/domain/job.state';
import { passes, snapshotOf, StatusTimeline, type Snapshot, type StreamEvent } from './domain/status-timeline';
import type { FeedSubscription } from './event-feed.service';
import type { SseSink } from './sse-sink';

/** Snapshots a channel keeps: a watcher that reconnects within them resumes without a read. */
const RECENT = 256;

/**
 * One status stream's client: the level it asked for, the last version it was brought to
 * (`sent`: given or skipped by its level), its answer. While it catches up from a replay, what
 * the channel brings meanwhile waits in `pending`.
 */
export class StatusWatcher {
  sent = 0;
  closed = false;
  catchingUp = false;
  private pending: Snapshot[] = [];

  constructor(
    readonly min: Level,
    readonly sink: SseSink,
    private readonly onDone: (w: StatusWatcher) => void,
  ) {}

  offer(s: Snapshot): void {
    if (this.closed) return;
    if (this.catchingUp) this.pending.push(s);
    else this.take(s);
  }

  /** The next snapshot: sent when it is newer and passes the level; the stream ends after the final one. */
  take(s: Snapshot): void {
    if (this.closed) return;
    if (s.version > this.sent) {
      this.sent = s.version;
      if (passes(s, this.min)) this.sink.write(s.frame);
    }
    if (s.final) this.finish();
  }

  caughtUp(): void {
    this.catchingUp = false;
    const pending = this.pending;
    this.pending = [];
    for (const s of pending) this.take(s);
  }

  finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.end();
    this.onDone(this);
  }
}

/**
 * What this instance knows of one watched job, shared by all its watchers: the summary carried
 * forward from the event feed (each event evolved and rendered once, whatever the number of
 * watchers) and its last snapshots. Made when a job gets its first watcher here: it follows the
 * job's stream on the feed first, then reads the summary, so nothing falls between the two.
 */
export class JobChannel {
  readonly watchers = new Set<StatusWatcher>();
  users = 0;
  ready!: Promise<void>;
  subscription?: FeedSubscription;
  private timeline?: StatusTimeline;
  private early: StreamEvent[] = [];
  private readonly recent: Snapshot[] = [];
  private now?: Snapshot;

  constructor(readonly jobId: string) {}

  /** The summary read once the feed follows the job: the channel starts at its version. */
  start(summary: JobSummary): void {
    this.timeline = new StatusTimeline(summary);
    const early = this.early;
    this.early = [];
    this.push(this.timeline.apply(early));
  }

  onEvents(events: readonly RecordedEvent[]): void {
    if (!this.timeline) this.early.push(...events);
    else this.push(this.timeline.apply(events));
  }

  get version(): number {
    return this.timeline?.version ?? 0;
  }

  get finished(): boolean {
    const s = this.timeline?.current;
    return s !== undefined && isFinished(s.status);
  }

  /** The job's status now, as the first event of a new stream. */
  current(): Snapshot {
    const summary = this.timeline?.current;
    if (!summary) throw new Error(`channel of ${this.jobId} is not started`);
    if (this.now?.version !== summary.version) this.now = snapshotOf(summary, isFinished(summary.status));
    return this.now;
  }

  /** The snapshots after `version` if this channel still has them all (undefined: it does not, replay the stream). */
  since(version: number): Snapshot[] | undefined {
    if (version >= this.version) return [];
    const first = this.recent[0]?.version ?? this.version + 1;
    if (first > version + 1) return undefined;
    return this.recent.filter((s) => s.version > version);
  }

  private push(snapshots: Snapshot[]): void {
    for (const s of snapshots) {
      this.recent.push(s);
      if (this.recent.length > RECENT) this.recent.shift();
      for (const w of [...this.watchers]) w.offer(s);
    }
  }
}
