import { Injectable } from '@nestjs/common';
import type { DecideContext } from './domain/job.decide';
import { taskNotFound } from './domain/job.errors';
import type { JobEvent } from './domain/job.events';
import { isFinished, type JobSummary, type Task } from './domain/job.state';
import { JobStore, type CommandMeta } from './job-store.service';
import type { TaskFilter } from './infrastructure/jobs.repository';

/** A worker's report on a task (heartbeat, complete, fail): its events, decided on the task as it is under the lock. */
export interface ReportOp {
  kind: 'report';
  taskId: string;
  decide: (job: JobSummary, task: Task, ctx: DecideContext) => JobEvent[];
  meta: CommandMeta;
}

/** Up to `max` pending tasks of the job for `filter`: the events of their acquisition. */
export interface AcquireOp {
  kind: 'acquire';
  filter: TaskFilter;
  max: number;
  decide: (job: JobSummary, tasks: Task[], ctx: DecideContext) => JobEvent[];
  meta: CommandMeta;
}

/** A change to several tasks of the job at once (the lease sweeper): decided on those of them that exist. */
export interface TasksOp {
  kind: 'tasks';
  taskIds: string[];
  decide: (job: JobSummary, tasks: Task[], ctx: DecideContext) => JobEvent[];
  meta: CommandMeta;
}

export type WriteOp = ReportOp | AcquireOp | TasksOp;

/** The tasks an op reads under the lock (two ops on one task never share a transaction). */
function taskIdsOf(op: WriteOp): string[] {
  return op.kind === 'report' ? [op.taskId] : op.kind === 'tasks' ? op.taskIds : [];
}

/** What an op decided, once committed: the events, and for an acquisition the tasks it was offered. */
export interface Written {
  events: JobEvent[];
  tasks: Task[];
}

interface Remembered {
  jobId: string;
  projectId: string | null | undefined;
}

interface Queued {
  op: WriteOp;
  resolve: (w: Written) => void;
  reject: (err: unknown) => void;
}

/** Most commands one transaction carries. */
const MAX_BATCH = 64;
/**
 * Task -> job ids remembered (a task never changes job), so a report needs no lookup. A task is
 * remembered when it is handed out and forgotten when it leaves its worker (FORGET_ON), so this
 * holds about the tasks in flight; the bound only matters for reports of tasks handed out elsewhere.
 */
const MAX_REMEMBERED_TASKS = 200_000;
/** Events after which no worker holds the task: a later report of it (rare) is looked up again. */
const FORGET_ON: ReadonlySet<string> = new Set(['task.succeeded', 'task.failed', 'task.retried', 'task.released']);

/**
 * Group commit per job. Every change to a job is serialised on its row lock; a command that
 * takes the lock alone holds it for a round trip to decide and one to write and commit, so many
 * workers on one big job used to queue on it one by one. Here the commands of one job that
 * arrive while a transaction of that job is in flight wait in this instance and go together in
 * the next: one lock, one read of all their tasks, then each decided (pure, on the job as the
 * previous one left it) and committed in order through JobStore.commit, so the stream's versions,
 * the projections and the outbox are exactly as if they had run one after another (the jobs row
 * is written once, with the last summary). A lone
 * command goes at once (no added wait).
 *
 * A command whose decision is refused (a domain error: lease lost, task not active) fails alone.
 * If the transaction itself fails, each of its commands is tried again alone, so one bad command
 * never fails the others. Two reports on the same task never share a transaction.
 */
@Injectable()
export class JobWriter {
  private readonly lanes = new Map<string, Queued[]>();
  private readonly jobOfTask = new Map<string, Remembered>();

  constructor(private readonly store: JobStore) {}

  /**
   * Remembers which job these tasks belong to (acquisitions name them), and the job's project
   * when known (null: none; undefined: not known here, looked up when a project key asks).
   */
  remember(jobId: string, taskIds: string[], projectId?: string | null): void {
    for (const id of taskIds) {
      if (this.jobOfTask.size >= MAX_REMEMBERED_TASKS) this.jobOfTask.delete(this.jobOfTask.keys().next().value!);
      this.jobOfTask.set(id, { jobId, projectId });
    }
  }

  /** How many tasks' jobs are remembered (about the tasks in flight on this instance). */
  rememberedTasks(): number {
    return this.jobOfTask.size;
  }

  /** What is remembered of a task for a caller of `projectId` (null: every project): its job, none (not its project's), or unknown. */
  private known(taskId: string, projectId: string | null): string | false | undefined {
    const r = this.jobOfTask.get(taskId);
    if (!r) return undefined;
    if (projectId === null) return r.jobId;
    if (r.projectId === undefined) return undefined;
    return r.projectId === projectId ? r.jobId : false;
  }

  /**
   * The job a task belongs to; undefined for an unknown task. With `projectId` (a project key's
   * worker), only a task of that project's jobs: another project's task is unknown.
   */
  async jobOf(taskId: string, projectId: string | null = null): Promise<string | undefined> {
    const known = this.known(taskId, projectId);
    if (known !== undefined) return known || undefined;
    const jobId = await this.store.repo.jobIdOfTask(this.store.db, taskId, projectId);
    if (jobId) this.remember(jobId, [taskId], projectId ?? undefined);
    return jobId;
  }

  /** The jobs of many tasks: remembered ones, the rest in one lookup (unknown tasks, and with `projectId` other projects' tasks, are absent). */
  async jobsOf(taskIds: string[], projectId: string | null = null): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of taskIds) {
      const known = this.known(id, projectId);
      if (known) found.set(id, known);
      else if (known === undefined) missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const [taskId, jobId] of await this.store.repo.jobIdsOfTasks(this.store.db, missing, projectId)) {
      this.remember(jobId, [taskId], projectId ?? undefined);
      found.set(taskId, jobId);
    }
    return found;
  }

  /** Runs a report on its task's job; an unknown task (or, with `projectId`, another project's) is a 404. */
  async report(op: ReportOp, projectId: string | null = null): Promise<Written> {
    const jobId = await this.jobOf(op.taskId, projectId);
    if (!jobId) throw taskNotFound(op.taskId);
    return this.write(jobId, op);
  }

  write(jobId: string, op: WriteOp): Promise<Written> {
    return new Promise<Written>((resolve, reject) => {
      const lane = this.lanes.get(jobId);
      if (lane) {
        lane.push({ op, resolve, reject });
        return;
      }
      this.lanes.set(jobId, [{ op, resolve, reject }]);
      void this.drain(jobId);
    });
  }

  private async drain(jobId: string): Promise<void> {
    const lane = this.lanes.get(jobId)!;
    while (lane.length > 0) {
      const batch = takeBatch(lane);
      try {
        await this.run(jobId, batch);
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        // Each again alone: the failure is one command's, or the database's (then each says so).
        else for (const q of batch) await this.run(jobId, [q]).catch((e: unknown) => q.reject(e));
      }
    }
    this.lanes.delete(jobId);
  }

  /** One transaction for the batch; settles each command once it has committed. */
  private async run(jobId: string, batch: Queued[]): Promise<void> {
    const { store } = this;
    const outcomes = await store.db.tx(async (tx) => {
      const ctx = store.context();
      const taskIds = batch.flatMap((q) => taskIdsOf(q.op));
      const acquires = groupAcquires(batch);
      // All in one flight: the lock first, then what the commands decide on (read under it).
      const [job, tasks, ...offered] = await Promise.all([
        store.lock(tx, jobId),
        store.repo.getTasks(tx, taskIds),
        ...[...acquires.values()].map((g) => store.repo.lockPendingTasks(tx, jobId, g.filter, ctx.now, g.total)),
      ]);
      const byId = new Map(tasks.map((t) => [t.taskId, t]));
      const pools = new Map([...acquires.keys()].map((k, i) => [k, offered[i]]));
      const claimed = new Set<string>();
      const outcomes: Array<{ q: Queued; written?: Written; error?: unknown }> = [];
      let current = job;
      for (const q of batch) {
        if (!current) {
          // Gone (retention): a report's task is unknown; an acquisition or a sweep finds nothing here.
          if (q.op.kind === 'report') outcomes.push({ q, error: taskNotFound(q.op.taskId) });
          else outcomes.push({ q, written: { events: [], tasks: [] } });
          continue;
        }
        let events: JobEvent[];
        let given: Task[] = [];
        try {
          if (q.op.kind === 'report') {
            const task = byId.get(q.op.taskId);
            if (!task || task.jobId !== jobId) throw taskNotFound(q.op.taskId);
            events = q.op.decide(current, task, ctx);
          } else if (q.op.kind === 'tasks') {
            const mine = q.op.taskIds.flatMap((id) => {
              const t = byId.get(id);
              return t && t.jobId === jobId ? [t] : [];
            });
            events = q.op.decide(current, mine, ctx);
          } else {
            if (isFinished(current.status)) {
              outcomes.push({ q, written: { events: [], tasks: [] } });
              continue;
            }
            given = pools.get(filterKey(q.op.filter))!.filter((t) => !claimed.has(t.taskId)).slice(0, q.op.max);
            events = q.op.decide(current, given, ctx);
            for (const e of events) if (e.type === 'task.acquired') claimed.add(e.data.taskId);
          }
        } catch (err) {
          outcomes.push({ q, error: err }); // refused: nothing written for it
          continue;
        }
        if (events.length > 0) current = await store.commit(tx, current, events, ctx, q.op.meta, false);
        outcomes.push({ q, written: { events, tasks: given } });
      }
      // The jobs row once, with the summary the last command left (one row version per transaction).
      if (current && current !== job) tx.defer(store.repo.updateJob(tx, current));
      return outcomes;
    });
    for (const o of outcomes) {
      if (o.written) {
        for (const e of o.written.events) if (FORGET_ON.has(e.type)) this.jobOfTask.delete((e.data as { taskId: string }).taskId);
        o.q.resolve(o.written);
      } else o.q.reject(o.error);
    }
  }
}

/** The next commands of a lane, in order, leaving for later one on a task already in the batch. */
function takeBatch(lane: Queued[]): Queued[] {
  const batch: Queued[] = [];
  const tasks = new Set<string>();
  for (let i = 0; i < lane.length && batch.length < MAX_BATCH; ) {
    const ids = taskIdsOf(lane[i].op);
    if (ids.some((id) => tasks.has(id))) {
      i++;
      continue;
    }
    for (const id of ids) tasks.add(id);
    batch.push(lane.splice(i, 1)[0]);
  }
  return batch;
}

function filterKey(f: TaskFilter): string {
  return JSON.stringify([f.algorithmNames ?? null, f.queues ?? null]);
}

/** Acquisitions with the same filter share one read of as many pending tasks as they ask for together. */
function groupAcquires(batch: Queued[]): Map<string, { filter: TaskFilter; total: number }> {
  const groups = new Map<string, { filter: TaskFilter; total: number }>();
  for (const { op } of batch) {
    if (op.kind !== 'acquire') continue;
    const key = filterKey(op.filter);
    const g = groups.get(key);
    if (g) g.total += op.max;
    else groups.set(key, { filter: op.filter, total: op.max });
  }
  return groups;
}
