import type { Sql, Tx } from '../../database/db';
import { evolve } from '../domain/job.evolve';
import type { CachedNode, JobEvent } from '../domain/job.events';
import type { JobSummary } from '../domain/job.state';
import type { PipelineSpec } from '../domain/pipeline.types';
import { CachedTasksRepository } from './cached-tasks.repository';
import { JobsRepository, pausedAvailability } from './jobs.repository';

const json = (v: unknown) => JSON.stringify(v ?? null);

/**
 * Applies job events to the jobs and tasks read models. The same code runs in the append's
 * transaction (live) and in `projections:rebuild` (replay), so both produce identical rows.
 * Work per event is O(1) rows, except node expansion (inserts its tasks) and the end of a job
 * (one UPDATE marks its unfinished tasks stopped).
 */
export class JobProjector {
  private readonly cachedTasks = new CachedTasksRepository();

  constructor(private readonly repo: JobsRepository) {}

  /**
   * Issues the read-model writes for these events and returns the summary after each event (for
   * consumers that render per-event snapshots). The writes are not awaited: on a transaction they
   * are pipelined and a failure rolls it back (see Tx). With `jobRow: false` the jobs row is left
   * to the caller, who writes the last summary once (JobWriter: one row version per transaction,
   * however many commands it carries).
   */
  apply(sql: Tx, before: JobSummary | undefined, events: JobEvent[], at: string, jobRow = true): JobSummary[] {
    let state = before;
    const snapshots: JobSummary[] = [];
    for (const event of events) {
      state = evolve(state, event, at);
      snapshots.push(state);
      const written = this.applyToTasks(sql, state, event, at);
      if (written) sql.defer(written);
    }
    if (jobRow && state && !(events.length === 1 && events[0].type === 'job.submitted')) sql.defer(this.repo.updateJob(sql, state));
    return snapshots;
  }

  /** The jobs row, then a caching run's cached items (ended already: no worker acquires them). */
  private submitted(sql: Sql, state: JobSummary, spec: PipelineSpec, cached: readonly CachedNode[], at: string): Promise<void> {
    const job = this.repo.insertJob(sql, state, spec);
    if (cached.length === 0) return job;
    const inserts = cached.map((c) => {
      const node = state.nodes.find((n) => n.nodeName === c.nodeName)!;
      return this.cachedTasks.insert(sql, state, node.kind === 'webhook' ? 'stage' : state.kind, c.nodeName, node.algorithmName, state.priority, c.tasks, at);
    });
    return Promise.all([job, ...inserts]).then(() => undefined);
  }

  private applyToTasks(sql: Sql, state: JobSummary, event: JobEvent, at: string): Promise<void> | undefined {
    const d = event.data;
    switch (event.type) {
      case 'job.submitted':
        return this.submitted(sql, state, event.data.spec, event.data.cached ?? [], at);
      case 'node.expanded':
        // Webhook stages' tasks are of kind "stage": Herald runs them, no worker acquires them.
        return this.repo.insertTasks(sql, state, event.data.kind === 'webhook' ? 'stage' : state.kind, event.data.nodeName, event.data.algorithmName, state.priority, event.data.tasks, at);
      case 'task.acquired':
        return this.repo.patchTask(sql, event.data.taskId, {
          state: 'active',
          worker_name: event.data.workerName,
          attempt: event.data.attempt,
          lease_expires_at: event.data.leaseExpiry,
          acquired_at: at,
          updated_at: at,
        });
      case 'task.lease-extended':
        return this.repo.patchTask(sql, event.data.taskId, { lease_expires_at: event.data.leaseExpiry, updated_at: at });
      case 'task.succeeded':
        return this.repo.patchTask(sql, event.data.taskId, {
          state: 'succeed',
          result: json(event.data.result),
          lease_expires_at: null,
          updated_at: at,
          ...(event.data.context !== undefined ? { context: json(event.data.context) } : {}),
        });
      case 'task.retried':
        return this.repo.patchTask(sql, event.data.taskId, {
          state: 'pending',
          error: json(event.data.error),
          worker_name: null,
          lease_expires_at: null,
          // A lease that runs out (or a failure reported) while paused: pending, but not yet available.
          available_at: state.status === 'paused' ? pausedAvailability(event.data.availableAt) : event.data.availableAt,
          updated_at: at,
        });
      case 'task.released':
        return this.repo.patchTask(sql, event.data.taskId, {
          state: 'pending',
          worker_name: null,
          lease_expires_at: null,
          released: event.data.released,
          available_at: state.status === 'paused' ? pausedAvailability(at) : at,
          updated_at: at,
        });
      case 'task.failed':
        return this.repo.patchTask(sql, event.data.taskId, {
          state: 'failed',
          error: json(event.data.error),
          lease_expires_at: null,
          updated_at: at,
          ...(event.data.context !== undefined ? { context: json(event.data.context) } : {}),
        });
      case 'job.failed':
      case 'job.stopped':
        return this.repo.stopUnfinishedTasks(sql, state.jobId, at);
      case 'job.paused':
        return this.repo.shiftPendingTasks(sql, state.jobId, 'pause', at);
      case 'job.resumed':
        return this.repo.shiftPendingTasks(sql, state.jobId, 'resume', at);
      case 'job.admitted':
      case 'job.started':
      case 'job.completed':
      case 'stage.started':
      case 'stage.called':
      case 'stage.retrying':
      case 'stage.finished':
      case 'stage.cancel-sent':
        return;
      default: {
        const unreachable: never = event;
        void d;
        throw new Error(`unknown event ${(unreachable as JobEvent).type}`);
      }
    }
  }
}
