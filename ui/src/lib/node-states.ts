/**
 * The nodes of a job and the state of each node's tasks, read from the job's event stream
 * (GET /api/v1/jobs/{jobId}/events): job.submitted names the nodes and their dependencies,
 * node.expanded creates the tasks, task.* and stage.* events move them. Pure: no DOM, no fetch.
 */
export type TaskState = 'pending' | 'active' | 'succeed' | 'failed' | 'skipped' | 'stopped';

export const TASK_STATES: readonly TaskState[] = ['succeed', 'failed', 'skipped', 'stopped', 'active', 'pending'];

export interface NodeRow {
  nodeName: string;
  algorithmName: string;
  kind: 'algorithm' | 'webhook';
  deps: string[];
  /** Its tasks exist (the nodes it reads have finished). */
  expanded: boolean;
  batch: boolean;
  /** Tasks (batch items); an expanded node without tasks (an empty batch) counts as one skipped entry. */
  total: number;
  counts: Record<TaskState, number>;
  lastError?: string;
}

export interface EventLike {
  type: string;
  data: unknown;
}

type Data = Record<string, unknown>;

const zero = (): Record<TaskState, number> => ({ pending: 0, active: 0, succeed: 0, failed: 0, skipped: 0, stopped: 0 });

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(error);
}

export function nodeStates(events: readonly EventLike[]): NodeRow[] {
  const nodes = new Map<string, NodeRow>();
  const taskNode = new Map<string, string>();
  const taskState = new Map<string, TaskState>();
  const empty = new Set<string>();
  const node = (name: string): NodeRow => {
    let row = nodes.get(name);
    if (!row) {
      row = { nodeName: name, algorithmName: '', kind: 'algorithm', deps: [], expanded: false, batch: false, total: 0, counts: zero() };
      nodes.set(name, row);
    }
    return row;
  };
  const move = (d: Data, to: TaskState) => {
    const id = String(d.taskId);
    if (!taskNode.has(id) && typeof d.nodeName === 'string') taskNode.set(id, d.nodeName);
    taskState.set(id, to);
  };

  for (const e of events) {
    const d = (e.data ?? {}) as Data;
    switch (e.type) {
      case 'job.submitted':
        for (const n of (d.nodes as Data[] | undefined) ?? []) {
          const row = node(String(n.nodeName));
          row.algorithmName = String(n.algorithmName ?? '');
          row.deps = Array.isArray(n.deps) ? n.deps.map(String) : [];
          row.kind = n.kind === 'webhook' ? 'webhook' : 'algorithm';
        }
        break;
      case 'node.expanded': {
        const row = node(String(d.nodeName));
        row.expanded = true;
        row.batch = d.batch === true;
        if (typeof d.algorithmName === 'string' && !row.algorithmName) row.algorithmName = d.algorithmName;
        const tasks = (d.tasks as Data[] | undefined) ?? [];
        if (tasks.length === 0) empty.add(row.nodeName);
        for (const t of tasks) {
          taskNode.set(String(t.taskId), row.nodeName);
          taskState.set(String(t.taskId), 'pending');
        }
        break;
      }
      case 'task.acquired':
      case 'stage.started':
        move(d, 'active');
        break;
      case 'task.succeeded':
        move(d, 'succeed');
        break;
      case 'task.retried':
        move(d, 'pending');
        if (typeof d.nodeName === 'string') node(d.nodeName).lastError = errorText(d.error);
        break;
      case 'task.failed':
        move(d, 'failed');
        if (typeof d.nodeName === 'string') node(d.nodeName).lastError = errorText(d.error);
        break;
      case 'stage.finished':
        move(d, d.outcome === 'succeeded' ? 'succeed' : d.outcome === 'failed' ? 'failed' : 'stopped');
        if (typeof d.error === 'string' && typeof d.nodeName === 'string') node(d.nodeName).lastError = d.error;
        break;
      case 'job.failed':
      case 'job.stopped':
        // The job's end stops its unfinished tasks.
        for (const [id, state] of taskState) if (state === 'pending' || state === 'active') taskState.set(id, 'stopped');
        break;
      default:
        break;
    }
  }

  for (const [id, state] of taskState) {
    const name = taskNode.get(id);
    if (name === undefined) continue;
    const row = node(name);
    row.total += 1;
    row.counts[state] += 1;
  }
  for (const name of empty) {
    const row = node(name);
    if (row.total === 0) {
      row.counts.skipped = 1;
      row.total = 1;
    }
  }
  return [...nodes.values()];
}

/** Where each node goes in a simple left-to-right drawing: its column is its longest path from an entry node. */
export function graphLayout(rows: readonly Pick<NodeRow, 'nodeName' | 'deps'>[]): { columns: number; rows: number; at: Map<string, { column: number; row: number }> } {
  const byName = new Map(rows.map((r) => [r.nodeName, r]));
  const depth = new Map<string, number>();
  const visit = (name: string, path: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (path.has(name)) return 0; // a cycle (refused at submission): drawn flat
    path.add(name);
    const deps = byName.get(name)?.deps.filter((d) => byName.has(d)) ?? [];
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => visit(dep, path)));
    path.delete(name);
    depth.set(name, d);
    return d;
  };
  const at = new Map<string, { column: number; row: number }>();
  const filled: number[] = [];
  for (const r of rows) {
    const column = visit(r.nodeName, new Set());
    const row = filled[column] ?? 0;
    filled[column] = row + 1;
    at.set(r.nodeName, { column, row });
  }
  return { columns: filled.length, rows: Math.max(0, ...filled.map((n) => n ?? 0)), at };
}
