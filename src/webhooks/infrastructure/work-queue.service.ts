import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { HERALD_CONFIG, type HeraldConfig } from '../../config/config';
import { DatabaseConnection } from '../../database/database.module';
import type { Tx } from '../../database/db';

export const FANOUT_QUEUE = 'herald_fanout';
export const DELIVER_QUEUE = 'herald_deliver';
const WAKE_CHANNEL = 'herald_wake';

/** pg-boss executor running on one transaction's connection (transactional send/insert/complete). */
export function txExecutor(tx: Tx): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: (await tx.client.query(text, values?.length ? values : undefined)).rows }) };
}

/**
 * pg-boss on Herald's pool, plus the wake-up path: in-process signals for this instance, and
 * LISTEN/NOTIFY (coalesced) so other instances wake too.
 */
@Injectable()
export class WorkQueue implements OnModuleInit, BeforeApplicationShutdown {
  readonly boss: PgBoss;
  readonly instanceId = randomUUID();
  private readonly log = new Logger('WorkQueue');
  private readonly wakeHandlers = new Map<string, () => void>();
  private listener?: Client;
  private notifyTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {
    const pool = connection.db.pool;
    this.boss = new PgBoss({
      db: { executeSql: async (text, values) => ({ rows: (await pool.query(text, values?.length ? values : undefined)).rows }) },
      schedule: false,
      supervise: true,
      migrate: true,
      // Completed queue jobs leave the hot table after 5 minutes (dead weight slows pg-boss's fetch,
      // which sorts every candidate row); Herald's own tables are the delivery record.
      archiveCompletedAfterSeconds: 300,
      deleteAfterDays: 1,
    });
    this.boss.on('error', (err) => this.log.error(`pg-boss: ${err.message}`));
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    // Deliveries are retried by Herald on its own schedule; pg-boss retries only cover a crash
    // mid-job (the job expires while active and is fetched again).
    await this.ensureQueue({ name: FANOUT_QUEUE, retryLimit: 20, retryDelay: 1, retryBackoff: true, expireInSeconds: 120 });
    await this.ensureQueue({ name: DELIVER_QUEUE, retryLimit: 100, retryDelay: 1, retryBackoff: true, expireInSeconds: 300 });
    await this.listen();
  }

  private async ensureQueue(queue: PgBoss.Queue & { name: string }): Promise<void> {
    if (await this.boss.getQueue(queue.name)) await this.boss.updateQueue(queue.name, queue);
    else await this.boss.createQueue(queue.name, queue);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.connection.url, application_name: 'herald-listen' });
    client.on('error', (err) => this.log.warn(`wake-up listener lost: ${err.message}; polling continues`));
    client.on('notification', (msg) => {
      const [queue, from] = (msg.payload ?? '').split('|');
      if (from !== this.instanceId) this.wakeHandlers.get(queue)?.();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.log.warn(`LISTEN failed (${(err as Error).message}); relying on polling`);
      await client.end().catch(() => undefined);
    }
  }

  onWake(queue: string, handler: () => void): void {
    this.wakeHandlers.set(queue, handler);
  }

  /** Work was committed on `queue`: wake this instance now, and others with a coalesced NOTIFY. */
  wake(queue: string): void {
    this.wakeHandlers.get(queue)?.();
    if (this.closed || this.notifyTimers.has(queue)) return;
    this.notifyTimers.set(
      queue,
      setTimeout(() => {
        this.notifyTimers.delete(queue);
        if (this.closed) return;
        this.connection.db.pool.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, `${queue}|${this.instanceId}`]).catch(() => undefined);
      }, this.config.webhooks.notifyCoalesceMs),
    );
  }

  /** After every worker loop stopped (their onModuleDestroy ran first). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const t of this.notifyTimers.values()) clearTimeout(t);
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 5000 }).catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }
}
