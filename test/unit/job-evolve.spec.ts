import { jobEvent, type JobEvent } from '../../src/jobs/domain/job.events';
import { evolve, evolveAll } from '../../src/jobs/domain/job.evolve';
import { batchId, isFinished, isNodeDone, zeroCounts, type Counts, type JobSummary, type NodeSummary } from '../../src/jobs/domain/job.state';
import { AT, batchTasks, ev, JOB_ID, pipeline, stateOf } from './job-fixtures';

const SPEC = pipeline({
  nodes: [
    { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3,4]'] },
    { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] },
    { nodeName: 'blue', algorithmName: 'blue-alg', input: ['#@yellow'], retry: { limit: 1 } },
  ],
  options: { batchTolerance: 50 },
  priority: 4,
});

const counts = (partial: Partial<Counts>): Counts => ({ ...zeroCounts(), ...partial });

function node(summary: JobSummary, name: string): NodeSummary {
  const n = summary.nodes.find((x) => x.nodeName === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

/** The per-node counters worth comparing. */
const tally = (n: NodeSummary) => ({
  expanded: n.expanded,
  skipped: n.skipped,
  batch: n.batch,
  total: n.total,
  pending: n.pending,
  active: n.active,
  succeed: n.succeed,
  failed: n.failed,
  stopped: n.stopped,
});

const SUBMITTED = ev.submitted(SPEC);
const GREEN_EXPANDED = ev.expanded('green', 'green-alg', batchTasks('g', [1, 2, 3, 4]));
/** green: g1 succeed, g2 failed, g3 active, g4 pending; yellow and blue not expanded. */
const MIDWAY: JobEvent[] = [
  SUBMITTED,
  GREEN_EXPANDED,
  ev.started(),
  ev.acquired('g1', 'green'),
  ev.acquired('g2', 'green'),
  ev.acquired('g3', 'green'),
  ev.succeeded('g1', 'green', 1),
  ev.failed('g2', 'green'),
];

describe('evolve', () => {
  describe('job.submitted', () => {
    it('creates a pending job with one creating entry per node and every field from the event', () => {
      expect(evolve(undefined, SUBMITTED, AT)).toEqual({
        jobId: JOB_ID,
        kind: 'pipeline',
        pipeline: 'batch',
        status: 'pending',
        priority: 4,
        options: { progressVerbosityLevel: 'info', batchTolerance: 50, ttl: 3600 },
        version: 1,
        level: 'info',
        timestamp: AT,
        createdAt: AT,
        ttlExpiresAt: '2026-01-01T01:00:00.000Z',
        nodes: [
          { nodeName: 'green', algorithmName: 'green-alg', deps: [], retry: { limit: 3, delaySeconds: 0, backoff: false } },
          { nodeName: 'yellow', algorithmName: 'yellow-alg', deps: ['green'], retry: { limit: 3, delaySeconds: 0, backoff: false } },
          { nodeName: 'blue', algorithmName: 'blue-alg', deps: ['yellow'], retry: { limit: 1, delaySeconds: 0, backoff: false } },
        ].map((n) => ({ ...n, expanded: false, skipped: false, batch: false, total: 0, pending: 0, active: 0, succeed: 0, failed: 0, stopped: 0 })),
        counts: counts({ creating: 3 }),
        watched: false,
      });
    });

    it.each<[string, Record<string, unknown>]>([
      ['a progress webhook', { progress: 'https://r.example/p' }],
      ['a result webhook', { result: 'https://r.example/r' }],
    ])('marks a job with %s as watched', (_label, webhooks) => {
      const spec = pipeline({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: [1] }], webhooks });
      expect(evolve(undefined, ev.submitted(spec), AT).watched).toBe(true);
    });
  });

  it('refuses any other event before job.submitted', () => {
    expect(() => evolve(undefined, ev.started(), AT)).toThrow('job.started before job.submitted');
  });

  it('refuses to fold an empty history into a job', () => {
    expect(() => evolveAll(undefined, [], AT)).toThrow('no events');
  });

  describe('node.expanded', () => {
    it('turns one creating entry into pending tasks and records the node as an expanded batch', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED]);
      expect(s.counts).toEqual(counts({ pending: 4, creating: 2 }));
      expect(tally(node(s, 'green'))).toEqual({ expanded: true, skipped: false, batch: true, total: 4, pending: 4, active: 0, succeed: 0, failed: 0, stopped: 0 });
      expect(tally(node(s, 'yellow'))).toEqual({ expanded: false, skipped: false, batch: false, total: 0, pending: 0, active: 0, succeed: 0, failed: 0, stopped: 0 });
    });

    it('records a non-batch node with its single task', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.expanded('yellow', 'yellow-alg', [{ taskId: 'y', input: [[1]] }], false)]);
      expect(s.counts).toEqual(counts({ pending: 5, creating: 1 }));
      expect(tally(node(s, 'yellow'))).toEqual({ expanded: true, skipped: false, batch: false, total: 1, pending: 1, active: 0, succeed: 0, failed: 0, stopped: 0 });
    });

    it('records a batch of zero items as an expanded, done node counted as one skipped entry (HKube)', () => {
      const s = stateOf([SUBMITTED, ev.expanded('green', 'green-alg', [])]);
      expect(s.counts).toEqual(counts({ skipped: 1, creating: 2 }));
      expect(tally(node(s, 'green'))).toEqual({ expanded: true, skipped: false, batch: true, total: 0, pending: 0, active: 0, succeed: 0, failed: 0, stopped: 0 });
      expect(isNodeDone(node(s, 'green'))).toBe(true);
    });
  });

  describe('task events', () => {
    it('job.started makes the job active and stamps startedAt, without touching counts', () => {
      const s = evolve(stateOf([SUBMITTED, GREEN_EXPANDED]), ev.started(), '2026-01-01T00:00:05.000Z');
      expect([s.status, s.startedAt, s.counts]).toEqual(['active', '2026-01-01T00:00:05.000Z', counts({ pending: 4, creating: 2 })]);
    });

    it('task.acquired moves one entry from pending to active, in the job and in its node', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.started(), ev.acquired('g1', 'green')]);
      expect(s.counts).toEqual(counts({ pending: 3, active: 1, creating: 2 }));
      expect([node(s, 'green').pending, node(s, 'green').active]).toEqual([3, 1]);
    });

    it('task.lease-extended changes no count', () => {
      const before = stateOf([SUBMITTED, GREEN_EXPANDED, ev.started(), ev.acquired('g1', 'green')]);
      const after = evolve(before, ev.extended('g1', 'green', '2026-01-01T00:05:00.000Z'), AT);
      expect([after.counts, after.nodes, after.version, after.level]).toEqual([before.counts, before.nodes, before.version + 1, 'debug']);
    });

    it('task.succeeded moves one entry from active to succeed', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.started(), ev.acquired('g1', 'green'), ev.succeeded('g1', 'green', 1)]);
      expect(s.counts).toEqual(counts({ succeed: 1, pending: 3, creating: 2 }));
      expect(tally(node(s, 'green'))).toEqual({ expanded: true, skipped: false, batch: true, total: 4, pending: 3, active: 0, succeed: 1, failed: 0, stopped: 0 });
    });

    it('task.retried moves one entry from active back to pending', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.started(), ev.acquired('g1', 'green'), ev.retried('g1', 'green')]);
      expect(s.counts).toEqual(counts({ pending: 4, creating: 2 }));
      expect([node(s, 'green').pending, node(s, 'green').active]).toEqual([4, 0]);
    });

    it('task.failed moves one entry from active to failed', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.started(), ev.acquired('g1', 'green'), ev.failed('g1', 'green')]);
      expect(s.counts).toEqual(counts({ failed: 1, pending: 3, creating: 2 }));
      expect(node(s, 'green').failed).toBe(1);
    });

    it.each<[string, unknown, string]>([
      ['a string', 'out of memory', 'out of memory'],
      ['an object with a message', { message: 'disk full', code: 28 }, 'disk full'],
      ['any other value', { code: 28 }, '{"code":28}'],
      ['null', null, 'null'],
    ])('task.failed keeps the text of the latest failure of its node, from %s', (_label, error, text) => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.started(), ev.acquired('g1', 'green'), ev.acquired('g2', 'green'), ev.failed('g1', 'green', 'first'), ev.failed('g2', 'green', error)]);
      expect([node(s, 'green').lastError, node(s, 'yellow').lastError]).toEqual([text, undefined]);
    });

    it('keeps the counts of each node apart', () => {
      const s = stateOf([
        ...MIDWAY,
        ev.acquired('g4', 'green'),
        ev.succeeded('g3', 'green', 3),
        ev.succeeded('g4', 'green', 4),
        ev.expanded('yellow', 'yellow-alg', [{ taskId: 'y', input: [[1, null, 3, 4]] }], false),
        ev.acquired('y', 'yellow'),
      ]);
      expect(s.counts).toEqual(counts({ succeed: 3, failed: 1, active: 1, creating: 1 }));
      expect(tally(node(s, 'green'))).toEqual({ expanded: true, skipped: false, batch: true, total: 4, pending: 0, active: 0, succeed: 3, failed: 1, stopped: 0 });
      expect(tally(node(s, 'yellow'))).toEqual({ expanded: true, skipped: false, batch: false, total: 1, pending: 0, active: 1, succeed: 0, failed: 0, stopped: 0 });
    });
  });

  describe('the end of a job', () => {
    it('job.completed marks the job completed and stamps finishedAt, leaving the counts', () => {
      const done = [SUBMITTED, ev.expanded('green', 'green-alg', []), ev.expanded('yellow', 'yellow-alg', []), ev.expanded('blue', 'blue-alg', [])];
      const s = evolve(stateOf(done), ev.completed(), '2026-01-01T00:09:00.000Z');
      expect([s.status, s.finishedAt, s.counts, s.error, s.reason]).toEqual(['completed', '2026-01-01T00:09:00.000Z', counts({ skipped: 3 }), undefined, undefined]);
    });

    it('job.failed stops unfinished tasks and the nodes never reached (not done, as in the engine), keeping the error and node', () => {
      const error = '2/4 (50%) failed tasks, batch tolerance is 50%, error: boom';
      const s = evolve(stateOf(MIDWAY), jobEvent('job.failed', { error, nodeName: 'green' }), '2026-01-01T00:02:00.000Z');
      expect(s.status).toBe('failed');
      expect(s.finishedAt).toBe('2026-01-01T00:02:00.000Z');
      expect([s.error, s.nodeName]).toEqual([error, 'green']);
      expect(s.counts).toEqual(counts({ succeed: 1, failed: 1, stopped: 4 }));
      expect(s.nodes.map(tally)).toEqual([
        { expanded: true, skipped: false, batch: true, total: 4, pending: 0, active: 0, succeed: 1, failed: 1, stopped: 2 },
        { expanded: false, skipped: true, batch: false, total: 0, pending: 0, active: 0, succeed: 0, failed: 0, stopped: 0 },
        { expanded: false, skipped: true, batch: false, total: 0, pending: 0, active: 0, succeed: 0, failed: 0, stopped: 0 },
      ]);
    });

    it('job.failed of an older event (no nodeName) has no nodeName', () => {
      const s = evolve(stateOf(MIDWAY), ev.jobFailed('node green: 2 of 4 batch items failed (batchTolerance 50%)'), '2026-01-01T00:02:00.000Z');
      expect([s.status, s.error, 'nodeName' in s]).toEqual(['failed', 'node green: 2 of 4 batch items failed (batchTolerance 50%)', false]);
    });

    it('job.stopped stops unfinished tasks, leaves the nodes never reached creating (as the engine does) and keeps the reason', () => {
      const s = evolve(stateOf(MIDWAY), ev.stopped('ttl expired'), '2026-01-01T01:00:00.000Z');
      expect([s.status, s.finishedAt, s.reason, s.error]).toEqual(['stopped', '2026-01-01T01:00:00.000Z', 'ttl expired', undefined]);
      expect(s.counts).toEqual(counts({ succeed: 1, failed: 1, stopped: 2, creating: 2 }));
      expect(s.nodes.map((n) => [n.nodeName, n.stopped, n.skipped])).toEqual([
        ['green', 2, false],
        ['yellow', 0, true],
        ['blue', 0, true],
      ]);
    });

    it('job.stopped on a job that never started turns every pending task into stopped', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, ev.stopped('early')]);
      expect([s.status, s.startedAt, s.counts]).toEqual(['stopped', undefined, counts({ stopped: 4, creating: 2 })]);
    });

    it('job.stopped right after submission leaves every node creating, never to be expanded', () => {
      const s = stateOf([SUBMITTED, ev.stopped('early')]);
      expect(s.counts).toEqual(counts({ creating: 3 }));
      expect(s.nodes.every((n) => n.skipped && !n.expanded)).toBe(true);
    });
  });

  describe('pause and resume', () => {
    const PAUSED = jobEvent('job.paused', {});
    const RESUMED = jobEvent('job.resumed', {});

    it('job.paused marks a running job paused (level info), leaving its counts, nodes and times', () => {
      const before = stateOf(MIDWAY);
      const s = evolve(before, PAUSED, '2026-01-01T00:03:00.000Z');
      expect([s.status, s.level, s.timestamp, s.version]).toEqual(['paused', 'info', '2026-01-01T00:03:00.000Z', before.version + 1]);
      expect([s.counts, s.nodes, s.startedAt, s.finishedAt]).toEqual([before.counts, before.nodes, before.startedAt, undefined]);
      expect(isFinished(s.status)).toBe(false);
    });

    it('job.resumed puts a started job back to active', () => {
      const s = stateOf([...MIDWAY, PAUSED, RESUMED]);
      expect([s.status, s.startedAt, s.counts]).toEqual(['active', AT, stateOf(MIDWAY).counts]);
    });

    it('job.resumed puts a job no worker started back to pending', () => {
      const s = stateOf([SUBMITTED, GREEN_EXPANDED, PAUSED, RESUMED]);
      expect([s.status, s.startedAt]).toEqual(['pending', undefined]);
    });

    it('task events of leased tasks still count while paused', () => {
      const s = stateOf([...MIDWAY, PAUSED, ev.succeeded('g3', 'green', 3)]);
      expect([s.status, s.counts]).toEqual(['paused', counts({ succeed: 2, failed: 1, pending: 1, creating: 2 })]);
    });

    it('job.stopped ends a paused job like a running one', () => {
      const s = stateOf([...MIDWAY, PAUSED, ev.stopped('stopped due to request')]);
      expect([s.status, s.reason, s.counts]).toEqual(['stopped', 'stopped due to request', counts({ succeed: 1, failed: 1, stopped: 2, creating: 2 })]);
    });
  });

  describe('bookkeeping', () => {
    it('counts one version per event and carries the level and time of the last one', () => {
      let s = evolve(undefined, SUBMITTED, '2026-01-01T00:00:00.000Z');
      // An expansion at submission keeps the fresh job at level info (the engine's pending job).
      s = evolve(s, GREEN_EXPANDED, '2026-01-01T00:00:00.000Z');
      expect([s.version, s.level]).toEqual([2, 'info']);
      s = evolve(s, ev.started(), '2026-01-01T00:00:01.000Z');
      expect([s.version, s.level, s.timestamp]).toEqual([3, 'info', '2026-01-01T00:00:01.000Z']);
      // Once a worker started the job, an expansion is a debug-level progress.
      const expandedLater = evolve(s, ev.expanded('yellow', 'yellow-alg', [{ taskId: 'y', input: [] }], false), '2026-01-01T00:00:01.500Z');
      expect([expandedLater.version, expandedLater.level]).toEqual([4, 'debug']);
      s = evolve(s, ev.acquired('g1', 'green'), '2026-01-01T00:00:02.000Z');
      s = evolve(s, ev.retried('g1', 'green'), '2026-01-01T00:00:03.000Z');
      expect([s.version, s.level, s.timestamp]).toEqual([5, 'warn', '2026-01-01T00:00:03.000Z']);
      s = evolve(s, ev.acquired('g1', 'green', 2), '2026-01-01T00:00:04.000Z');
      s = evolve(s, ev.failed('g1', 'green', 'e', 2), '2026-01-01T00:00:05.000Z');
      expect([s.version, s.level]).toEqual([7, 'warn']);
      s = evolve(s, ev.jobFailed('x'), '2026-01-01T00:00:06.000Z');
      expect([s.version, s.level, s.timestamp, s.createdAt, s.startedAt]).toEqual([
        8,
        'error',
        '2026-01-01T00:00:06.000Z',
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:00:01.000Z',
      ]);
    });

    it('never changes the state it was given', () => {
      const before = stateOf(MIDWAY);
      const copy = structuredClone(before);
      evolve(before, ev.acquired('g4', 'green'), AT);
      evolve(before, ev.succeeded('g3', 'green', 3), AT);
      evolve(before, ev.stopped('x'), AT);
      evolve(before, ev.expanded('yellow', 'yellow-alg', [{ taskId: 'y', input: [] }], false), AT);
      expect(before).toEqual(copy);
    });

    it('evolveAll continues from a given state', () => {
      const half = stateOf(MIDWAY.slice(0, 4));
      expect(evolveAll(half, MIDWAY.slice(4), AT)).toEqual(stateOf(MIDWAY));
    });
  });
});

describe('job state helpers', () => {
  it.each<[string, boolean]>([
    ['pending', false],
    ['active', false],
    ['paused', false],
    ['completed', true],
    ['failed', true],
    ['stopped', true],
  ])('isFinished(%s) is %s', (status, finished) => {
    expect(isFinished(status as JobSummary['status'])).toBe(finished);
  });

  it('counts a node as done only once expanded with nothing pending or active', () => {
    const s = stateOf(MIDWAY);
    expect([isNodeDone(node(s, 'green')), isNodeDone(node(s, 'yellow'))]).toEqual([false, false]);
    const done = stateOf([...MIDWAY, ev.acquired('g4', 'green'), ev.failed('g3', 'green'), ev.succeeded('g4', 'green', 4)]);
    expect(isNodeDone(node(done, 'green'))).toBe(true);
  });

  it('names batch items <nodeName>#<index> and plain tasks not at all', () => {
    expect([batchId('green', 1), batchId('green', 10), batchId('solo', null)]).toEqual(['green#1', 'green#10', null]);
  });
});
