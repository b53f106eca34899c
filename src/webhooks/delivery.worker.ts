import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db, type Tx } from '../database/db';
import { exhaustedNotification } from './domain/payload-renderers';
import { FORMAT_ORDERING } from './domain/subscription.types';
import { HERALD_VERSION } from '../version';
import { classify, type AttemptResult } from './domain/delivery-outcome';
import type { DeliverJob } from './domain/fanout.types';
import { deliveryHeaders } from './domain/signature';
import { HttpSender } from './infrastructure/http-sender';
import { QueueLoop } from './infrastructure/queue-loop';
import {
  WebhooksRepository,
  type AttemptRecord,
  type LoadedMessage,
  type MessageUpdate,
  type NewMessage,
  type SubscriptionCall,
} from './infrastructure/webhooks.repository';
import { DELIVER_QUEUE, txExecutor, WorkQueue, type ClaimedJob } from './infrastructure/work-queue.service';
import { EndpointScheduler } from './infrastructure/endpoint-scheduler';
import { endpointOf, verdictOf, type EndpointHealth } from './domain/endpoint-health';

/** What the flush writes for one delivery job. */
interface Settled {
  bossJobId: string;
  attempt?: AttemptRecord;
  update?: MessageUpdate;
  call?: SubscriptionCall;
  /** A new pg-boss job for the message (retry or deferral). */
  next?: { data: DeliverJob; startAfter: Date };
  /** A project's webhook failed for good: its delivery.exhausted channels are told. */
  exhausted?: Exhausted;
}

interface Exhausted {
  projectId: string;
  messageId: string;
  subscriptionId: string;
  url: string;
  jobId: string;
  eventType: string;
  eventPosition: number;
  attempts: number;
  lastError: string | null;
}

/** A message behind an earlier one that is not due yet waits at least this long, at most DEFER_BLOCKED_MAX_MS. */
const DEFER_BLOCKED_MS = 20;
const DEFER_BLOCKED_MAX_MS = 60_000;
const DEFER_BUSY_ENDPOINT_MS = 1000;
/** Shortest deferral of a message whose endpoint has no room for it now. */
const MIN_ENDPOINT_DEFER_MS = 200;
const MAX_ENDPOINT_DEFER_MS = 60_000;
const ENDPOINT_WRITE_MS = 200;
/** Messages parked for an open circuit stay away at least this long (and twice its longest pause). */
const MIN_PARK_MS = 10 * 60_000;
/** The open circuit's probe: a parked message is released when it is due, looked at again this often, this many times. */
const PROBE_RECHECK_MS = 2000;
const PROBE_RECHECKS = 5;
const FLUSH_RETRIES = 5;

/**
 * Delivery: fetches delivery jobs in batches, applies ordering (supersession, streams that never
 * go backwards, results after progress), posts each message through the HttpSender with bounded
 * concurrency per endpoint, and records every attempt, the message's new state, the
 * subscription's last call and the next pg-boss job in one batched transaction.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Delivery');
  private loop?: QueueLoop<DeliverJob>;
  /** Per-endpoint queues, limits and circuits (see endpoint-scheduler.ts). */
  readonly endpoints: EndpointScheduler;
  /** Endpoint states to write to webhook_endpoints (coalesced). */
  private endpointWrites = new Map<string, EndpointHealth>();
  private endpointTimer?: NodeJS.Timeout;
  /** Per open endpoint: the timer that releases a parked message for its probe. */
  private readonly probeTimers = new Map<string, NodeJS.Timeout>();
  private inFlight = 0;
  private roomWaiters: Array<() => void> = [];
  private pending: Settled[] = [];
  private flushing?: Promise<void>;
  private timers = new Set<NodeJS.Timeout>();
  /**
   * Ordered streams (subscription|job) with a message taken for an attempt in this instance. One
   * at a time: a newer message never goes out while an older one's retry is still in flight (it
   * could arrive first), and one batch never moves a stream twice.
   */
  private readonly busyStreams = new Set<string>();
  /** Attempts in flight here per job (counted until their outcome is flushed). */
  private readonly attemptsOf = new Map<string, number>();
  /** Jobs (by the job they belong to) waiting here behind such an attempt. */
  private readonly parked = new Map<string, Array<{ job: PgBoss.Job<DeliverJob>; msg: LoadedMessage }>>();
  /** Queue jobs taken a second time because their facts may have been stale (see decide). */
  private readonly retakenOnce = new Set<string>();
  /** Jobs of attempts whose outcome was settled since the last flush began. */
  private attemptsSettled: string[] = [];
  private running = false;
  private paused = false;

  constructor(
    private readonly queue: WorkQueue,
    private readonly db: Db,
    private readonly repo: WebhooksRepository,
    private readonly sender: HttpSender,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {
    const w = config.webhooks;
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
      onChange: (origin, before, after) => this.endpointChanged(origin, before, after),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.workers) return;
    this.running = true;
    this.loop = new QueueLoop<DeliverJob>(
      this.queue.boss,
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
    this.endpoints.drain();
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.probeTimers.values()) clearTimeout(t);
    this.probeTimers.clear();
    for (const w of this.roomWaiters.splice(0)) w();
    await this.loop?.stop();
    // Let in-flight attempts finish and be recorded (bounded by the request timeout).
    const deadline = Date.now() + this.config.webhooks.timeoutMs + 2000;
    while ((this.inFlight > 0 || this.pending.length > 0 || this.flushing) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.writeEndpoints();
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
  handOff(jobs: ClaimedJob<DeliverJob>[], taken: LoadedMessage[]): void {
    this.decide(
      jobs.map((j) => ({ id: j.id, name: DELIVER_QUEUE, data: j.data }) as PgBoss.Job<DeliverJob>),
      taken,
    );
  }

  /** Streams ("subscription|job") with an attempt in flight in this instance. */
  busy(): string[] {
    return [...this.busyStreams];
  }

  /** Takes fetched jobs (counted in flight by the loop's reserve()): one statement, then decides. */
  private async take(jobs: PgBoss.Job<DeliverJob>[]): Promise<void> {
    let messages: LoadedMessage[];
    for (let attempt = 1; ; attempt++) {
      try {
        messages = await this.repo.takeMessages(
          this.db,
          jobs.map((j) => ({ messageId: j.data.m, token: j.data.t, force: j.data.force === true })),
          this.config.webhooks.staleMs,
          this.busy(),
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

  /** What each taken job does; attempts run in the background. */
  private decide(jobs: PgBoss.Job<DeliverJob>[], messages: LoadedMessage[]): void {
    const byId = new Map(messages.map((m) => [m.id, m]));
    const seen = new Set<string>();
    const waiting: Array<{ job: PgBoss.Job<DeliverJob>; msg: LoadedMessage; second: boolean }> = [];
    for (const job of jobs) {
      const second = this.retakenOnce.delete(job.id);
      const msg = byId.get(job.data.m);
      if (!msg || msg.jobToken !== job.data.t || seen.has(msg.id) || (msg.status !== 'pending' && msg.status !== 'retrying')) {
        this.settle({ bossJobId: job.id }); // stale or duplicate job: nothing to do
        continue;
      }
      seen.add(msg.id);
      if (msg.subscription.status !== 'active') {
        this.settle({ bossJobId: job.id, update: this.update(msg, 'cancelled', { lastError: 'subscription disabled' }) });
      } else if (msg.ordering === 'latest-wins' && msg.newer && !job.data.force) {
        this.superseded(job, msg);
      } else if (msg.blocked && !job.data.force) {
        waiting.push({ job, msg, second }); // an earlier message must have its first attempt first
      } else if (!holdsStream(job, msg)) {
        this.attempt(job, msg, null);
      } else if (this.busyStreams.has(streamOf(msg))) {
        waiting.push({ job, msg, second }); // its stream has an attempt in flight here
      } else if (msg.moved) {
        // Its stream moved to it: one attempt at a time per stream, never backwards.
        this.busyStreams.add(streamOf(msg));
        this.attempt(job, msg, streamOf(msg));
      } else if (msg.streamAt !== null && msg.streamAt > msg.eventPosition) {
        // The stream is past it (a later message went out). A progress snapshot, or a lifecycle
        // message that already had an attempt, gives way; a lifecycle message is never dropped
        // before its first attempt: it goes out late, outside its stream.
        if (msg.ordering === 'latest-wins' || msg.attempts > 0) this.superseded(job, msg);
        else this.attempt(job, msg, null);
      } else {
        waiting.push({ job, msg, second }); // an earlier message of its stream went first
      }
    }
    // After this batch's attempts have started: wait here behind them when one of them, or any
    // attempt of the same job, is in flight in this instance. Else the facts may be stale (what
    // it waited for was attempted and recorded since they were read): taken once more; and
    // after that, back to the queue shortly.
    const again: PgBoss.Job<DeliverJob>[] = [];
    const now = this.clock.now().getTime();
    for (const { job, msg, second } of waiting) {
      if (this.running && (this.attemptsOf.get(msg.jobId) ?? 0) > 0) {
        const parked = this.parked.get(msg.jobId) ?? [];
        parked.push({ job, msg });
        this.parked.set(msg.jobId, parked);
        this.release(1); // waiting here does not hold the instance's room
      } else if (this.running && !second) {
        this.retakenOnce.add(job.id);
        again.push(job);
      } else {
        // Back to the queue until what it waits for is due (an earlier message given back for
        // want of its endpoint may not be due for a while): no churn every few milliseconds.
        // Behind a message parked for an open circuit, it is parked as long (both are released
        // when the circuit closes).
        const origin = endpointOf(msg.subscription.url);
        const cap = this.endpoints.health(origin)?.state === 'open' ? this.parkMs() : DEFER_BLOCKED_MAX_MS;
        const due = msg.blockedUntil ? Math.min(msg.blockedUntil.getTime() + 10, now + cap) : 0;
        this.defer(job, msg, Math.max(DEFER_BLOCKED_MS, due - now), origin);
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
  private attempt(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage, stream: string | null): void {
    this.attemptsOf.set(msg.jobId, (this.attemptsOf.get(msg.jobId) ?? 0) + 1);
    const origin = endpointOf(msg.subscription.url);
    let queued = false;
    // After its outcome is in `pending`: once that is flushed, what waits behind it goes.
    const end = () => {
      if (stream) this.busyStreams.delete(stream);
      this.attemptsSettled.push(msg.jobId);
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

  private async send(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage, origin: string, probe: boolean): Promise<void> {
    const sub = msg.subscription;
    const state = probe ? 'probe' : this.endpoints.health(origin)?.state === 'degraded' ? 'degraded' : 'healthy';
    let result: AttemptResult;
    const attemptedAt = this.clock.now();
    try {
      result = await this.sender.send({ url: sub.url, headers: deliveryHeaders(sub, msg.id, msg.body, attemptedAt, HERALD_VERSION), body: msg.body, timeoutMs: this.config.webhooks.timeoutMs });
    } catch (err) {
      result = { durationMs: 0, errorCode: 'ERROR', errorMessage: (err as Error).message };
    }
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
  private deferForEndpoint(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage, origin: string, until: number, reason: 'busy' | 'open'): void {
    const now = this.clock.now().getTime();
    const deadline = this.deadlineOf(msg);
    if (reason === 'open' && now >= deadline) {
      const lastError = `endpoint unavailable (circuit open) for the whole retry schedule; gave up after ${msg.attempts} attempts`;
      this.settle({ bossJobId: job.id, update: this.update(msg, 'failed', { lastError }), exhausted: this.exhaustedOf(msg, msg.attempts, lastError) });
      return;
    }
    // Parked no longer than its deadline: then it fails, if the circuit is still open.
    this.defer(job, msg, Math.max(0, (reason === 'open' ? Math.min(until, deadline) : until) - now), origin);
  }

  /**
   * How long a message waits for an open endpoint: as long as its retry schedule lasts (with the
   * largest jitter), and at least two of the longest circuit pauses.
   */
  private deadlineOf(msg: LoadedMessage): number {
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

  private exhaustedOf(msg: LoadedMessage, attempts: number, lastError: string | null): Exhausted | undefined {
    if (!msg.projectId || msg.kind === 'notification') return undefined;
    return { projectId: msg.projectId, messageId: msg.id, subscriptionId: msg.subscription.id, url: msg.subscription.url, jobId: msg.jobId, eventType: msg.eventType, eventPosition: msg.eventPosition, attempts, lastError };
  }

  /** Keeps webhook_endpoints current; a circuit that closed releases the messages given back for it. */
  private endpointChanged(origin: string, before: EndpointHealth, after: EndpointHealth): void {
    if (before.state !== after.state) {
      const text = after.state === 'open'
        ? `endpoint ${origin}: circuit open after ${after.consecutiveFailures} failed attempts (${after.lastError ?? 'error'}); next probe in ${Math.round((after.retryAt! - this.clock.now().getTime()) / 1000)} s`
        : `endpoint ${origin}: ${after.state} (${after.limit} at once)`;
      if (after.state === 'open') this.log.warn(text);
      else this.log.log(text);
    }
    this.endpointWrites.set(origin, after);
    if (!this.endpointTimer) {
      this.endpointTimer = setTimeout(() => void this.writeEndpoints(), ENDPOINT_WRITE_MS);
      this.endpointTimer.unref();
    }
    if (after.state === 'open') {
      if (before.state !== 'open') this.parkEndpoint(origin);
      if (after.retryAt !== null && after.retryAt !== before.retryAt) this.armProbe(origin, after.retryAt, PROBE_RECHECKS);
    }
    if (before.state === 'open' && after.state !== 'open') {
      clearTimeout(this.probeTimers.get(origin));
      this.probeTimers.delete(origin);
      this.queue
        .releaseParked(this.db, DELIVER_QUEUE, origin)
        .then((n) => n > 0 && this.loop?.signal.notify())
        .catch((err) => this.log.error(`releasing deliveries of ${origin}: ${(err as Error).message}`));
    }
  }

  /**
   * The circuit opened: every delivery job of the endpoint waiting in the queue is parked in one
   * statement, so no instance fetches them (and gives them back) while it stays open.
   */
  private parkEndpoint(origin: string): void {
    const until = new Date(this.clock.now().getTime() + this.parkMs());
    this.queue
      .parkEndpoint(this.db, origin, until, this.waitForOpenMs())
      .then((n) => n > 0 && this.log.log(`endpoint ${origin}: ${n} waiting deliveries parked until its circuit closes`))
      .catch((err) => this.log.error(`parking deliveries of ${origin}: ${(err as Error).message}`));
  }

  /**
   * When the open circuit's probe is due, one parked message is made due (a fresh message may
   * be the probe first); looked at again a few times while no probe has gone out.
   */
  private armProbe(origin: string, at: number, rechecks: number): void {
    clearTimeout(this.probeTimers.get(origin));
    const t = setTimeout(() => {
      this.probeTimers.delete(origin);
      const h = this.endpoints.health(origin);
      if (!this.running || !h || h.state !== 'open' || h.probing) return;
      this.queue
        .releaseOne(this.db, origin)
        .then((released) => released && this.loop?.signal.notify())
        .catch((err) => this.log.error(`releasing a probe for ${origin}: ${(err as Error).message}`))
        .finally(() => rechecks > 0 && this.running && !this.probeTimers.has(origin) && this.armProbe(origin, this.clock.now().getTime() + PROBE_RECHECK_MS, rechecks - 1));
    }, Math.max(0, at - this.clock.now().getTime()) + 20);
    t.unref();
    this.probeTimers.set(origin, t);
  }

  private async writeEndpoints(): Promise<void> {
    clearTimeout(this.endpointTimer);
    this.endpointTimer = undefined;
    const rows = [...this.endpointWrites].map(([endpoint, h]) => ({
      endpoint,
      state: h.state,
      concurrency: h.limit,
      consecutiveFailures: h.consecutiveFailures,
      retryAt: h.retryAt === null ? null : new Date(h.retryAt),
      lastError: h.lastError,
    }));
    this.endpointWrites.clear();
    await this.repo.saveEndpoints(this.db, rows, this.clock.now()).catch((err) => this.log.error(`recording endpoint health: ${(err as Error).message}`));
  }

  private record(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage, result: AttemptResult, attemptedAt: Date, endpointState: AttemptRecord['endpointState']): void {
    const attemptNo = msg.attempts + 1;
    const outcome = classify(result, attemptNo, this.config.webhooks.retrySchedule, Math.random(), attemptedAt);
    const nextAt = outcome.kind === 'retry' ? new Date(attemptedAt.getTime() + result.durationMs + outcome.delayMs) : null;
    const error = errorText(result);
    const delivered = outcome.kind === 'delivered';
    const status = delivered ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : 'failed';
    const date = attemptedAt.toISOString();
    const settled: Settled = {
      bossJobId: job.id,
      attempt: {
        messageId: msg.id,
        subscriptionId: msg.subscription.id,
        jobId: msg.jobId,
        eventPosition: msg.eventPosition,
        attempt: attemptNo,
        url: msg.subscription.url,
        statusCode: result.statusCode ?? null,
        statusMessage: result.statusMessage ?? null,
        responseBody: result.body ?? null,
        durationMs: result.durationMs,
        errorCode: result.errorCode ?? null,
        outcome: outcome.kind === 'disable' ? 'disabled' : status,
        attemptedAt,
        nextAttemptAt: nextAt,
        endpointState,
      },
      update: {
        id: msg.id,
        status,
        attempts: attemptNo,
        nextAttemptAt: nextAt,
        lastStatusCode: result.statusCode ?? null,
        lastError: delivered ? null : outcome.kind === 'failed' ? `${error}; gave up after ${attemptNo} attempts` : outcome.kind === 'disable' ? `${error}; ${outcome.reason}` : error,
        deliveredAt: delivered ? attemptedAt : null,
        supersededBy: null,
        jobToken: null,
      },
      call: {
        id: msg.subscription.id,
        lastCall: { statusCode: result.statusCode ?? null, message: result.statusMessage ?? result.errorCode ?? '', date },
        ...(delivered
          ? {}
          : { lastError: { statusCode: result.statusCode ?? null, message: result.statusMessage || error, body: parseBody(result.body), date } }),
        ...(outcome.kind === 'disable' ? { disableReason: outcome.reason } : {}),
      },
    };
    if (outcome.kind === 'failed' || outcome.kind === 'disable') settled.exhausted = this.exhaustedOf(msg, attemptNo, settled.update!.lastError);
    if (nextAt) {
      const token = this.ids.newId();
      settled.update!.jobToken = token;
      settled.next = { data: { m: msg.id, t: token }, startAfter: nextAt };
    }
    this.settle(settled);
  }

  private superseded(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage): void {
    this.log.debug?.(`message ${msg.id} (${msg.eventType} at ${msg.eventPosition}) superseded by ${msg.latestId ?? 'a newer one'}`);
    this.settle({ bossJobId: job.id, update: this.update(msg, 'superseded', { supersededBy: msg.latestId }) });
  }

  /** Back to the queue for `ms`, no attempt counted; `endpoint`: given back for want of it (released when its circuit closes). */
  private defer(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage, ms: number, endpoint?: string): void {
    const token = this.ids.newId();
    const at = new Date(this.clock.now().getTime() + ms);
    this.settle({
      bossJobId: job.id,
      update: { ...this.update(msg, msg.status, {}), nextAttemptAt: at, jobToken: token },
      next: { data: { m: msg.id, t: token, ...(job.data.force ? { force: true } : {}), ...(endpoint ? { e: endpoint } : {}) }, startAfter: at },
    });
  }

  private update(msg: LoadedMessage, status: MessageUpdate['status'], extra: Partial<MessageUpdate>): MessageUpdate {
    return { id: msg.id, status, attempts: null, nextAttemptAt: null, lastStatusCode: null, lastError: null, deliveredAt: null, supersededBy: null, jobToken: null, ...extra };
  }

  // ---------------------------------------------------------------- batched writes

  private settle(s: Settled): void {
    this.pending.push(s);
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  private async flushLoop(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      // The attempts whose outcomes are all in `pending` now (pushed after their settle).
      const settledAttempts = this.attemptsSettled.splice(0);
      for (const batch of chunks(this.pending.splice(0), 500)) {
        await this.flush(batch);
        this.release(batch.length);
      }
      this.recorded(settledAttempts);
    }
    this.flushing = undefined;
  }

  private async flush(batch: Settled[]): Promise<void> {
    const now = this.clock.now();
    const calls = new Map<string, SubscriptionCall>();
    for (const s of batch) {
      if (!s.call) continue;
      const prev = calls.get(s.call.id);
      calls.set(s.call.id, { ...s.call, lastError: s.call.lastError ?? prev?.lastError, disableReason: s.call.disableReason ?? prev?.disableReason });
    }
    const next = batch.filter((s) => s.next);
    for (let attempt = 1; ; attempt++) {
      try {
        // One pipelined transaction: a round trip for all of it, unless a project's webhook
        // failed for good (its delivery.exhausted channels are read first).
        await this.db.tx(async (tx) => {
          tx.defer(this.repo.insertAttempts(tx, batch.flatMap((s) => (s.attempt ? [s.attempt] : []))));
          tx.defer(this.repo.updateMessages(tx, batch.flatMap((s) => (s.update ? [s.update] : [])), now));
          tx.defer(this.repo.recordCalls(tx, [...calls.values()], now));
          tx.defer(this.queue.complete(tx, DELIVER_QUEUE, batch.map((s) => s.bossJobId)));
          const notices = await this.exhaustedNotices(tx, batch, now);
          const jobs = [
            ...next.map((s) => ({ name: DELIVER_QUEUE, data: s.next!.data, startAfter: s.next!.startAfter })),
            ...notices.map((m) => ({ name: DELIVER_QUEUE, data: { m: m.id, t: m.jobToken } satisfies DeliverJob })),
          ];
          if (jobs.length) tx.defer(this.queue.boss.insert(jobs, { db: txExecutor(tx) }));
          if (notices.length) tx.afterCommit(() => this.queue.wake(DELIVER_QUEUE));
        });
        break;
      } catch (err) {
        if (attempt >= FLUSH_RETRIES) {
          // The pg-boss jobs stay active, expire and are fetched again: nothing is lost.
          this.log.error(`could not record ${batch.length} delivery results: ${(err as Error).message}`);
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
    const channels = (await this.repo.subscriptionsFor(tx, { jobIds: [], projectIds: [...new Set(failed.map((f) => f.projectId))], batchScopeIds: [] })).filter(
      (s) => s.scope === 'channel' && s.eventTypes?.includes('delivery.exhausted'),
    );
    const notices: NewMessage[] = [];
    for (const f of failed) {
      for (const channel of channels.filter((c) => c.scopeId === f.projectId)) {
        notices.push({
          id: this.ids.newId(),
          subscriptionId: channel.id,
          jobId: f.jobId,
          eventPosition: f.eventPosition,
          eventType: 'delivery.exhausted',
          kind: 'notification',
          ordering: FORMAT_ORDERING.notification,
          body: JSON.stringify(exhaustedNotification(f.projectId, f, this.config.publicUrl)),
          jobToken: this.ids.newId(),
          projectId: f.projectId,
        });
      }
    }
    tx.defer(this.repo.insertMessages(tx, notices, now));
    return notices;
  }

  /** A retry due soon wakes the loop itself rather than waiting for the next poll. */
  private wakeAt(at: Date): void {
    const ms = at.getTime() - Date.now();
    if (ms > 60_000) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.loop?.signal.notify();
    }, Math.max(0, ms) + 5);
    t.unref();
    this.timers.add(t);
  }

  private release(n: number): void {
    this.inFlight -= n;
    for (const w of this.roomWaiters.splice(0)) w();
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ordered and latest-wins messages (not manual resends) take their stream while attempted. */
function holdsStream(job: PgBoss.Job<DeliverJob>, msg: LoadedMessage): boolean {
  return msg.ordering !== 'always' && !job.data.force;
}

function streamOf(msg: LoadedMessage): string {
  return `${msg.subscription.id}|${msg.jobId}`;
}


function errorText(result: AttemptResult): string {
  return result.statusCode !== undefined ? `HTTP ${result.statusCode}` : `${result.errorCode}: ${result.errorMessage ?? ''}`.trim();
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined || body === '') return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
