import { Client } from 'pg';
import { until } from '../bench-util';
import { DELIVER_QUEUE, FANOUT_QUEUE } from '../../src/webhooks/infrastructure/work-queue.service';
import { TRACE } from './diagnostics';
import { log, now, VACUUM } from './knobs';
import type { Receiver } from './receiver';

/** The bench's own connection to the database: counts, waits and VACUUM between phases. */
export class Monitor {
  private constructor(readonly client: Client) {}

  static async connect(url: string): Promise<Monitor> {
    const client = new Client({ connectionString: url, application_name: 'bench-monitor' });
    await client.connect();
    return new Monitor(client);
  }

  // Rows as the driver returns them (any, as pg types them).
  async q(sql: string, params: unknown[] = []): Promise<any[]> {
    return (await this.client.query(sql, params)).rows;
  }

  /**
   * pg-boss 10 fetches through a partial index (state < 'active') that keeps an entry for
   * every job updated since the last vacuum, and sorts every candidate: a fetch costs more
   * with each dead row. The set-up churns tens of thousands of queue jobs; every measured
   * phase starts from a vacuumed database so that neither side pays for the other's churn
   * or for autovacuum's timing.
   */
  async vacuum(before: string): Promise<void> {
    if (!VACUUM) return;
    const t0 = now();
    await this.client.query(`VACUUM (ANALYZE) pgboss.job, baseline_boss.job, webhook_messages, webhook_subscriptions, webhook_streams, webhook_attempts, tasks, jobs`);
    if (TRACE) log(`VACUUM before ${before}: ${Math.round(now() - t0)} ms`);
  }

  /** Waits until Herald has no open message and no queued fan-out or delivery job, and the receiver has reported all it got. */
  async waitQuiet(what: string, rx: Receiver): Promise<void> {
    await until(
      `${what}: Herald queues empty`,
      async () => {
        const [r] = await this.q(
          `SELECT
              (SELECT count(*) FROM webhook_messages WHERE status IN ('pending', 'retrying'))::int AS open,
              (SELECT count(*) FROM pgboss.job WHERE name IN ($1, $2) AND state IN ('created', 'retry', 'active'))::int AS queued`,
          [FANOUT_QUEUE, DELIVER_QUEUE],
        );
        return r.open === 0 && r.queued === 0;
      },
      120_000,
      100,
    );
    await rx.sync();
  }

  async attemptsSince(table: string, fromId: number): Promise<number> {
    return (await this.q(`SELECT count(*)::int AS n FROM ${table} WHERE id > $1`, [fromId]))[0].n as number;
  }

  async maxId(table: string): Promise<number> {
    return (await this.q(`SELECT coalesce(max(id), 0)::bigint AS m FROM ${table}`))[0].m as number;
  }

  async superseded(): Promise<number> {
    return (await this.q(`SELECT count(*)::int AS n FROM webhook_messages WHERE status = 'superseded'`))[0].n as number;
  }

  /** Live and dead rows of each pg-boss job partition (BENCH_TRACE). */
  async queueBloat(): Promise<Record<string, string>> {
    return Object.fromEntries(
      (
        await this.q(`SELECT t.relname, s.n_live_tup, s.n_dead_tup FROM pg_inherits i JOIN pg_class t ON t.oid = i.inhrelid
                   JOIN pg_stat_user_tables s ON s.relid = t.oid JOIN pg_class p ON p.oid = i.inhparent
                   JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'pgboss' AND p.relname = 'job'`)
      ).map((r) => [r.relname, `${r.n_live_tup} live / ${r.n_dead_tup} dead`]),
    );
  }

  end(): Promise<void> {
    return this.client.end();
  }
}
