import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Caller } from '../auth/domain/caller';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import type { Level } from '../event-store/event.types';
import { JobQueries } from '../jobs/job-queries.service';
import { parseLastEventId } from './domain/sse';
import { StatusTimeline } from './domain/status-timeline';
import { lastEventIdInvalid } from './domain/stream-errors';
import { EventFeed } from './event-feed.service';
import { JobChannel, StatusWatcher } from './job-channel';
import { KeepAlive } from './keep-alive';
import type { SseSink } from './sse-sink';

/** Events of a stream read per statement when a watcher is brought up to date from the log. */
const REPLAY_PAGE = 1000;

export interface StatusStreamOptions {
  /** Lowest event level sent (default: the job's progressVerbosityLevel); the final snapshot is always sent. */
  level?: Level;
  /** The Last-Event-ID header: the version after which to resume. */
  lastEventId?: string;
}

/**
 * GET /api/v1/exec/status/{jobId}/stream: the job's status at once, then the status after each
 * new event at or above the level asked for (the body of GET status and of the progress
 * webhook), `id:` the event's stream version; it ends after the job-ending event's snapshot.
 * A reconnect with Last-Event-ID gets the snapshots after that version (from the channel's
 * recent ones, else replayed from the job's stream), then goes on live: no gap, no repeat.
 */
@Injectable()
export class StatusStreams implements OnModuleDestroy {
  private readonly channels = new Map<string, JobChannel>();
  private readonly keepAlive: KeepAlive;
  private readonly open = new Set<StatusWatcher>();

  constructor(
    private readonly feed: EventFeed,
    private readonly jobs: JobQueries,
    private readonly db: Db,
    private readonly store: EventStoreRepository,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.keepAlive = new KeepAlive(config.streams.keepAliveMs);
  }

  onModuleDestroy(): void {
    for (const w of [...this.open]) w.finish();
  }

  /** Open status streams and watched jobs of this instance. */
  get counts(): { watchers: number; jobs: number } {
    return { watchers: this.open.size, jobs: this.channels.size };
  }

  /**
   * Everything that can refuse the stream (another project's job, a bad Last-Event-ID) is
   * decided before `sink()` is called: a refusal is a plain JSON error, never an opened stream.
   */
  async stream(caller: Caller, jobId: string, options: StatusStreamOptions, sink: () => SseSink): Promise<void> {
    const header = options.lastEventId;
    const after = parseLastEventId(header);
    if (after === null) throw lastEventIdInvalid(header ?? '', 'must be a version this stream sent');
    const job = await this.jobs.summaryFor(caller, jobId);
    if (after !== undefined && after > job.version) throw lastEventIdInvalid(header ?? '', `job ${jobId} is at version ${job.version}`);
    const channel = await this.acquire(jobId);
    const out = sink();
    const watcher = new StatusWatcher(options.level ?? job.options.progressVerbosityLevel, out, (w) => this.leave(channel, w));
    this.open.add(watcher);
    out.onClose(() => watcher.finish());
    try {
      if (after === undefined) {
        const now = channel.current();
        watcher.sent = now.version;
        out.write(now.frame);
        if (now.final) return watcher.finish();
        channel.watchers.add(watcher);
      } else {
        watcher.sent = after;
        channel.watchers.add(watcher);
        const recent = channel.since(after);
        if (recent) for (const s of recent) watcher.take(s);
        else await this.replay(watcher, jobId);
        // Nothing left to send of a job that has ended: 204, so that EventSource stops reconnecting.
        if (!watcher.closed && channel.finished && watcher.sent >= channel.version) return watcher.finish();
      }
      if (watcher.closed) return;
      out.open();
      this.keepAlive.add(out);
    } catch (err) {
      // Not opened yet: the error is the answer (the filter renders it); opened: the stream ends.
      if (out.opened) return watcher.finish();
      watcher.closed = true;
      this.leave(channel, watcher);
      throw err;
    }
  }

  /** Brings a watcher up to date from the job's stream (replayed from version 1), while the channel's new snapshots wait. */
  private async replay(watcher: StatusWatcher, jobId: string): Promise<void> {
    watcher.catchingUp = true;
    const timeline = new StatusTimeline();
    for (let from = 1; !watcher.closed; ) {
      const page = await this.store.readStream(this.db, jobId, from, REPLAY_PAGE);
      for (const s of timeline.apply(page)) watcher.take(s);
      if (page.length < REPLAY_PAGE) break;
      from = page[page.length - 1].version + 1;
    }
    watcher.caughtUp();
  }

  private async acquire(jobId: string): Promise<JobChannel> {
    let channel = this.channels.get(jobId);
    if (!channel) {
      const made = new JobChannel(jobId);
      made.ready = this.startChannel(made);
      this.channels.set(jobId, (channel = made));
    }
    channel.users += 1;
    try {
      await channel.ready;
    } catch (err) {
      this.release(channel);
      throw err;
    }
    return channel;
  }

  private async startChannel(channel: JobChannel): Promise<void> {
    channel.subscription = this.feed.subscribeStream(channel.jobId, (events) => channel.onEvents(events));
    await channel.subscription.ready;
    channel.start(await this.jobs.summary(channel.jobId));
  }

  private leave(channel: JobChannel, watcher: StatusWatcher): void {
    if (!this.open.delete(watcher)) return;
    channel.watchers.delete(watcher);
    this.keepAlive.delete(watcher.sink);
    this.release(channel);
  }

  private release(channel: JobChannel): void {
    channel.users -= 1;
    if (channel.users > 0) return;
    channel.subscription?.close();
    if (this.channels.get(channel.jobId) === channel) this.channels.delete(channel.jobId);
  }
}
