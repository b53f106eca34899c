import { concerns, decodeWakeups, encodeWakeups, wakeupsOf, type AppendedForWakeup } from '../../src/jobs/domain/task-wakeups';
import type { JobEvent } from '../../src/jobs/domain/job.events';

const NOW = Date.parse('2026-12-04T00:00:00.000Z');
const node = (nodeName: string, algorithmName: string, pending = 0, kind?: 'webhook') => ({ nodeName, algorithmName, pending, ...(kind ? { kind } : {}) });
const summary = (over: Partial<AppendedForWakeup['summary']> = {}): AppendedForWakeup['summary'] =>
  ({ kind: 'pipeline', status: 'active', projectId: undefined, nodes: [node('a', 'alg-a', 2), node('b', 'alg-b', 1), node('hook', 'hook', 1, 'webhook')], ...over }) as AppendedForWakeup['summary'];
const ev = (type: string, data: unknown) => ({ type, data }) as JobEvent;
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ taskId: `t${i}`, batchIndex: i + 1, input: i }));

describe('task wake-ups (long-poll acquire)', () => {
  it('node expansions wake their algorithm for as many tasks, merged per (kind, name, project, time)', () => {
    const s = summary();
    const out = wakeupsOf(
      [
        { event: ev('node.expanded', { nodeName: 'a', algorithmName: 'alg-a', batch: true, tasks: tasks(3) }), summary: s },
        { event: ev('node.expanded', { nodeName: 'a2', algorithmName: 'alg-a', batch: true, tasks: tasks(2) }), summary: s },
        { event: ev('node.expanded', { nodeName: 'hook', algorithmName: 'hook', batch: false, tasks: tasks(1), kind: 'webhook' }), summary: s },
        { event: ev('task.acquired', { taskId: 't0' }), summary: s },
      ],
      NOW,
    );
    expect(out).toEqual([{ kind: 'pipeline', name: 'alg-a', projectId: null, count: 5, at: NOW }]);
  });

  it('a retry wakes at its availableAt, a release and a resume at once; a queue job is a queue wake-up', () => {
    const later = NOW + 5000;
    expect(wakeupsOf([{ event: ev('task.retried', { taskId: 't', nodeName: 'b', availableAt: new Date(later).toISOString() }), summary: summary({ projectId: 'p1' }) }], NOW)).toEqual([
      { kind: 'pipeline', name: 'alg-b', projectId: 'p1', count: 1, at: later },
    ]);
    expect(wakeupsOf([{ event: ev('task.released', { taskId: 't', nodeName: 'a' }), summary: summary({ kind: 'queue', nodes: [node('a', 'q1', 1)] as AppendedForWakeup['summary']['nodes'] }) }], NOW)).toEqual([
      { kind: 'queue', name: 'q1', projectId: null, count: 1, at: NOW },
    ]);
    expect(wakeupsOf([{ event: ev('job.resumed', {}), summary: summary() }], NOW)).toEqual([
      { kind: 'pipeline', name: 'alg-a', projectId: null, count: 2, at: NOW },
      { kind: 'pipeline', name: 'alg-b', projectId: null, count: 1, at: NOW },
    ]);
  });

  it('nothing of a paused or finished job', () => {
    for (const status of ['paused', 'completed', 'failed', 'stopped'] as const) {
      expect(wakeupsOf([{ event: ev('node.expanded', { nodeName: 'a', algorithmName: 'alg-a', batch: false, tasks: tasks(1) }), summary: summary({ status }) }], NOW)).toEqual([]);
    }
  });

  it('concerns: by kind and name, a project key only its project, no filter everything', () => {
    const w = { kind: 'pipeline' as const, name: 'alg-a', projectId: 'p1', count: 1, at: NOW };
    expect(concerns({ algorithmNames: ['alg-a'] }, w)).toBe(true);
    expect(concerns({ queues: ['alg-a'] }, w)).toBe(false);
    expect(concerns({ algorithmNames: ['alg-b'] }, w)).toBe(false);
    expect(concerns({}, w)).toBe(true);
    expect(concerns({ projectId: 'p1' }, w)).toBe(true);
    expect(concerns({ projectId: 'p2', algorithmNames: ['alg-a'] }, w)).toBe(false);
    expect(concerns({ projectId: 'p1' }, { ...w, projectId: null })).toBe(false);
  });

  it('NOTIFY payloads round-trip, and too many wake-ups (or an unreadable payload) say "everything"', () => {
    const ws = [
      { kind: 'queue' as const, name: 'q', projectId: null, count: 2, at: NOW },
      { kind: 'pipeline' as const, name: 'a|b', projectId: 'p', count: 1, at: NOW + 1 },
    ];
    expect(decodeWakeups(encodeWakeups('inst-1', ws))).toEqual({ from: 'inst-1', wakeups: ws, all: false });
    const many = Array.from({ length: 500 }, (_, i) => ({ kind: 'pipeline' as const, name: `algorithm-${i}`, projectId: null, count: 1, at: NOW }));
    const payload = encodeWakeups('inst-1', many);
    expect(payload.length).toBeLessThan(8000);
    expect(decodeWakeups(payload)).toEqual({ from: 'inst-1', wakeups: [], all: true });
    expect(decodeWakeups('inst-2|{not json')).toEqual({ from: 'inst-2', wakeups: [], all: true });
  });
});
