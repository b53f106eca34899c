import type { Level } from '../../event-store/event.types';
import { batchId, DETAIL_ORDER, type CountedState, type JobStatus, type JobSummary, type TaskState } from './job.state';

/** Wire format of GET /api/v1/exec/status/{jobId} and of the progress webhook (seed 000). */
export interface StatusView {
  jobId: string;
  timestamp: string;
  pipeline: string;
  level: Level;
  status: JobStatus;
  /** Present when the job was submitted with them. */
  projectId?: string;
  batchId?: string;
  /** A failed job: why, and the node whose task failure ended it (when one did). */
  error?: string;
  nodeName?: string;
  /** A stopped job: why ("stopped due to request" unless the caller gave a reason; "ttl expired"). */
  reason?: string;
  /** A completed job, in seconds: from its start by a worker (net) and from its submission (gross). */
  netTimeTook?: number;
  grossTimeTook?: number;
  data: {
    progress: string;
    details: string;
    states: Partial<Record<CountedState, number>>;
    activeNodes: Array<{ nodeName: string; algorithmName: string; batch: { active: number; total: number }; progress?: string }>;
  };
}

/** progress = 100 x (succeed + failed + skipped) / all entries, exactly two decimals. */
export function progressOf(summary: JobSummary): string {
  const c = summary.counts;
  const all = DETAIL_ORDER.reduce((sum, s) => sum + c[s], 0);
  if (all === 0) return summary.status === 'completed' ? '100.00' : '0.00';
  const done = c.succeed + c.failed + c.skipped;
  const progress = ((100 * done) / all).toFixed(2);
  // Never round an unfinished job up to 100% (99,999 of 100,000 done reads 99.99).
  return progress === '100.00' && done < all ? '99.99' : progress;
}

/** Seconds from one ISO time to another, to the millisecond. */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** The engine writes the job's times with its last progress, of a completed job only. */
function timesOf(summary: JobSummary): Pick<StatusView, 'netTimeTook' | 'grossTimeTook'> {
  const end = summary.finishedAt;
  if (summary.status !== 'completed' || end === undefined) return {};
  return {
    ...(summary.startedAt !== undefined ? { netTimeTook: secondsBetween(summary.startedAt, end) } : {}),
    grossTimeTook: secondsBetween(summary.createdAt, end),
  };
}

/** What a finished job says about its end: error and nodeName when failed, reason when stopped. */
function endOf(summary: JobSummary): Pick<StatusView, 'error' | 'nodeName' | 'reason'> {
  if (summary.status === 'failed') return { error: summary.error, ...(summary.nodeName !== undefined ? { nodeName: summary.nodeName } : {}) };
  if (summary.status === 'stopped') return { reason: summary.reason };
  return {};
}

export function renderStatus(summary: JobSummary): StatusView {
  const progress = progressOf(summary);
  const states: Partial<Record<CountedState, number>> = {};
  const parts: string[] = [];
  for (const s of DETAIL_ORDER) {
    if (summary.counts[s] > 0) {
      states[s] = summary.counts[s];
      parts.push(`${summary.counts[s]} ${s}`);
    }
  }
  return {
    jobId: summary.jobId,
    timestamp: summary.timestamp,
    pipeline: summary.pipeline,
    level: summary.level,
    status: summary.status,
    ...(summary.projectId !== undefined ? { projectId: summary.projectId } : {}),
    ...(summary.batchId !== undefined ? { batchId: summary.batchId } : {}),
    ...endOf(summary),
    ...timesOf(summary),
    data: {
      progress,
      details: `${progress}% completed${parts.length ? ', ' + parts.join(', ') : ''}`,
      states,
      // A node with tasks being worked on; batch.active counts its unfinished items (active + pending).
      activeNodes: summary.nodes
        .filter((n) => n.active > 0)
        .map((n) => ({
          nodeName: n.nodeName,
          algorithmName: n.algorithmName,
          batch: { active: n.active + n.pending, total: n.total },
          // A webhook stage that waits for completion shows the remote progress text.
          ...(n.progress !== undefined ? { progress: n.progress } : {}),
        })),
    },
  };
}

export interface ResultTask {
  nodeName: string;
  algorithmName: string;
  batchIndex: number | null;
  state: TaskState;
  result: unknown;
  error: unknown;
  /** Webhook stages: what the stage learnt (request, response, monitor state, buildInfo). */
  context?: unknown;
}

export type ResultEntry =
  | { nodeName: string; batchID?: string; algorithmName: string; result: unknown; context?: unknown }
  | { nodeName: string; batchID?: string; algorithmName: string; error: unknown; context?: unknown };

/** Wire format of GET /api/v1/exec/results/{jobId} and of the result webhook (seed 000). */
export interface ResultsView {
  jobId: string;
  timestamp: string;
  pipeline: string;
  status: JobStatus;
  error?: string;
  nodeName?: string;
  reason?: string;
  /** Seconds from submission to the end of the job. */
  timeTook?: number;
  data: { result: ResultEntry[] };
}

/** Final nodes: nodes no other node reads. Their items, in node then batch order, make the result. */
export function finalNodes(summary: JobSummary): string[] {
  const read = new Set(summary.nodes.flatMap((n) => n.deps));
  return summary.nodes.filter((n) => !read.has(n.nodeName)).map((n) => n.nodeName);
}

export function renderResults(summary: JobSummary, tasks: ResultTask[]): ResultsView {
  const order = new Map(finalNodes(summary).map((name, i) => [name, i]));
  const entries = tasks
    .filter((t) => order.has(t.nodeName))
    .sort((a, b) => order.get(a.nodeName)! - order.get(b.nodeName)! || (a.batchIndex ?? 0) - (b.batchIndex ?? 0))
    .map((t): ResultEntry => {
      const id = batchId(t.nodeName, t.batchIndex);
      const head = { nodeName: t.nodeName, ...(id ? { batchID: id } : {}), algorithmName: t.algorithmName };
      const context = t.context !== undefined ? { context: t.context } : {};
      if (t.state === 'succeed') return { ...head, result: t.result, ...context };
      if (t.state === 'failed') return { ...head, error: t.error, ...context };
      return { ...head, error: `task ${t.state}`, ...context };
    });
  return {
    jobId: summary.jobId,
    timestamp: summary.timestamp,
    pipeline: summary.pipeline,
    status: summary.status,
    ...endOf(summary),
    ...(summary.finishedAt !== undefined ? { timeTook: secondsBetween(summary.createdAt, summary.finishedAt) } : {}),
    data: { result: entries },
  };
}
