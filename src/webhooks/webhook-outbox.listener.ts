import { Injectable, type OnModuleInit } from '@nestjs/common';
import { IdGenerator } from '../common/clock';
import type { Tx } from '../database/db';
import { renderStatus } from '../jobs/domain/job-status.view';
import type { JobEventMap } from '../jobs/domain/job.events';
import type { PipelineSpec } from '../jobs/domain/pipeline.types';
import type { Level, RecordedEvent } from '../event-store/event.types';
import { JobEventsListeners, type AppendedJobEvent, type JobEventsListener, type JobRef } from '../jobs/job-events.listener';
import type { Subscription } from './domain/subscription.types';
import type { FanoutJob } from './domain/fanout.types';
import { heardBy } from './domain/subscribers';
import { FANOUT_QUEUE, WorkQueue } from './infrastructure/work-queue.service';
import { insertPendingFanout } from './infrastructure/pending-fanouts.statements';
import { FanoutWorker } from './fanout.worker';
import type { NewSubscription } from './domain/delivery-records';
import { SubscriptionsRepository } from './infrastructure/subscriptions.repository';

/**
 * The transactional outbox. Runs inside every append's transaction: creates the job's own
 * subscriptions when it is submitted, and enqueues one pg-boss fan-out job for the appended
 * events. Rolled back with the append, committed with it. Its statements are pipelined with the
 * append's (no round trip of their own).
 *
 * The fan-out itself follows at once, by this instance (FanoutWorker.fanOutAfterCommit): chained
 * behind the append's COMMIT when the subscriptions are known already (read with the command's
 * lock, see prefetch, or just created from the request), else right after the commit; with no
 * fan-out worker here (none, paused), by any instance's loop, woken by NOTIFY.
 */
@Injectable()
export class WebhookOutbox implements JobEventsListener, OnModuleInit {
  /** Subscriptions of the job a transaction works on, when known before it appends. */
  private readonly known = new WeakMap<Tx, Subscription[]>();

  constructor(
    private readonly repo: SubscriptionsRepository,
    private readonly queue: WorkQueue,
    private readonly fanout: FanoutWorker,
    private readonly ids: IdGenerator,
    private readonly listeners: JobEventsListeners,
  ) {}

  onModuleInit(): void {
    this.listeners.register(this);
  }

  prefetch(tx: Tx, job: JobRef): Promise<unknown> {
    return this.repo.subscriptionsOfJob(tx, job).then((subs) => this.known.set(tx, subs));
  }

  onJobEvents(tx: Tx, appended: AppendedJobEvent[], recorded: Promise<RecordedEvent[]>): void {
    const last = appended[appended.length - 1];
    if (!last.summary.watched) return;
    for (const { event, summary, request } of appended) {
      if (event.type === 'job.submitted') {
        const data = event.data as JobEventMap['job.submitted'];
        // The request with its secrets (the event carries them masked).
        const created = this.subscribeFromRequest(tx, request ?? data.spec, data.options.progressVerbosityLevel, summary.jobId, event.createdAt);
        // A job without a project has no subscriptions but its own.
        if (summary.projectId === undefined) this.known.set(tx, created);
      }
    }
    const { kind, projectId, batchId } = last.summary;
    // Nobody hears these events (a debug-level task event, say, with info-level webhooks): no
    // fan-out job. Judged on the subscriptions read under the command's lock, as the fan-out
    // chained behind this commit would judge them; disabled ones count, for their skipped tally.
    const known = this.known.get(tx);
    if (known && !heardBy({ jobId: last.summary.jobId, projectId, batchId }, appended.map(({ event }) => ({ type: event.type, level: event.metadata.level })), known)) return;
    const job: FanoutJob = {
      jobId: last.summary.jobId,
      kind,
      ...(projectId !== undefined ? { projectId } : {}),
      ...(batchId !== undefined ? { batchId } : {}),
      // The events of one append share their metadata: with tracing on, the append's span (docs/TRACING.md).
      ...(last.event.metadata.traceparent ? { traceparent: last.event.metadata.traceparent } : {}),
      events: appended.map(({ event, summary }) => ({
        version: event.version,
        type: event.type,
        level: event.metadata.level,
        at: event.createdAt.toISOString(),
        ...(event.metadata.correlationId ? { correlationId: event.metadata.correlationId } : {}),
        status: renderStatus(summary),
        data: withoutBulk(event.data),
      })),
    };
    const id = this.ids.newId();
    this.queue.sendInTx(tx, FANOUT_QUEUE, job, id);
    // Pending until its fan-out's transaction: the job's later messages wait for it, on any instance.
    tx.defer(insertPendingFanout(tx, id, job.jobId, appended[0].event.version, last.event.createdAt));
    if (!this.fanout.fanOutAfterCommit(tx, { id, data: job, recorded, known, summary: last.summary })) {
      tx.afterCommit(() => this.queue.wake(FANOUT_QUEUE));
    }
  }

  /** webhooks.progress / webhooks.result of the exec request (seed 000). */
  private subscribeFromRequest(tx: Tx, spec: PipelineSpec, progressLevel: Level, jobId: string, at: Date): Subscription[] {
    const hooks = spec.webhooks;
    if (!hooks) return [];
    const common = { scope: 'job' as const, scopeId: jobId, headers: hooks.headers ?? {}, secret: hooks.secret ?? null, eventTypes: null };
    const subs: NewSubscription[] = [];
    if (hooks.progress) subs.push({ ...common, id: this.ids.newId(), url: hooks.progress, format: 'exec.progress', minLevel: progressLevel });
    if (hooks.result) subs.push({ ...common, id: this.ids.newId(), url: hooks.result, format: 'exec.result', minLevel: 'trace' });
    if (hooks.lifecycle) subs.push({ ...common, id: this.ids.newId(), url: hooks.lifecycle, format: 'queue.lifecycle', minLevel: 'trace' });
    if (hooks.fal) subs.push({ ...common, id: this.ids.newId(), url: hooks.fal, format: 'fal.result', minLevel: 'trace' });
    tx.defer(this.repo.insertSubscriptions(tx, subs, at));
    return subs.map((s) => ({ ...s, name: s.name ?? null, previousSecret: null, previousSecretExpiresAt: null, status: 'active' as const }));
  }
}

/** Event data without the bulky parts (results, the request) that renderers read elsewhere. */
function withoutBulk(data: unknown): Record<string, unknown> {
  const { result: _result, spec: _spec, tasks: _tasks, nodes: _nodes, options: _options, ...rest } = (data ?? {}) as Record<string, unknown>;
  return rest;
}
