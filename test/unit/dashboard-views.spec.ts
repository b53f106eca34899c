import { graphLayout, nodeStates, type EventLike } from '../../ui/src/lib/node-states';
import { streamDecision } from '../../ui/src/lib/stream-decision';

/** The dashboard's pure reading of the API: a job's nodes from its events, and how a status page follows a job. */
describe("the dashboard's node states, from a job's events", () => {
  const submitted: EventLike = {
    type: 'job.submitted',
    data: {
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', deps: [] },
        { nodeName: 'yellow', algorithmName: 'yellow-alg', deps: ['green'] },
        { nodeName: 'hook', algorithmName: 'herald:webhook', deps: ['green'], kind: 'webhook' },
        { nodeName: 'last', algorithmName: 'last-alg', deps: ['yellow', 'hook'] },
      ],
    },
  };
  const expanded = (nodeName: string, ids: string[], batch = true): EventLike => ({ type: 'node.expanded', data: { nodeName, algorithmName: `${nodeName}-alg`, batch, tasks: ids.map((taskId, i) => ({ taskId, batchIndex: batch ? i + 1 : null, input: [] })) } });
  const task = (type: string, taskId: string, nodeName: string, extra: Record<string, unknown> = {}): EventLike => ({ type, data: { taskId, nodeName, ...extra } });

  it('counts each batch item in its current state, node by node, and keeps the last error', () => {
    const rows = nodeStates([
      submitted,
      expanded('green', ['g1', 'g2', 'g3', 'g4']),
      task('task.acquired', 'g1', 'green'),
      task('task.succeeded', 'g1', 'green'),
      task('task.acquired', 'g2', 'green'),
      task('task.retried', 'g2', 'green', { error: { message: 'out of memory' } }),
      task('task.acquired', 'g3', 'green'),
      task('task.failed', 'g3', 'green', { error: 'bad input' }),
      task('task.acquired', 'g4', 'green'),
    ]);
    const green = rows.find((r) => r.nodeName === 'green')!;
    expect(green).toMatchObject({ expanded: true, batch: true, total: 4, counts: { succeed: 1, pending: 1, failed: 1, active: 1, skipped: 0, stopped: 0 }, lastError: 'bad input' });
    expect(rows.find((r) => r.nodeName === 'yellow')).toMatchObject({ expanded: false, total: 0, deps: ['green'], algorithmName: 'yellow-alg' });
    expect(rows.find((r) => r.nodeName === 'hook')?.kind).toBe('webhook');
    expect(rows.map((r) => r.nodeName)).toEqual(['green', 'yellow', 'hook', 'last']);
  });

  it("stops the unfinished tasks at the job's end, counts an empty batch as one skipped entry, and follows webhook stages", () => {
    const rows = nodeStates([
      submitted,
      expanded('green', ['g1', 'g2']),
      task('task.succeeded', 'g1', 'green'),
      expanded('yellow', []),
      expanded('hook', ['h1'], false),
      task('stage.started', 'h1', 'hook'),
      task('stage.finished', 'h1', 'hook', { outcome: 'failed', error: 'HTTP 502' }),
      { type: 'job.failed', data: { error: 'HTTP 502', nodeName: 'hook' } },
    ]);
    expect(rows.find((r) => r.nodeName === 'green')?.counts).toMatchObject({ succeed: 1, stopped: 1, pending: 0 });
    expect(rows.find((r) => r.nodeName === 'yellow')).toMatchObject({ total: 1, counts: { skipped: 1 } });
    expect(rows.find((r) => r.nodeName === 'hook')).toMatchObject({ total: 1, counts: { failed: 1 }, lastError: 'HTTP 502' });
  });

  it('lays the graph out by longest path: a node after everything it reads', () => {
    const layout = graphLayout(nodeStates([submitted]));
    expect(Object.fromEntries(layout.at)).toEqual({ green: { column: 0, row: 0 }, yellow: { column: 1, row: 0 }, hook: { column: 1, row: 1 }, last: { column: 2, row: 0 } });
    expect([layout.columns, layout.rows]).toEqual([3, 2]);
    // A cycle (refused at submission) still draws.
    expect(graphLayout([{ nodeName: 'a', deps: ['b'] }, { nodeName: 'b', deps: ['a'] }]).at.size).toBe(2);
  });
});

describe('how the job page follows a status: the stream when Herald serves it, else polling', () => {
  it('streams with a token, polls when the route is missing or gives no token, and shows refusals', () => {
    expect(streamDecision(201, { token: 'abc', expiresAt: '2030-01-01T00:00:00Z' })).toBe('stream');
    expect(streamDecision(200, {})).toBe('poll');
    expect(streamDecision(404, { error: { code: 'NOT_FOUND', message: 'Cannot POST /api/v1/exec/status/x/stream-token' } })).toBe('poll');
    expect(streamDecision(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'no' } })).toBe('poll');
    expect(streamDecision(503, undefined)).toBe('poll');
    expect(streamDecision(404, { error: { code: 'JOB_NOT_FOUND', message: 'job x does not exist' } })).toBe('fail');
    expect(streamDecision(401, { error: { code: 'UNAUTHORIZED', message: 'key' } })).toBe('fail');
    expect(streamDecision(403, { error: { code: 'FORBIDDEN_SCOPE', message: 'scope' } })).toBe('fail');
  });
});
