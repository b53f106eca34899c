import type { Logger } from '@nestjs/common';
import type { Clock, IdGenerator } from '../../common/clock';
import type { Db, Tx } from '../../database/db';
import { autoDisableReason, disableCandidates } from '../domain/auto-disable';
import { mergeCalls, type AttemptRecord, type MessageUpdate, type NewMessage, type SubscriptionCall } from '../domain/delivery-records';
import type { DeliverJob } from '../domain/fanout.types';
import { disabledNotification, exhaustedNotification } from '../domain/payload-renderers';
import { FORMAT_ORDERING } from '../domain/subscription.types';
import type { AttemptsRepository } from './attempts.repository';
import type { MessagesRepository } from './messages.repository';
import type { SubscriptionsRepository } from './subscriptions.repository';
import { releaseStreams } from './take-messages.statement';
import { DELIVER_QUEUE, txExecutor, type WorkQueue } from './work-queue.service';

/** What the flush writes for one delivery job. */
export interface Settled {
  bossJobId: string;
  attempt?: AttemptRecord;
  update?: MessageUpdate;
  call?: SubscriptionCall;
  /** A new pg-boss job for the message (retry or deferral). */
  next?: { data: DeliverJob; startAfter: Date };
  /** A project's webhook failed for good: its delivery.exhausted channels are told. */
  exhausted?: Exhausted;
}

export interface Exhausted {
  projectId: string;
  messageId: string;
  subscriptionId: string;
  url: string;
  jobId: string;
  eventType: string;
  eventPosition: number;
  attempts: number;
  lastError: string | null;
  /** The failed message's correlationId: the notices carry it on. */
  correlationId?: string | null;
}

const FLUSH_RETRIES = 5;
const BATCH = 500;

export interface RecorderDeps {
  db: Db;
  queue: WorkQueue;
  messages: MessagesRepository;
  attempts: AttemptsRepository;
  subscriptions: SubscriptionsRepository;
  ids: IdGenerator;
  clock: Clock;
  publicUrl: string;
  log: Logger;
  /** This instance's id: the holder of the streams it releases. */
  instanceId: string;
  /** HERALD_WEBHOOK_DISABLE_AFTER_DAYS in ms (0: never). */
  disableAfterMs: number;
  /** `n` settled delivery jobs are written (their room is free again). */
  flushed: (n: number) => void;
  /** The outcomes of attempts of these jobs (one entry per attempt) are on record. */
  recorded: (jobIds: string[]) => void;
  /** A retry is due: fetch again. */
  wake: () => void;
}

/**
 * Writes what delivery settled, in batches: every attempt's record, the messages' new states,
 * the subscriptions' last calls, the completion of the pg-boss jobs and the next ones (retries,
 * deferrals), and delivery.exhausted notices, in one pipelined transaction per batch.
 */
export class DeliveryRecorder {
  private pending: Settled[] = [];
  /** Streams whose attempts ended here: released with the next batch (written with their records). */
  private releases: Array<{ subscriptionId: string; jobId: string }> = [];
  private flushing?: Promise<void>;
  /** Jobs of attempts whose outcome was settled since the last flush began. */
  private attemptsSettled: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly d: RecorderDeps) {}

  settle(s: Settled): void {
    this.pending.push(s);
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  /** An attempt of this ordered stream ended (its outcome is in `pending`, or it made none): the stream is released with the next batch. */
  releaseStream(stream: { subscriptionId: string; jobId: string }): void {
    this.releases.push(stream);
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  /** An attempt of this job has its outcome in `pending` (or needs none): once flushed, what waits behind it goes. */
  attemptEnded(jobId: string): void {
    this.attemptsSettled.push(jobId);
  }

  /** Something is still to be written. */
  get busy(): boolean {
    return this.pending.length > 0 || this.releases.length > 0 || this.flushing !== undefined;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async flushLoop(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0 || this.releases.length > 0) {
      // The attempts whose outcomes are all in `pending` now (pushed after their settle).
      const settledAttempts = this.attemptsSettled.splice(0);
      const all = this.pending.splice(0);
      // Released with the last batch: after (or with) the records of the attempts that held them.
      const releases = this.releases.splice(0);
      if (all.length === 0) await this.flush([], releases);
      for (let i = 0; i < all.length; i += BATCH) {
        const batch = all.slice(i, i + BATCH);
        await this.flush(batch, i + BATCH >= all.length ? releases : []);
        this.d.flushed(batch.length);
      }
      this.d.recorded(settledAttempts);
    }
    this.flushing = undefined;
  }

  private async flush(batch: Settled[], releases: Array<{ subscriptionId: string; jobId: string }>): Promise<void> {
    const now = this.d.clock.now();
    const calls = new Map<string, SubscriptionCall>();
    for (const s of batch) if (s.call) calls.set(s.call.id, mergeCalls(calls.get(s.call.id), s.call));
    const next = batch.filter((s) => s.next);
    const { db, queue } = this.d;
    for (let attempt = 1; ; attempt++) {
      try {
        // One pipelined transaction: a round trip for all of it, unless a project's webhook
        // failed for good (its delivery.exhausted channels are read first).
        await db.tx(async (tx) => {
          if (releases.length) tx.defer(releaseStreams(tx, this.d.instanceId, releases));
          if (batch.length === 0) return;
          tx.defer(this.d.attempts.insertAttempts(tx, batch.flatMap((s) => (s.attempt ? [s.attempt] : []))));
          tx.defer(this.d.messages.updateMessages(tx, batch.flatMap((s) => (s.update ? [s.update] : [])), now));
          tx.defer(this.d.subscriptions.recordCalls(tx, [...calls.values()], now));
          tx.defer(queue.complete(tx, DELIVER_QUEUE, batch.map((s) => s.bossJobId)));
          // A subscription that may be disabled (410 Gone, or failing for HERALD_WEBHOOK_DISABLE_AFTER_DAYS):
          // the disabling statement is awaited too, with the read above in the same flight.
          const notices = (await Promise.all([this.exhaustedNotices(tx, batch, now), this.disabledNotices(tx, [...calls.values()], now)])).flat();
          const jobs = [
            ...next.map((s) => ({ name: DELIVER_QUEUE, data: s.next!.data, startAfter: s.next!.startAfter })),
            ...notices.map((m) => ({ name: DELIVER_QUEUE, data: { m: m.id, t: m.jobToken } satisfies DeliverJob })),
          ];
          if (jobs.length) tx.defer(queue.boss.insert(jobs, { db: txExecutor(tx) }));
          if (notices.length) tx.afterCommit(() => queue.wake(DELIVER_QUEUE));
        });
        break;
      } catch (err) {
        if (attempt >= FLUSH_RETRIES) {
          // The pg-boss jobs stay active, expire and are fetched again: nothing is lost.
          this.d.log.error(`could not record ${batch.length} delivery results: ${(err as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
    for (const s of next) this.wakeAt(s.next!.startAfter);
  }

  /** Messages to the channels routed for delivery.exhausted of the projects whose webhooks failed for good. */
  private async exhaustedNotices(tx: Tx, batch: Settled[], now: Date): Promise<NewMessage[]> {
    const failed = batch.flatMap((s) => (s.exhausted ? [s.exhausted] : []));
    if (failed.length === 0) return [];
    const channels = (await this.d.subscriptions.subscriptionsFor(tx, { jobIds: [], projectIds: [...new Set(failed.map((f) => f.projectId))], batchScopeIds: [] })).filter(
      (s) => s.scope === 'channel' && s.eventTypes?.includes('delivery.exhausted'),
    );
    const notices: NewMessage[] = [];
    for (const f of failed) {
      for (const channel of channels.filter((c) => c.scopeId === f.projectId)) {
        notices.push({
          id: this.d.ids.newId(),
          subscriptionId: channel.id,
          jobId: f.jobId,
          eventPosition: f.eventPosition,
          eventType: 'delivery.exhausted',
          kind: 'notification',
          ordering: FORMAT_ORDERING.notification,
          body: JSON.stringify(exhaustedNotification(f.projectId, f, this.d.publicUrl)),
          jobToken: this.d.ids.newId(),
          projectId: f.projectId,
          correlationId: f.correlationId ?? null,
        });
      }
    }
    tx.defer(this.d.messages.insertMessages(tx, notices, now));
    return notices;
  }

  /**
   * Disables the subscriptions these calls may disable (domain/auto-disable.ts: a 410 Gone, or a
   * failure HERALD_WEBHOOK_DISABLE_AFTER_DAYS into its streak) and writes one subscription.disabled
   * notice per channel routed for it, for the ones this statement turned off: never twice,
   * whichever instances record at once. No statement (nothing to wait for) when no call may disable.
   */
  private async disabledNotices(tx: Tx, calls: SubscriptionCall[], now: Date): Promise<NewMessage[]> {
    const candidates = disableCandidates(calls, this.d.disableAfterMs);
    if (candidates.length === 0) return [];
    const disabled = await this.d.subscriptions.disable(tx, candidates, { afterMs: this.d.disableAfterMs, reason: autoDisableReason(this.d.disableAfterMs) }, now);
    const byId = new Map(calls.map((c) => [c.id, c]));
    const notices: NewMessage[] = [];
    for (const d of disabled) {
      const attempted = byId.get(d.id)?.attempted;
      if (!d.projectId || !attempted) continue;
      for (const channelId of d.channelIds) {
        notices.push({
          id: this.d.ids.newId(),
          subscriptionId: channelId,
          jobId: attempted.jobId,
          eventPosition: attempted.eventPosition,
          eventType: 'subscription.disabled',
          kind: 'notification',
          ordering: FORMAT_ORDERING.notification,
          body: JSON.stringify(disabledNotification(d.projectId, { subscriptionId: d.id, scope: d.scope, url: d.url, reason: d.reason, failingSince: d.failingSince, disabledAt: d.disabledAt }, this.d.publicUrl)),
          jobToken: this.d.ids.newId(),
          projectId: d.projectId,
          correlationId: attempted.correlationId,
        });
      }
    }
    tx.defer(this.d.messages.insertMessages(tx, notices, now));
    // A 410 Gone is logged by the delivery log with its attempt; a disabling by the streak rule here.
    tx.afterCommit(() => {
      for (const d of disabled) if (!byId.get(d.id)?.disableReason) this.d.log.warn(`subscription ${d.id} disabled: ${d.reason} (failing since ${d.failingSince})`);
    });
    return notices;
  }

  /** A retry due soon wakes the loop itself rather than waiting for the next poll. */
  private wakeAt(at: Date): void {
    const ms = at.getTime() - this.d.clock.now().getTime();
    if (ms > 60_000) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.d.wake();
    }, Math.max(0, ms) + 5);
    t.unref();
    this.timers.add(t);
  }
}
