import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { LiveInstances } from '../common/live-instances';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { DatabaseConnection } from '../database/database.module';
import { Db, type Tx } from '../database/db';
import { PgListener } from '../database/pg-listener';
import type { JobEvent } from './domain/job.events';
import { concerns, decodeWakeups, encodeWakeups, wakeupsOf, type WaitFilter, type Wakeup } from './domain/task-wakeups';
import { JobEventsListeners, type AppendedJobEvent, type JobEventsListener } from './job-events.listener';

/** The channel on which instances say that tasks became available. */
export const TASKS_CHANNEL = 'herald_tasks';

/** Why a wait ended. */
export type WaitEnd = 'woken' | 'timeout' | 'aborted' | 'closed';

interface Waiter {
  filter: WaitFilter;
  /** Tasks it asks for: a wake-up of n tasks wakes waiters until their max add up to n. */
  max: number;
  end(why: WaitEnd): void;
}

/**
 * Long-poll acquire: workers wait here, without a statement, until tasks they would take are
 * committed (woken by the append's listener on this instance, by another instance's NOTIFY on
 * `herald_tasks`, or by a timer at a retry's availableAt), or their time is up.
 *
 * - A commit that makes n tasks available wakes the oldest waiters that want them until their
 *   `max` add up to n (never every waiter for one task).
 * - Another instance is told with one NOTIFY per `notifyCoalesceMs` carrying the wake-ups, and
 *   only while other instances are live (herald_instances); this instance LISTENs once it has had
 *   a waiter.
 * - A retry due later is woken at its time by a timer, armed only while a waiter wants it. An
 *   instance that was not live when the retry was recorded learns of it at its waiters' next
 *   acquire (at the latest when their wait ends).
 */
@Injectable()
export class TaskWaits implements JobEventsListener, OnModuleInit, OnModuleDestroy {
  readonly instanceId = randomUUID();
  private readonly waiters = new Set<Waiter>();
  private readonly listener: PgListener;
  private pending: Wakeup[] = [];
  private notifyTimer?: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** What it did (tests and the benchmark read it). */
  readonly stats = { notifies: 0, heard: 0, woken: 0 };

  constructor(
    private readonly listeners: JobEventsListeners,
    private readonly db: Db,
    connection: DatabaseConnection,
    private readonly clock: Clock,
    private readonly instances: LiveInstances,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {
    this.listener = new PgListener(connection.url, TASKS_CHANNEL, 'herald-tasks', (payload) => this.heard(payload), 'Workers');
  }

  onModuleInit(): void {
    this.listeners.register(this);
  }

  /** Waiting workers answer at once (an empty list); nothing more is sent. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const w of [...this.waiters]) w.end('closed');
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.listener.close();
  }

  /** Waiting workers on this instance right now. */
  get waiting(): number {
    return this.waiters.size;
  }

  onJobEvents(tx: Tx, appended: AppendedJobEvent[]): void {
    const wakeups = wakeupsOf(
      appended.map((a) => ({ event: a.event as unknown as JobEvent, summary: a.summary })),
      this.clock.now().getTime(),
    );
    if (wakeups.length === 0) return;
    tx.afterCommit(() => {
      this.deliver(wakeups);
      this.tell(wakeups);
    });
  }

  /**
   * Waits until this filter's tasks may be available, `untilMs` (epoch ms) passes, `signal`
   * aborts or Herald closes. Called before the acquire it follows, so a commit during that
   * acquire is not missed: the caller acquires, and waits only if it got nothing.
   */
  waitFor(filter: WaitFilter, max: number): { until(untilMs: number, signal: AbortSignal): Promise<WaitEnd>; cancel(): void } {
    let settle: ((why: WaitEnd) => void) | undefined;
    let early: WaitEnd | undefined = this.closed ? 'closed' : undefined;
    const waiter: Waiter = {
      filter,
      max,
      end: (why) => {
        this.waiters.delete(waiter);
        if (settle) settle(why);
        else early ??= why;
      },
    };
    if (!early) this.waiters.add(waiter);
    void this.listener.listen();
    return {
      cancel: () => this.waiters.delete(waiter),
      until: (untilMs, signal) =>
        new Promise<WaitEnd>((resolve) => {
          if (early) return resolve(early);
          const timer = setTimeout(() => waiter.end('timeout'), Math.max(0, untilMs - this.clock.now().getTime()));
          const onAbort = () => waiter.end('aborted');
          signal.addEventListener('abort', onAbort, { once: true });
          settle = (why) => {
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            resolve(why);
          };
          if (signal.aborted) waiter.end('aborted');
        }),
    };
  }

  /**
   * The long poll: `acquire` now, and while it takes nothing, wait (above) and acquire again
   * when woken; an empty list once `waitMs` has passed, the caller went away or Herald closes.
   */
  async acquiring<T>(filter: WaitFilter, max: number, waitMs: number, signal: AbortSignal, acquire: () => Promise<T[]>): Promise<T[]> {
    const untilMs = this.clock.now().getTime() + waitMs;
    for (;;) {
      const wait = this.waitFor(filter, max);
      let got: T[];
      try {
        got = await acquire();
      } catch (err) {
        wait.cancel();
        throw err;
      }
      if (got.length > 0 || signal.aborted || this.clock.now().getTime() >= untilMs) {
        wait.cancel();
        return got;
      }
      // Not woken by the time it is up: nothing to take that this instance heard of; the worker's
      // next acquire (which reads at once) finds anything it could not hear of.
      if ((await wait.until(untilMs, signal)) !== 'woken') return [];
    }
  }

  /** Wakes the oldest waiters each available wake-up concerns; one due later gets a timer while someone waits for it. */
  private deliver(wakeups: readonly Wakeup[]): void {
    const now = this.clock.now().getTime();
    for (const w of wakeups) {
      if (w.at > now) {
        this.later(w, w.at - now);
        continue;
      }
      let room = w.count;
      for (const waiter of this.waiters) {
        if (room <= 0) break;
        if (!concerns(waiter.filter, w)) continue;
        room -= waiter.max;
        this.stats.woken += 1;
        waiter.end('woken');
      }
    }
  }

  private later(w: Wakeup, delayMs: number): void {
    if (this.closed || ![...this.waiters].some((waiter) => concerns(waiter.filter, w))) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.deliver([{ ...w, at: this.clock.now().getTime() }]);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Tells the other live instances, coalesced into one NOTIFY per notifyCoalesceMs. */
  private tell(wakeups: readonly Wakeup[]): void {
    if (this.closed || this.instances.count <= 1) return;
    this.pending.push(...wakeups);
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      const payload = encodeWakeups(this.instanceId, this.pending);
      this.pending = [];
      if (this.closed) return;
      this.stats.notifies += 1;
      this.db.query('SELECT pg_notify($1, $2)', [TASKS_CHANNEL, payload]).catch(() => undefined);
    }, this.config.webhooks.notifyCoalesceMs);
  }

  private heard(payload: string): void {
    const { from, wakeups, all } = decodeWakeups(payload);
    if (from === this.instanceId) return;
    this.stats.heard += 1;
    if (!all) return this.deliver(wakeups);
    for (const waiter of [...this.waiters]) waiter.end('woken');
  }
}
