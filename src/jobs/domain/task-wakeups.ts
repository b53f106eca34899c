import type { JobEvent } from './job.events';
import type { JobSummary } from './job.state';

/**
 * Long-poll acquire (POST /api/v1/tasks/acquire with waitSeconds): which appended events make
 * tasks available to workers, and which waiting workers they concern. Pure: the service turns
 * them into wake-ups of this instance's waiters and a NOTIFY for the others.
 */

/** Tasks of one algorithm (pipeline) or queue became, or will become at `at`, available. */
export interface Wakeup {
  kind: 'pipeline' | 'queue';
  name: string;
  /** The job's project (null: none); a project key's worker takes only its project's tasks. */
  projectId: string | null;
  /** How many tasks: at most that many waiters need waking. */
  count: number;
  /** When they are available (epoch ms); a retry delay puts it later than the commit. */
  at: number;
}

/** What a waiting worker asks for (its acquire filter). */
export interface WaitFilter {
  algorithmNames?: string[];
  queues?: string[];
  projectId?: string;
}

/** A job event with the job's summary right after it (what the append's listeners see). */
export interface AppendedForWakeup {
  event: JobEvent;
  summary: Pick<JobSummary, 'kind' | 'status' | 'projectId' | 'nodes'>;
}

/**
 * The wake-ups of one append, merged by (kind, name, project, at): node expansions (new tasks),
 * retries (at their availableAt), releases, and a resume (its nodes' pending tasks). Nothing of
 * a paused or finished job (its tasks are handed out on resume), nor of webhook stages (Herald
 * runs them itself).
 */
export function wakeupsOf(appended: readonly AppendedForWakeup[], now: number): Wakeup[] {
  const out = new Map<string, Wakeup>();
  const add = (summary: AppendedForWakeup['summary'], name: string, count: number, at: number) => {
    if (count <= 0) return;
    const w: Wakeup = { kind: summary.kind, name, projectId: summary.projectId ?? null, count, at: Math.max(at, now) };
    const key = `${w.kind}\u0000${w.name}\u0000${w.projectId ?? ''}\u0000${w.at}`;
    const seen = out.get(key);
    if (seen) seen.count += count;
    else out.set(key, w);
  };
  for (const { event, summary } of appended) {
    if (summary.status !== 'pending' && summary.status !== 'active') continue;
    const algorithmOf = (nodeName: string) => summary.nodes.find((n) => n.nodeName === nodeName)?.algorithmName;
    switch (event.type) {
      case 'node.expanded':
        if (event.data.kind !== 'webhook') add(summary, event.data.algorithmName, event.data.tasks.length, now);
        break;
      case 'task.retried': {
        const name = algorithmOf(event.data.nodeName);
        if (name !== undefined) add(summary, name, 1, Date.parse(event.data.availableAt));
        break;
      }
      case 'task.released': {
        const name = algorithmOf(event.data.nodeName);
        if (name !== undefined) add(summary, name, 1, now);
        break;
      }
      case 'job.resumed':
        for (const n of summary.nodes) if (n.kind !== 'webhook') add(summary, n.algorithmName, n.pending, now);
        break;
      default:
        break;
    }
  }
  return [...out.values()];
}

/** Whether a waiting worker would take tasks of this wake-up. */
export function concerns(filter: WaitFilter, w: Wakeup): boolean {
  if (filter.projectId !== undefined && filter.projectId !== w.projectId) return false;
  if (!filter.algorithmNames && !filter.queues) return true;
  return (w.kind === 'pipeline' ? filter.algorithmNames : filter.queues)?.includes(w.name) ?? false;
}

/** Longest NOTIFY payload (PostgreSQL's limit is 8000 bytes); more wake-ups say "everything" instead. */
const MAX_PAYLOAD = 7000;

/** One NOTIFY's payload: the sender and its wake-ups, or `*` (wake every waiter) when they do not fit. */
export function encodeWakeups(from: string, wakeups: readonly Wakeup[]): string {
  const body = JSON.stringify(wakeups.map((w) => [w.kind === 'queue' ? 'q' : 'p', w.name, w.projectId, w.count, w.at]));
  return body.length + from.length + 1 <= MAX_PAYLOAD ? `${from}|${body}` : `${from}|*`;
}

/** The sender and its wake-ups; `all` when the payload said "everything" or cannot be read. */
export function decodeWakeups(payload: string): { from: string; wakeups: Wakeup[]; all: boolean } {
  const bar = payload.indexOf('|');
  const from = bar < 0 ? '' : payload.slice(0, bar);
  const body = bar < 0 ? '*' : payload.slice(bar + 1);
  if (body === '*') return { from, wakeups: [], all: true };
  try {
    const rows = JSON.parse(body) as Array<[string, string, string | null, number, number]>;
    const wakeups = rows.map(([k, name, projectId, count, at]): Wakeup => ({ kind: k === 'q' ? 'queue' : 'pipeline', name: String(name), projectId: projectId ?? null, count: Number(count), at: Number(at) }));
    return { from, wakeups, all: false };
  } catch {
    return { from, wakeups: [], all: true };
  }
}
