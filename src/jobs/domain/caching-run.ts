import { failedPercent } from './batch-tolerance';
import { decideSubmit, type DecideContext } from './job.decide';
import { jobEvent, type CachedFrom, type CachedNode, type CachedTask, type JobEvent } from './job.events';
import { cacheNotAvailable, unknownCachingNode, type CacheGap } from './job.errors';
import type { JobSummary, NodeSummary, TaskState } from './job.state';
import type { PipelineSpec } from './pipeline.types';

/**
 * HKube's caching run (exec/caching; api-server lib/service/caching.js, pipeline-driver
 * lib/tasks/cache-pipeline.js): a job's pipeline again from one node. That node and every node
 * after it run; the nodes they read that do not run (every node before them, transitively) are
 * taken completed, with the items the original job recorded; the other nodes are left out, as
 * HKube leaves them out of the sub-pipeline. Pure: the caller reads the job and its tasks.
 */

type Graph = ReadonlyArray<Pick<NodeSummary, 'nodeName' | 'deps'>>;

/** Every node reached from `start` by `next`, `start` included. */
function reach(start: string[], next: (name: string) => readonly string[]): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  while (queue.length > 0) {
    for (const other of next(queue.pop()!)) {
      if (seen.has(other)) continue;
      seen.add(other);
      queue.push(other);
    }
  }
  return seen;
}

/** nodeName and every node after it (a node reading one of them), in the pipeline's order. */
export function nodesToRun(nodes: Graph, nodeName: string): string[] {
  const readers = new Map<string, string[]>();
  for (const n of nodes) for (const d of n.deps) readers.set(d, [...(readers.get(d) ?? []), n.nodeName]);
  const run = reach([nodeName], (name) => readers.get(name) ?? []);
  return nodes.filter((n) => run.has(n.nodeName)).map((n) => n.nodeName);
}

/** The nodes the running ones read that do not run themselves, and every node before those, in the pipeline's order. */
export function nodesToTake(nodes: Graph, run: readonly string[]): string[] {
  const deps = new Map(nodes.map((n) => [n.nodeName, n.deps]));
  const running = new Set(run);
  const before = reach(
    run.flatMap((name) => deps.get(name) ?? []),
    (name) => deps.get(name) ?? [],
  );
  return nodes.filter((n) => before.has(n.nodeName) && !running.has(n.nodeName)).map((n) => n.nodeName);
}

/**
 * Why a node's results cannot be taken, or undefined when they can: every item ended (none
 * waiting, running or stopped) and its failures did not fail the job (a node without batch input
 * has none; a batch node stays below batchTolerance, as the run being repeated saw it).
 */
export function cacheGap(node: NodeSummary, batchTolerance: number): CacheGap | undefined {
  if (!node.expanded) return 'not started';
  if (node.pending > 0 || node.active > 0) return 'running';
  if (node.stopped > 0) return 'stopped';
  if (node.failed > 0 && (!node.batch || failedPercent(node) >= batchTolerance)) return 'failed';
  return undefined;
}

export interface CachingPlan {
  /** The new job's request: the original's (secrets included), named `<name>-<nodeName>` as HKube does, with the nodes it keeps. */
  spec: PipelineSpec;
  cachedFrom: CachedFrom;
  /** Nodes that run (nodeName and the nodes after it) and nodes taken completed, in the pipeline's order. */
  run: string[];
  cached: string[];
}

/**
 * The caching run of `nodeName` over a job (its summary and request). An unknown node is 400
 * UNKNOWN_NODE (HKube's words); a node to take that did not complete is 409 CACHE_NOT_AVAILABLE,
 * naming each such node. `keepName`: the rerun of a caching run, which keeps its name.
 */
export function planCachingRun(source: { summary: JobSummary; spec: PipelineSpec }, nodeName: string, options: { keepName?: boolean } = {}): CachingPlan {
  const { summary, spec } = source;
  if (!summary.nodes.some((n) => n.nodeName === nodeName)) throw unknownCachingNode(summary.jobId, nodeName);
  const run = nodesToRun(summary.nodes, nodeName);
  const cached = nodesToTake(summary.nodes, run);
  const byName = new Map(summary.nodes.map((n) => [n.nodeName, n]));
  const gaps = cached.flatMap((name) => {
    const state = cacheGap(byName.get(name)!, summary.options.batchTolerance);
    return state ? [{ nodeName: name, state }] : [];
  });
  if (gaps.length > 0) throw cacheNotAvailable(summary.jobId, nodeName, gaps);
  const kept = new Set([...run, ...cached]);
  return {
    spec: { ...spec, name: options.keepName ? spec.name : `${spec.name}-${nodeName}`, nodes: spec.nodes.filter((n) => kept.has(n.nodeName)) },
    cachedFrom: { jobId: summary.jobId, nodeName, rootJobId: summary.cachedFrom?.rootJobId ?? summary.jobId },
    run,
    cached,
  };
}

/** A task of the original job as the tasks read model holds it. */
export interface SourceTask {
  batchIndex: number | null;
  state: TaskState;
  input: unknown;
  result: unknown;
  error: unknown;
  context?: unknown;
}

/** What a caching run takes: its origin and the cached nodes' items (their new task ids are the decider's). */
export interface CachingSource {
  cachedFrom: CachedFrom;
  nodes: Array<{ nodeName: string; batch: boolean; tasks: Array<Omit<CachedTask, 'taskId'>> }>;
}

/**
 * The cached nodes' items, in batch order, from the original's tasks. They must be the node's
 * items as its summary counts them (each succeeded or failed); otherwise the node is not
 * available ("results missing").
 */
export function cachingSource(plan: CachingPlan, summary: JobSummary, tasks: Record<string, readonly SourceTask[]>): CachingSource {
  const byName = new Map(summary.nodes.map((n) => [n.nodeName, n]));
  const gaps: Array<{ nodeName: string; state: CacheGap }> = [];
  const nodes = plan.cached.map((name) => {
    const node = byName.get(name)!;
    const items = [...(tasks[name] ?? [])].sort((a, b) => (a.batchIndex ?? 0) - (b.batchIndex ?? 0));
    const failed = items.filter((t) => t.state === 'failed').length;
    const ended = items.every((t) => t.state === 'succeed' || t.state === 'failed');
    if (items.length !== node.total || failed !== node.failed || !ended) gaps.push({ nodeName: name, state: 'results missing' });
    return {
      nodeName: name,
      batch: node.batch,
      tasks: items.map((t) => ({
        batchIndex: t.batchIndex,
        state: t.state === 'failed' ? ('failed' as const) : ('succeed' as const),
        input: t.input,
        result: t.state === 'succeed' ? t.result : null,
        ...(t.state === 'failed' ? { error: t.error } : {}),
        ...(t.context !== undefined && t.context !== null ? { context: t.context } : {}),
      })),
    };
  });
  if (gaps.length > 0) throw cacheNotAvailable(summary.jobId, plan.cachedFrom.nodeName, gaps);
  return { cachedFrom: plan.cachedFrom, nodes };
}

/**
 * The submission of a caching run: exec/raw's job.submitted, carrying where it comes from and
 * the cached nodes with their items (new task ids), so that the job's own stream rebuilds it.
 */
export function decideCachingSubmit(spec: PipelineSpec, jobId: string, source: CachingSource, ctx: DecideContext): JobEvent[] {
  const [submitted] = decideSubmit(spec, jobId, ctx);
  if (submitted.type !== 'job.submitted') throw new Error('decideSubmit must start with job.submitted');
  const cached: CachedNode[] = source.nodes.map((n) => ({ ...n, tasks: n.tasks.map((t) => ({ taskId: ctx.newId(), ...t })) }));
  return [jobEvent('job.submitted', { ...submitted.data, cachedFrom: source.cachedFrom, cached })];
}

/**
 * The summary of a freshly submitted caching run with its cached nodes completed: expanded, each
 * item succeed or failed as taken (an empty batch is one skipped entry, as at an expansion).
 */
export function withCachedNodes(summary: JobSummary, cachedFrom: CachedFrom, cached: readonly CachedNode[]): JobSummary {
  const byName = new Map(cached.map((n) => [n.nodeName, n]));
  const counts = { ...summary.counts };
  const nodes = summary.nodes.map((node) => {
    const taken = byName.get(node.nodeName);
    if (!taken) return node;
    const failed = taken.tasks.filter((t) => t.state === 'failed').length;
    const succeed = taken.tasks.length - failed;
    counts.creating -= 1;
    counts.succeed += succeed;
    counts.failed += failed;
    if (taken.batch && taken.tasks.length === 0) counts.skipped += 1;
    return { ...node, expanded: true, batch: taken.batch, total: taken.tasks.length, succeed, failed };
  });
  return { ...summary, nodes, counts, cachedFrom };
}
