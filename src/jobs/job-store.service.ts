import { Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../common/clock';
import { Db, type Tx } from '../database/db';
import { EventStoreRepository } from '../event-store/event-store.repository';
import type { EventMetadata } from '../event-store/event.types';
import { advance, advanceNeeds, type DecideContext } from './domain/job.decide';
import { JOB_STREAM, toNewEvent, type JobEvent } from './domain/job.events';
import type { JobSummary, Task } from './domain/job.state';
import type { PipelineSpec } from './domain/pipeline.types';
import { splitSecrets } from './domain/spec-secrets';
import { jobNotFound, taskNotFound } from './domain/job.errors';
import { JobEventsListeners, type JobRef } from './job-events.listener';
import { JobProjector } from './infrastructure/job.projector';
import { JobsRepository } from './infrastructure/jobs.repository';
import { JobSecretsRepository } from './infrastructure/job-secrets.repository';
import { AppendTracing } from '../tracing/append-tracing';
import { ProjectLimitsService } from '../limits/limits.service';
import { concurrencyLimit, freesRoom, holdIfFull } from './domain/concurrent-pipelines';
import { ConcurrentPipelinesRepository, type PipelineKey } from './infrastructure/concurrent-pipelines.repository';

export type CommandMeta = Omit<EventMetadata, 'level'>;

/**
 * The write path of every job command: decide (pure) -> append to the event store with the
 * expected version -> project into the read models -> notify in-transaction listeners (outbox),
 * then advance the job (expand ready nodes, apply batch tolerance, complete) the same way.
 * All of it in the caller's transaction, with the job row locked. The writes are pipelined (see
 * Tx): nothing here waits for a write's answer, so a command costs one round trip to read what
 * it decides on and one for all of its writes and the COMMIT, unless advancing needs results.
 */
@Injectable()
export class JobStore {
  /** Streams a transaction appended to already (its later appends need no version check). */
  private readonly appended = new WeakMap<Tx, Set<string>>();
  private readonly concurrency = new ConcurrentPipelinesRepository();
  private readonly roomFreed: Array<(key: PipelineKey) => void> = [];

  constructor(
    readonly db: Db,
    readonly repo: JobsRepository,
    private readonly events: EventStoreRepository,
    private readonly projector: JobProjector,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly listeners: JobEventsListeners,
    private readonly secrets: JobSecretsRepository,
    private readonly limits: ProjectLimitsService,
    private readonly traces: AppendTracing,
  ) {}

  context(): DecideContext {
    return { now: this.clock.now(), newId: () => this.ids.newId() };
  }

  /**
   * Runs fn with job jobId locked; a missing job is a 404, and so is, with `projectId` (a
   * project key's command), a job of another project (the project is in the locking statement).
   */
  async withJob<T>(jobId: string, fn: (tx: Tx, job: JobSummary) => Promise<T>, projectId: string | null = null): Promise<T> {
    return this.db.tx(async (tx) => {
      const job = await this.lock(tx, jobId, false, projectId);
      if (!job) throw jobNotFound(jobId);
      return fn(tx, job);
    });
  }

  /**
   * Locks a job (SKIP LOCKED: undefined when another transaction holds it) with the listeners'
   * reads for it (JobEventsListener.prefetch) right behind, all in one round trip. Statements
   * issued before awaiting it go out in the same flight.
   */
  lock(tx: Tx, jobId: string, skipLocked = false, projectId: string | null = null): Promise<JobSummary | undefined> {
    return Promise.all([this.repo.lockJob(tx, jobId, skipLocked, projectId), ...this.prefetch(tx, { jobId })]).then(([job]) => job);
  }

  private prefetch(tx: Tx, job: JobRef): Promise<unknown>[] {
    const reads: Promise<unknown>[] = [];
    for (const listener of this.listeners.all()) {
      const read = listener.prefetch?.(tx, job);
      if (read) reads.push(read);
    }
    return reads;
  }

  /**
   * Runs fn with the job that owns taskId locked, and the task as it is under that lock; an
   * unknown task is a 404. Both reads go out together (one round trip): the task is read by the
   * statement after the lock, so it sees whatever the previous lock holder committed.
   */
  async withTask<T>(taskId: string, fn: (tx: Tx, job: JobSummary, task: Task) => Promise<T>): Promise<T> {
    return this.db.tx(async (tx) => {
      const [job, task] = await Promise.all([this.repo.lockJobOfTask(tx, taskId), this.repo.getTask(tx, taskId), ...this.prefetch(tx, { taskId })]);
      if (!job || !task) throw taskNotFound(taskId);
      return fn(tx, job, task);
    });
  }

  /**
   * Appends decided events and lets the job progress as far as it can. Returns the new summary.
   * `jobRow: false`: the caller writes the jobs row itself, once, with the last summary (see
   * JobProjector.apply); the job must be locked and not be new.
   */
  async commit(tx: Tx, before: JobSummary | undefined, decided: JobEvent[], ctx: DecideContext, meta: CommandMeta, jobRow = true): Promise<JobSummary> {
    let job = before;
    let events = before === undefined ? await this.admit(tx, decided) : decided;
    while (events.length > 0) {
      job = this.appendAndProject(tx, job, events, ctx, meta, jobRow);
      const needs = advanceNeeds(job);
      const [spec, results] = await Promise.all([
        needs.spec ? this.repo.getSpec(tx, job.jobId) : undefined,
        needs.nodes.length > 0 ? this.repo.nodeResults(tx, job.jobId, needs.nodes) : {},
      ]);
      const inputs = { spec, results };
      events = advance(job, inputs, ctx);
    }
    if (!job) throw new Error('commit without events');
    return job;
  }

  /**
   * A new job with options.concurrentPipelines (HKube): refused among the pipelined writes when its
   * pipeline has no room (rejectOnFailure), else counted first (one round trip) and held back when
   * it has none. Either takes the pipeline's lock before the project's (assertJobsRoom), in every
   * submission, so two submissions never wait for each other's lock in turn.
   */
  private async admit(tx: Tx, events: JobEvent[]): Promise<JobEvent[]> {
    const first = events[0];
    if (first?.type !== 'job.submitted') return events;
    const limit = concurrencyLimit(first.data.options);
    if (!limit) return events;
    const key = { projectId: first.data.spec.projectId ?? null, pipeline: first.data.pipeline };
    if (limit.rejectOnFailure) {
      tx.defer(this.concurrency.assertRoom(tx, key, limit.amount));
      return events;
    }
    return holdIfFull(events, await this.concurrency.unfinished(tx, key, limit.amount));
  }

  /** Called after the commit of a change that ended a job with a concurrency limit (a waiting job of its pipeline may go). */
  onRoomFreed(fn: (key: PipelineKey) => void): void {
    this.roomFreed.push(fn);
  }

  /** Issues the append, the projection and the listeners' statements; waits for none of them. */
  private appendAndProject(tx: Tx, before: JobSummary | undefined, events: JobEvent[], ctx: DecideContext, meta: CommandMeta, jobRow: boolean): JobSummary {
    const streamId = before?.jobId ?? (events[0].type === 'job.submitted' ? events[0].data.jobId : undefined);
    if (!streamId) throw new Error('first event of a job must be job.submitted');
    const at = ctx.now.toISOString();
    const expected = before?.version ?? 0;
    // A project's new job needs room among its unfinished ones (checked by a statement of this transaction).
    const submitted = before === undefined && events[0].type === 'job.submitted' ? events[0].data.spec.projectId : undefined;
    if (submitted !== undefined) this.limits.assertJobsRoom(tx, submitted);
    // A request's secrets never go into its history: job.submitted carries it masked (spec-secrets.ts).
    let request: PipelineSpec | undefined;
    events = events.map((e) => {
      if (e.type !== 'job.submitted') return e;
      const { masked, secrets } = splitSecrets(e.data.spec);
      if (!secrets) return e;
      request = e.data.spec;
      tx.defer(this.secrets.insert(tx, streamId, secrets, ctx.now));
      return { ...e, data: { ...e.data, spec: masked } };
    });
    // Tracing on: the append's span, which its events carry as their traceparent (docs/TRACING.md).
    const traced = this.traces.enabled ? this.traces.start(meta, { streamId, streamType: JOB_STREAM, expectedVersion: expected, types: events.map((e) => e.type) }) : undefined;
    const newEvents = events.map((e) => toNewEvent(e, traced?.meta ?? meta));
    let streams = this.appended.get(tx);
    if (!streams) this.appended.set(tx, (streams = new Set()));
    // The job is locked: after this transaction's first append to it, the next ones follow on.
    const recorded = this.events.append(tx, streamId, JOB_STREAM, expected, newEvents, ctx.now, !streams.has(streamId));
    traced?.settle(recorded);
    streams.add(streamId);
    tx.defer(recorded);
    const snapshots = this.projector.apply(tx, before, events, at, jobRow);
    const appended = newEvents.map((event, i) => ({
      event: { ...event, streamId, version: expected + i + 1, createdAt: ctx.now },
      summary: snapshots[i],
      ...(request && event.type === 'job.submitted' ? { request } : {}),
    }));
    for (const listener of this.listeners.all()) listener.onJobEvents(tx, appended, recorded);
    const last = snapshots[snapshots.length - 1];
    if (this.roomFreed.length > 0 && freesRoom(before, last)) {
      const key = { projectId: last.projectId ?? null, pipeline: last.pipeline };
      tx.afterCommit(() => this.roomFreed.forEach((fn) => fn(key)));
    }
    return last;
  }
}
