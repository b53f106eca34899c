import { admit, afterOutcome, freshHealth, probeSent, type EndpointHealth, type HealthPolicy, type Verdict } from '../domain/endpoint-health';

/** What the scheduler tells one waiting attempt: send now (`probe`: as the open endpoint's probe), or give the message back until `until`. */
export interface Waiter {
  go: (probe: boolean) => void;
  defer: (until: number, reason: 'busy' | 'open') => void;
}

const MAX_REMEMBERED = 10_000;
const PACE_KNOWN_AFTER = 8;

export type Offer = { kind: 'started' } | { kind: 'queued' } | { kind: 'defer'; until: number; reason: 'busy' | 'open' };

export interface SchedulerOptions {
  policy: HealthPolicy;
  /** Requests in flight at once in this instance, all endpoints together. */
  maxOpen: number;
  /** Messages waiting here for a slot, all endpoints together. */
  maxWaiting: number;
  /** How long a message may wait here for its endpoint (its queue claim must outlast it). */
  waitBudgetMs: number;
  /** The longest an attempt takes (the request timeout). */
  timeoutMs: number;
  /** Shortest and longest deferral of a message its endpoint has no room for. */
  minDeferMs: number;
  maxDeferMs: number;
  /** How long a message given back while its endpoint's circuit is open stays away (parked). */
  parkMs: number;
  now: () => number;
  /** The endpoint's state changed (healthy / degraded / open, its limit, or its next probe). */
  onChange: (origin: string, before: EndpointHealth, after: EndpointHealth) => void;
}

interface Endpoint {
  health: EndpointHealth;
  active: number;
  waiting: Waiter[];
  /** Mean duration of recent attempts, failures included (ms). */
  avgMs: number;
  /** Deferrals for want of room are spread from here on, one service time apart. */
  horizon: number;
  /** Attempts answered (or timed out) so far: its pace is known after a few. */
  answered: number;
  /** 2xx answers so far. */
  succeeded: number;
  /** Its attempts in flight counted as unproven. */
  unprovenActive: number;
}

/**
 * Who sends next, per endpoint (origin). Each endpoint has its own queue of waiting attempts and
 * its own limit (see endpoint-health.ts); the instance's request slots go round-robin over the
 * endpoints that have work and room, so a slow or dead endpoint holds at most its own limit of
 * requests and never the slots, or the queue room, of the others. Waiting here costs an
 * endpoint only its own budget: beyond what it can serve within `waitBudgetMs` a message is given
 * back to the queue until the time it can be served; while its circuit is open, it is parked
 * (`parkMs`: the circuit closing releases it, see DeliveryWorker).
 */
export class EndpointScheduler {
  private readonly endpoints = new Map<string, Endpoint>();
  /** Endpoints with waiting attempts, in round-robin order. */
  private ring: string[] = [];
  private open = 0;
  /** Of those, to endpoints not proven (see proven()). */
  private openUnproven = 0;
  private waitingTotal = 0;

  constructor(private readonly o: SchedulerOptions) {}

  health(origin: string): EndpointHealth | undefined {
    return this.endpoints.get(origin)?.health;
  }

  /** Requests in flight, and attempts waiting for a slot (for tests and metrics). */
  counts(): { open: number; waiting: number; unproven: number } {
    return { open: this.open, waiting: this.waitingTotal, unproven: this.openUnproven };
  }

  offer(origin: string, waiter: Waiter): Offer {
    const e = this.endpoint(origin);
    const now = this.o.now();
    const a = admit(e.health, now);
    if (a.kind === 'closed') return { kind: 'defer', until: now + this.o.parkMs, reason: 'open' };
    if (a.kind === 'probe') {
      this.set(origin, e, probeSent(e.health));
      this.start(e, waiter, true);
      return { kind: 'started' };
    }
    if (e.waiting.length === 0 && e.active < e.health.limit && this.open < this.o.maxOpen && this.mayStart(e)) {
      this.start(e, waiter, false);
      return { kind: 'started' };
    }
    if (e.waiting.length >= this.waitCap(e) || this.waitingTotal >= this.o.maxWaiting) {
      return { kind: 'defer', until: this.nextSlot(e, now), reason: 'busy' };
    }
    if (e.waiting.length === 0) this.ring.push(origin);
    e.waiting.push(waiter);
    this.waitingTotal++;
    return { kind: 'queued' };
  }

  /** An attempt that started (go) has its answer. */
  done(origin: string, verdict: Verdict, durationMs: number, probe: boolean, error?: string): void {
    const e = this.endpoint(origin);
    e.active--;
    this.open--;
    if (e.unprovenActive > 0) {
      e.unprovenActive--;
      this.openUnproven--;
    }
    if (verdict === 'ok') e.succeeded++;
    e.avgMs = Math.round(e.avgMs * 0.8 + durationMs * 0.2);
    e.answered++;
    this.set(origin, e, afterOutcome(e.health, verdict, durationMs, probe, this.o.now(), this.o.policy, error));
    if (e.health.state === 'open' && e.waiting.length > 0) {
      // Nothing goes out before the probe: what waits is parked (released when it closes).
      const until = this.o.now() + this.o.parkMs;
      for (const w of e.waiting.splice(0)) {
        this.waitingTotal--;
        w.defer(until, 'open');
      }
    }
    this.pump();
  }

  /** Gives every waiting attempt back (shutdown). */
  drain(): void {
    for (const e of this.endpoints.values()) {
      for (const w of e.waiting.splice(0)) {
        this.waitingTotal--;
        w.defer(this.o.now(), 'busy');
      }
    }
    this.ring = [];
  }

  private start(e: Endpoint, waiter: Waiter, probe: boolean): void {
    e.active++;
    this.open++;
    if (!probe && !this.proven(e)) {
      e.unprovenActive++;
      this.openUnproven++;
    }
    waiter.go(probe);
  }

  /**
   * Healthy with a record of answers. The others (new, degraded) share at most half of the
   * instance's slots, so endpoints that hang from their first request (many at once, each up to
   * its limit) cannot take every slot from the proven ones before their circuits open.
   */
  private proven(e: Endpoint): boolean {
    return e.health.state === 'healthy' && e.succeeded >= PACE_KNOWN_AFTER;
  }

  private mayStart(e: Endpoint): boolean {
    return this.proven(e) || this.openUnproven < Math.max(1, Math.floor(this.o.maxOpen / 2));
  }

  /** Hands free slots round-robin to the endpoints with waiting attempts and room. */
  private pump(): void {
    let skipped = 0;
    while (this.open < this.o.maxOpen && this.ring.length > 0 && skipped < this.ring.length) {
      const origin = this.ring.shift()!;
      const e = this.endpoints.get(origin);
      if (!e || e.waiting.length === 0) {
        skipped = 0;
        continue;
      }
      if (e.active >= e.health.limit || e.health.state === 'open' || !this.mayStart(e)) {
        this.ring.push(origin);
        skipped++;
        continue;
      }
      skipped = 0;
      const w = e.waiting.shift()!;
      this.waitingTotal--;
      if (e.waiting.length > 0) this.ring.push(origin);
      this.start(e, w, false);
    }
  }

  /**
   * As many as the endpoint can serve within the wait budget at its current pace; until its
   * pace is known (a few attempts), as if every attempt took the whole timeout.
   */
  private waitCap(e: Endpoint): number {
    const paceMs = e.answered < PACE_KNOWN_AFTER ? this.o.timeoutMs : e.avgMs;
    const cap = Math.floor((e.health.limit * this.o.waitBudgetMs) / Math.max(1, paceMs));
    return Math.max(e.health.limit, Math.min(10_000, cap));
  }

  /**
   * When an endpoint with no room now can take one more: deferrals are spread one service time
   * apart, at the pace of its answers (not of its timeouts: an endpoint that comes back is fed
   * at once), and never further than `maxDeferMs` ahead (then looked at again).
   */
  private nextSlot(e: Endpoint, now: number): number {
    const serviceMs = Math.max(1, e.health.okMs / e.health.limit);
    const queuedMs = e.waiting.length * serviceMs;
    const at = Math.min(now + this.o.maxDeferMs, Math.max(e.horizon, now + Math.max(this.o.minDeferMs, queuedMs)));
    e.horizon = at + serviceMs;
    return Math.round(at);
  }

  private endpoint(origin: string): Endpoint {
    let e = this.endpoints.get(origin);
    if (!e && this.endpoints.size >= MAX_REMEMBERED) this.forgetIdle();
    if (!e) this.endpoints.set(origin, (e = { health: freshHealth(this.o.policy), active: 0, waiting: [], avgMs: 50, horizon: 0, answered: 0, succeeded: 0, unprovenActive: 0 }));
    return e;
  }

  /** Endpoints are remembered for their pace; idle healthy ones are forgotten when there are many. */
  private forgetIdle(): void {
    for (const [origin, e] of this.endpoints) {
      if (e.active === 0 && e.waiting.length === 0 && e.health.state === 'healthy') this.endpoints.delete(origin);
    }
  }

  private set(origin: string, e: Endpoint, next: EndpointHealth): void {
    const before = e.health;
    e.health = next;
    if (before.state !== next.state || before.limit !== next.limit || before.retryAt !== next.retryAt) this.o.onChange(origin, before, next);
  }
}
