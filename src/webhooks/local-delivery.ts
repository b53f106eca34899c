import { Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import type { Tx } from '../database/db';
import type { DeliverJob } from './domain/fanout.types';
import { DeliveryWorker } from './delivery.worker';
import { takeMessages } from './infrastructure/take-messages.statement';
import { DELIVER_QUEUE, WorkQueue } from './infrastructure/work-queue.service';

/**
 * Room in this instance's DeliveryWorker for deliveries a fan-out is about to create. The
 * deliveries given to attemptAfterCommit are inserted as already claimed and taken (loaded,
 * streams moved) in the fan-out's transaction, and attempted here as soon as it commits: no
 * trip through the queue, no statement between the commit and the HTTP request.
 */
export interface Reservation {
  /** How many deliveries it has room for (0: all go through the queue). */
  readonly size: number;
  /** `jobs` (at most `size`) go this way once `tx` commits; the room not used is given back now. */
  attemptAfterCommit(tx: Tx, jobs: DeliverJob[]): void;
  /** The transaction failed (or the fan-out gave up): all of the room is given back. */
  cancel(): void;
}

const NONE: Reservation = { size: 0, attemptAfterCommit: () => undefined, cancel: () => undefined };

/**
 * The fast path from fan-out to delivery, the only code that touches the DeliveryWorker's room
 * counters from outside it. Off (`HERALD_WEBHOOK_FAST_PATHS=off`): no room is ever offered, and
 * every delivery goes through the queue (the e2e suite runs this way once in CI).
 */
@Injectable()
export class LocalDelivery {
  constructor(
    private readonly delivery: DeliveryWorker,
    private readonly queue: WorkQueue,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  reserve(n: number): Reservation {
    if (!this.config.webhooks.fastPaths || n === 0) return NONE;
    const size = this.delivery.reserve(n);
    if (size === 0) return NONE;
    let held = size;
    const giveBack = (k: number) => {
      const g = Math.min(k, held);
      held -= g;
      this.delivery.unreserve(g);
    };
    return {
      size,
      attemptAfterCommit: (tx, jobs) => {
        if (jobs.length > held) throw new Error(`reserved room for ${held} deliveries, not ${jobs.length}`);
        giveBack(held - jobs.length);
        if (jobs.length === 0) return;
        const handed = jobs.map((data) => ({ id: this.ids.newId(), data }));
        tx.defer(this.queue.insertActive(tx, DELIVER_QUEUE, handed));
        const taken = takeMessages(
          tx,
          handed.map((j) => ({ messageId: j.data.m, token: j.data.t, force: false })),
          { staleMs: this.config.webhooks.staleMs, busy: this.delivery.busy(), now: this.clock.now(), hold: this.delivery.hold },
        );
        tx.defer(taken);
        tx.afterCommit(() => {
          // From here the DeliveryWorker owns the room (it frees it as the outcomes are recorded).
          held = 0;
          void taken.then((loaded) => this.delivery.handOff(handed, loaded));
        });
      },
      cancel: () => giveBack(held),
    };
  }
}
