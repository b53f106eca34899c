import type { Logger } from '@nestjs/common';
import type { Clock } from '../../common/clock';
import type { Db } from '../../database/db';
import type { EndpointHealth } from '../domain/endpoint-health';
import type { AttemptsRepository } from './attempts.repository';
import { DELIVER_QUEUE, type WorkQueue } from './work-queue.service';

const ENDPOINT_WRITE_MS = 200;
/** The open circuit's probe: a parked message is released when it is due, looked at again this often, this many times. */
const PROBE_RECHECK_MS = 2000;
const PROBE_RECHECKS = 5;

export interface CircuitDeps {
  db: Db;
  queue: WorkQueue;
  attempts: AttemptsRepository;
  clock: Clock;
  log: Logger;
  /** How long a message given back for an open circuit stays parked. */
  parkMs: number;
  /** How long a message waits for an open endpoint before it fails. */
  waitForOpenMs: number;
  /** The endpoint's health now (the scheduler's view). */
  health: (origin: string) => EndpointHealth | undefined;
  running: () => boolean;
  /** Deliveries were made due: fetch again. */
  wake: () => void;
}

/**
 * What an endpoint's change of health does outside this instance's memory: webhook_endpoints
 * kept current (coalesced writes); a circuit that opens parks the endpoint's waiting delivery
 * jobs in the queue, its probe releases one when due, and a circuit that closes releases them all.
 */
export class EndpointCircuits {
  /** Endpoint states to write to webhook_endpoints (coalesced). */
  private readonly writes = new Map<string, EndpointHealth>();
  private writeTimer?: NodeJS.Timeout;
  /** Per open endpoint: the timer that releases a parked message for its probe. */
  private readonly probeTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly d: CircuitDeps) {}

  /** The endpoint's health changed (its log line is DeliveryLog.endpointChanged's). */
  changed(origin: string, before: EndpointHealth, after: EndpointHealth): void {
    this.writes.set(origin, after);
    if (!this.writeTimer) {
      this.writeTimer = setTimeout(() => void this.write(), ENDPOINT_WRITE_MS);
      this.writeTimer.unref();
    }
    if (after.state === 'open') {
      if (before.state !== 'open') this.park(origin);
      if (after.retryAt !== null && after.retryAt !== before.retryAt) this.armProbe(origin, after.retryAt, PROBE_RECHECKS);
    }
    if (before.state === 'open' && after.state !== 'open') {
      clearTimeout(this.probeTimers.get(origin));
      this.probeTimers.delete(origin);
      this.d.queue
        .releaseParked(this.d.db, DELIVER_QUEUE, origin)
        .then((n) => n > 0 && this.d.wake())
        .catch((err) => this.d.log.error(`releasing deliveries of ${origin}: ${(err as Error).message}`));
    }
  }

  /** Stops the probe timers and writes what is left. */
  async close(): Promise<void> {
    for (const t of this.probeTimers.values()) clearTimeout(t);
    this.probeTimers.clear();
    await this.write();
  }

  /**
   * The circuit opened: every delivery job of the endpoint waiting in the queue is parked in one
   * statement, so no instance fetches them (and gives them back) while it stays open.
   */
  private park(origin: string): void {
    const until = new Date(this.d.clock.now().getTime() + this.d.parkMs);
    this.d.queue
      .parkEndpoint(this.d.db, origin, until, this.d.waitForOpenMs)
      .then((n) => n > 0 && this.d.log.log(`endpoint ${origin}: ${n} waiting deliveries parked until its circuit closes`))
      .catch((err) => this.d.log.error(`parking deliveries of ${origin}: ${(err as Error).message}`));
  }

  /**
   * When the open circuit's probe is due, one parked message is made due (a fresh message may
   * be the probe first); looked at again a few times while no probe has gone out.
   */
  private armProbe(origin: string, at: number, rechecks: number): void {
    clearTimeout(this.probeTimers.get(origin));
    const t = setTimeout(() => {
      this.probeTimers.delete(origin);
      const h = this.d.health(origin);
      if (!this.d.running() || !h || h.state !== 'open' || h.probing) return;
      this.d.queue
        .releaseOne(this.d.db, origin)
        .then((released) => released && this.d.wake())
        .catch((err) => this.d.log.error(`releasing a probe for ${origin}: ${(err as Error).message}`))
        .finally(() => rechecks > 0 && this.d.running() && !this.probeTimers.has(origin) && this.armProbe(origin, this.d.clock.now().getTime() + PROBE_RECHECK_MS, rechecks - 1));
    }, Math.max(0, at - this.d.clock.now().getTime()) + 20);
    t.unref();
    this.probeTimers.set(origin, t);
  }

  private async write(): Promise<void> {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const rows = [...this.writes].map(([endpoint, h]) => ({
      endpoint,
      state: h.state,
      concurrency: h.limit,
      consecutiveFailures: h.consecutiveFailures,
      retryAt: h.retryAt === null ? null : new Date(h.retryAt),
      lastError: h.lastError,
    }));
    this.writes.clear();
    await this.d.attempts.saveEndpoints(this.d.db, rows, this.d.clock.now()).catch((err) => this.d.log.error(`recording endpoint health: ${(err as Error).message}`));
  }
}
