import type { Level } from '../../event-store/event.types';
import type { CachedFrom } from './job.events';
import type { JobKind, JobOptions, RetryPolicy } from './pipeline.types';

/** `paused` (HKube's name): not finished, hands out no tasks until resumed. */
export type JobStatus = 'pending' | 'active' | 'paused' | 'completed' | 'failed' | 'stopped';
export type TaskState = 'pending' | 'active' | 'succeed' | 'failed' | 'skipped' | 'stopped';
/** Counted states: task states, plus `creating` for a node not yet expanded (one entry each). */
export type CountedState = TaskState | 'creating';

/** Order used in the status `details` string. */
export const DETAIL_ORDER: CountedState[] = ['succeed', 'failed', 'skipped', 'stopped', 'active', 'pending', 'creating'];

export type Counts = Record<CountedState, number>;

export function zeroCounts(): Counts {
  return { succeed: 0, failed: 0, skipped: 0, stopped: 0, active: 0, pending: 0, creating: 0 };
}

export interface NodeSummary {
  nodeName: string;
  algorithmName: string;
  deps: string[];
  retry: RetryPolicy;
  /** Default lease of this node's tasks (queue setting); absent: 30 s. */
  leaseSeconds?: number;
  /** Run by Herald itself (webhook stage). */
  kind?: 'webhook';
  /** The stage's latest progress text (webhook stages that wait for completion). */
  progress?: string;
  expanded: boolean;
  /** Never expanded because the job ended first. */
  skipped: boolean;
  batch: boolean;
  total: number;
  pending: number;
  active: number;
  succeed: number;
  failed: number;
  stopped: number;
  /** Text of this node's latest failed task (the batch tolerance message quotes it). */
  lastError?: string;
}

/**
 * Everything the status endpoint answers, kept per job and updated in O(nodes) per event
 * (never by scanning tasks). Times are ISO strings so the summary is plain JSON.
 */
export interface JobSummary {
  jobId: string;
  kind: JobKind;
  pipeline: string;
  status: JobStatus;
  priority: number;
  options: JobOptions;
  /** Stream version: the number of events applied. */
  version: number;
  /** Level and time of the last event applied. */
  level: Level;
  timestamp: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  ttlExpiresAt: string;
  /** options.activeTtl after job.started: when the job is stopped if still unfinished. */
  activeExpiresAt?: string;
  /** Held back by options.concurrentPipelines (rejectOnFailure false) until job.admitted. */
  waiting?: true;
  nodes: NodeSummary[];
  counts: Counts;
  /** The job may have webhook subscribers: its events are fanned out to them. */
  watched: boolean;
  projectId?: string;
  batchId?: string;
  error?: string;
  /** A failed job: the node whose task failure ended it (absent for other failures and older events). */
  nodeName?: string;
  reason?: string;
  /** A caching run (exec/caching): the job its cached nodes were taken from, the node it runs from. */
  cachedFrom?: CachedFrom;
}

/** A task as the deciders see it (one row of the tasks read model). */
export interface Task {
  taskId: string;
  jobId: string;
  nodeName: string;
  algorithmName: string;
  batchIndex: number | null;
  input: unknown;
  state: TaskState;
  /** Acquisitions so far (it fences reports of an earlier lease). */
  attempt: number;
  /** Acquisitions handed back by their worker (release): the retries spent are attempt - released. */
  released: number;
  workerName: string | null;
  leaseExpiry: string | null;
  result: unknown;
  error: unknown;
}

export function isFinished(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'stopped';
}

export function isNodeDone(node: NodeSummary): boolean {
  return node.expanded && node.pending === 0 && node.active === 0;
}

export function batchId(nodeName: string, batchIndex: number | null): string | null {
  return batchIndex === null ? null : `${nodeName}#${batchIndex}`;
}
