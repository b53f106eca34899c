import { Inject, Injectable } from '@nestjs/common';
import { MIGRATIONS } from '../../migrations';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { DeliveryWorker } from '../webhooks/delivery.worker';
import { FanoutWorker } from '../webhooks/fanout.worker';

export interface Readiness {
  ready: boolean;
  checks: {
    database: 'up' | 'down';
    /** Migrations this build has that the database has not run (an older schema). */
    migrations: { current: boolean; pending: string[] };
    /** Fan-out and delivery loops of this instance ("off": HERALD_DELIVERY_WORKERS=false). */
    loops: 'running' | 'stopped' | 'off';
  };
}

/** What /health/ready answers: the database answers, its schema is this build's, the loops run. */
@Injectable()
export class ReadinessService {
  private readonly expected = MIGRATIONS.map((m) => new m().name as string);

  constructor(
    private readonly db: Db,
    private readonly fanout: FanoutWorker,
    private readonly delivery: DeliveryWorker,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async check(): Promise<Readiness> {
    let applied: Set<string> | undefined;
    try {
      applied = new Set((await this.db.query<{ name: string }>('SELECT name FROM migrations')).map((r) => r.name));
    } catch {
      applied = undefined;
    }
    // Unknown while the database does not answer: none listed.
    const pending = applied ? this.expected.filter((n) => !applied.has(n)) : [];
    const loops = !this.config.webhooks.workers ? 'off' : this.fanout.isRunning && this.delivery.isRunning ? 'running' : 'stopped';
    const checks = { database: applied ? ('up' as const) : ('down' as const), migrations: { current: applied !== undefined && pending.length === 0, pending }, loops } as const;
    return { ready: checks.database === 'up' && checks.migrations.current && loops !== 'stopped', checks };
  }
}
