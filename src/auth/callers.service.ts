import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { AdminKeys } from './api-keys';
import { bearerToken, isProjectKeyShape, isWellFormedProjectKey, keyDigest, lastUseDue } from './domain/api-key-format';
import type { Caller, ProjectCaller } from './domain/caller';
import { ApiKeysRepository } from './infrastructure/api-keys.repository';

const ADMIN: Caller = { kind: 'admin', via: 'key' };
const OPEN: Caller = { kind: 'admin', via: 'open' };
/** Digests remembered (known and unknown keys); past this the oldest are forgotten first. */
const MAX_CACHED = 10_000;

/**
 * What a request lets the lookup of an unknown key cost: `wait()` says how long its sender must
 * wait before another database lookup (undefined: none), `missed()` records a key that was not found.
 */
export interface LookupGate {
  wait(): Promise<number | undefined>;
  missed(): Promise<void>;
}

/** Thrown by resolve() when the gate refuses a lookup: the sender retries after `retryAfterMs`. */
export class LookupRefused extends Error {
  constructor(readonly retryAfterMs: number) {
    super('too many unknown keys from this sender');
  }
}

interface Cached {
  caller: ProjectCaller | undefined;
  until: number;
}

/**
 * Resolves the Authorization header of a request to its Caller. Admin keys are compared in
 * memory. A project key (`hk_…`) is looked up by its SHA-256 digest in `api_keys`, and the answer
 * (found or not) is kept for HERALD_KEY_CACHE_MS (default 2 s): a revoked key stops working at
 * once on the instance that revoked it (its entries are dropped) and within that time on every
 * other one, with no message between instances that could be lost; the cost is one indexed
 * lookup per key per instance per period. A key's use is recorded at most once a minute, after
 * the answer (never a write per request on its path).
 */
@Injectable()
export class Callers {
  private readonly log = new Logger('Auth');
  private readonly cache = new Map<string, Cached>();
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly admin: AdminKeys,
    private readonly db: Db,
    private readonly repo: ApiKeysRepository,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /** No admin key configured: requests without a project key are served as an admin's. */
  get open(): boolean {
    return this.admin.open;
  }

  /**
   * The caller of a request; undefined when it is not authenticated (401). Without admin keys a
   * request without a project key is an admin's (open API), but a project key is still honoured
   * (scoped), and one that is not valid is refused rather than taken for an admin.
   */
  async resolve(authorization: string | undefined, gate?: LookupGate): Promise<Caller | undefined> {
    const token = bearerToken(authorization);
    if (token === undefined) return this.open ? OPEN : undefined;
    if (!this.open && this.admin.matches(token)) return ADMIN;
    if (isProjectKeyShape(token)) return this.projectKey(token, gate);
    return this.open ? OPEN : undefined;
  }

  /** Forgets what is cached of a key (it was revoked here). */
  forget(keyId: string): void {
    for (const [digest, entry] of this.cache) if (entry.caller?.keyId === keyId) this.cache.delete(digest);
    this.lastTouched.delete(keyId);
  }

  private async projectKey(token: string, gate: LookupGate | undefined): Promise<ProjectCaller | undefined> {
    if (!isWellFormedProjectKey(token)) return undefined;
    const digest = keyDigest(token);
    const id = digest.toString('base64');
    const now = this.clock.now().getTime();
    let entry = this.cache.get(id);
    if (!entry || entry.until <= now) {
      // Only a lookup costs the database: a sender of many unknown keys is made to wait for the next one.
      const wait = await gate?.wait();
      if (wait !== undefined) throw new LookupRefused(wait);
      const row = await this.repo.byDigest(this.db, digest);
      if (!row) await gate?.missed();
      entry = { caller: row && { kind: 'project', projectId: row.projectId, keyId: row.id, scopes: row.scopes }, until: now + this.config.keyCacheMs };
      this.remember(id, entry);
    }
    if (entry.caller) this.used(entry.caller.keyId, now);
    return entry.caller;
  }

  private remember(id: string, entry: Cached): void {
    if (this.config.keyCacheMs <= 0) return;
    this.cache.delete(id);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, entry);
  }

  /** Records the key's use, at most once a minute from this instance (the statement itself skips a write within the minute). */
  private used(keyId: string, now: number): void {
    if (!lastUseDue(this.lastTouched.get(keyId), now)) return;
    if (this.lastTouched.size >= MAX_CACHED) this.lastTouched.delete(this.lastTouched.keys().next().value!);
    this.lastTouched.set(keyId, now);
    this.repo.touch(this.db, keyId, new Date(now)).catch((err: unknown) => this.log.warn(`could not record the last use of key ${keyId}: ${(err as Error).message}`));
  }
}
