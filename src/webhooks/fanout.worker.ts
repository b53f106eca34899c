import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db, type Sql, type Tx } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import type { RecordedEvent } from '../event-store/event.types';
import type { ResultsView } from '../jobs/domain/job-status.view';
import type { JobSummary } from '../jobs/domain/job.state';
import { JobQueries } from '../jobs/job-queries.service';
import type { DeliverJob, FanoutJob } from './domain/fanout.types';
import { JOB_END_EVENTS, render, renderNow, type FanoutEvent, type RenderSources, type RequestTask } from './domain/payload-renderers';
import { endpointOf } from './domain/endpoint-health';
import { deliveriesOf, skippedOf } from './domain/subscribers';
import { batchScopeId, FORMAT_ORDERING, type Subscription } from './domain/subscription.types';
import { QueueLoop } from './infrastructure/queue-loop';
import type { NewMessage } from './domain/delivery-records';
import { MessagesRepository } from './infrastructure/messages.repository';
import { SubscriptionsRepository } from './infrastructure/subscriptions.repository';
import { CLAIM_FAILED, DELIVER_QUEUE, FANOUT_QUEUE, txExecutor, WorkQueue } from './infrastructure/work-queue.service';
import { LocalDelivery } from './local-delivery';
import { deletePendingFanouts } from './infrastructure/pending-fanouts.statements';
import { FanoutTracing } from '../tracing/fanout-tracing';
import { MetricsService } from '../metrics/metrics.service';

/**
 * A fan-out job this instance committed itself, with what its append's transaction read for it:
 * the stored events (global positions) and the subscriptions that may hear them. Both promises
 * resolved before that transaction committed.
 */
export interface LocalFanout {
  id: string;
  data: FanoutJob;
  recorded: Promise<RecordedEvent[]>;
  subscriptions: Promise<Subscription[]>;
  /** The job's results, read in the append's transaction when its events end the job and a result webhook may hear them. */
  results?: Promise<ResultsView>;
  /** Called once the job is processed, or left to the queue (frees its job's lane). */
  done?: () => void;
}

/** A fan-out job ready to process: claimed, with every event's global position. */
interface ClaimedFanout {
  id: string;
  data: FanoutJob;
  /** Stream version -> global position. */
  positions: Map<number, number>;
}

const BATCH = 250;

function uniqueById(subs: Subscription[]): Subscription[] {
  return [...new Map(subs.map((s) => [s.id, s])).values()];
}

/**
 * Fan-out: for a batch of appended events, resolves the subscriptions that want each one
 * (scope, event type, level), renders the payload, and enqueues one delivery per subscription
 * and event, completing the fan-out jobs in the same transaction (exactly once).
 *
 * Three ways in, fastest first. A commit in this instance fans its own job out in a transaction
 * chained behind its COMMIT (chain), or, when it cannot, right after the commit (handOff); both
 * claim the job by id, no polling on the way. Anything else (another instance's commits, jobs
 * left by a crash, work this instance could not take) comes through the fetch loop, woken by
 * NOTIFY or polling. The deliveries it creates go straight to this instance's DeliveryWorker
 * when it has room (LocalDelivery: inserted as already claimed and taken in the same
 * transaction), else to the queue. With HERALD_WEBHOOK_FAST_PATHS=off, neither the first two
 * ways nor LocalDelivery are used: everything goes through the queues.
 */
@Injectable()
export class FanoutWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Fanout');
  private loop?: QueueLoop<FanoutJob>;
  private inbox: LocalFanout[] = [];
  /**
   * Per job, the fan-outs decided in this instance and not done yet, so that they run in the
   * order they were decided: a job's messages are inserted and taken in event order, and a
   * healthy endpoint gets every event. `chainedIn`: the lane's last fan-out is chained in that
   * transaction (a later one chained in the same transaction follows it on the connection).
   */
  private readonly lanes = new Map<string, { done: Promise<void>; chainedIn?: Tx }>();
  private draining?: Promise<void>;
  private paused = false;
  private running = false;

  /** Whether this instance's loops run (for /health/ready). */
  get isRunning(): boolean {
    return this.running;
  }

  constructor(
    private readonly queue: WorkQueue,
    private readonly db: Db,
    private readonly messageRows: MessagesRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly events: EventStoreRepository,
    private readonly queries: JobQueries,
    private readonly delivery: LocalDelivery,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    private readonly metrics: MetricsService,
    private readonly traces: FanoutTracing,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.workers) return;
    this.running = true;
    this.loop = new QueueLoop<FanoutJob>(
      (name, n) => this.queue.fetch(name, n),
      FANOUT_QUEUE,
      {
        batchSize: BATCH,
        pollMs: this.config.webhooks.pollMs,
        loops: 1,
        reserve: (n) => (this.paused ? 0 : n),
        waitForRoom: () => this.loop!.signal.wait(this.config.webhooks.pollMs),
        onError: (e) => this.log.error(`fan-out failed: ${(e as Error).message}`),
      },
      (fetched) => this.traces.run('queue', fetched, async () => {
        const { jobs, subs } = await this.withPositions(fetched);
        await this.write(jobs, subs, 'claimed');
        this.metrics.fanoutDone('queue', jobs.length);
      }),
    );
    this.queue.onWake(FANOUT_QUEUE, () => this.loop?.signal.notify());
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.loop?.stop();
    await this.draining;
  }

  /** Stops taking work (handed-over jobs stay queued for later); resume() takes it up again. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.loop?.signal.notify();
  }

  /**
   * The fan-out of a job this instance is committing, decided in the append's transaction:
   * chained behind its COMMIT when the subscriptions are known and every payload renders from
   * the event alone, and nothing of the job decided earlier here is still pending; else handed
   * over after the commit (with the subscriptions read in the append's transaction), once what
   * was decided before it for the job is done. Answers false when this instance does not fan
   * out (no workers, paused): the job then waits in the queue for any instance's loop.
   */
  fanOutAfterCommit(tx: Tx, job: { id: string; data: FanoutJob; recorded: Promise<RecordedEvent[]>; known?: Subscription[]; summary?: JobSummary }): boolean {
    if (!this.running || this.paused || !this.config.webhooks.fastPaths) return false;
    const jobId = job.data.jobId;
    const before = this.lanes.get(jobId);
    if (job.known && (!before || before.chainedIn === tx)) {
      const chained = this.chain(tx, job.id, job.data, job.known);
      if (chained) {
        this.occupy(jobId, before?.done, chained, tx);
        return true;
      }
    }
    const subscriptions = job.known ? Promise.resolve(job.known) : this.subscriptionsFor(tx, [{ data: job.data }]);
    tx.defer(subscriptions);
    // A result webhook's body is the results endpoint's: read now, with the append (one
    // statement in its flight), not after the commit (two round trips more before its POST).
    const results = job.summary && endsJob(job.data) && job.known?.some((s) => s.format === 'exec.result' && s.status === 'active') ? this.queries.resultsIn(tx, job.summary) : undefined;
    if (results) tx.defer(results);
    let done!: () => void;
    this.occupy(jobId, before?.done, new Promise<void>((resolve) => (done = resolve)));
    tx.afterRollback(done);
    tx.afterCommit(() => {
      void (before?.done ?? Promise.resolve()).then(() => {
        if (this.handOff({ id: job.id, data: job.data, recorded: job.recorded, subscriptions, results, done })) return;
        done();
        this.queue.wake(FANOUT_QUEUE);
      });
    });
    return true;
  }

  /** Makes `mine` the last fan-out of the job's lane (after `before`); the lane frees itself. */
  private occupy(jobId: string, before: Promise<void> | undefined, mine: Promise<void>, chainedIn?: Tx): void {
    const lane = { done: before ? Promise.all([before, mine]).then(() => undefined) : mine, chainedIn };
    this.lanes.set(jobId, lane);
    void lane.done.finally(() => {
      if (this.lanes.get(jobId) === lane) this.lanes.delete(jobId);
    });
  }

  /**
   * The fastest way: fans a job out in a transaction chained right behind the append's COMMIT
   * (Tx.chain), on the same connection and in the same flight, with the subscriptions the append
   * read and payloads rendered now; its deliveries are taken in it and attempted as soon as it
   * answers. The chained transaction first claims the fan-out job, so it writes nothing if the
   * append rolled back (or another instance fetched the job first). Answers when it has settled,
   * or undefined, having done nothing, when it cannot: a payload needs the read models, or no
   * room for the deliveries.
   */
  private chain(tx: Tx, id: string, job: FanoutJob, subs: Subscription[]): Promise<void> | undefined {
    const messages: Array<Omit<NewMessage, 'eventPosition'> & { eventVersion: number }> = [];
    for (const { sub, event, ref } of deliveriesOf(job, subs)) {
      const body = renderNow(sub, ref, event);
      if (body === undefined || event.version === undefined) return undefined;
      messages.push({ ...this.message(sub, job, event, body), eventVersion: event.version });
    }
    const room = this.delivery.reserve(messages.length);
    if (room.size < messages.length) {
      room.cancel();
      return undefined;
    }
    const traced = this.traces.chained({ id, data: job }, messages);
    const now = this.clock.now();
    return new Promise<void>((settledAll) =>
      tx.chain(
        (next) => {
          // First: nothing of this is written unless the append committed its fan-out job.
          next.defer(this.queue.completeWaiting(next, FANOUT_QUEUE, [id]));
          next.defer(deletePendingFanouts(next, [id]));
          next.defer(this.messageRows.insertMessagesOfVersions(next, messages, now));
          next.defer(this.subscriptions.countSkipped(next, skippedOf([job], subs)));
          room.attemptAfterCommit(next, deliverJobs(messages, subs));
        },
        (failure) => {
          settledAll();
          traced(failure);
          if (failure === undefined) {
            this.metrics.fanoutDone('chained', 1);
            return;
          }
          room.cancel();
          // The append rolled back, or another instance took the job: nothing left to do. Anything
          // else: the job may still be waiting, for the fetch loop.
          if ((failure as { code?: string }).code !== CLAIM_FAILED) {
            this.log.warn(`chained fan-out of ${job.jobId} failed (${(failure as Error).message}); the fetch loop takes it`);
            this.loop?.signal.notify();
          }
        },
      ),
    );
  }

  /**
   * A fan-out job this instance just committed (see fanOutAfterCommit). Answers false when this
   * instance does not fan out (no workers, paused, stopping): the job then waits in the queue.
   */
  handOff(job: LocalFanout): boolean {
    if (!this.running || this.paused) return false;
    this.inbox.push(job);
    this.draining ??= this.drain();
    return true;
  }

  /** Claims and processes handed-over jobs, as many as have gathered, one batch at a time. */
  private async drain(): Promise<void> {
    // Commits finishing in the same tick go out as one batch.
    await new Promise((r) => setImmediate(r));
    while (this.inbox.length > 0 && this.running && !this.paused) {
      const batch = this.inbox.splice(0, BATCH);
      try {
        await this.traces.run('handoff', batch, () => this.processLocal(batch));
      } catch (err) {
        // Whatever was claimed expires and is fetched again; the rest is still waiting.
        this.log.error(`fan-out of ${batch.length} local jobs failed: ${(err as Error).message}`);
        this.loop?.signal.notify();
      } finally {
        for (const job of batch) job.done?.();
      }
    }
    // Paused or stopping: what is left waits in the queue.
    for (const job of this.inbox.splice(0)) job.done?.();
    this.draining = undefined;
  }

  /**
   * One round trip for the whole fan-out: the append's transaction already read the positions
   * and subscriptions, so this transaction claims the jobs (a statement that fails unless every
   * one of them was still waiting), writes, and completes them. If another instance fetched one
   * first, the batch goes the long way (claim what is left, read, write).
   */
  private async processLocal(batch: LocalFanout[]): Promise<void> {
    const [recorded, subs] = await Promise.all([Promise.all(batch.map((j) => j.recorded)), Promise.all(batch.map((j) => j.subscriptions))]);
    const jobs: ClaimedFanout[] = batch.map((j, i) => ({ id: j.id, data: j.data, positions: new Map(recorded[i].map((e) => [e.version, e.globalPosition])) }));
    try {
      const results = new Map(batch.flatMap((j) => (j.results ? [[j.data.jobId, j.results] as const] : [])));
      await this.write(jobs, uniqueById(subs.flat()), 'waiting', results);
      this.metrics.fanoutDone('handoff', jobs.length);
    } catch (err) {
      if ((err as { code?: string }).code !== CLAIM_FAILED) throw err;
      const { claimed, fresh } = await this.db.session(async (sql) => {
        const [claimed, fresh] = await Promise.all([this.queue.claim(sql, FANOUT_QUEUE, jobs.map((j) => j.id)), this.subscriptionsFor(sql, jobs)]);
        return { claimed, fresh };
      });
      const mine = jobs.filter((j) => claimed.has(j.id));
      if (mine.length > 0) await this.write(mine, fresh, 'claimed');
      this.metrics.fanoutDone('handoff', mine.length);
    }
  }

  /** Fetched jobs: their events' positions (older jobs carry them) and their subscriptions. */
  private async withPositions(fetched: PgBoss.Job<FanoutJob>[]): Promise<{ jobs: ClaimedFanout[]; subs: Subscription[] }> {
    const wanted = fetched.flatMap((j) => j.data.events.flatMap((e) => (e.position === undefined && e.version !== undefined ? [{ streamId: j.data.jobId, version: e.version }] : [])));
    const jobs = fetched.map((j) => ({ id: j.id, data: j.data, positions: new Map<number, number>() }));
    return this.db.session(async (sql) => {
      const [found, subs] = await Promise.all([this.events.positionsOf(sql, wanted), this.subscriptionsFor(sql, jobs)]);
      for (const job of jobs) {
        for (const e of job.data.events) {
          if (e.version !== undefined) {
            const position = e.position ?? found.get(`${job.data.jobId}|${e.version}`);
            if (position !== undefined) job.positions.set(e.version, position);
          }
        }
      }
      return { jobs, subs };
    });
  }

  /** Subscriptions that may hear these jobs' events (in the append's transaction too: see WebhookOutbox). */
  subscriptionsFor(sql: Sql, jobs: Array<{ data: Pick<FanoutJob, 'jobId' | 'projectId' | 'batchId'> }>): Promise<Subscription[]> {
    return this.subscriptions.subscriptionsFor(
      sql,
      {
        jobIds: [...new Set(jobs.map((j) => j.data.jobId))],
        projectIds: [...new Set(jobs.flatMap((j) => (j.data.projectId ? [j.data.projectId] : [])))],
        batchScopeIds: [...new Set(jobs.flatMap((j) => (j.data.projectId && j.data.batchId ? [batchScopeId(j.data.projectId, j.data.batchId)] : [])))],
      },
      // Disabled ones count what they skip.
      ['active', 'disabled'],
    );
  }

  /**
   * Renders every message, then one pipelined transaction: the messages, their delivery jobs
   * and the completion of the fan-out jobs. The delivery jobs this instance has room for are
   * inserted as claimed and taken (takeMessages) in the same transaction, then handed to the
   * DeliveryWorker after the commit: from the commit to the HTTP request there is no statement
   * left. The rest are queued.
   */
  private async write(jobs: ClaimedFanout[], subs: Subscription[], jobState: 'waiting' | 'claimed', results = new Map<string, Promise<ResultsView>>()): Promise<void> {
    const now = this.clock.now();
    const messages = await this.render(jobs, subs, results);
    const room = this.delivery.reserve(messages.length);
    const queued = messages.slice(room.size);
    const deliveries = deliverJobs(messages, subs);
    const [handed, queuedJobs] = [deliveries.slice(0, room.size), deliveries.slice(room.size)];
    try {
      await this.db.tx(async (tx) => {
        const ids = jobs.map((j) => j.id);
        // Waiting jobs are claimed and completed at once, or the transaction fails (CLAIM_FAILED).
        if (jobState === 'waiting') tx.defer(this.queue.completeWaiting(tx, FANOUT_QUEUE, ids));
        else tx.defer(this.queue.complete(tx, FANOUT_QUEUE, ids));
        tx.defer(deletePendingFanouts(tx, ids));
        tx.defer(this.messageRows.insertMessages(tx, messages, now));
        tx.defer(this.subscriptions.countSkipped(tx, skippedOf(jobs.map((j) => j.data), subs)));
        room.attemptAfterCommit(tx, handed);
        if (queued.length > 0) {
          tx.defer(
            this.queue.boss.insert(
              queuedJobs.map((data) => ({ name: DELIVER_QUEUE, data })),
              { db: txExecutor(tx) },
            ),
          );
          tx.afterCommit(() => this.queue.wake(DELIVER_QUEUE));
        }
      });
    } catch (err) {
      room.cancel();
      throw err;
    }
  }

  private async render(jobs: ClaimedFanout[], subs: Subscription[], prefetched: Map<string, Promise<ResultsView>>): Promise<NewMessage[]> {
    const results = new Map<string, Promise<unknown>>(prefetched);
    const tasks = new Map<string, Promise<RequestTask | undefined>>();
    const times = new Map<string, Promise<{ createdAt: string; finishedAt?: string }>>();
    const sources: RenderSources = {
      results: (jobId) => {
        if (!results.has(jobId)) results.set(jobId, this.queries.summary(jobId).then((s) => this.queries.renderResults(s)));
        return results.get(jobId)!;
      },
      task: (jobId) => {
        if (!tasks.has(jobId)) tasks.set(jobId, this.queries.requestTask(jobId));
        return tasks.get(jobId)!;
      },
      times: (jobId) => {
        if (!times.has(jobId)) times.set(jobId, this.queries.summary(jobId).then((s) => ({ createdAt: s.createdAt, finishedAt: s.finishedAt })));
        return times.get(jobId)!;
      },
      publicUrl: this.config.publicUrl,
    };
    const messages: NewMessage[] = [];
    for (const job of jobs) {
      for (const { sub, event, ref } of deliveriesOf(job.data, subs)) {
        const position = event.position ?? (event.version !== undefined ? job.positions.get(event.version) : undefined);
        if (position === undefined) throw new Error(`fan-out job ${job.id}: no stored event for ${ref.jobId} version ${event.version}`);
        messages.push({ ...this.message(sub, job.data, event, await render(sub, ref, event, sources)), eventPosition: position });
      }
    }
    return messages;
  }

  /** One message of an event to a subscription, with fresh ids (its event named by the caller). */
  private message(sub: Subscription, job: FanoutJob, event: FanoutEvent, body: string): Omit<NewMessage, 'eventPosition'> {
    return {
      id: this.ids.newId(),
      subscriptionId: sub.id,
      jobId: job.jobId,
      eventType: event.type,
      kind: sub.format,
      ordering: FORMAT_ORDERING[sub.format],
      body,
      jobToken: this.ids.newId(),
      projectId: job.projectId ?? null,
      correlationId: event.correlationId ?? null,
      ...this.traces.messageOf(job),
    };
  }
}

/** Delivery jobs of messages; each names its endpoint, so an endpoint whose circuit opens parks its jobs at once. */
function deliverJobs(messages: Array<{ id: string; jobToken: string; subscriptionId: string }>, subs: Subscription[]): DeliverJob[] {
  if (messages.length === 0) return [];
  const origins = new Map(subs.map((s) => [s.id, endpointOf(s.url)]));
  return messages.map((m) => ({ m: m.id, t: m.jobToken, e: origins.get(m.subscriptionId) }));
}

/** The fan-out job's events end the job (its result webhook is due). */
function endsJob(job: FanoutJob): boolean {
  return job.events.some((e) => JOB_END_EVENTS.has(e.type));
}
