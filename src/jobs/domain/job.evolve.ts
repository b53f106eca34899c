import type { Level } from '../../event-store/event.types';
import { activeExpiry } from './job-deadlines';
import { withCachedNodes } from './caching-run';
import { errorText } from './job.errors';
import { EVENT_LEVEL, type JobEvent } from './job.events';
import { zeroCounts, type JobSummary, type NodeSummary } from './job.state';

function withNode(state: JobSummary, nodeName: string, change: (n: NodeSummary) => NodeSummary): NodeSummary[] {
  return state.nodes.map((n) => (n.nodeName === nodeName ? change(n) : n));
}

/**
 * The end of a job before all its work ran. Its pending and active items are stopped. Nodes never
 * reached (one `creating` entry each) are not done, as in the pipeline engine: a failure marks
 * them stopped, a stop leaves them creating. Either way progress stays below 100%.
 */
function endJob(state: JobSummary, unreached: 'stopped' | 'creating'): Pick<JobSummary, 'nodes' | 'counts'> {
  const counts = { ...state.counts };
  counts.stopped += counts.pending + counts.active;
  counts.pending = counts.active = 0;
  if (unreached === 'stopped') {
    counts.stopped += counts.creating;
    counts.creating = 0;
  }
  const nodes = state.nodes.map((n) =>
    n.expanded
      ? { ...n, stopped: n.stopped + n.pending + n.active, pending: 0, active: 0 }
      : { ...n, skipped: true },
  );
  return { nodes, counts };
}

/**
 * evolve(state, event) -> state for the job summary. Pure; O(nodes) per event.
 * `at` is the event's time (ISO). The initial state is undefined (no job.submitted yet).
 */
export function evolve(state: JobSummary | undefined, event: JobEvent, at: string): JobSummary {
  const level: Level = EVENT_LEVEL[event.type];
  if (event.type === 'job.submitted') {
    const d = event.data;
    const counts = zeroCounts();
    counts.creating = d.nodes.length;
    const submitted: JobSummary = {
      jobId: d.jobId,
      kind: d.kind,
      pipeline: d.pipeline,
      status: 'pending',
      priority: d.priority,
      options: d.options,
      version: 1,
      level,
      timestamp: at,
      createdAt: at,
      ttlExpiresAt: d.ttlExpiresAt,
      nodes: d.nodes.map((n) => ({
        nodeName: n.nodeName,
        algorithmName: n.algorithmName,
        deps: n.deps,
        retry: n.retry,
        ...(n.leaseSeconds !== undefined ? { leaseSeconds: n.leaseSeconds } : {}),
        ...(n.kind !== undefined ? { kind: n.kind } : {}),
        expanded: false,
        skipped: false,
        batch: false,
        total: 0,
        pending: 0,
        active: 0,
        succeed: 0,
        failed: 0,
        stopped: 0,
      })),
      counts,
      watched: Boolean(d.spec.webhooks?.progress || d.spec.webhooks?.result || d.spec.webhooks?.lifecycle || d.spec.projectId),
      ...(d.spec.projectId !== undefined ? { projectId: d.spec.projectId } : {}),
      ...(d.spec.batchId !== undefined ? { batchId: d.spec.batchId } : {}),
      ...(d.waiting ? { waiting: true as const } : {}),
    };
    // A caching run starts with the nodes it takes completed (their items are in this event).
    return d.cachedFrom !== undefined ? withCachedNodes(submitted, d.cachedFrom, d.cached ?? []) : submitted;
  }
  if (!state) throw new Error(`${event.type} before job.submitted`);
  const next: JobSummary = { ...state, version: state.version + 1, level, timestamp: at };
  const c = { ...state.counts };
  switch (event.type) {
    case 'node.expanded': {
      const n = event.data.tasks.length;
      c.creating -= 1;
      c.pending += n;
      // An empty batch is one skipped entry, as in HKube (a node of nothing to do is done, not absent).
      if (event.data.batch && n === 0) c.skipped += 1;
      next.nodes = withNode(state, event.data.nodeName, (node) => ({ ...node, expanded: true, batch: event.data.batch, total: n, pending: n }));
      next.counts = c;
      // Entry nodes expand at submission: a job no worker has started still reads as the engine's
      // freshly submitted one (level info), not as the debug-level expansion.
      if (state.status === 'pending') next.level = state.level;
      return next;
    }
    case 'job.admitted': {
      const { waiting: _held, ...admitted } = next;
      return admitted;
    }
    case 'job.started': {
      const activeExpiresAt = activeExpiry(state.options, at);
      return { ...next, status: 'active', startedAt: at, ...(activeExpiresAt !== undefined ? { activeExpiresAt } : {}) };
    }
    case 'task.acquired':
      c.pending -= 1;
      c.active += 1;
      return { ...next, counts: c, nodes: withNode(state, event.data.nodeName, (n) => ({ ...n, pending: n.pending - 1, active: n.active + 1 })) };
    case 'task.lease-extended':
      return next;
    case 'task.succeeded':
      c.active -= 1;
      c.succeed += 1;
      return { ...next, counts: c, nodes: withNode(state, event.data.nodeName, (n) => ({ ...n, active: n.active - 1, succeed: n.succeed + 1 })) };
    case 'task.retried':
    case 'task.released':
      c.active -= 1;
      c.pending += 1;
      return { ...next, counts: c, nodes: withNode(state, event.data.nodeName, (n) => ({ ...n, active: n.active - 1, pending: n.pending + 1 })) };
    case 'task.failed':
      c.active -= 1;
      c.failed += 1;
      return {
        ...next,
        counts: c,
        nodes: withNode(state, event.data.nodeName, (n) => ({ ...n, active: n.active - 1, failed: n.failed + 1, lastError: errorText(event.data.error) })),
      };
    case 'stage.called': {
      const m = event.data.monitor;
      const text = m?.progressMessage ?? (m?.percentComplete !== undefined ? `${m.percentComplete}%` : undefined);
      return text === undefined ? next : { ...next, nodes: withNode(state, event.data.nodeName, (n) => ({ ...n, progress: text })) };
    }
    case 'stage.started':
    case 'stage.retrying':
    case 'stage.finished':
    case 'stage.cancel-sent':
      return next;
    case 'job.completed':
      return { ...next, status: 'completed', finishedAt: at };
    case 'job.failed':
      return {
        ...next,
        ...endJob(state, 'stopped'),
        status: 'failed',
        finishedAt: at,
        error: event.data.error,
        ...(event.data.nodeName !== undefined ? { nodeName: event.data.nodeName } : {}),
      };
    case 'job.stopped':
      return { ...next, ...endJob(state, 'creating'), status: 'stopped', finishedAt: at, reason: event.data.reason };
    case 'job.paused':
      return { ...next, status: 'paused' };
    case 'job.resumed':
      // Back to what it was: started by a worker (or a stage) before the pause, else still pending.
      return { ...next, status: state.startedAt !== undefined ? 'active' : 'pending' };
  }
}

export function evolveAll(state: JobSummary | undefined, events: JobEvent[], at: string): JobSummary {
  let s = state;
  for (const e of events) s = evolve(s, e, at);
  if (!s) throw new Error('no events');
  return s;
}
