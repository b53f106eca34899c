import { LiveInstances } from '../../common/live-instances';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { HERALD_CONFIG, type HeraldConfig } from '../../config/config';
import { DatabaseConnection } from '../../database/database.module';
import type { Sql, Tx } from '../../database/db';
import { ANNOUNCE_RELEASES, STREAMS_CHANNEL } from './take-messages.statement';

export const FANOUT_QUEUE = 'herald_fanout';
export const DELIVER_QUEUE = 'herald_deliver';
const WAKE_CHANNEL = 'herald_wake';
/** Serialises the queue set-up (pg-boss start, Herald's two queues) of instances starting together. */
const QUEUE_SET_UP_LOCK = 7_303_012;
/**
 * The pg-boss schema the statements below were written against (pg-boss 10.x). Herald claims and
 * inserts jobs by id itself (pg-boss has no API for either); start-up refuses any other schema.
 */
const PGBOSS_SCHEMA_VERSION = 24;

/** SQLSTATE raised by completeWaiting() when a job was no longer waiting. */
export const CLAIM_FAILED = 'HR001';

/**
 * pg-boss executor on one transaction (transactional send/insert/complete). pg-boss issues its
 * statement synchronously, so it is pipelined with the transaction's other statements.
 */
export function txExecutor(tx: Tx): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: await tx.query(text, values?.length ? values : undefined) }) };
}

/**
 * A queue name written into statement text: pgboss.job is partitioned by queue name, and a
 * literal lets the planner pick the queue's partition and its primary key when it plans a
 * prepared statement once for all calls.
 */
function queueLiteral(queue: string): string {
  if (!/^[a-z_]+$/.test(queue)) throw new Error(`unexpected queue name ${queue}`);
  return `'${queue}'`;
}

/** A job to insert as already claimed by this instance. */
export interface ClaimedJob<T = object> {
  id: string;
  data: T;
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
  private streamsReleased?: (streams: string[] | '*') => void;
  private listener?: Client;
  private notifyTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  /** What this instance's claims carry in pgboss.job.output: its id. */
  private readonly owner: string;
  private heartbeat?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    private readonly live: LiveInstances,
  ) {
    const pool = connection.db.pool;
    this.boss = new PgBoss({
      // pg-boss's own statements (fetch, maintenance) are planned each time: a generic plan over
      // the partitioned job table, planned once for every queue, can scan a whole partition.
      db: { executeSql: async (text, values) => ({ rows: (await pool.query(text, values?.length ? values : undefined)).rows }) },
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: config.webhooks.maintenanceSeconds,
      // Completed queue jobs leave the hot table after 5 minutes (dead weight slows pg-boss's fetch,
      // which sorts every candidate row); Herald's own tables are the delivery record.
      archiveCompletedAfterSeconds: 300,
      deleteAfterDays: 1,
    });
    this.boss.on('error', (err) => this.log.error(`pg-boss: ${err.message}`));
    this.owner = JSON.stringify({ by: this.instanceId });
  }

  async onModuleInit(): Promise<void> {
    // One instance at a time: two instances creating a queue's partition at once can deadlock.
    await this.underSetUpLock(async () => {
      await this.boss.start();
      const [{ version }] = await this.connection.db.query<{ version: number }>('SELECT version::int AS version FROM pgboss.version');
      if (version !== PGBOSS_SCHEMA_VERSION) {
        throw new Error(`pg-boss schema version ${version} is not the one Herald's queue statements were written for (${PGBOSS_SCHEMA_VERSION})`);
      }
      // Deliveries are retried by Herald on its own schedule; pg-boss retries only cover a crash
      // mid-job (the job expires while active and is fetched again).
      const claim = this.config.webhooks.claimExpirySeconds;
      await this.ensureQueue({ name: FANOUT_QUEUE, retryLimit: 20, retryDelay: 1, retryBackoff: true, expireInSeconds: Math.min(120, claim) });
      await this.ensureQueue({ name: DELIVER_QUEUE, retryLimit: 100, retryDelay: 1, retryBackoff: true, expireInSeconds: claim });
    });
    await this.listen();
    await this.beat();
    this.heartbeat = setInterval(() => {
      this.beating ??= this.beat().finally(() => (this.beating = undefined));
    }, this.config.webhooks.heartbeatMs);
  }

  /**
   * This instance is alive (its row's heartbeat, re-created if a live instance took it for dead
   * while it stalled); and any instance silent for longer than the takeover delay is dead: its
   * row is deleted and its claims released in one statement, so exactly one live instance does
   * it, and its unfinished fan-outs and deliveries are due again at once.
   */
  private async beat(): Promise<void> {
    try {
      // One statement on a tiny table every heartbeat; the release (which reads pg-boss's job
      // table) runs only when some other instance fell silent.
      const others = (
        await this.connection.db.pool.query<{ id: string; silent: boolean }>(
          `WITH beat AS (
             INSERT INTO herald_instances (instance_id, host, pid) VALUES ($1, $2, $3)
             ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now() RETURNING 1)
           SELECT instance_id::text AS id, heartbeat_at < now() - $4 * interval '1 millisecond' AS silent
             FROM herald_instances WHERE instance_id <> $1`,
          [this.instanceId, hostname(), process.pid, this.config.webhooks.takeoverMs],
        )
      ).rows;
      const silent = others.filter((r) => r.silent).map((r) => r.id);
      // What is limited per instance (a project's requests per second) is shared out among the live ones.
      this.live.set(1 + others.length - silent.length);
      if (silent.length === 0) return;
      // Still silent as the release runs (an instance that came back in between keeps its claims).
      const released = await this.releaseClaims(
        `SELECT instance_id FROM herald_instances WHERE instance_id = ANY($1::uuid[]) AND heartbeat_at < now() - $2 * interval '1 millisecond'`,
        [silent, this.config.webhooks.takeoverMs],
      );
      if (released.instances > 0) {
        this.log.warn(`took over from ${released.instances} silent instance(s): ${released.jobs} claimed queue jobs due again`);
        for (const q of released.queues) this.wake(q);
      }
    } catch (err) {
      if (!this.closed) this.log.warn(`instance heartbeat failed: ${(err as Error).message}`);
    }
  }

  /**
   * Deletes the instances `which` selects, makes the jobs they held active due again, and
   * releases the ordered streams they held (webhook_streams.held_by: the attempts are gone).
   */
  private async releaseClaims(which: string, params: unknown[]): Promise<{ instances: number; jobs: number; queues: string[] }> {
    const [row] = (
      await this.connection.db.pool.query<{ instances: number; jobs: number; queues: string[] }>(
        `WITH gone AS (
           DELETE FROM herald_instances WHERE instance_id IN (${which}) RETURNING instance_id::text AS id),
         released AS (
           UPDATE pgboss.job SET state = 'retry', start_after = now(), output = jsonb_build_object('releasedFrom', output->>'by')
            WHERE name IN (${queueLiteral(FANOUT_QUEUE)}, ${queueLiteral(DELIVER_QUEUE)}) AND state = 'active'
              AND output->>'by' IN (SELECT id FROM gone)
           RETURNING name),
         unheld AS (
           UPDATE webhook_streams SET held_by = NULL, held_until = NULL
            WHERE held_by IN (SELECT id::uuid FROM gone)
           RETURNING subscription_id, job_id, wanted)
         SELECT (SELECT count(*)::int FROM gone) AS instances, (SELECT count(*)::int FROM released) AS jobs,
                coalesce((SELECT array_agg(DISTINCT name) FROM released), '{}') AS queues,
                (${ANNOUNCE_RELEASES('unheld')}) IS NOT NULL AS announced`,
        params,
      )
    ).rows;
    return row;
  }

  /**
   * Runs `fn` holding a session advisory lock (tried every 50 ms, never waited for inside
   * PostgreSQL, as the migrations' lock), on a connection of its own.
   */
  private async underSetUpLock(fn: () => Promise<void>): Promise<void> {
    const client = await this.connection.db.pool.connect();
    try {
      while (!(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [QUEUE_SET_UP_LOCK])).rows[0].ok) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      try {
        await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [QUEUE_SET_UP_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  private async ensureQueue(queue: PgBoss.Queue & { name: string }): Promise<void> {
    if (await this.boss.getQueue(queue.name)) await this.boss.updateQueue(queue.name, queue);
    else await this.boss.createQueue(queue.name, queue);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.connection.url, application_name: 'herald-listen' });
    client.on('error', (err) => this.log.warn(`wake-up listener lost: ${err.message}; polling continues`));
    client.on('notification', (msg) => {
      if (msg.channel === STREAMS_CHANNEL) {
        const payload = msg.payload ?? '*';
        this.streamsReleased?.(payload === '*' ? '*' : payload.split(','));
        return;
      }
      const [queue, from] = (msg.payload ?? '').split('|');
      if (from !== this.instanceId) this.wakeHandlers.get(queue)?.();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}; LISTEN ${STREAMS_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.log.warn(`LISTEN failed (${(err as Error).message}); relying on polling`);
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Sends a job in the transaction, pipelined (nobody waits for pg-boss's answer): a statement
   * right behind it fails the transaction if the job was not created (pg-boss answers a missing
   * queue with no row rather than an error).
   */
  sendInTx<T extends object>(tx: Tx, queue: string, data: T, id: string): void {
    tx.defer(this.boss.send(queue, data, { db: txExecutor(tx), id }));
    tx.defer(
      tx.query(`SELECT herald_assert(EXISTS (SELECT 1 FROM pgboss.job WHERE name = $1 AND id = $2), $3)`, [
        queue,
        id,
        `pg-boss did not create job ${id} on queue ${queue} (queue missing?)`,
      ]),
    );
  }

  /**
   * Claims up to `limit` due jobs of a queue as pg-boss's fetch() does (priority, then age; SKIP
   * LOCKED; a retry counted), marking them as this instance's (output.by) in the same statement:
   * if this instance dies, any live one releases them (releaseDead) without waiting for their
   * claim to expire. Herald's queues use pg-boss's standard policy only.
   */
  async fetch<T>(queue: string, limit: number): Promise<PgBoss.Job<T>[]> {
    return this.connection.db.pool
      .query(
        `WITH next AS (
           SELECT id FROM pgboss.job
            WHERE name = ${queueLiteral(queue)} AND state < 'active' AND start_after < now()
            ORDER BY priority DESC, created_on, id
            LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE pgboss.job j SET state = 'active', started_on = now(), output = $2::jsonb,
                retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END
           FROM next
          WHERE j.name = ${queueLiteral(queue)} AND j.id = next.id
         RETURNING j.id, j.name, j.data`,
        [limit, this.owner],
      )
      .then((r) => r.rows as PgBoss.Job<T>[]);
  }

  /**
   * Claims waiting jobs by id, as fetch() would claim them (state active, started now, a retry
   * counted): the ones another instance fetched first, or that do not exist, are left out.
   * (Only for jobs created without a start delay, as fan-out jobs are.)
   */
  async claim(sql: Sql, queue: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await sql.query<{ id: string }>(
      `UPDATE pgboss.job SET state = 'active', started_on = now(), output = $2::jsonb,
              retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END
        WHERE name = ${queueLiteral(queue)} AND id = ANY($1::uuid[]) AND state < 'active'
       RETURNING id`,
      [ids, this.owner],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Claims and completes waiting jobs by id in one statement, which fails (CLAIM_FAILED)
   * unless every one of them was still waiting: for work done in the same
   * transaction by the instance that created the jobs.
   */
  completeWaiting(sql: Sql, queue: string, ids: string[]): Promise<unknown> {
    return sql.query(
      `WITH done AS (
         UPDATE pgboss.job SET state = 'completed', started_on = now(), completed_on = now()
          WHERE name = ${queueLiteral(queue)} AND id = ANY($1::uuid[]) AND state < 'active'
         RETURNING 1)
       SELECT herald_assert((SELECT count(*) FROM done) = $2, $3, $4)`,
      [ids, ids.length, `claim failed: not all of ${ids.length} jobs on ${queue} were waiting`, CLAIM_FAILED],
    );
  }

  /** Completes active jobs by id (pg-boss's complete(), without its output column). */
  complete(sql: Sql, queue: string, ids: string[]): Promise<unknown> {
    if (ids.length === 0) return Promise.resolve();
    return sql.query(
      `UPDATE pgboss.job SET completed_on = now(), state = 'completed'
        WHERE name = ${queueLiteral(queue)} AND id = ANY($1::uuid[]) AND state = 'active'`,
      [ids],
    );
  }

  /**
   * Inserts jobs already claimed by this instance (state active, started now), with the queue's
   * retry, expiry and retention settings as pg-boss's insert() applies them. A crash before they
   * are completed leaves them to expire and be fetched again, like any fetched job. Fails (at
   * COMMIT, through pg-boss's deferred foreign key) if the queue does not exist.
   */
  insertActive(sql: Sql, queue: string, jobs: ClaimedJob[]): Promise<unknown> {
    queueLiteral(queue);
    return sql.query(
      `INSERT INTO pgboss.job (id, name, data, state, started_on, output, retry_limit, retry_delay, retry_backoff,
                               expire_in, keep_until, dead_letter, policy)
       SELECT x.id, $1, x.data, 'active', now(), $4::jsonb, coalesce(q.retry_limit, 2),
              CASE WHEN coalesce(q.retry_backoff, false) THEN greatest(coalesce(q.retry_delay, 0), 1) ELSE coalesce(q.retry_delay, 0) END,
              coalesce(q.retry_backoff, false),
              coalesce(q.expire_seconds * interval '1s', interval '15 minutes'),
              now() + coalesce(q.retention_minutes * interval '1 minute', interval '14 days'),
              q.dead_letter, q.policy
         FROM unnest($2::uuid[], $3::jsonb[]) AS x(id, data)
         LEFT JOIN pgboss.queue q ON q.name = $1`,
      [queue, jobs.map((j) => j.id), jobs.map((j) => JSON.stringify(j.data)), this.owner],
    );
  }

  /**
   * Makes due now the waiting jobs that were given back for want of this endpoint (data.e, see
   * DeliverJob): its circuit closed. Retries on their own schedule are left as they are.
   */
  async releaseParked(sql: Sql, queue: string, endpoint: string): Promise<number> {
    const rows = await sql.query<{ n: number }>(
      `WITH released AS (
         UPDATE pgboss.job SET start_after = now()
          WHERE name = ${queueLiteral(queue)} AND state = 'created' AND data->>'e' = $1 AND start_after > now()
         RETURNING 1)
       SELECT count(*)::int AS n FROM released`,
      [endpoint],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Parks the waiting delivery jobs of an endpoint whose circuit opened (data.e, see DeliverJob),
   * in one statement: each is due again at `until`, or at its message's deadline (created_at +
   * `deadlineMs`) when sooner, and its message says so (next_attempt_at). Resends (force) and
   * retries on their own schedule are left as they are. No fetch sees them meanwhile; the
   * circuit closing releases them (releaseParked), and a crashed instance's parks end at `until`.
   */
  async parkEndpoint(sql: Sql, endpoint: string, until: Date, deadlineMs: number): Promise<number> {
    const rows = await sql.query<{ n: number }>(
      `WITH parked AS (
         UPDATE pgboss.job j SET start_after = least($2::timestamptz, m.created_at + $3::float8 * interval '1 millisecond')
           FROM webhook_messages m
          WHERE j.name = ${queueLiteral(DELIVER_QUEUE)} AND j.state = 'created' AND j.data->>'e' = $1 AND NOT j.data ? 'force'
            AND m.id = (j.data->>'m')::uuid AND m.job_token = (j.data->>'t')::uuid AND m.status IN ('pending', 'retrying')
            AND j.start_after < least($2::timestamptz, m.created_at + $3::float8 * interval '1 millisecond')
         RETURNING m.id, j.start_after),
       noted AS (
         UPDATE webhook_messages m SET next_attempt_at = p.start_after FROM parked p WHERE m.id = p.id RETURNING 1)
       SELECT count(*)::int AS n FROM noted`,
      [endpoint, until, deadlineMs],
    );
    return rows[0]?.n ?? 0;
  }

  /** Makes one parked delivery job of the endpoint due now (the open circuit's probe). */
  async releaseOne(sql: Sql, endpoint: string): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE pgboss.job SET start_after = now()
        WHERE name = ${queueLiteral(DELIVER_QUEUE)} AND id = (
          SELECT id FROM pgboss.job
           WHERE name = ${queueLiteral(DELIVER_QUEUE)} AND state = 'created' AND data->>'e' = $1 AND start_after > now()
           ORDER BY created_on LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [endpoint],
    );
    return rows.length > 0;
  }

  onWake(queue: string, handler: () => void): void {
    this.wakeHandlers.set(queue, handler);
  }

  /** Ordered streams ("subscription|job", or '*': any) whose holder announced their release (take-messages.statement.ts). */
  onStreamsReleased(handler: (streams: string[] | '*') => void): void {
    this.streamsReleased = handler;
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
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.beating;
    // What this instance still holds (nothing, after a clean stop of the loops) is due again at
    // once, for the next instance; and it is no longer a live instance.
    await this.releaseClaims('$1::uuid', [this.instanceId]).catch((err: Error) => this.log.warn(`could not release this instance's claims: ${err.message}`));
    for (const t of this.notifyTimers.values()) clearTimeout(t);
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 5000 }).catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }
}
