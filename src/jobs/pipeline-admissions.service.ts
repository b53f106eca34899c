import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { admissions, decideAdmit } from './domain/concurrent-pipelines';
import { ConcurrentPipelinesRepository, type PipelineKey } from './infrastructure/concurrent-pipelines.repository';
import { JobStore } from './job-store.service';

/** Waiting jobs looked at per pipeline and transaction; pipelines with waiting jobs per sweep. */
const BATCH = 100;

const keyOf = (k: PipelineKey) => `${k.projectId ?? ''}\u0000${k.pipeline}`;

/**
 * Admits the jobs that wait for their turn (HKube's concurrentPipelines with rejectOnFailure
 * false), oldest first, when their pipeline has room: right after a job of that pipeline with a
 * limit ends in this instance, and from every instance's sweep (a job ended elsewhere, or one
 * without a limit of its own, or a restart). Each pipeline's admission runs under its advisory
 * lock (the submissions' lock): instances do not coordinate otherwise, and a job admitted twice
 * changes once (decideAdmit re-checks under the job's lock).
 */
@Injectable()
export class PipelineAdmissions implements OnModuleDestroy {
  private readonly log = new Logger('PipelineAdmissions');
  private readonly repo = new ConcurrentPipelinesRepository();
  /** Pipelines being admitted here, and whether another look was asked for meanwhile. */
  private readonly busy = new Map<string, { again: boolean; done: Promise<void> }>();
  private stopped = false;

  constructor(private readonly store: JobStore) {
    store.onRoomFreed((key) => this.soon(key));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.busy.values()].map((b) => b.done));
  }

  /** One look for the pipeline, after the running one if any (coalesced). */
  private soon(key: PipelineKey): void {
    if (this.stopped) return;
    const id = keyOf(key);
    const running = this.busy.get(id);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await this.admit(key);
        } while (entry.again && !this.stopped);
      } catch (err) {
        this.log.error(`admitting waiting jobs of ${key.pipeline} failed: ${(err as Error).message}`);
      } finally {
        this.busy.delete(id);
      }
    })();
    this.busy.set(id, entry);
  }

  /** The pipelines that have waiting jobs, each given a look. Returns the jobs admitted. */
  async sweep(): Promise<number> {
    const keys = await this.repo.waitingPipelines(this.store.db, BATCH);
    let admitted = 0;
    for (const key of keys) admitted += await this.admit(key);
    return admitted;
  }

  /** In one transaction under the pipeline's lock: its oldest waiting jobs that fit are admitted (their entry nodes expand). */
  async admit(key: PipelineKey): Promise<number> {
    return this.store.db.tx(async (tx) => {
      const room = await this.repo.room(tx, key, BATCH);
      let admitted = 0;
      for (const jobId of admissions(room.admitted, room.waiting)) {
        // SKIP LOCKED: a job being stopped or paused right now is left to the next look.
        const job = await this.store.lock(tx, jobId, true);
        if (!job) continue;
        const ctx = this.store.context();
        const events = decideAdmit(job);
        if (events.length === 0) continue;
        await this.store.commit(tx, job, events, ctx, { actor: 'herald:concurrency' });
        admitted += 1;
      }
      return admitted;
    });
  }
}
