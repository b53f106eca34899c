import type PgBoss from 'pg-boss';
import { WorkSignal } from './work-signal';

export interface QueueLoopOptions {
  batchSize: number;
  pollMs: number;
  /** Parallel fetch loops. */
  loops: number;
  /**
   * Reserves room for up to n jobs (bounded concurrency) before a fetch, and answers how many
   * may be taken; default: n. Sibling loops reserve before they fetch, so together they never
   * take more than there is room for. What a fetch does not fill is given back (unreserve).
   */
  reserve?: (n: number) => number;
  unreserve?: (n: number) => void;
  /** Resolves when reserve() may answer more than 0 again. */
  waitForRoom?: () => Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * Fetches jobs (WorkQueue.fetch: pg-boss's fetch, marked as this instance's) in a loop while work remains, and sleeps on a WorkSignal
 * (woken in-process, or by LISTEN/NOTIFY from another instance) when the queue is empty; the
 * poll interval is only the fallback. pg-boss's own work() sleeps a full interval after every
 * fetch, which caps throughput at batchSize / interval.
 */
export class QueueLoop<T> {
  readonly signal = new WorkSignal();
  private stopped = false;
  private running: Promise<void>[] = [];

  constructor(
    private readonly fetch: (name: string, limit: number) => Promise<PgBoss.Job<T>[]>,
    readonly name: string,
    private readonly options: QueueLoopOptions,
    private readonly handle: (jobs: PgBoss.Job<T>[]) => Promise<void>,
  ) {}

  start(): void {
    for (let i = 0; i < this.options.loops; i++) this.running.push(this.run());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.notifyAll();
    await Promise.all(this.running);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const room = this.options.reserve ? this.options.reserve(this.options.batchSize) : this.options.batchSize;
        if (room <= 0) {
          await this.options.waitForRoom?.();
          continue;
        }
        let jobs: PgBoss.Job<T>[] = [];
        try {
          jobs = await this.fetch(this.name, room);
        } finally {
          // Room not filled (a short batch, or a failed fetch) goes back at once.
          if (room > jobs.length) this.options.unreserve?.(room - jobs.length);
        }
        if (this.stopped && jobs.length === 0) break;
        if (jobs.length === 0) {
          await this.signal.wait(this.options.pollMs);
          continue;
        }
        // A full batch: there may be more, so a sleeping sibling loop joins in.
        if (jobs.length === room) this.signal.notify();
        await this.handle(jobs);
        // A short batch emptied the queue: sleep until woken rather than fetch again at once.
        if (jobs.length < room) await this.signal.wait(this.options.pollMs);
      } catch (err) {
        this.options.onError(err);
        await new Promise((r) => setTimeout(r, this.options.pollMs));
      }
    }
  }
}
