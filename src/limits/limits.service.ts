import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LookupGate } from '../auth/callers.service';
import { Clock } from '../common/clock';
import { LiveInstances } from '../common/live-instances';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db, type Sql, type Tx } from '../database/db';
import { effectiveLimits, instanceShare, subscriptionsLimitReached, type EffectiveLimits, type LimitOverrides } from './domain/project-limits';
import { LimitsRepository } from './infrastructure/limits.repository';

/** Projects whose limits are remembered; past this the oldest are forgotten first. */
const MAX_CACHED = 10_000;
/** Lookups of unknown project keys per address and second (each is a database read). */
const UNKNOWN_KEYS_PER_SECOND = 20;

export type Admission = { ok: true; limit: number; remaining: number; resetMs: number } | { ok: false; limit: number; retryAfterMs: number };

/**
 * Per-project limits: requests per second (counted in memory per instance, by
 * rate-limiter-flexible, each instance taking its share among the live ones), unfinished jobs
 * (checked by the submission's own transaction, see LimitsRepository.assertJobsRoom) and webhooks.
 * A project's limits are remembered for HERALD_KEY_CACHE_MS like its keys: an admin's change
 * applies at once on the instance that made it and within that time on the others.
 */
@Injectable()
export class ProjectLimitsService {
  private readonly cache = new Map<string, { value: EffectiveLimits; until: number }>();
  /** One limiter per points-per-second value (projects with the same share count in the same one, by project id). */
  private readonly limiters = new Map<number, RateLimiterMemory>();
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

  /** Counts one request of a project key's project against its rate. */
  async admit(projectId: string): Promise<Admission> {
    const { requestsPerSecond } = (await this.limitsOf(projectId)).limits;
    const share = instanceShare(requestsPerSecond, this.instances.count);
    if (share === 0) return { ok: true, limit: 0, remaining: 0, resetMs: 0 };
    try {
      const res = await this.limiter(share).consume(projectId);
      return { ok: true, limit: share, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      return { ok: false, limit: share, retryAfterMs: res.msBeforeNext };
    }
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

  /** Before a new webhook or channel of the project is made. */
  async assertSubscriptionRoom(sql: Sql, projectId: string): Promise<void> {
    const max = (await this.limitsOf(projectId)).limits.maxSubscriptions;
    if (max > 0 && (await this.repo.subscriptions(sql, projectId, max)) >= max) throw subscriptionsLimitReached(projectId, max);
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

  private limiter(points: number): RateLimiterMemory {
    let limiter = this.limiters.get(points);
    if (!limiter) this.limiters.set(points, (limiter = new RateLimiterMemory({ points, duration: 1 })));
    return limiter;
  }
}
