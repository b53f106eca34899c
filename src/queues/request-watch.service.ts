import { Injectable } from '@nestjs/common';
import { EventFeed, type FeedSubscription } from '../streams/event-feed.service';

/**
 * Wakes the status streams of requests (fal's `/status/stream`) when their job changes, from
 * the instance's one EventFeed (src/streams): the committed event log, read once per batch of
 * events however many streams watch, woken by this instance's commits and by other
 * instances' NOTIFY, with `streams.pollMs` as the fallback. A watcher then reads the request
 * itself; a wake-up may come with no change.
 */
@Injectable()
export class RequestWatch {
  private readonly watchers = new Map<string, { set: Set<Watcher>; feed: FeedSubscription }>();

  constructor(private readonly feed: EventFeed) {}

  /**
   * Calls `watcher.changed` after each change of the job (`watcher.version`: the version the
   * watcher last rendered; it keeps it up to date), and once as soon as the feed follows the
   * job, for what was committed between the watcher's first read and then. Returns the unwatch.
   */
  watch(jobId: string, watcher: Watcher): () => void {
    let entry = this.watchers.get(jobId);
    if (!entry) {
      const set = new Set<Watcher>();
      entry = { set, feed: this.feed.subscribeStream(jobId, () => this.wake(jobId)) };
      this.watchers.set(jobId, entry);
    }
    const own = entry;
    own.set.add(watcher);
    own.feed.ready.then(
      () => own.set.has(watcher) && watcher.changed(),
      () => own.set.has(watcher) && watcher.changed(),
    );
    return () => {
      own.set.delete(watcher);
      if (own.set.size === 0 && this.watchers.get(jobId) === own) {
        this.watchers.delete(jobId);
        own.feed.close();
      }
    };
  }

  /** Whether some stream of this instance watches the job. */
  isWatching(jobId: string): boolean {
    return this.watchers.has(jobId);
  }

  private wake(jobId: string): void {
    for (const w of this.watchers.get(jobId)?.set ?? []) w.changed();
  }
}

/** One status stream's view of a request: the version it last sent, and how to wake it. */
export interface Watcher {
  version: number;
  changed: () => void;
}
