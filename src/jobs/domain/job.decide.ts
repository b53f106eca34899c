import { ValidationError } from '../../common/domain-error';
import { expandNodeInput, InputResolutionError, type NodeOutput } from './input-expand';
import { formatInputPath, parseNodeInput, pathGet, referencedNodes } from './input-expression';
import { toleranceFailure } from './batch-tolerance';
import { expiryReason } from './job-deadlines';
import { jobEvent, type JobEvent } from './job.events';
import { jobAlreadyPaused, jobNotPaused, jobNotRunning, leaseExpired, leaseNotHeld, taskNotActive } from './job.errors';
import { isFinished, isNodeDone, type JobSummary, type NodeSummary, type Task, type TaskState } from './job.state';
import { PIPELINE_LIMITS, type PipelineSpec } from './pipeline.types';

/** Time and identity come in from outside: deciders stay pure and replayable. */
export interface DecideContext {
  now: Date;
  newId: () => string;
}

const iso = (d: Date) => d.toISOString();
const plusSeconds = (d: Date, s: number) => new Date(d.getTime() + Math.round(s * 1000));

// ---------------------------------------------------------------- submit

/**
 * Validates references into flowInput against the submitted flowInput (a bad one is a 400, in
 * HKube's words: "unable to find flowInput.x").
 */
function checkFlowInput(spec: PipelineSpec): void {
  const problems: Array<{ path: string; message: string }> = [];
  spec.nodes.forEach((node, i) => {
    if (node.payload !== undefined) return;
    for (const { path, expression: e } of parseNodeInput(node.input)) {
      if (e.kind !== 'flow') continue;
      const got = pathGet(spec.flowInput ?? {}, e.path);
      const label = ['flowInput', ...e.path].join('.');
      if (!got.found) problems.push({ path: `nodes[${i}].input${formatInputPath(path)}`, message: `unable to find ${label}` });
      else if (e.batch && !Array.isArray(got.value)) problems.push({ path: `nodes[${i}].input${formatInputPath(path)}`, message: `#@${label} is not an array` });
    }
  });
  if (problems.length) throw new ValidationError(problems[0].message, problems);
}

/** Seconds until the job is stopped: ttl 0 (HKube: no ttl) is Herald's longest ttl. */
const ttlOf = (spec: PipelineSpec) => spec.options.ttl || PIPELINE_LIMITS.ttlSeconds.max;

export function decideSubmit(spec: PipelineSpec, jobId: string, ctx: DecideContext): JobEvent[] {
  checkFlowInput(spec);
  return [
    jobEvent('job.submitted', {
      jobId,
      kind: spec.kind,
      pipeline: spec.name,
      priority: spec.priority,
      options: spec.options,
      nodes: spec.nodes.map((n) => ({
        nodeName: n.nodeName,
        algorithmName: n.algorithmName,
        deps: n.payload !== undefined ? [] : [...new Set([...referencedNodes(parseNodeInput(n.input)), ...(n.reads ?? [])])],
        retry: n.retry,
        ...(n.leaseSeconds !== undefined ? { leaseSeconds: n.leaseSeconds } : {}),
        ...(n.kind !== undefined ? { kind: n.kind } : {}),
      })),
      ttlExpiresAt: iso(plusSeconds(ctx.now, ttlOf(spec))),
      spec,
    }),
  ];
}

// ---------------------------------------------------------------- advance

/** Results of a finished node's tasks, in batch order: what later nodes read as its output. */
export type NodeResults = Array<{ batchIndex: number | null; state: TaskState; result: unknown; context?: unknown }>;

export interface AdvanceInputs {
  spec?: PipelineSpec;
  results: Record<string, NodeResults>;
}

function readyNodes(job: JobSummary): NodeSummary[] {
  const byName = new Map(job.nodes.map((n) => [n.nodeName, n]));
  return job.nodes.filter((n) => !n.expanded && !n.skipped && n.deps.every((d) => isNodeDone(byName.get(d)!)));
}

/** What advance() needs loaded before it can run: the spec and results of finished dependencies. */
export function advanceNeeds(job: JobSummary): { spec: boolean; nodes: string[] } {
  if (isFinished(job.status) || job.status === 'paused' || job.waiting) return { spec: false, nodes: [] };
  const ready = readyNodes(job);
  return { spec: ready.length > 0, nodes: [...new Set(ready.flatMap((n) => n.deps))] };
}

export function nodeOutput(node: NodeSummary, results: NodeResults): unknown {
  const value = (r: NodeResults[number]) => (r.state === 'succeed' ? r.result : null);
  if (node.batch) return [...results].sort((a, b) => (a.batchIndex ?? 0) - (b.batchIndex ?? 0)).map(value);
  return results.length > 0 ? value(results[0]) : null;
}

/** A finished node's items as its dependants' inputs read them (input-expand.ts), in batch order. */
export function nodeOutputItems(node: NodeSummary, results: NodeResults): NodeOutput {
  const sorted = node.batch ? [...results].sort((a, b) => (a.batchIndex ?? 0) - (b.batchIndex ?? 0)) : results.slice(0, 1);
  return { batch: node.batch, items: sorted.map((r) => ({ succeeded: r.state === 'succeed', result: r.state === 'succeed' ? r.result : null })) };
}

/** A webhook stage's context, as `@hook.context...` reads it: per item for a batch node. */
export function nodeContext(node: NodeSummary, results: NodeResults): unknown {
  if (node.batch) return [...results].sort((a, b) => (a.batchIndex ?? 0) - (b.batchIndex ?? 0)).map((r) => r.context ?? null);
  return results[0]?.context ?? null;
}

/**
 * One step of the job's progress after something changed: fail on batch tolerance, expand every
 * node whose dependencies are done, or complete the job. Called until it returns nothing.
 * A paused job does not progress (no node expands, it does not complete or fail on tolerance):
 * what its leased tasks report while paused is applied on job.resumed. A job waiting for its turn
 * (concurrentPipelines) does not start: its entry nodes expand on job.admitted.
 */
export function advance(job: JobSummary, inputs: AdvanceInputs, ctx: DecideContext): JobEvent[] {
  if (isFinished(job.status) || job.status === 'paused' || job.waiting) return [];
  const failure = toleranceFailure(job);
  if (failure) return [failure];
  const ready = readyNodes(job);
  if (ready.length > 0) {
    if (!inputs.spec) throw new Error('advance needs the pipeline spec to expand nodes');
    const byName = new Map(job.nodes.map((n) => [n.nodeName, n]));
    const events: JobEvent[] = [];
    for (const node of ready) {
      const spec = inputs.spec.nodes.find((n) => n.nodeName === node.nodeName)!;
      if (spec.payload !== undefined) {
        events.push(jobEvent('node.expanded', { nodeName: node.nodeName, algorithmName: node.algorithmName, batch: false, tasks: [{ taskId: ctx.newId(), batchIndex: null, input: spec.payload }] }));
        continue;
      }
      const outputOf = (name: string) => nodeOutputItems(byName.get(name)!, inputs.results[name] ?? []);
      const contextOf = (name: string) => (byName.get(name)!.kind === 'webhook' ? nodeContext(byName.get(name)!, inputs.results[name] ?? []) : undefined);
      try {
        const { batch, inputs: taskInputs } = expandNodeInput(spec.input, { flowInput: inputs.spec.flowInput, outputOf, contextOf }, spec.batchOperation);
        events.push(
          jobEvent('node.expanded', {
            nodeName: node.nodeName,
            algorithmName: node.algorithmName,
            batch,
            tasks: taskInputs.map((input, i) => ({ taskId: ctx.newId(), batchIndex: batch ? i + 1 : null, input })),
            ...(spec.kind !== undefined ? { kind: spec.kind } : {}),
          }),
        );
      } catch (err) {
        if (!(err instanceof InputResolutionError)) throw err;
        return [jobEvent('job.failed', { error: `node ${node.nodeName}: ${err.message}` })];
      }
    }
    return events;
  }
  if (job.nodes.every(isNodeDone)) return [jobEvent('job.completed', {})];
  return [];
}

// ---------------------------------------------------------------- workers

export interface LeaseCommand {
  workerName: string;
  /** Absent: the node's default lease (queue setting), else 30 s. */
  leaseSeconds?: number;
  now: Date;
  /** The attempt the worker was given; when present it must still be the task's current one. */
  attempt?: number;
}

export const DEFAULT_LEASE_SECONDS = 30;

function leaseOf(job: JobSummary, nodeName: string, asked: number | undefined): number {
  return asked ?? job.nodes.find((n) => n.nodeName === nodeName)?.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
}

export function decideAcquire(job: JobSummary, tasks: Task[], cmd: LeaseCommand): JobEvent[] {
  // A paused job's pending tasks are not offered (the projection keeps them unavailable); this is the rule itself.
  if (isFinished(job.status) || job.status === 'paused') return [];
  const pending = tasks.filter((t) => t.state === 'pending');
  if (pending.length === 0) return [];
  const events: JobEvent[] = job.status === 'pending' ? [jobEvent('job.started', {})] : [];
  for (const t of pending) {
    const leaseExpiry = iso(plusSeconds(cmd.now, leaseOf(job, t.nodeName, cmd.leaseSeconds)));
    events.push(jobEvent('task.acquired', { taskId: t.taskId, nodeName: t.nodeName, workerName: cmd.workerName, attempt: t.attempt + 1, leaseExpiry }));
  }
  return events;
}

/** The worker must hold a live lease on an active task; otherwise 409 and nothing changes. */
function assertLeaseHolder(job: JobSummary, task: Task, workerName: string, now: Date, attempt?: number): void {
  if (task.state !== 'active') throw taskNotActive(task.taskId, task.state, job.status);
  // The attempt number (optional) fences a worker that re-acquired the task under the same name.
  if (task.workerName !== workerName || (attempt !== undefined && attempt !== task.attempt)) throw leaseNotHeld(task.taskId);
  if (task.leaseExpiry && new Date(task.leaseExpiry).getTime() <= now.getTime()) throw leaseExpired(task.taskId, task.leaseExpiry);
}

export function decideHeartbeat(job: JobSummary, task: Task, cmd: LeaseCommand): JobEvent[] {
  assertLeaseHolder(job, task, cmd.workerName, cmd.now, cmd.attempt);
  return [
    jobEvent('task.lease-extended', {
      taskId: task.taskId,
      nodeName: task.nodeName,
      workerName: cmd.workerName,
      leaseExpiry: iso(plusSeconds(cmd.now, leaseOf(job, task.nodeName, cmd.leaseSeconds))),
    }),
  ];
}

export function decideComplete(job: JobSummary, task: Task, cmd: { workerName: string; result: unknown; now: Date; attempt?: number }): JobEvent[] {
  assertLeaseHolder(job, task, cmd.workerName, cmd.now, cmd.attempt);
  return [jobEvent('task.succeeded', { taskId: task.taskId, nodeName: task.nodeName, workerName: cmd.workerName, attempt: task.attempt, result: cmd.result ?? null })];
}

/**
 * Longest retry delay: the longest ttl (30 days). A later retry could never run before the job is
 * stopped, and an uncapped backoff (2^attempt) overflows Date and throws in toISOString().
 */
const MAX_RETRY_DELAY_SECONDS = 30 * 86_400;

function retryOrFail(job: JobSummary, task: Task, reason: 'lease expired' | 'worker failure', error: unknown, retryable: boolean, now: Date): JobEvent {
  const node = job.nodes.find((n) => n.nodeName === task.nodeName)!;
  const retry = node.retry;
  // Acquisitions handed back (release) spent no retry.
  const spent = task.attempt - task.released;
  if (retryable && spent <= retry.limit) {
    const delay = Math.min(retry.delaySeconds * (retry.backoff ? 2 ** (spent - 1) : 1), MAX_RETRY_DELAY_SECONDS);
    return jobEvent('task.retried', {
      taskId: task.taskId,
      nodeName: task.nodeName,
      attempt: task.attempt,
      reason,
      error,
      availableAt: iso(plusSeconds(now, delay)),
    });
  }
  return jobEvent('task.failed', { taskId: task.taskId, nodeName: task.nodeName, attempt: task.attempt, reason, error });
}

export function decideFail(
  job: JobSummary,
  task: Task,
  cmd: { workerName: string; error: unknown; retryable: boolean; now: Date; attempt?: number },
): JobEvent[] {
  assertLeaseHolder(job, task, cmd.workerName, cmd.now, cmd.attempt);
  return [retryOrFail(job, task, 'worker failure', cmd.error, cmd.retryable, cmd.now)];
}

/**
 * The worker hands the task back (it is stopping): pending again at once, for any worker; the
 * acquisition is not a retry spent. The attempt number still goes up at the next acquisition,
 * so a late report of the released lease is refused like any earlier lease's.
 */
export function decideRelease(job: JobSummary, task: Task, cmd: { workerName: string; now: Date; attempt?: number }): JobEvent[] {
  assertLeaseHolder(job, task, cmd.workerName, cmd.now, cmd.attempt);
  return [jobEvent('task.released', { taskId: task.taskId, nodeName: task.nodeName, workerName: cmd.workerName, attempt: task.attempt, released: task.released + 1 })];
}

/** Found by the service itself: active tasks whose lease ran out go back to pending or fail. */
export function decideExpireLeases(job: JobSummary, tasks: Task[], now: Date): JobEvent[] {
  if (isFinished(job.status)) return [];
  return tasks
    .filter((t) => t.state === 'active' && t.leaseExpiry !== null && new Date(t.leaseExpiry).getTime() <= now.getTime())
    .map((t) => retryOrFail(job, t, 'lease expired', { message: `lease held by ${t.workerName} expired at ${t.leaseExpiry}` }, true, now));
}

// ---------------------------------------------------------------- stop and ttl

export function decideStop(job: JobSummary, reason: string | undefined): JobEvent[] {
  if (isFinished(job.status)) throw jobNotRunning(job.jobId, job.status);
  return [jobEvent('job.stopped', { reason: reason?.trim() || 'stopped due to request' })];
}

/** HKube's pause: a running job hands out no more tasks; leased ones may still be reported. */
export function decidePause(job: JobSummary): JobEvent[] {
  if (isFinished(job.status)) throw jobNotRunning(job.jobId, job.status);
  if (job.status === 'paused') throw jobAlreadyPaused(job.jobId, job.pipeline);
  return [jobEvent('job.paused', {})];
}

/** HKube's resume: only a paused job; its tasks are handed out again (and it advances: see advance). */
export function decideResume(job: JobSummary): JobEvent[] {
  if (job.status !== 'paused') throw jobNotPaused(job.jobId, job.pipeline, job.status);
  return [jobEvent('job.resumed', {})];
}

/** A job past its ttl, or past its activeTtl since it started, is stopped (reason: which one). */
export function decideTtl(job: JobSummary, now: Date): JobEvent[] {
  if (isFinished(job.status)) return [];
  const reason = expiryReason(job, now);
  return reason === undefined ? [] : [jobEvent('job.stopped', { reason })];
}
