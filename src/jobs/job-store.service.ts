import { Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../common/clock';
import { Db, type Tx } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import type { EventMetadata } from '../event-store/event.types';
import { advance, advanceNeeds, type DecideContext } from './domain/job.decide';
import { JOB_STREAM, toNewEvent, type JobEvent } from './domain/job.events';
import type { JobSummary } from './domain/job.state';
import { jobNotFound } from './domain/job.errors';
import { JobEventsListeners } from './job-events.listener';
import { JobProjector } from './infrastructure/job.projector';
import { JobsRepository } from './infrastructure/jobs.repository';

export type CommandMeta = Omit<EventMetadata, 'level'>;

/**
 * The write path of every job command: decide (pure) -> append to the event store with the
 * expected version -> project into the read models -> notify in-transaction listeners (outbox),
 * then advance the job (expand ready nodes, apply batch tolerance, complete) the same way.
 * All of it in the caller's transaction, with the job row locked.
 */
@Injectable()
export class JobStore {
  constructor(
    readonly db: Db,
    readonly repo: JobsRepository,
    private readonly events: EventStoreRepository,
    private readonly projector: JobProjector,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly listeners: JobEventsListeners,
  ) {}

  context(): DecideContext {
    return { now: this.clock.now(), newId: () => this.ids.newId() };
  }

  /** Runs fn with job jobId locked; a missing job is a 404. */
  async withJob<T>(jobId: string, fn: (tx: Tx, job: JobSummary) => Promise<T>): Promise<T> {
    return this.db.tx(async (tx) => {
      const job = await this.repo.lockJob(tx, jobId);
      if (!job) throw jobNotFound(jobId);
      return fn(tx, job);
    });
  }

  /** Appends decided events and lets the job progress as far as it can. Returns the new summary. */
  async commit(tx: Tx, before: JobSummary | undefined, decided: JobEvent[], ctx: DecideContext, meta: CommandMeta): Promise<JobSummary> {
    let job = before;
    let events = decided;
    while (events.length > 0) {
      job = await this.appendAndProject(tx, job, events, ctx, meta);
      const needs = advanceNeeds(job);
      const inputs = {
        spec: needs.spec ? await this.repo.getSpec(tx, job.jobId) : undefined,
        results: await this.repo.nodeResults(tx, job.jobId, needs.nodes),
      };
      events = advance(job, inputs, ctx);
    }
    if (!job) throw new Error('commit without events');
    return job;
  }

  private async appendAndProject(tx: Tx, before: JobSummary | undefined, events: JobEvent[], ctx: DecideContext, meta: CommandMeta): Promise<JobSummary> {
    const streamId = before?.jobId ?? (events[0].type === 'job.submitted' ? events[0].data.jobId : undefined);
    if (!streamId) throw new Error('first event of a job must be job.submitted');
    const at = ctx.now.toISOString();
    const recorded = await this.events.append(tx, streamId, JOB_STREAM, before?.version ?? 0, events.map((e) => toNewEvent(e, meta)), ctx.now);
    const snapshots = await this.projector.apply(tx, before, events, at);
    for (const listener of this.listeners.all()) {
      await listener.onJobEvents(tx, recorded.map((event, i) => ({ event, summary: snapshots[i] })));
    }
    return snapshots[snapshots.length - 1];
  }
}
