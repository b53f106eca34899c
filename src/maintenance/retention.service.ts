import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { MetricsService } from '../metrics/metrics.service';
import { HERALD_CONFIG, type HeraldConfig, type RetentionConfig } from '../config/config';
import { Db, type Tx } from '../database/db';
import {
  addCounts,
  monthsToCreate,
  moreToDo,
  partitionsPastCutoff,
  retentionCutoff,
  rowCutoffOfPartitioned,
  type AttemptPartition,
  type RemovedCounts,
} from './domain/retention-policy';
import { RetentionRepository, type AttemptsTable } from './infrastructure/retention.repository';

/** Months of partitions kept ready ahead of the current one, on a partitioned attempts table. */
const PARTITIONS_AHEAD = 2;
/** The longest DDL on webhook_attempts waits for its lock (deliveries queue behind a waiting DDL). */
const DDL_LOCK_WAIT_MS = 1000;

export interface RetentionRun {
  /** False: another instance holds the retention lock (this one did nothing). */
  ran: boolean;
  /** Rows removed by this run, per table. */
  removed: RemovedCounts;
  /** False: the run stopped at its time budget (or shutdown) with rows left for the next one. */
  complete: boolean;
  partitionsCreated: string[];
  partitionsDropped: string[];
}

const TABLES = ['webhook_messages', 'webhook_attempts', 'webhook_streams'];

/**
 * Retention of webhook deliveries (docs/RETENTION.md). Every instance runs the loop; one at a
 * time does the work (a session advisory lock, tried, never waited for). With
 * HERALD_RETENTION_DAYS set it removes, in batches and within a time budget per run, messages
 * final for longer than that with their attempts, and older attempts of final messages; events
 * and open messages (pending, retrying: waiting, parked or in flight) are never touched. On a
 * partitioned webhook_attempts (deploy/sql/partition-attempts.sql) it keeps the next months'
 * partitions made, whatever the retention, and removes attempts by whole partitions.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Retention');
  private readonly settings: RetentionConfig;
  private readonly totals: RemovedCounts = Object.fromEntries(TABLES.map((t) => [t, 0]));
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly repo: RetentionRepository,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.retention;
  }

  /** Rows removed per table since this instance started (herald_retention_rows_removed_total{table}). */
  removedTotals(): Record<string, number> {
    return { ...this.totals };
  }

  onApplicationBootstrap(): void {
    this.schedule(this.settings.intervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err) => this.log.error(`retention run failed: ${(err as Error).message}`))
        .finally(() => this.schedule(this.settings.intervalMs));
    }, ms);
    this.timer.unref();
  }

  /** One run, if no other instance is running one. */
  async runOnce(): Promise<RetentionRun> {
    const run: RetentionRun = { ran: false, removed: {}, complete: true, partitionsCreated: [], partitionsDropped: [] };
    await this.db.session(async (lockSession) => {
      if (!(await this.repo.tryLock(lockSession))) return;
      run.ran = true;
      try {
        await this.work(run);
      } finally {
        addCounts(this.totals, run.removed);
        for (const [table, rows] of Object.entries(run.removed)) this.metrics.retentionRemoved(table, rows);
        await this.repo.unlock(lockSession);
      }
    });
    const removed = Object.entries(run.removed).map(([t, n]) => `${n} ${t}`);
    if (removed.length || run.partitionsCreated.length || run.partitionsDropped.length) {
      this.log.log(
        [removed.length ? `removed ${removed.join(', ')}` : '', run.partitionsDropped.length ? `dropped partitions ${run.partitionsDropped.join(', ')}` : '', run.partitionsCreated.length ? `created partitions ${run.partitionsCreated.join(', ')}` : '']
          .filter(Boolean)
          .join('; ') + (run.complete ? '' : ' (more left for the next run)'),
      );
    }
    return run;
  }

  private async work(run: RetentionRun): Promise<void> {
    const table = await this.repo.attemptsTable(this.db);
    if (!table) return;
    if (table.partitioned) await this.createPartitions(table, run);
    // Whatever the retention: fan-outs that never completed stopped holding their job's webhooks back long ago.
    await this.repo.deleteStalePendingFanouts(this.db, this.clock.now());
    if (this.settings.days === undefined) return;
    const cutoff = retentionCutoff(this.clock.now(), this.settings.days);
    const deadline = performance.now() + this.settings.runBudgetMs;
    const goOn = () => !this.stopped && performance.now() < deadline;
    // Each step sends at least one batch, then goes on while the run is within its budget.
    if (table.partitioned) await this.dropPartitions(table, cutoff, run, goOn);
    if (this.stopped) return void (run.complete = false);
    await this.removeMessages(cutoff, !table.partitioned, run, goOn);
    if (this.stopped) return void (run.complete = false);
    await this.removeAttempts(cutoff, table.partitioned ? rowCutoffOfPartitioned(table.partitions, cutoff) : undefined, run, goOn);
  }

  private async removeMessages(cutoff: Date, withAttempts: boolean, run: RetentionRun, goOn: () => boolean): Promise<void> {
    for (;;) {
      const batch = await this.db.tx(async (tx) => {
        if (withAttempts) tx.defer(this.repo.allowAttemptDeletes(tx));
        return this.repo.deleteFinalMessages(tx, cutoff, this.settings.batchSize, withAttempts);
      });
      addCounts(run.removed, { webhook_messages: batch.messages, webhook_attempts: batch.attempts, webhook_streams: batch.streams });
      if (batch.messages < this.settings.batchSize) return;
      if (!goOn()) return void (run.complete = false);
    }
  }

  /** `below`: a partitioned table, where rows go one by one only below this (see rowCutoffOfPartitioned). */
  private async removeAttempts(cutoff: Date, below: Date | undefined, run: RetentionRun, goOn: () => boolean): Promise<void> {
    let after = 0;
    for (;;) {
      const batch = await this.db.tx(async (tx) => {
        tx.defer(this.repo.allowAttemptDeletes(tx));
        return this.repo.deleteOldAttempts(tx, after, this.settings.batchSize, cutoff, below);
      });
      addCounts(run.removed, { webhook_attempts: batch.removed });
      if (batch.lastId === null || !moreToDo(batch, this.settings.batchSize)) return;
      after = batch.lastId;
      if (!goOn()) return void (run.complete = false);
    }
  }

  /** Partitions wholly older than the cutoff go whole, unless one holds an attempt of an open message. */
  private async dropPartitions(table: AttemptsTable, cutoff: Date, run: RetentionRun, goOn: () => boolean): Promise<void> {
    const past = partitionsPastCutoff(table.partitions, cutoff);
    for (const [i, p] of past.entries()) {
      if (i > 0 && !goOn()) return void (run.complete = false);
      const contents = await this.repo.partitionContents(this.db, p);
      if (contents.open) {
        this.log.debug(`partition ${p.name} is past the retention but holds attempts of open messages: kept, its other rows are removed one by one`);
        continue;
      }
      if (await this.ddl(`drop partition ${p.name}`, (tx) => this.repo.dropPartition(tx, p))) {
        run.partitionsDropped.push(p.name);
        addCounts(run.removed, { webhook_attempts: contents.rows });
        table.partitions = table.partitions.filter((q) => q !== p);
      }
    }
  }

  private async createPartitions(table: AttemptsTable, run: RetentionRun): Promise<void> {
    for (const month of monthsToCreate(this.clock.now(), PARTITIONS_AHEAD, table.partitions)) {
      if (await this.ddl(`create partition ${month.name}`, (tx) => this.repo.createPartition(tx, table.schema, month))) {
        run.partitionsCreated.push(month.name);
        table.partitions.push({ schema: table.schema, name: month.name, isDefault: false, from: month.from, to: month.to } satisfies AttemptPartition);
      }
    }
  }

  /** Runs one DDL statement with a bounded lock wait; a failure is logged (the next run tries again), not thrown. */
  private async ddl(what: string, fn: (tx: Tx) => Promise<unknown>): Promise<boolean> {
    try {
      await this.db.tx(async (tx) => {
        tx.defer(this.repo.boundLockWait(tx, DDL_LOCK_WAIT_MS));
        await fn(tx);
      });
      return true;
    } catch (err) {
      this.log.warn(`could not ${what}: ${(err as Error).message}`);
      return false;
    }
  }
}
