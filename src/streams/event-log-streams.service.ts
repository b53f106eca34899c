import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { projectNotFound, projectOf, type Caller } from '../auth/domain/caller';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { START, type Checkpoint, type RecordedEvent } from '../event-store/event.types';
import { JobQueries } from '../jobs/job-queries.service';
import { compareCheckpoints } from './domain/checkpoints';
import { eventFrame, eventPasses, projectNamedBy, type EventFilter } from './domain/event-view';
import { parseLastEventId } from './domain/sse';
import { lastEventIdInvalid } from './domain/stream-errors';
import { EventFeed, type FeedSubscription } from './event-feed.service';
import { StreamsRepository } from './infrastructure/streams.repository';
import { KeepAlive } from './keep-alive';
import type { SseSink } from './sse-sink';

/** Events read per statement when a watcher catches up from its Last-Event-ID. */
const CATCH_UP_PAGE = 500;
/** Projects of job streams remembered (a stream's project never changes); past this the oldest go first. */
const MAX_PROJECTS = 50_000;

export interface EventsStreamQuery {
  projectId?: string;
  jobId?: string;
  types?: string[];
}

/** One events stream's client: its filter, the last event it was brought to (`at`), its answer. */
class LogWatcher {
  closed = false;
  catchingUp = false;
  pending: Array<readonly RecordedEvent[]> = [];

  constructor(
    readonly filter: EventFilter,
    readonly sink: SseSink,
    public at: Checkpoint | undefined,
  ) {}

  take(events: readonly RecordedEvent[], projectOf: (streamId: string) => string | null | undefined, frameOf: (e: RecordedEvent) => string): void {
    for (const e of events) {
      if (this.closed) return;
      const here = { transactionId: e.transactionId, globalPosition: e.globalPosition };
      if (this.at && compareCheckpoints(here, this.at) <= 0) continue;
      this.at = here;
      if (eventPasses(e, this.filter, projectOf)) this.sink.write(frameOf(e));
    }
  }
}

/**
 * GET /api/v1/events/stream: the event log as server-sent events (`id:` the global position,
 * `event:` the type), filtered by project (a project key's own, always), job and types. Live
 * events come from the instance's one EventFeed; each is rendered once for all watchers, and
 * the projects of a batch's streams are looked up once for all of them. Last-Event-ID resumes
 * right after that event, in the log's commit order, by reading the log from there before
 * going on live.
 */
@Injectable()
export class EventLogStreams implements OnModuleDestroy {
  private readonly log = new Logger('Streams');
  private readonly watchers = new Set<LogWatcher>();
  private readonly keepAlive: KeepAlive;
  private readonly projects = new Map<string, string | null>();
  private readonly frames = new WeakMap<RecordedEvent, string>();
  private subscription?: FeedSubscription;
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly feed: EventFeed,
    private readonly jobs: JobQueries,
    private readonly db: Db,
    private readonly store: EventStoreRepository,
    private readonly repo: StreamsRepository,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.keepAlive = new KeepAlive(config.streams.keepAliveMs);
  }

  onModuleDestroy(): void {
    for (const w of [...this.watchers]) this.close(w);
  }

  get count(): number {
    return this.watchers.size;
  }

  /** Refusals (another project, another project's job, a Last-Event-ID of no event) come before `sink()`: plain JSON errors. */
  async stream(caller: Caller, query: EventsStreamQuery, lastEventId: string | undefined, sink: () => SseSink): Promise<void> {
    const after = parseLastEventId(lastEventId);
    if (after === null) throw lastEventIdInvalid(lastEventId ?? '', 'must be the global position of an event');
    if (caller.kind === 'project' && query.projectId !== undefined && query.projectId !== caller.projectId) throw projectNotFound(query.projectId);
    if (query.jobId !== undefined) await this.jobs.summaryFor(caller, query.jobId);
    let from: Checkpoint | undefined;
    if (after !== undefined) {
      from = after === 0 ? START : await this.store.checkpointAt(this.db, after);
      if (!from) throw lastEventIdInvalid(lastEventId ?? '', `there is no event at position ${after}`);
    }
    const filter: EventFilter = {
      ...(projectOf(caller) ?? query.projectId ? { projectId: projectOf(caller) ?? query.projectId } : {}),
      ...(query.jobId !== undefined ? { jobId: query.jobId } : {}),
      ...(query.types ? { types: new Set(query.types) } : {}),
    };
    const watcher = new LogWatcher(filter, sink(), from);
    watcher.catchingUp = from !== undefined;
    this.watchers.add(watcher);
    watcher.sink.onClose(() => this.close(watcher));
    try {
      await this.follow();
      watcher.sink.open();
      this.keepAlive.add(watcher.sink);
      if (from) await this.catchUp(watcher);
    } catch (err) {
      if (watcher.sink.opened) return this.close(watcher);
      this.watchers.delete(watcher);
      this.unfollowIfIdle();
      throw err;
    }
  }

  private async follow(): Promise<void> {
    this.subscription ??= this.feed.subscribeAll((events) => {
      this.delivering = this.delivering.then(() => this.deliver(events)).catch((err: Error) => this.log.warn(`events stream: ${err.message}`));
    });
    await this.subscription.ready;
  }

  private async deliver(events: readonly RecordedEvent[]): Promise<void> {
    const live = [...this.watchers];
    if (live.some((w) => w.filter.projectId !== undefined)) await this.resolveProjects(events);
    for (const w of live) {
      if (w.closed) continue;
      if (w.catchingUp) w.pending.push(events);
      else w.take(events, this.projectOf, this.frameOf);
    }
  }

  /** Reads the log from the watcher's position until it is level with the feed, then hands it what the feed brought meanwhile. */
  private async catchUp(w: LogWatcher): Promise<void> {
    while (!w.closed && w.at) {
      const batch = await this.store.readAfter(this.db, w.at, CATCH_UP_PAGE);
      if (w.filter.projectId !== undefined) await this.resolveProjects(batch);
      w.take(batch, this.projectOf, this.frameOf);
      if (batch.length < CATCH_UP_PAGE) break;
    }
    w.catchingUp = false;
    const pending = w.pending;
    w.pending = [];
    for (const events of pending) w.take(events, this.projectOf, this.frameOf);
  }

  private readonly projectOf = (streamId: string): string | null | undefined => this.projects.get(streamId);

  private readonly frameOf = (e: RecordedEvent): string => {
    let frame = this.frames.get(e);
    if (frame === undefined) this.frames.set(e, (frame = eventFrame(e)));
    return frame;
  };

  /** One statement for the streams of a batch whose project is not known yet (a job.submitted names its own). */
  private async resolveProjects(events: readonly RecordedEvent[]): Promise<void> {
    const unknown = new Set<string>();
    for (const e of events) {
      const named = projectNamedBy(e);
      if (named !== undefined) this.remember(e.streamId, named);
      else if (!this.projects.has(e.streamId)) unknown.add(e.streamId);
    }
    if (unknown.size === 0) return;
    const found = await this.repo.projectsOf(this.db, [...unknown]);
    for (const id of unknown) this.remember(id, found.get(id) ?? null);
  }

  private remember(streamId: string, projectId: string | null): void {
    if (this.projects.has(streamId)) return;
    if (this.projects.size >= MAX_PROJECTS) this.projects.delete(this.projects.keys().next().value!);
    this.projects.set(streamId, projectId);
  }

  private close(w: LogWatcher): void {
    if (w.closed) return;
    w.closed = true;
    w.sink.end();
    this.keepAlive.delete(w.sink);
    this.watchers.delete(w);
    this.unfollowIfIdle();
  }

  private unfollowIfIdle(): void {
    if (this.watchers.size > 0 || !this.subscription) return;
    this.subscription.close();
    this.subscription = undefined;
  }
}
