import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { HERALD_VERSION } from '../version';
import { errorText, settleAttempt } from './domain/attempt-settlement';
import { decideDelivery, planWait, type TakenMessage } from './domain/delivery-decision';
import { classify, type AttemptResult } from './domain/delivery-outcome';
import { statusUpdate, type AttemptRecord } from './domain/delivery-records';
import { endpointOf, verdictOf } from './domain/endpoint-health';
import type { DeliverJob } from './domain/fanout.types';
import { deliveryHeaders } from './domain/signature';
import { AttemptsRepository } from './infrastructure/attempts.repository';
import { DeliveryLog } from './infrastructure/delivery-log';
import { DeliveryRecorder, type Exhausted } from './infrastructure/delivery-recorder';
import { EndpointCircuits } from './infrastructure/endpoint-circuits';
import { EndpointScheduler } from './infrastructure/endpoint-scheduler';
import { HttpSender } from './infrastructure/http-sender';
import { MessagesRepository } from './infrastructure/messages.repository';
import { QueueLoop } from './infrastructure/queue-loop';
import { SubscriptionsRepository } from './infrastructure/subscriptions.repository';
import { takeMessages, type StreamHold } from './infrastructure/take-messages.statement';
import { disableAfterMs } from './domain/auto-disable';
import { DELIVER_QUEUE, WorkQueue, type ClaimedJob } from './infrastructure/work-queue.service';
import { MetricsService } from '../metrics/metrics.service';
import { AttemptTracing } from '../tracing/attempt-tracing';
import { HERALD_LOG, type HeraldLog } from '../logging/herald-log';
import { SigningKeys } from './signing-keys.service';

/** A message behind an earlier one that is not due yet waits at least this long, at most DEFER_BLOCKED_MAX_MS. */
const DEFER_BLOCKED_MS = 20;
const DEFER_BLOCKED_MAX_MS = 60_000;
/** A message behind another instance's hold waits here for the announced release at most this long, then is taken again. */
const RELEASE_FALLBACK_MS = 1000;
const DEFER_BUSY_ENDPOINT_MS = 1000;
/** Shortest deferral of a message whose endpoint has no room for it now. */
const MIN_ENDPOINT_DEFER_MS = 200;
const MAX_ENDPOINT_DEFER_MS = 60_000;
/** Messages parked for an open circuit stay away at least this long (and twice its longest pause). */
const MIN_PARK_MS = 10 * 60_000;

/**
 * Delivery: fetches delivery jobs in batches, takes their messages (take-messages.statement.ts),
 * applies the delivery rules (domain/delivery-decision.ts), posts each message through the
 * HttpSender with bounded concurrency per endpoint (EndpointScheduler), and hands every outcome
 * (domain/attempt-settlement.ts) to the DeliveryRecorder, which writes it in batches.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Delivery');
  private loop?: QueueLoop<DeliverJob>;
  /** Per-endpoint queues, limits and circuits (see endpoint-scheduler.ts). */
  readonly endpoints: EndpointScheduler;
  private readonly circuits: EndpointCircuits;
  private readonly recorder: DeliveryRecorder;
  /** This application's structured delivery lines (failed attempts, give-ups, endpoint health). */
  private readonly deliveryLog: DeliveryLog;
  private inFlight = 0;
  private roomWaiters: Array<() => void> = [];
  /**
   * Ordered streams (subscription|job) with a message taken for an attempt in this instance. One
   * at a time: a newer message never goes out while an older one's retry is still in flight (it
   * could arrive first), and one batch never moves a stream twice.
   */
  private readonly busyStreams = new Set<string>();
  /** Attempts in flight here per job (counted until their outcome is flushed). */
  private readonly attemptsOf = new Map<string, number>();
  /** Jobs (by the job they belong to) waiting here behind such an attempt. */
  private readonly parked = new Map<string, Array<{ job: PgBoss.Job<DeliverJob>; msg: TakenMessage }>>();
  /**
   * Messages waiting here (by their stream, "subscription|job") behind another instance's hold of
   * it, until that instance announces the release (herald_streams) or the fallback timer fires.
   */
  private readonly awaitingRelease = new Map<string, { waiting: Array<{ job: PgBoss.Job<DeliverJob>; msg: TakenMessage }>; timer: NodeJS.Timeout }>();
  /** Queue jobs taken a second time because their facts may have been stale (see decide). */
  private readonly retakenOnce = new Set<string>();
  private running = false;

  /** Whether this instance's loops run (for /health/ready). */
  get isRunning(): boolean {
    return this.running;
  }
  private paused = false;

  constructor(
    private readonly queue: WorkQueue,
    private readonly db: Db,
    messages: MessagesRepository,
    attempts: AttemptsRepository,
    subscriptions: SubscriptionsRepository,
    private readonly sender: HttpSender,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    private readonly metrics: MetricsService,
    private readonly traces: AttemptTracing,
    @Inject(HERALD_LOG) log: HeraldLog,
    private readonly signingKeys: SigningKeys,
  ) {
    this.deliveryLog = new DeliveryLog(log.child({ context: 'Delivery' }));
    const w = config.webhooks;
    const wake = () => this.loop?.signal.notify();
    this.recorder = new DeliveryRecorder({
      db, queue, messages, attempts, subscriptions, ids, clock, publicUrl: config.publicUrl, log: this.log, instanceId: queue.instanceId,
      disableAfterMs: disableAfterMs(config.webhooks.disableAfterDays),
      flushed: (n) => this.release(n),
      recorded: (jobIds) => this.recorded(jobIds),
      wake,
    });
    this.circuits = new EndpointCircuits({
      db, queue, attempts, clock, log: this.log,
      parkMs: this.parkMs(),
      waitForOpenMs: this.waitForOpenMs(),
      health: (origin) => this.endpoints.health(origin),
      running: () => this.running,
      wake,
    });
    this.endpoints = new EndpointScheduler({
      policy: { maxLimit: w.perEndpoint, openAfter: w.circuit.openAfter, firstCooldownMs: w.circuit.openSeconds * 1000, maxCooldownMs: w.circuit.openMaxSeconds * 1000 },
      maxOpen: w.maxInFlight,
      maxWaiting: w.maxInFlight * 16,
      // A message waiting here keeps its queue claim: it must be sent well before the claim expires.
      waitBudgetMs: w.claimExpirySeconds * 500,
      timeoutMs: w.timeoutMs,
      minDeferMs: MIN_ENDPOINT_DEFER_MS,
      maxDeferMs: MAX_ENDPOINT_DEFER_MS,
      parkMs: this.parkMs(),
      now: () => this.clock.now().getTime(),
      onChange: (origin, before, after) => {
        this.deliveryLog.endpointChanged(origin, before, after, this.clock.now().getTime());
        this.circuits.changed(origin, before, after);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.workers) return;
    this.running = true;
    this.loop = new QueueLoop<DeliverJob>(
      (name, n) => this.queue.fetch(name, n),
      DELIVER_QUEUE,
      {
        batchSize: 200,
        pollMs: this.config.webhooks.pollMs,
        loops: 2,
        // A quarter of the room stays for this instance's fresh deliveries (hand-off): a loop
        // churning through a backlog that goes back to the queue never leaves them none.
        reserve: (n) => this.reserve(n, Math.floor(this.config.webhooks.maxInFlight / 4)),
        unreserve: (n) => this.unreserve(n),
        waitForRoom: () => new Promise<void>((resolve) => this.roomWaiters.push(resolve)),
        onError: (e) => this.log.error(`delivery loop: ${(e as Error).message}`),
      },
      (jobs) => this.take(jobs),
    );
    this.queue.onWake(DELIVER_QUEUE, () => this.loop?.signal.notify());
    this.queue.onStreamsReleased((streams) => this.streamsReleased(streams));
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    // What waits here goes back to the queue (for whichever instance runs next).
    for (const parked of this.parked.values()) {
      this.inFlight += parked.length;
      for (const { job, msg } of parked) this.defer(job, msg, DEFER_BLOCKED_MS);
    }
    this.parked.clear();
    for (const { waiting, timer } of this.awaitingRelease.values()) {
      clearTimeout(timer);
      this.inFlight += waiting.length;
      for (const { job, msg } of waiting) this.defer(job, msg, DEFER_BLOCKED_MS);
    }
    this.awaitingRelease.clear();
    this.endpoints.drain();
    this.recorder.close();
    for (const w of this.roomWaiters.splice(0)) w();
    await this.loop?.stop();
    // Let in-flight attempts finish and be recorded, for the grace period; then what is still in
    // flight is aborted (recorded as a failed attempt, SHUTDOWN, retried by whichever instance runs
    // next) and recorded, so the instance stops within the grace period plus one flush.
    const graceUntil = Date.now() + Math.min(this.config.webhooks.timeoutMs, this.config.shutdownGraceMs);
    while ((this.inFlight > 0 || this.recorder.busy) && Date.now() < graceUntil) {
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.inFlight > 0) this.sender.abortInFlight();
    const flushUntil = Date.now() + 2000;
    while ((this.inFlight > 0 || this.recorder.busy) && Date.now() < flushUntil) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.circuits.close();
    await this.sender.close();
  }

  /** Stops taking work (deliveries stay queued); resume() takes it up again. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const w of this.roomWaiters.splice(0)) w();
    this.loop?.signal.notify();
  }

  /**
   * Room for up to n deliveries created by this instance's fan-out (see handOff): counted as in
   * flight from now on; what is not handed over must be released. `leave`: room kept free (the
   * fetch loops leave a quarter of it to hand-offs).
   */
  reserve(n: number, leave = 0): number {
    if (!this.running || this.paused) return 0;
    const k = Math.max(0, Math.min(n, this.config.webhooks.maxInFlight - leave - this.inFlight));
    this.inFlight += k;
    return k;
  }

  /** Gives back room reserved and not used. */
  unreserve(n: number): void {
    if (n > 0) this.release(n);
  }

  /**
   * Deliveries that this instance's fan-out inserted as already claimed (reserve() counted them)
   * and took in its own transaction (`taken`, see takeMessages): attempted at once, with no trip
   * through the queue and no statement of their own.
   */
  handOff(jobs: ClaimedJob<DeliverJob>[], taken: TakenMessage[]): void {
    this.decide(
      jobs.map((j) => ({ id: j.id, name: DELIVER_QUEUE, data: j.data }) as PgBoss.Job<DeliverJob>),
      taken,
    );
  }

  /** Streams ("subscription|job") with an attempt in flight in this instance. */
  busy(): string[] {
    return [...this.busyStreams];
  }

  /**
   * How takes hold the streams they move: for this instance (its heartbeat id, so a live
   * instance that takes over from it releases them), at most as long as an attempt can take
   * (twice the timeout, for the endpoint's queue before it, and 30 s for the record after).
   */
  get hold(): StreamHold {
    return { instanceId: this.queue.instanceId, ms: 2 * this.config.webhooks.timeoutMs + 30_000 };
  }

  /** Takes fetched jobs (counted in flight by the loop's reserve()): one statement, then decides. */
  private async take(jobs: PgBoss.Job<DeliverJob>[]): Promise<void> {
    let messages: TakenMessage[];
    for (let attempt = 1; ; attempt++) {
      try {
        messages = await takeMessages(
          this.db,
          jobs.map((j) => ({ messageId: j.data.m, token: j.data.t, force: j.data.force === true })),
          { staleMs: this.config.webhooks.staleMs, busy: this.busy(), now: this.clock.now(), hold: this.hold },
        );
        break;
      } catch (err) {
        // A deadlock on the streams' rows is worth another go; anything else leaves the jobs to
        // expire and come back (HERALD_WEBHOOK_CLAIM_EXPIRY_SECONDS).
        if (attempt < 3 && ['40P01', '40001'].includes((err as { code?: string }).code ?? '')) continue;
        this.release(jobs.length);
        throw err;
      }
    }
    this.decide(jobs, messages);
  }

  /** What each taken job does (domain/delivery-decision.ts); attempts run in the background. */
  private decide(jobs: PgBoss.Job<DeliverJob>[], messages: TakenMessage[]): void {
    const byId = new Map(messages.map((m) => [m.id, m]));
    const seen = new Set<string>();
    const waiting: Array<{ job: PgBoss.Job<DeliverJob>; msg: TakenMessage; second: boolean }> = [];
    for (const job of jobs) {
      const second = this.retakenOnce.delete(job.id);
      const msg = byId.get(job.data.m);
      const decision = decideDelivery(msg, { token: job.data.t, force: job.data.force === true }, {
        duplicate: msg !== undefined && seen.has(msg.id),
        streamBusy: msg !== undefined && this.busyStreams.has(streamOf(msg)),
      });
      if (msg) seen.add(msg.id);
      switch (decision.kind) {
        case 'skip':
          this.recorder.settle({ bossJobId: job.id }); // stale or duplicate job: nothing to do
          break;
        case 'cancel':
          this.recorder.settle({ bossJobId: job.id, update: statusUpdate(msg!.id, 'cancelled', { lastError: decision.reason }) });
          break;
        case 'supersede':
          this.superseded(job, msg!);
          break;
        case 'attempt':
          if (decision.holdsStream) this.busyStreams.add(streamOf(msg!));
          this.attempt(job, msg!, decision.holdsStream ? streamOf(msg!) : null);
          break;
        case 'wait':
          waiting.push({ job, msg: msg!, second });
          break;
        default:
          decision satisfies never;
      }
    }
    // After this batch's attempts have started: wait here behind them when one of them, or any
    // attempt of the same job, is in flight in this instance (domain: planWait).
    const again: PgBoss.Job<DeliverJob>[] = [];
    const now = this.clock.now().getTime();
    for (const { job, msg, second } of waiting) {
      const origin = endpointOf(msg.subscription.url);
      const plan = planWait(
        {
          running: this.running,
          attemptsOfJobHere: this.attemptsOf.get(msg.jobId) ?? 0,
          releaseAnnounced: msg.releaseAnnounced === true,
          takenAgain: second,
          blockedUntil: msg.blockedUntil?.getTime() ?? null,
          endpointOpen: this.endpoints.health(origin)?.state === 'open',
          now,
        },
        { minMs: DEFER_BLOCKED_MS, maxMs: DEFER_BLOCKED_MAX_MS, parkMs: this.parkMs(), releaseFallbackMs: RELEASE_FALLBACK_MS },
      );
      if (plan.kind === 'await-release') {
        this.awaitRelease(job, msg, plan.ms);
      } else if (plan.kind === 'park-here') {
        const parked = this.parked.get(msg.jobId) ?? [];
        parked.push({ job, msg });
        this.parked.set(msg.jobId, parked);
        this.release(1); // waiting here does not hold the instance's room
      } else if (plan.kind === 'take-again') {
        this.retakenOnce.add(job.id);
        again.push(job);
      } else {
        // Behind a message parked for an open circuit, it is parked as long (both are released when the circuit closes).
        this.defer(job, msg, plan.ms, origin);
      }
    }
    if (again.length > 0) this.take(again).catch((err) => this.log.error(`taking deliveries again: ${(err as Error).message}`));
  }

  /**
   * Attempts of these jobs' messages have their outcome on record: the messages waiting here
   * behind them are taken again (their ordering facts changed). The finished attempts keep
   * counting until that is done, so a message of the same job arriving meanwhile waits here too;
   * then what still waits with nothing of its job in flight here goes back to the queue.
   */
  private recorded(jobIds: string[]): void {
    const finished = new Map<string, number>();
    for (const jobId of jobIds) finished.set(jobId, (finished.get(jobId) ?? 0) + 1);
    for (const [jobId, n] of finished) {
      const parked = this.parked.get(jobId);
      if (!parked) {
        this.finish(jobId, n);
        continue;
      }
      this.parked.delete(jobId);
      this.inFlight += parked.length;
      this.take(parked.map((p) => p.job))
        .catch((err) => this.log.error(`taking waiting deliveries again: ${(err as Error).message}`))
        .finally(() => this.finish(jobId, n));
    }
  }

  /** Waits here (holding no room) until its stream's release is announced, or `ms`. */
  private awaitRelease(job: PgBoss.Job<DeliverJob>, msg: TakenMessage, ms: number): void {
    const stream = streamOf(msg);
    const entry = this.awaitingRelease.get(stream);
    if (entry) entry.waiting.push({ job, msg });
    else {
      const timer = setTimeout(() => this.streamsReleased([stream]), ms);
      timer.unref();
      this.awaitingRelease.set(stream, { waiting: [{ job, msg }], timer });
    }
    this.release(1);
  }

  /** Streams released by their holder (announced on herald_streams; '*': any): what waits behind them is taken again. */
  private streamsReleased(streams: string[] | '*'): void {
    if (!this.running) return; // onModuleDestroy gave them back to the queue
    const jobs: PgBoss.Job<DeliverJob>[] = [];
    for (const stream of streams === '*' ? [...this.awaitingRelease.keys()] : streams) {
      const entry = this.awaitingRelease.get(stream);
      if (!entry) continue;
      this.awaitingRelease.delete(stream);
      clearTimeout(entry.timer);
      for (const w of entry.waiting) jobs.push(w.job);
    }
    if (jobs.length === 0) return;
    this.inFlight += jobs.length;
    this.take(jobs).catch((err) => this.log.error(`taking deliveries behind a released stream: ${(err as Error).message}`));
  }

  private finish(jobId: string, attempts: number): void {
    const left = (this.attemptsOf.get(jobId) ?? attempts) - attempts;
    if (left > 0) {
      this.attemptsOf.set(jobId, left);
      return;
    }
    this.attemptsOf.delete(jobId);
    // Nothing of this job is in flight here any more: nothing here would wake what still waits.
    const orphans = this.parked.get(jobId) ?? [];
    this.parked.delete(jobId);
    this.inFlight += orphans.length;
    for (const { job, msg } of orphans) this.defer(job, msg, DEFER_BLOCKED_MS);
  }

  /**
   * Hands the message to its endpoint's queue: sent now, or when the endpoint has room (waiting
   * there holds none of the instance's room), or given back to the queue until the endpoint can
   * take it (busy beyond what it serves within the wait budget, or its circuit is open).
   * `stream`: the ordered stream it holds while attempted.
   */
  private attempt(job: PgBoss.Job<DeliverJob>, msg: TakenMessage, stream: string | null): void {
    this.attemptsOf.set(msg.jobId, (this.attemptsOf.get(msg.jobId) ?? 0) + 1);
    const origin = endpointOf(msg.subscription.url);
    let queued = false;
    // After its outcome is in `pending`: once that is flushed, what waits behind it goes.
    const end = () => {
      if (stream) {
        this.busyStreams.delete(stream);
        // Written with (or after) the attempt's record: only then may another instance take the stream on.
        this.recorder.releaseStream({ subscriptionId: msg.subscription.id, jobId: msg.jobId });
      }
      this.recorder.attemptEnded(msg.jobId);
    };
    const offer = this.endpoints.offer(origin, {
      go: (probe) => {
        if (queued) this.inFlight++;
        void this.send(job, msg, origin, probe).finally(end);
      },
      defer: (until, reason) => {
        this.inFlight++;
        this.deferForEndpoint(job, msg, origin, until, reason);
        end();
      },
    });
    if (offer.kind === 'queued') {
      queued = true;
      this.release(1);
    } else if (offer.kind === 'defer') {
      this.deferForEndpoint(job, msg, origin, offer.until, offer.reason);
      end();
    }
  }

  private async send(job: PgBoss.Job<DeliverJob>, msg: TakenMessage, origin: string, probe: boolean): Promise<void> {
    const sub = msg.subscription;
    const state = probe ? 'probe' : this.endpoints.health(origin)?.state === 'degraded' ? 'degraded' : 'healthy';
    let result: AttemptResult;
    const attemptedAt = this.clock.now();
    // Tracing on: the attempt's span, whose traceparent the request carries (off: headers unchanged).
    const span = this.traces.start(msg, state);
    try {
      result = await this.sender.send({ url: sub.url, headers: span.headers(deliveryHeaders(sub, msg.id, msg.body, attemptedAt, HERALD_VERSION, this.signingKeys.falSigning(msg))), body: msg.body, timeoutMs: this.config.webhooks.timeoutMs });
    } catch (err) {
      result = { durationMs: 0, errorCode: 'ERROR', errorMessage: (err as Error).message };
    }
    span.end(result);
    this.endpoints.done(origin, verdictOf(result.statusCode), result.durationMs, probe, errorText(result));
    try {
      this.record(job, msg, result, attemptedAt, state);
    } catch (err) {
      // Not an outcome of the request (those are recorded): try the message again shortly.
      this.log.error(`attempt of message ${msg.id} failed: ${(err as Error).message}`);
      this.defer(job, msg, DEFER_BUSY_ENDPOINT_MS);
    }
  }

  /**
   * Its endpoint cannot take it now: back to the queue until `until`, without counting an
   * attempt. Past the end of its retry schedule with the circuit still open, it fails.
   */
  private deferForEndpoint(job: PgBoss.Job<DeliverJob>, msg: TakenMessage, origin: string, until: number, reason: 'busy' | 'open'): void {
    const now = this.clock.now().getTime();
    const deadline = this.deadlineOf(msg);
    if (reason === 'open' && now >= deadline) {
      const lastError = `endpoint unavailable (circuit open) for the whole retry schedule; gave up after ${msg.attempts} attempts`;
      this.deliveryLog.gaveUpWaiting(msg, lastError);
      this.recorder.settle({ bossJobId: job.id, update: statusUpdate(msg.id, 'failed', { lastError }), exhausted: this.exhaustedOf(msg, msg.attempts, lastError) });
      return;
    }
    // Parked no longer than its deadline: then it fails, if the circuit is still open.
    this.defer(job, msg, Math.max(0, (reason === 'open' ? Math.min(until, deadline) : until) - now), origin);
  }

  /**
   * How long a message waits for an open endpoint: as long as its retry schedule lasts (with the
   * largest jitter), and at least two of the longest circuit pauses.
   */
  private deadlineOf(msg: TakenMessage): number {
    return msg.createdAt.getTime() + this.waitForOpenMs();
  }

  private waitForOpenMs(): number {
    const w = this.config.webhooks;
    const total = w.retrySchedule.reduce((a, b) => a + b, 0);
    return Math.max(total * 1200, w.circuit.openMaxSeconds * 2000);
  }

  /** How long a message given back for an open circuit stays parked (the circuit closing releases it). */
  private parkMs(): number {
    return Math.max(MIN_PARK_MS, this.config.webhooks.circuit.openMaxSeconds * 2000);
  }

  private exhaustedOf(msg: TakenMessage, attempts: number, lastError: string | null): Exhausted | undefined {
    if (!msg.projectId || msg.kind === 'notification') return undefined;
    return { projectId: msg.projectId, messageId: msg.id, subscriptionId: msg.subscription.id, url: msg.subscription.url, jobId: msg.jobId, eventType: msg.eventType, eventPosition: msg.eventPosition, attempts, lastError, correlationId: msg.correlationId ?? null };
  }

  private record(job: PgBoss.Job<DeliverJob>, msg: TakenMessage, result: AttemptResult, attemptedAt: Date, endpointState: AttemptRecord['endpointState']): void {
    const outcome = classify(result, msg.attempts + 1, this.config.webhooks.retrySchedule, Math.random(), attemptedAt);
    const { attempt, update, call, nextAt, final } = settleAttempt({ message: msg, result, outcome, attemptedAt, endpointState, nextToken: () => this.ids.newId() });
    if (outcome.kind !== 'delivered') this.deliveryLog.attemptFailed(msg, result, outcome, attempt.attempt, nextAt, this.clock.now());
    // Due: the message's creation for a first attempt, the retry's due time (carried by its job) for a retry.
    const due = msg.attempts === 0 ? msg.createdAt.getTime() : job.data.d;
    this.metrics.deliveryAttempted({ outcome: attempt.outcome, statusCode: result.statusCode, durationMs: result.durationMs, first: msg.attempts === 0, lagMs: due === undefined ? undefined : attemptedAt.getTime() - due });
    this.recorder.settle({
      bossJobId: job.id,
      attempt,
      update,
      call,
      ...(nextAt ? { next: { data: { m: msg.id, t: update.jobToken!, d: nextAt.getTime() }, startAfter: nextAt } } : {}),
      ...(final ? { exhausted: this.exhaustedOf(msg, attempt.attempt, update.lastError) } : {}),
    });
  }

  private superseded(job: PgBoss.Job<DeliverJob>, msg: TakenMessage): void {
    this.log.debug?.(`message ${msg.id} (${msg.eventType} at ${msg.eventPosition}) superseded by ${msg.latestId ?? 'a newer one'}`);
    this.recorder.settle({ bossJobId: job.id, update: statusUpdate(msg.id, 'superseded', { supersededBy: msg.latestId }) });
  }

  /** Back to the queue for `ms`, no attempt counted; `endpoint`: given back for want of it (released when its circuit closes). */
  private defer(job: PgBoss.Job<DeliverJob>, msg: TakenMessage, ms: number, endpoint?: string): void {
    const token = this.ids.newId();
    const at = new Date(this.clock.now().getTime() + ms);
    this.recorder.settle({
      bossJobId: job.id,
      update: statusUpdate(msg.id, msg.status, { nextAttemptAt: at, jobToken: token }),
      next: { data: { m: msg.id, t: token, ...(job.data.force ? { force: true } : {}), ...(endpoint ? { e: endpoint } : {}), ...(job.data.d !== undefined ? { d: job.data.d } : {}) }, startAfter: at },
    });
  }

  private release(n: number): void {
    this.inFlight -= n;
    for (const w of this.roomWaiters.splice(0)) w();
  }
}

function streamOf(msg: TakenMessage): string {
  return `${msg.subscription.id}|${msg.jobId}`;
}

