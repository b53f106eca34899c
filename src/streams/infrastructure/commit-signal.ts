import { PgListener } from '../../database/pg-listener';
import type { Db } from '../../database/db';
import type { Checkpoint } from '../../event-store/event.types';
import { decodeSignal, encodeSignal, laterOf } from '../domain/checkpoints';

/** The channel on which instances say that they committed events. */
export const EVENTS_CHANNEL = 'herald_events';

/**
 * LISTEN/NOTIFY for committed events, across instances. `committed` is called after a commit
 * (never inside the append's transaction, so the write path has no statement and no round trip
 * more): the first commit after a quiet spell arms a timer, and when it fires one `pg_notify`
 * on the pool carries the latest event committed meanwhile, so an instance sends at most one
 * NOTIFY per `coalesceMs` however many transactions it commits, and none while it is the only
 * live instance (an instance that just started is seen within a heartbeat; until then its
 * watchers are fed by the poll). The listening connection is
 * opened when this instance first has a watcher; a lost one is opened again by `listen()`.
 */
export class CommitSignal {
  private pending?: Checkpoint;
  private timer?: NodeJS.Timeout;
  private readonly listener: PgListener;
  private closed = false;
  /** NOTIFYs sent (for the benchmark and tests). */
  sent = 0;

  constructor(
    private readonly db: Db,
    url: string,
    private readonly instanceId: string,
    private readonly coalesceMs: number,
    private readonly onSignal: (at: Checkpoint | undefined) => void,
    /** Whether other instances are live: alone, a commit is told to nobody (this instance's reader is woken directly). */
    private readonly others: () => boolean = () => true,
  ) {
    this.listener = new PgListener(url, EVENTS_CHANNEL, 'herald-streams', (payload) => {
      const signal = decodeSignal(payload);
      if (signal.from !== this.instanceId) this.onSignal(signal.at);
    }, 'Streams');
  }

  /** Events up to `at` were committed here: tell the other instances (coalesced). */
  committed(at: Checkpoint | undefined): void {
    if (this.closed || !this.others()) return;
    this.pending = laterOf(this.pending, at);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const payload = encodeSignal(this.instanceId, this.pending);
      this.pending = undefined;
      if (this.closed) return;
      this.sent += 1;
      this.db.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload]).catch(() => undefined);
    }, this.coalesceMs);
  }

  /** Opens the listening connection unless it is open (resolves either way: polling covers a failure). */
  listen(): Promise<void> {
    return this.listener.listen();
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.listener.close();
  }
}
