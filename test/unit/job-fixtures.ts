/**
 * Pure test support for the job domain: a pinned clock, counter-based ids, an in-memory copy of
 * the tasks read model (what JobProjector writes to the tasks table) and a small harness that
 * plays the role of JobStore.commit (decide -> record -> advance until nothing is left).
 */
import { DomainError } from '../../src/common/domain-error';
import { advance, advanceNeeds, decideAcquire, decideComplete, decideFail, decideSubmit, type DecideContext, type NodeResults } from '../../src/jobs/domain/job.decide';
import { jobEvent, type JobEvent } from '../../src/jobs/domain/job.events';
import { evolveAll } from '../../src/jobs/domain/job.evolve';
import type { JobSummary, Task } from '../../src/jobs/domain/job.state';
import type { ResultTask } from '../../src/jobs/domain/job-status.view';
import type { PipelineSpec } from '../../src/jobs/domain/pipeline.types';
import { validatePipelineRequest } from '../../src/jobs/domain/pipeline.validate';

/** The DomainError that `run` throws (fails the test when it throws none, or another error). */
export function domainErrorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('no DomainError was thrown');
}

export const NOW = new Date('2026-01-01T00:00:00Z');
export const AT = NOW.toISOString();
export const JOB_ID = 'batch:00000000-0000-4000-8000-000000000001';

/** NOW plus some seconds. */
export function after(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000);
}

/** Ids t1, t2, t3, ... in the order they are asked for. */
export function idCounter(prefix = 't'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export function context(now: Date = NOW, newId: () => string = idCounter()): DecideContext {
  return { now, newId };
}

export function pipeline(body: Record<string, unknown>): PipelineSpec {
  return validatePipelineRequest({ name: 'batch', ...body });
}

export function stateOf(events: JobEvent[]): JobSummary {
  return evolveAll(undefined, events, AT);
}

export interface TestTask extends Task {
  availableAt: string;
}

/** The tasks read model, rebuilt from events the way JobProjector does it. */
export function tasksOf(events: JobEvent[], at: string = AT): TestTask[] {
  const tasks = new Map<string, TestTask>();
  let jobId = '';
  const patch = (taskId: string, change: Partial<TestTask>) => {
    const t = tasks.get(taskId);
    if (!t) throw new Error(`event for unknown task ${taskId}`);
    tasks.set(taskId, { ...t, ...change });
  };
  for (const e of events) {
    switch (e.type) {
      case 'job.submitted':
        jobId = e.data.jobId;
        break;
      case 'node.expanded':
        for (const t of e.data.tasks) {
          tasks.set(t.taskId, {
            taskId: t.taskId,
            jobId,
            nodeName: e.data.nodeName,
            algorithmName: e.data.algorithmName,
            batchIndex: t.batchIndex,
            input: t.input,
            state: 'pending',
            attempt: 0,
            released: 0,
            workerName: null,
            leaseExpiry: null,
            result: null,
            error: null,
            availableAt: at,
          });
        }
        break;
      case 'task.acquired':
        patch(e.data.taskId, { state: 'active', workerName: e.data.workerName, attempt: e.data.attempt, leaseExpiry: e.data.leaseExpiry });
        break;
      case 'task.lease-extended':
        patch(e.data.taskId, { leaseExpiry: e.data.leaseExpiry });
        break;
      case 'task.succeeded':
        patch(e.data.taskId, { state: 'succeed', result: e.data.result, leaseExpiry: null });
        break;
      case 'task.retried':
        patch(e.data.taskId, { state: 'pending', error: e.data.error, workerName: null, leaseExpiry: null, availableAt: e.data.availableAt });
        break;
      case 'task.released':
        patch(e.data.taskId, { state: 'pending', released: e.data.released, workerName: null, leaseExpiry: null, availableAt: at });
        break;
      case 'task.failed':
        patch(e.data.taskId, { state: 'failed', error: e.data.error, leaseExpiry: null });
        break;
      case 'job.failed':
      case 'job.stopped':
        for (const t of tasks.values()) if (t.state === 'pending' || t.state === 'active') tasks.set(t.taskId, { ...t, state: 'stopped', leaseExpiry: null });
        break;
      default:
        break;
    }
  }
  return [...tasks.values()];
}

/** What the repository answers for advance(): results of the named nodes in batch order. */
export function nodeResultsOf(events: JobEvent[], nodeNames: string[]): Record<string, NodeResults> {
  const out: Record<string, NodeResults> = Object.fromEntries(nodeNames.map((n) => [n, []]));
  const tasks = tasksOf(events)
    .filter((t) => nodeNames.includes(t.nodeName))
    .sort((a, b) => (a.batchIndex ?? 0) - (b.batchIndex ?? 0));
  for (const t of tasks) out[t.nodeName].push({ batchIndex: t.batchIndex, state: t.state, result: t.result });
  return out;
}

export function resultTasksOf(events: JobEvent[]): ResultTask[] {
  return tasksOf(events).map((t) => ({ nodeName: t.nodeName, algorithmName: t.algorithmName, batchIndex: t.batchIndex, state: t.state, result: t.result, error: t.error }));
}

/** A job's event history plus the commit loop of JobStore, all in memory. */
export class JobHarness {
  readonly events: JobEvent[] = [];

  private constructor(
    readonly spec: PipelineSpec,
    readonly ctx: DecideContext,
  ) {}

  static submit(body: Record<string, unknown>, ctx: DecideContext = context()): JobHarness {
    const spec = pipeline(body);
    const h = new JobHarness(spec, ctx);
    h.commit(decideSubmit(spec, JOB_ID, ctx));
    return h;
  }

  get state(): JobSummary {
    return stateOf(this.events);
  }

  get tasks(): TestTask[] {
    return tasksOf(this.events);
  }

  task(nodeName: string, batchIndex: number | null = null): TestTask {
    const t = this.tasks.find((x) => x.nodeName === nodeName && x.batchIndex === batchIndex);
    if (!t) throw new Error(`no task ${nodeName}#${batchIndex}`);
    return t;
  }

  /** Records decided events, then advances the job until advance() has nothing more to say. Returns everything recorded. */
  commit(decided: JobEvent[]): JobEvent[] {
    const recorded: JobEvent[] = [];
    let events = decided;
    while (events.length > 0) {
      this.events.push(...events);
      recorded.push(...events);
      const job = this.state;
      const needs = advanceNeeds(job);
      events = advance(job, { spec: needs.spec ? this.spec : undefined, results: nodeResultsOf(this.events, needs.nodes) }, this.ctx);
    }
    return recorded;
  }

  /** Acquires up to max pending tasks (batch order) for a worker, with a 30 s lease at ctx.now. */
  acquire(workerName: string, max: number, nodeName?: string): JobEvent[] {
    const pending = this.tasks.filter((t) => t.state === 'pending' && (nodeName === undefined || t.nodeName === nodeName)).slice(0, max);
    return this.commit(decideAcquire(this.state, pending, { workerName, leaseSeconds: 30, now: this.ctx.now }));
  }

  complete(nodeName: string, batchIndex: number | null, result: unknown): JobEvent[] {
    const t = this.task(nodeName, batchIndex);
    return this.commit(decideComplete(this.state, t, { workerName: t.workerName!, result, now: this.ctx.now }));
  }

  fail(nodeName: string, batchIndex: number | null, error: unknown, retryable = false): JobEvent[] {
    const t = this.task(nodeName, batchIndex);
    return this.commit(decideFail(this.state, t, { workerName: t.workerName!, error, retryable, now: this.ctx.now }));
  }
}

/** Event builders for given-lists, with defaults that match context(): worker w1, 30 s leases from NOW. */
export const ev = {
  submitted(spec: PipelineSpec, jobId: string = JOB_ID): JobEvent {
    return decideSubmit(spec, jobId, context())[0];
  },
  expanded(nodeName: string, algorithmName: string, tasks: Array<{ taskId: string; input: unknown[] }>, batch = true): JobEvent {
    return jobEvent('node.expanded', {
      nodeName,
      algorithmName,
      batch,
      tasks: tasks.map((t, i) => ({ taskId: t.taskId, batchIndex: batch ? i + 1 : null, input: t.input })),
    });
  },
  started(): JobEvent {
    return jobEvent('job.started', {});
  },
  acquired(taskId: string, nodeName: string, attempt = 1, workerName = 'w1', leaseExpiry = after(30).toISOString()): JobEvent {
    return jobEvent('task.acquired', { taskId, nodeName, workerName, attempt, leaseExpiry });
  },
  extended(taskId: string, nodeName: string, leaseExpiry: string, workerName = 'w1'): JobEvent {
    return jobEvent('task.lease-extended', { taskId, nodeName, workerName, leaseExpiry });
  },
  succeeded(taskId: string, nodeName: string, result: unknown, attempt = 1, workerName = 'w1'): JobEvent {
    return jobEvent('task.succeeded', { taskId, nodeName, workerName, attempt, result });
  },
  retried(taskId: string, nodeName: string, attempt = 1, error: unknown = 'boom', availableAt = AT): JobEvent {
    return jobEvent('task.retried', { taskId, nodeName, attempt, reason: 'worker failure', error, availableAt });
  },
  failed(taskId: string, nodeName: string, error: unknown = 'boom', attempt = 1): JobEvent {
    return jobEvent('task.failed', { taskId, nodeName, attempt, reason: 'worker failure', error });
  },
  completed(): JobEvent {
    return jobEvent('job.completed', {});
  },
  jobFailed(error: string): JobEvent {
    return jobEvent('job.failed', { error });
  },
  stopped(reason: string): JobEvent {
    return jobEvent('job.stopped', { reason });
  },
};

/** Task ids `${prefix}1..n` with inputs [[item]] for a batch of the given items. */
export function batchTasks(prefix: string, items: unknown[]): Array<{ taskId: string; input: unknown[] }> {
  return items.map((item, i) => ({ taskId: `${prefix}${i + 1}`, input: [item] }));
}
