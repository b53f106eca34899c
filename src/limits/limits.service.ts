import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { LookupGate } from '../auth/callers.service';
import { Clock } from '../common/clock';
import { LiveInstances } from '../common/live-instances';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db, type Tx } from '../database/db';
import { effectiveLimits, instanceShare, subscriptionsLimitReached, type EffectiveLimits, type LimitOverrides } from './domain/project-limits';
import { isFull, take, type Bucket } from './domain/token-bucket';
import { LimitsRepository } from './infrastructure/limits.repository';

/** Projects whose limits (and rate buckets) are remembered; past this the oldest are forgotten first. */
const MAX_CACHED = 10_000;
/** Lookups of unknown project keys per address and second (each is a database read). */
const UNKNOWN_KEYS_PER_SECOND = 20;

export type Admission = { ok: true; limit: number; remaining: number; resetMs: number } | { ok: false; limit: number; retryAfterMs: number };

/**
 * Per-project limits: requests per second (a token bucket per project in memory per instance,
 * domain/token-bucket.ts, each instance taking its share among the live ones), unfinished jobs
 * (checked by the submission's own transaction, see LimitsRepository.assertJobsRoom) and webhooks.
 * A project's limits are remembered for HERALD_KEY_CACHE_MS like its keys: an admin's change
 * applies at once on the instance that made it and within that time on the others.
 */
@Injectable()
export class ProjectLimitsService {
  private readonly cache = new Map<string, { value: EffectiveLimits; until: number }>();
  /** Each project's rate bucket on this instance; a full one is the same as none and may be forgotten. */
  private readonly buckets = new Map<string, { bucket: Bucket; rate: number }>();
  private readonly unknownKeys = new RateLimiterMemory({ points: UNKNOWN_KEYS_PER_SECOND, duration: 1 });

  constructor(
    private readonly db: Db,
    private readonly repo: LimitsRepository,
    private readonly clock: Clock,
    private readonly instances: LiveInstances,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /** The project's limits: its overrides over the configured defaults. */
  async limitsOf(projectId: string): Promise<EffectiveLimits> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(projectId);
    if (hit && hit.until > now) return hit.value;
    const value = effectiveLimits(this.config.limits, await this.repo.overrides(this.db, projectId));
    if (this.config.keyCacheMs > 0) {
      this.cache.delete(projectId);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(projectId, { value, until: now + this.config.keyCacheMs });
    }
    return value;
  }

  /** Counts one request of a project key's project against its rate (its share on this instance). */
  async admit(projectId: string): Promise<Admission> {
    const { requestsPerSecond } = (await this.limitsOf(projectId)).limits;
    const share = instanceShare(requestsPerSecond, this.instances.count);
    if (share === 0) return { ok: true, limit: 0, remaining: 0, resetMs: 0 };
    const now = this.clock.now().getTime();
    const t = take(this.buckets.get(projectId)?.bucket, share, now);
    this.keepBucket(projectId, t.bucket, share, now);
    return t.ok ? { ok: true, limit: share, remaining: t.remaining, resetMs: t.fullInMs } : { ok: false, limit: share, retryAfterMs: t.retryAfterMs };
  }

  /**
   * Remembers a bucket, most recently used last. Past MAX_CACHED projects, the full ones among the
   * 256 least recently used are forgotten (a full bucket is the same as none), else the oldest.
   */
  private keepBucket(projectId: string, bucket: Bucket, rate: number, now: number): void {
    this.buckets.delete(projectId);
    if (this.buckets.size >= MAX_CACHED) {
      let seen = 0;
      for (const [id, b] of this.buckets) {
        if (++seen > 256) break;
        if (isFull(b.bucket, b.rate, now)) this.buckets.delete(id);
      }
      if (this.buckets.size >= MAX_CACHED) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(projectId, { bucket, rate });
  }

  /**
   * What a request from `address` lets a key lookup cost (Callers.resolve, StreamTokens.resolve):
   * at most UNKNOWN_KEYS_PER_SECOND lookups of keys that do not exist per second, then a wait.
   * Every route that resolves keys passes it (the key middleware, the /metrics guard).
   */
  gateFor(address: string | undefined): LookupGate {
    const from = address ?? 'unknown';
    return { wait: () => this.unknownKeyWait(from), missed: () => this.unknownKeySeen(from) };
  }

  /** Whether an address may still have an unknown key looked up now; undefined: yes, else ms to wait. */
  async unknownKeyWait(address: string): Promise<number | undefined> {
    const res = await this.unknownKeys.get(address);
    return res && res.consumedPoints >= UNKNOWN_KEYS_PER_SECOND ? res.msBeforeNext : undefined;
  }

  /** An unknown project key came from this address. */
  async unknownKeySeen(address: string): Promise<void> {
    await this.unknownKeys.penalty(address, 1);
  }

  /** Among a new job's pipelined writes: the transaction fails with PROJECT_LIMIT_REACHED when the project has no room. */
  assertJobsRoom(tx: Tx, projectId: string): void {
    tx.defer(this.repo.assertJobsRoom(tx, projectId, this.config.limits.maxJobsInFlight));
  }

  /**
   * In the transaction that makes a webhook or channel of the project: refuses it at the limit.
   * One such transaction of the project at a time from here to its COMMIT (an advisory lock), so
   * racing creations cannot both take the last place; `isNew` is asked under the lock (a PUT of a
   * webhook that exists by then replaces it, which takes no new place).
   */
  async assertSubscriptionRoom(tx: Tx, projectId: string, isNew: () => Promise<boolean> = async () => true): Promise<void> {
    const max = (await this.limitsOf(projectId)).limits.maxSubscriptions;
    if (max <= 0) return;
    await this.repo.lockSubscriptionRoom(tx, projectId);
    if ((await isNew()) && (await this.repo.subscriptions(tx, projectId, max)) >= max) throw subscriptionsLimitReached(projectId, max);
  }

  /** The limits, which of them are defaults, and what the project uses (counted up to each limit). */
  async view(projectId: string) {
    const { limits, defaults } = await this.limitsOf(projectId);
    const [jobsInFlight, subscriptions] = await Promise.all([
      limits.maxJobsInFlight > 0 ? this.repo.jobsInFlight(this.db, projectId, limits.maxJobsInFlight) : this.repo.jobsInFlight(this.db, projectId, 100_000),
      limits.maxSubscriptions > 0 ? this.repo.subscriptions(this.db, projectId, limits.maxSubscriptions) : this.repo.subscriptions(this.db, projectId, 100_000),
    ]);
    return {
      projectId,
      limits,
      defaults,
      perInstance: { requestsPerSecond: instanceShare(limits.requestsPerSecond, this.instances.count), liveInstances: this.instances.count },
      usage: { jobsInFlight, subscriptions },
    };
  }

  async put(projectId: string, overrides: LimitOverrides) {
    await this.repo.putOverrides(this.db, projectId, overrides, this.clock.now());
    this.cache.delete(projectId);
    return this.view(projectId);
  }

}
