import { LiveInstances } from '../common/live-instances';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { DatabaseConnection } from '../database/database.module';
import { Db, type Tx } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import type { Checkpoint, RecordedEvent } from '../event-store/event.types';
import { JobEventsListeners, type AppendedJobEvent, type JobEventsListener } from '../jobs/job-events.listener';
import { compareCheckpoints, laterOf } from './domain/checkpoints';
import { CommitSignal } from './infrastructure/commit-signal';

/** Events read per statement; a full batch is followed by the next read at once. */
const BATCH = 500;
/** First wait before reading again when a commit known to have happened is not readable yet (an older transaction still runs). */
const CHASE_FIRST_MS = 5;

type Handler = (events: readonly RecordedEvent[]) => void;

/** A subscriber's hold on the feed: `ready` once the feed has its position (what it misses, a read made after `ready` sees). */
export interface FeedSubscription {
  ready: Promise<void>;
  close(): void;
}

/**
 * The one reader of the committed event log per instance: every live stream of this instance is
 * fed from it (status streams by job, the events stream, fal's status streams), so a batch of
 * events costs one read however many watchers there are. It reads with
 * `EventStoreRepository.readAfter` (commit order, below the snapshot's xmin: a late commit holds
 * it back, never gets skipped), from the log's head when its first subscriber comes; it stops
 * when the last one leaves.
 *
 * It reads when woken: right after this instance commits an append (JobEventsListener,
 * afterCommit), on another instance's NOTIFY (CommitSignal, coalesced), and every
 * `streams.pollMs` as the fallback. A commit it was told of but cannot read yet (an older
 * transaction still running) is read again after 5 ms, then 10, 20, … up to `streams.pollMs`.
 */
@Injectable()
export class EventFeed implements JobEventsListener, OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Streams');
  readonly instanceId = randomUUID();
  private readonly signal: CommitSignal;
  private readonly byStream = new Map<string, Set<Handler>>();
  private readonly all = new Set<Handler>();
  private subscribers = 0;
  /** Where the reader is; undefined while it is not running. */
  private checkpoint?: Checkpoint;
  private starting?: Promise<void>;
  /** Bumped at each stop: a read of an earlier run is dropped. */
  private generation = 0;
  /** The latest event known to be committed (this instance's commits, other instances' NOTIFYs). */
  private target?: Checkpoint;
  private reading = false;
  private again = false;
  private poller?: NodeJS.Timeout;
  private chaser?: NodeJS.Timeout;
  private chaseMs = 0;
  /** Appends' transactions seen, with the last event each recorded. */
  private readonly commits = new WeakMap<Tx, { last?: Checkpoint }>();
  /** What the feed did (the benchmark and tests read it): reads of the log, events read. */
  readonly stats = { reads: 0, events: 0, heads: 0 };

  constructor(
    private readonly listeners: JobEventsListeners,
    private readonly db: Db,
    connection: DatabaseConnection,
    private readonly store: EventStoreRepository,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    instances: LiveInstances,
  ) {
    // Alone on the database (herald_instances' heartbeat), no other instance listens: no NOTIFY.
    this.signal = new CommitSignal(db, connection.url, this.instanceId, config.webhooks.notifyCoalesceMs, (at) => this.heard(at), () => instances.count > 1);
  }

  onModuleInit(): void {
    this.listeners.register(this);
  }

  async onModuleDestroy(): Promise<void> {
    this.stop();
    await this.signal.close();
  }

  /** NOTIFYs this instance sent. */
  get notifiesSent(): number {
    return this.signal.sent;
  }

  /**
   * Inside every append's transaction: once it commits, this instance's reader is woken and the
   * other instances are told (one coalesced NOTIFY, sent after the commit on the pool). Nothing
   * is added to the transaction itself.
   */
  onJobEvents(tx: Tx, _appended: AppendedJobEvent[], recorded: Promise<RecordedEvent[]>): void {
    let seen = this.commits.get(tx);
    if (!seen) {
      const entry: { last?: Checkpoint } = {};
      this.commits.set(tx, (seen = entry));
      tx.afterCommit(() => this.committed(entry.last));
    }
    const entry = seen;
    recorded.then(
      (events) => {
        const e = events[events.length - 1];
        if (e) entry.last = laterOf(entry.last, { transactionId: e.transactionId, globalPosition: e.globalPosition });
      },
      () => undefined,
    );
  }

  /** Events of one stream (a job), in commit order. */
  subscribeStream(streamId: string, handler: Handler): FeedSubscription {
    let set = this.byStream.get(streamId);
    if (!set) this.byStream.set(streamId, (set = new Set()));
    set.add(handler);
    const own = set;
    return this.hold(() => {
      own.delete(handler);
      if (own.size === 0 && this.byStream.get(streamId) === own) this.byStream.delete(streamId);
    });
  }

  /** Every event, in commit order, batch by batch. */
  subscribeAll(handler: Handler): FeedSubscription {
    this.all.add(handler);
    return this.hold(() => this.all.delete(handler));
  }

  /** Whether some subscriber of this instance follows the stream. */
  isFollowing(streamId: string): boolean {
    return this.byStream.has(streamId);
  }

  private hold(remove: () => void): FeedSubscription {
    this.subscribers += 1;
    let closed = false;
    return {
      ready: this.start(),
      close: () => {
        if (closed) return;
        closed = true;
        remove();
        this.subscribers -= 1;
        if (this.subscribers === 0) this.stop();
      },
    };
  }

  private start(): Promise<void> {
    if (this.checkpoint) return Promise.resolve();
    if (this.starting) return this.starting;
    const generation = this.generation;
    const starting: Promise<void> = (async () => {
      // Listening first: a commit after the head is read is signalled (and the poll would find it anyway).
      await this.signal.listen();
      const head = await this.store.head(this.db);
      this.stats.heads += 1;
      if (generation !== this.generation) return;
      this.checkpoint = head;
      this.poller = setInterval(() => this.tick(), this.config.streams.pollMs);
      this.wake();
    })().finally(() => {
      if (this.starting === starting) this.starting = undefined;
    });
    this.starting = starting;
    return starting;
  }

  private stop(): void {
    this.generation += 1;
    this.checkpoint = undefined;
    this.starting = undefined;
    this.target = undefined;
    if (this.poller) clearInterval(this.poller);
    if (this.chaser) clearTimeout(this.chaser);
    this.poller = this.chaser = undefined;
    this.chaseMs = 0;
  }

  /** This instance committed events (up to `at`, when known). */
  private committed(at: Checkpoint | undefined): void {
    this.signal.committed(at);
    this.heard(at);
  }

  /** Events were committed (here, or by another instance). */
  private heard(at: Checkpoint | undefined): void {
    if (!this.checkpoint) return;
    this.target = laterOf(this.target, at);
    this.wake();
  }

  private tick(): void {
    if (!this.signal.listening) void this.signal.listen();
    this.wake();
  }

  private wake(): void {
    if (!this.checkpoint) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    const generation = this.generation;
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const from = this.checkpoint;
          if (!from || generation !== this.generation) return;
          const batch = await this.store.readAfter(this.db, from, BATCH);
          this.stats.reads += 1;
          if (generation !== this.generation || batch.length === 0) break;
          const last = batch[batch.length - 1];
          this.checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
          this.stats.events += batch.length;
          this.dispatch(batch);
          if (batch.length < BATCH) break;
        }
      } while (this.again && generation === this.generation);
    } catch (err) {
      this.log.warn(`could not read the event log: ${(err as Error).message}`);
    } finally {
      this.reading = false;
      if (generation !== this.generation) this.wake();
      else this.chase();
    }
  }

  /** A commit it was told of is not read yet: read again soon (backing off), until it is. */
  private chase(): void {
    const at = this.checkpoint;
    if (!at || !this.target || compareCheckpoints(at, this.target) >= 0) {
      this.target = undefined;
      this.chaseMs = 0;
      return;
    }
    if (this.chaser) return;
    this.chaseMs = Math.min(this.chaseMs === 0 ? CHASE_FIRST_MS : this.chaseMs * 2, this.config.streams.pollMs);
    this.chaser = setTimeout(() => {
      this.chaser = undefined;
      this.wake();
    }, this.chaseMs);
  }

  private dispatch(batch: readonly RecordedEvent[]): void {
    for (const handler of [...this.all]) this.call(handler, batch);
    if (this.byStream.size === 0) return;
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of batch) {
      if (!this.byStream.has(e.streamId)) continue;
      let list = byStream.get(e.streamId);
      if (!list) byStream.set(e.streamId, (list = []));
      list.push(e);
    }
    for (const [streamId, events] of byStream) for (const handler of [...(this.byStream.get(streamId) ?? [])]) this.call(handler, events);
  }

  private call(handler: Handler, events: readonly RecordedEvent[]): void {
    try {
      handler(events);
    } catch (err) {
      this.log.warn(`a stream failed on new events: ${(err as Error).message}`);
    }
  }
}
