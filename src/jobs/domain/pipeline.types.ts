import type { Level } from '../../event-store/event.types';
import type { WebhookStageSpec } from '../../stages/domain/webhook-stage.types';

/** A job is a pipeline of nodes; a request on a named queue is a pipeline of one node. */
export type JobKind = 'pipeline' | 'queue';

export interface RetryPolicy {
  /** Retries after the first attempt (a task runs at most limit + 1 times). */
  limit: number;
  /** Delay before a retried task can be acquired again, in seconds. */
  delaySeconds: number;
  /** Doubles the delay after each attempt when true. */
  backoff: boolean;
}

export interface NodeSpec {
  nodeName: string;
  algorithmName: string;
  /** Raw input expressions, as submitted. */
  input: unknown[];
  /** How batch inputs combine (HKube): "indexed" (zipped, the default) or "cartesian". */
  batchOperation?: 'indexed' | 'cartesian';
  retry: RetryPolicy;
  /** Queue requests: the single task's input, taken verbatim (never parsed as expressions). */
  payload?: unknown;
  /** Default lease for this node's tasks when the worker does not ask for one (queue setting). */
  leaseSeconds?: number;
  /** A node Herald runs itself (seed 004): no worker acquires its tasks. */
  kind?: 'webhook';
  webhook?: WebhookStageSpec;
  /** Nodes the stage's expressions read (it waits for them, like for its inputs). */
  reads?: string[];
}

export interface JobOptions {
  progressVerbosityLevel: Level;
  /** Percentage (0-100) of failed batch items in one node at which the job fails (0: the first failure). */
  batchTolerance: number;
  /** Seconds until an unfinished job is stopped with reason "ttl expired"; 0: Herald's longest ttl (HKube: none). */
  ttl: number;
  /** HKube's activeTtl: seconds a started job may stay unfinished (from job.started), then it is stopped. */
  activeTtl?: number;
  /** HKube's concurrentPipelines: at most `amount` unfinished jobs of this pipeline in the project. */
  concurrentPipelines?: ConcurrentPipelines;
}

/**
 * Over the limit, a submission is refused (rejectOnFailure, HKube's default) or waits, pending
 * with no task handed out, until a job of the pipeline ends. Without amount (HKube allows it) there is no limit.
 */
export interface ConcurrentPipelines {
  amount?: number;
  rejectOnFailure: boolean;
}

export interface WebhookTargets {
  progress?: string;
  result?: string;
  /** Queue requests: lifecycle webhook (seed 001). */
  lifecycle?: string;
  /** Queue requests submitted on the fal routes with ?fal_webhook=: fal's webhook body when the request ends. */
  fal?: string;
  secret?: string;
  headers?: Record<string, string>;
}

/** A validated, normalised job request. Stored whole in the job.submitted event. */
export interface PipelineSpec {
  kind: JobKind;
  name: string;
  nodes: NodeSpec[];
  flowInput?: Record<string, unknown>;
  webhooks?: WebhookTargets;
  options: JobOptions;
  /** 1 (most urgent) to 5; default 3. */
  priority: number;
  /** Optional grouping for project / batch webhooks and notification routings. */
  projectId?: string;
  batchId?: string;
}

export const DEFAULT_RETRY: RetryPolicy = { limit: 3, delaySeconds: 0, backoff: false };
export const DEFAULT_OPTIONS: JobOptions = { progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 3600 };
export const DEFAULT_PRIORITY = 3;

/** Bounds of a pipeline request, shared by its validator and its OpenAPI shape. */
export const PIPELINE_LIMITS = {
  nodes: 1000,
  /** HKube's swagger: algorithm names are at most 32 characters. */
  algorithmName: 32,
  name: 128,
  priority: { min: 1, max: 5 },
  batchTolerance: { min: 0, max: 100 },
  ttlSeconds: { min: 0, max: 30 * 86_400 },
  /** HKube: an integer >= 1 (no maximum); Herald's bound is its longest ttl. */
  activeTtlSeconds: { min: 1, max: 30 * 86_400 },
  /** HKube's swagger: concurrentPipelines.amount 1-10000. */
  concurrentPipelines: { min: 1, max: 10_000 },
  retryLimit: { min: 0, max: 100 },
  retryDelaySeconds: { min: 0, max: 86_400 },
} as const;

/** The spec with its project set (a project key's jobs are its project's). */
export function withProject(spec: PipelineSpec, projectId: string | undefined): PipelineSpec {
  if (projectId === spec.projectId) return spec;
  const { projectId: _old, ...rest } = spec;
  return projectId === undefined ? rest : { ...rest, projectId };
}
