import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { decideExpireLeases, decideTtl } from './domain/job.decide';
import { JobStore } from './job-store.service';
import { JobWriter } from './job-writer.service';
import { PipelineAdmissions } from './pipeline-admissions.service';

const BATCH = 200;

/**
 * Finds expired leases, ttl-expired jobs and waiting jobs whose turn came (concurrentPipelines,
 * PipelineAdmissions) by itself, on every instance. Instances do not
 * coordinate: each job is handled under its row lock (leases: in the job's group commit, so a
 * busy job is not skipped; ttl: SKIP LOCKED), and the deciders re-check under that lock, so a
 * job swept twice changes once.
 */
@Injectable()
export class JobSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('JobSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly writer: JobWriter,
    private readonly admissions: PipelineAdmissions,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((err) => this.log.error(`sweep failed: ${(err as Error).message}`))
        .finally(() => this.schedule());
    }, this.config.sweepIntervalMs);
    this.timer.unref();
  }

  async sweep(): Promise<{ leases: number; ttl: number; admitted: number }> {
    return { leases: await this.sweepLeases(), ttl: await this.sweepTtl(), admitted: await this.admissions.sweep() };
  }

  /** Active tasks past their lease go back to pending (or fail when out of retries). */
  async sweepLeases(): Promise<number> {
    const { repo, db } = this.store;
    const byJob = await repo.expiredLeases(db, this.store.context().now, BATCH);
    let changed = 0;
    for (const [jobId, taskIds] of byJob) {
      // In the job's group commit (JobWriter): a job busy with many workers is never skipped.
      // Another instance sweeping the same leases finds them no longer active: nothing twice.
      const { events } = await this.writer.write(jobId, {
        kind: 'tasks',
        taskIds,
        meta: { actor: 'herald:lease-sweeper' },
        decide: (job, tasks, ctx) => decideExpireLeases(job, tasks, ctx.now),
      });
      changed += events.length;
    }
    return changed;
  }

  /**
   * Unfinished jobs past options.ttl are stopped with reason "ttl expired", started ones past
   * options.activeTtl with HKube's "pipeline active TTL expired" (one indexed query: the jobs
   * row's ttl_expires_at is the earlier of both, job-deadlines.ts).
   */
  async sweepTtl(): Promise<number> {
    const { repo, db } = this.store;
    const jobIds = await repo.ttlExpiredJobIds(db, this.store.context().now, BATCH);
    let stopped = 0;
    for (const jobId of jobIds) {
      stopped += await db.tx(async (tx) => {
        const job = await this.store.lock(tx, jobId, true);
        if (!job) return 0;
        const ctx = this.store.context();
        const events = decideTtl(job, ctx.now);
        if (events.length === 0) return 0;
        await this.store.commit(tx, job, events, ctx, { actor: 'herald:ttl-sweeper' });
        return 1;
      });
    }
    return stopped;
  }
}
