import type { Level, NewEvent } from '../../event-store/event.types';
import type { JobKind, JobOptions, PipelineSpec, RetryPolicy } from './pipeline.types';

/** Stream type of job streams in the event store; the stream id is the jobId. */
export const JOB_STREAM = 'job';

export interface NodeDefinition {
  nodeName: string;
  algorithmName: string;
  deps: string[];
  retry: RetryPolicy;
  leaseSeconds?: number;
  kind?: 'webhook';
}

export interface CreatedTask {
  taskId: string;
  /** 1-based position in the node's batch; null for a node without batch input. */
  batchIndex: number | null;
  input: unknown;
}

/**
 * A caching run (HKube's exec/caching): the job it takes results from, the node it runs from,
 * and the first job of the chain (HKube's rootJobId: the job itself unless it was a caching run).
 */
export interface CachedFrom {
  jobId: string;
  nodeName: string;
  rootJobId: string;
}

/** An item of a node a caching run does not run: as the job it is taken from recorded it. */
export interface CachedTask {
  taskId: string;
  batchIndex: number | null;
  state: 'succeed' | 'failed';
  input: unknown;
  result: unknown;
  error?: unknown;
  /** Webhook stages: the context its dependants' `@node.context` read. */
  context?: unknown;
}

/** A node a caching run takes completed, with every one of its items. */
export interface CachedNode {
  nodeName: string;
  batch: boolean;
  tasks: CachedTask[];
}

export type JobEventMap = {
  'job.submitted': {
    jobId: string;
    kind: JobKind;
    pipeline: string;
    priority: number;
    options: JobOptions;
    nodes: NodeDefinition[];
    ttlExpiresAt: string;
    spec: PipelineSpec;
    /** A caching run: where its cached nodes come from, and those nodes (completed at submission). */
    cachedFrom?: CachedFrom;
    cached?: CachedNode[];
    /** concurrentPipelines with rejectOnFailure false, over the limit: held back until job.admitted. */
    waiting?: true;
  };
  /** A waiting job's turn came (a job of its pipeline ended): its entry nodes expand. */
  'job.admitted': Record<string, never>;
  'node.expanded': { nodeName: string; algorithmName: string; batch: boolean; tasks: CreatedTask[]; kind?: 'webhook' };
  'job.started': Record<string, never>;
  'task.acquired': { taskId: string; nodeName: string; workerName: string; attempt: number; leaseExpiry: string };
  'task.lease-extended': { taskId: string; nodeName: string; workerName: string; leaseExpiry: string };
  'task.succeeded': { taskId: string; nodeName: string; workerName: string; attempt: number; result: unknown; context?: unknown };
  'task.retried': {
    taskId: string;
    nodeName: string;
    attempt: number;
    reason: 'lease expired' | 'worker failure';
    error: unknown;
    availableAt: string;
  };
  /** The worker handed the task back (a worker stopping): pending again at once, no retry spent. */
  'task.released': { taskId: string; nodeName: string; workerName: string; attempt: number; released: number };
  'task.failed': { taskId: string; nodeName: string; attempt: number; reason: 'lease expired' | 'worker failure' | 'stage failure'; error: unknown; context?: unknown };
  /** Webhook stages (seed 004): Herald's own calls, in the job's stream. */
  'stage.started': { taskId: string; nodeName: string; url: string; method: string };
  'stage.called': StageCall;
  'stage.retrying': { taskId: string; nodeName: string; phase: StagePhase; attempt: number; reason: string; retryAt: string };
  'stage.finished': { taskId: string; nodeName: string; outcome: 'succeeded' | 'failed' | 'canceled'; error?: string };
  'stage.cancel-sent': { taskId: string; nodeName: string; url: string; method: string; statusCode: number | null; error: string | null };
  'job.completed': Record<string, never>;
  /** nodeName: the node whose task failure ended the job (absent in older events). */
  'job.failed': { error: string; nodeName?: string };
  'job.stopped': { reason: string };
  /** HKube's pause: no task of the job is handed out until job.resumed (leased ones run on). */
  'job.paused': Record<string, never>;
  'job.resumed': Record<string, never>;
};

export type StagePhase = 'create' | 'monitor';

export interface StageCall {
  taskId: string;
  nodeName: string;
  phase: StagePhase;
  method: string;
  url: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  monitor?: { percentComplete?: number; progressMessage?: string; resolvedValue?: unknown };
}

export type JobEventType = keyof JobEventMap;
export type JobEvent = { [T in JobEventType]: { type: T; data: JobEventMap[T] } }[JobEventType];

/** Verbosity of each event type (issue contract). */
export const EVENT_LEVEL: Record<JobEventType, Level> = {
  'job.submitted': 'info',
  'job.admitted': 'info',
  'node.expanded': 'debug',
  'job.started': 'info',
  'task.acquired': 'debug',
  'task.lease-extended': 'debug',
  'task.succeeded': 'debug',
  'task.retried': 'warn',
  'task.released': 'debug',
  'task.failed': 'warn',
  'stage.started': 'info',
  'stage.called': 'debug',
  'stage.retrying': 'warn',
  'stage.finished': 'info',
  'stage.cancel-sent': 'info',
  'job.completed': 'info',
  'job.failed': 'error',
  'job.stopped': 'info',
  'job.paused': 'info',
  'job.resumed': 'info',
};

export function jobEvent<T extends JobEventType>(type: T, data: JobEventMap[T]): JobEvent {
  return { type, data } as JobEvent;
}

export function toNewEvent(event: JobEvent, meta: { actor?: string; correlationId?: string; causationId?: string } = {}): NewEvent {
  return { type: event.type, data: event.data, metadata: { level: EVENT_LEVEL[event.type], ...meta } };
}
