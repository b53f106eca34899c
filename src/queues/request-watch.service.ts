import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db, type Tx } from '../database/db';
import { JobEventsListeners, type AppendedJobEvent, type JobEventsListener } from '../jobs/job-events.listener';
import { QueuesRepository } from './infrastructure/queues.repository';

/**
 * Wakes the status streams of requests when they change. A commit of this instance wakes the
 * watchers of its job right after it (JobEventsListener); a commit of another instance is seen
 * by one read of every watched request's version per `streams.pollMs`, however many watchers
 * there are. A watcher then reads the request itself; a wake-up may come with no change.
 */
@Injectable()
export class RequestWatch implements JobEventsListener, OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('RequestWatch');
  private readonly watchers = new Map<string, Set<Watcher>>();
  private timer?: NodeJS.Timeout;
  private reading = false;

  constructor(
    private readonly listeners: JobEventsListeners,
    private readonly db: Db,
    private readonly repo: QueuesRepository,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  onModuleInit(): void {
    this.listeners.register(this);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  onJobEvents(tx: Tx, appended: AppendedJobEvent[]): void {
    const jobId = appended[appended.length - 1].summary.jobId;
    if (this.watchers.has(jobId)) tx.afterCommit(() => this.wake(jobId));
  }

  /**
   * Calls `watcher.changed` after each change of the job past `watcher.version` (the version the
   * watcher last rendered: it keeps it up to date); returns the unwatch.
   */
  watch(jobId: string, watcher: Watcher): () => void {
    let set = this.watchers.get(jobId);
    if (!set) this.watchers.set(jobId, (set = new Set()));
    set.add(watcher);
    this.timer ??= setInterval(() => void this.poll(), this.config.streams.pollMs);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(jobId) === set) this.watchers.delete(jobId);
      if (this.watchers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Whether some stream of this instance watches the job. */
  isWatching(jobId: string): boolean {
    return this.watchers.has(jobId);
  }

  private wake(jobId: string): void {
    for (const w of this.watchers.get(jobId) ?? []) w.changed();
  }

  private async poll(): Promise<void> {
    if (this.reading || this.watchers.size === 0) return;
    this.reading = true;
    try {
      const versions = await this.repo.versions(this.db, [...this.watchers.keys()]);
      for (const [jobId, version] of versions) {
        for (const w of this.watchers.get(jobId) ?? []) if (w.version !== version) w.changed();
      }
    } catch (err) {
      this.log.warn(`could not read watched requests: ${(err as Error).message}`);
    } finally {
      this.reading = false;
    }
  }
}

/** One status stream's view of a request: the version it last sent, and how to wake it. */
export interface Watcher {
  version: number;
  changed: () => void;
}
