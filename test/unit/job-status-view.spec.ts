import { finalNodes, progressOf, renderResults, renderStatus, type ResultTask } from '../../src/jobs/domain/job-status.view';
import { jobEvent, type JobEvent } from '../../src/jobs/domain/job.events';
import { evolve } from '../../src/jobs/domain/job.evolve';
import { zeroCounts, type Counts, type JobSummary } from '../../src/jobs/domain/job.state';
import { AT, batchTasks, ev, JOB_ID, JobHarness, pipeline, resultTasksOf, stateOf } from './job-fixtures';

/** The seed's progress example: green over 10 items, read by two nodes that wait for it. */
const SEED = pipeline({
  nodes: [
    { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...10]'] },
    { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] },
    { nodeName: 'black', algorithmName: 'black-alg', input: ['#@green'] },
  ],
  options: { progressVerbosityLevel: 'debug' },
});

/** green: g1..g4 succeed, g5 and g6 active, g7..g10 pending; yellow and black creating. */
const SEED_MIDWAY: JobEvent[] = [
  ev.submitted(SEED),
  ev.expanded('green', 'green-alg', batchTasks('g', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
  ev.started(),
  ...['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((id) => ev.acquired(id, 'green')),
  ...['g1', 'g2', 'g3', 'g4'].map((id, i) => ev.succeeded(id, 'green', (i + 1) * 10)),
];

/** A summary with the given counts (only counts and status matter to progress). */
function withCounts(partial: Partial<Counts>, status: JobSummary['status'] = 'active'): JobSummary {
  return { ...stateOf([ev.submitted(SEED)]), status, counts: { ...zeroCounts(), ...partial } };
}

describe('progressOf', () => {
  it.each<[Partial<Counts>, string]>([
    [{ creating: 3 }, '0.00'],
    [{ succeed: 1, pending: 2 }, '33.33'],
    [{ succeed: 2, active: 1 }, '66.67'],
    [{ succeed: 1, pending: 5 }, '16.67'],
    [{ succeed: 1, pending: 6 }, '14.29'],
    [{ succeed: 1, pending: 1 }, '50.00'],
    [{ succeed: 3 }, '100.00'],
    [{ failed: 1, pending: 3 }, '25.00'],
    [{ skipped: 1, stopped: 1 }, '50.00'],
    [{ stopped: 4 }, '0.00'],
    [{ succeed: 1, failed: 1, skipped: 2, stopped: 2 }, '66.67'],
    [{ succeed: 1, failed: 2, skipped: 3, stopped: 4, active: 5, pending: 6, creating: 7 }, '21.43'],
  ])('is 100 x (succeed + failed + skipped) / all entries with two decimals for %p -> %s', (partial, expected) => {
    expect(progressOf(withCounts(partial))).toBe(expected);
  });

  it('is 100.00 for a completed job with no entries at all', () => {
    expect(progressOf(withCounts({}, 'completed'))).toBe('100.00');
  });

  it.each<JobSummary['status']>(['pending', 'active', 'failed', 'stopped'])('is 0.00 for a job that is %s and has no entries at all', (status) => {
    expect(progressOf(withCounts({}, status))).toBe('0.00');
  });
});

describe('renderStatus', () => {
  it('reproduces the seed progress payload: 33.33% with 4 succeed, 2 active, 4 pending, 2 creating', () => {
    expect(renderStatus(stateOf(SEED_MIDWAY))).toStrictEqual({
      jobId: JOB_ID,
      timestamp: AT,
      pipeline: 'batch',
      level: 'debug',
      status: 'active',
      data: {
        progress: '33.33',
        details: '33.33% completed, 4 succeed, 2 active, 4 pending, 2 creating',
        states: { succeed: 4, active: 2, pending: 4, creating: 2 },
        activeNodes: [{ nodeName: 'green', algorithmName: 'green-alg', batch: { active: 6, total: 10 } }],
      },
    });
  });

  it('reproduces the seed completed payload: 100.00% with 3 succeed', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'] }] });
    h.acquire('w1', 3);
    h.complete('green', 1, 10);
    h.complete('green', 2, 20);
    h.complete('green', 3, 30);
    expect(renderStatus(h.state)).toStrictEqual({
      jobId: JOB_ID,
      timestamp: AT,
      pipeline: 'batch',
      level: 'info',
      status: 'completed',
      // Every event of the harness is at the pinned clock: no time passed.
      netTimeTook: 0,
      grossTimeTook: 0,
      data: { progress: '100.00', details: '100.00% completed, 3 succeed', states: { succeed: 3 }, activeNodes: [] },
    });
  });

  it('shows a freshly submitted job, its entry node already expanded, at level info (the engine\'s pending job)', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'] }] });
    expect(h.events.map((e) => e.type)).toEqual(['job.submitted', 'node.expanded']);
    const view = renderStatus(h.state);
    expect([view.status, view.level, view.data.details]).toEqual(['pending', 'info', '0.00% completed, 3 pending']);
    expect(['error', 'nodeName', 'reason', 'netTimeTook', 'grossTimeTook'].filter((k) => k in view)).toEqual([]);
  });

  it('gives a completed job its net (from the start by a worker) and gross (from submission) seconds', () => {
    const spec = pipeline({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1]'] }] });
    const timeline: Array<[JobEvent, string]> = [
      [ev.submitted(spec), '2026-01-01T00:00:00.000Z'],
      [ev.expanded('green', 'green-alg', batchTasks('g', [1])), '2026-01-01T00:00:00.000Z'],
      [ev.started(), '2026-01-01T00:00:02.250Z'],
      [ev.acquired('g1', 'green'), '2026-01-01T00:00:02.250Z'],
      [ev.succeeded('g1', 'green', 1), '2026-01-01T00:00:05.000Z'],
      [ev.completed(), '2026-01-01T00:00:05.125Z'],
    ];
    const done = timeline.reduce<JobSummary | undefined>((st, [e, at]) => evolve(st, e, at), undefined)!;
    const view = renderStatus(done);
    expect([view.netTimeTook, view.grossTimeTook]).toEqual([2.875, 5.125]);
    expect(renderResults(done, []).timeTook).toBe(5.125);
    // Before the end there are no times yet.
    const running = timeline.slice(0, 5).reduce<JobSummary | undefined>((st, [e, at]) => evolve(st, e, at), undefined)!;
    expect([renderStatus(running).netTimeTook, renderStatus(running).grossTimeTook]).toEqual([undefined, undefined]);
  });

  it('shows a just-submitted job as pending, all its nodes creating', () => {
    expect(renderStatus(stateOf([ev.submitted(SEED)])).data).toStrictEqual({
      progress: '0.00',
      details: '0.00% completed, 3 creating',
      states: { creating: 3 },
      activeNodes: [],
    });
  });

  it('lists the non-zero counts in the order succeed, failed, skipped, stopped, active, pending, creating', () => {
    const view = renderStatus(withCounts({ creating: 7, pending: 6, active: 5, stopped: 4, skipped: 3, failed: 2, succeed: 1 }));
    expect(view.data.details).toBe('21.43% completed, 1 succeed, 2 failed, 3 skipped, 4 stopped, 5 active, 6 pending, 7 creating');
    expect(Object.entries(view.data.states)).toEqual([
      ['succeed', 1],
      ['failed', 2],
      ['skipped', 3],
      ['stopped', 4],
      ['active', 5],
      ['pending', 6],
      ['creating', 7],
    ]);
  });

  it('leaves out zero counts from details and states', () => {
    const view = renderStatus(withCounts({ failed: 1, pending: 3 }));
    expect([view.data.details, view.data.states]).toEqual(['25.00% completed, 1 failed, 3 pending', { failed: 1, pending: 3 }]);
  });

  it('says only the progress when there are no entries', () => {
    expect(renderStatus(withCounts({}, 'completed')).data.details).toBe('100.00% completed');
  });

  it('lists only nodes with active tasks, counting their pending items as active in batch', () => {
    const h = JobHarness.submit({
      nodes: [
        { nodeName: 'a', algorithmName: 'a-alg', input: ['#[1...4]'] },
        { nodeName: 'b', algorithmName: 'b-alg', input: ['#[1...3]'] },
        { nodeName: 'c', algorithmName: 'c-alg', input: ['solo'] },
        { nodeName: 'd', algorithmName: 'd-alg', input: ['#[1,2]'] },
      ],
    });
    h.acquire('w1', 1, 'a');
    h.acquire('w1', 1, 'c');
    h.acquire('w1', 2, 'd');
    h.complete('d', 1, 'x');
    expect(renderStatus(h.state).data.activeNodes).toStrictEqual([
      { nodeName: 'a', algorithmName: 'a-alg', batch: { active: 4, total: 4 } },
      { nodeName: 'c', algorithmName: 'c-alg', batch: { active: 1, total: 1 } },
      { nodeName: 'd', algorithmName: 'd-alg', batch: { active: 1, total: 2 } },
    ]);
  });

  it('shows a failed job with its error and node, the nodes never reached stopped and not done, and no active nodes', () => {
    const error = '6/10 (60%) failed tasks, batch tolerance is 60%, error: boom';
    const given = [...SEED_MIDWAY, jobEvent('job.failed', { error, nodeName: 'green' })];
    expect(renderStatus(stateOf(given))).toStrictEqual({
      jobId: JOB_ID,
      timestamp: AT,
      pipeline: 'batch',
      level: 'error',
      status: 'failed',
      error,
      nodeName: 'green',
      data: {
        progress: '33.33',
        details: '33.33% completed, 4 succeed, 8 stopped',
        states: { succeed: 4, stopped: 8 },
        activeNodes: [],
      },
    });
  });

  it('shows a failed job of an older event (no nodeName) with its error only', () => {
    const view = renderStatus(stateOf([...SEED_MIDWAY, ev.jobFailed('node green failed')]));
    expect([view.error, 'nodeName' in view, 'reason' in view]).toEqual(['node green failed', false, false]);
  });

  it('shows a stopped job at level info with its reason, the nodes never reached still creating (not done)', () => {
    const view = renderStatus(stateOf([...SEED_MIDWAY, ev.stopped('stopped due to request')]));
    expect([view.status, view.level, view.reason, view.data.details]).toEqual([
      'stopped',
      'info',
      'stopped due to request',
      '33.33% completed, 4 succeed, 6 stopped, 2 creating',
    ]);
    expect(['error', 'nodeName', 'netTimeTook', 'grossTimeTook'].filter((k) => k in view)).toEqual([]);
  });

  it('shows a retried task as pending again, at level warn', () => {
    const view = renderStatus(stateOf([...SEED_MIDWAY, ev.retried('g5', 'green')]));
    expect([view.level, view.data.details, view.data.activeNodes]).toStrictEqual([
      'warn',
      '33.33% completed, 4 succeed, 1 active, 5 pending, 2 creating',
      [{ nodeName: 'green', algorithmName: 'green-alg', batch: { active: 6, total: 10 } }],
    ]);
  });
});

describe('finalNodes', () => {
  it('lists the nodes no other node reads, in node order', () => {
    const spec = pipeline({
      nodes: [
        { nodeName: 'a', algorithmName: 'alg', input: [1] },
        { nodeName: 'b', algorithmName: 'alg', input: ['@a'] },
        { nodeName: 'c', algorithmName: 'alg', input: ['#@a'] },
        { nodeName: 'lonely', algorithmName: 'alg', input: [2] },
        { nodeName: 'd', algorithmName: 'alg', input: ['@b', '@c'] },
      ],
    });
    expect(finalNodes(stateOf([ev.submitted(spec)]))).toEqual(['lonely', 'd']);
  });

  it('is every node when no node reads another', () => {
    const spec = pipeline({ nodes: [{ nodeName: 'x', algorithmName: 'alg' }, { nodeName: 'y', algorithmName: 'alg' }] });
    expect(finalNodes(stateOf([ev.submitted(spec)]))).toEqual(['x', 'y']);
  });
});

describe('renderResults', () => {
  it('reproduces the seed result payload: one entry per batch item with its batchID', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'] }] });
    h.acquire('w1', 3);
    h.complete('green', 2, 20);
    h.complete('green', 3, 30);
    h.complete('green', 1, 10);
    expect(renderResults(h.state, resultTasksOf(h.events))).toStrictEqual({
      jobId: JOB_ID,
      timestamp: AT,
      pipeline: 'batch',
      status: 'completed',
      timeTook: 0,
      data: {
        result: [
          { nodeName: 'green', batchID: 'green#1', algorithmName: 'green-alg', result: 10 },
          { nodeName: 'green', batchID: 'green#2', algorithmName: 'green-alg', result: 20 },
          { nodeName: 'green', batchID: 'green#3', algorithmName: 'green-alg', result: 30 },
        ],
      },
    });
  });

  it('shows failed items below tolerance with their error in a completed job', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...5]'] }] });
    h.acquire('w1', 5);
    h.complete('green', 1, 'one');
    h.fail('green', 2, { message: 'bad input 2' });
    h.complete('green', 3, 'three');
    h.fail('green', 4, 'crashed');
    h.complete('green', 5, null);
    expect(h.state.status).toBe('completed');
    expect(renderResults(h.state, resultTasksOf(h.events)).data.result).toStrictEqual([
      { nodeName: 'green', batchID: 'green#1', algorithmName: 'green-alg', result: 'one' },
      { nodeName: 'green', batchID: 'green#2', algorithmName: 'green-alg', error: { message: 'bad input 2' } },
      { nodeName: 'green', batchID: 'green#3', algorithmName: 'green-alg', result: 'three' },
      { nodeName: 'green', batchID: 'green#4', algorithmName: 'green-alg', error: 'crashed' },
      { nodeName: 'green', batchID: 'green#5', algorithmName: 'green-alg', result: null },
    ]);
  });

  it('reports only final nodes, a non-batch entry without batchID, after the dependent node ran', () => {
    const h = JobHarness.submit({
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2]'] },
        { nodeName: 'sum', algorithmName: 'sum-alg', input: ['@green'] },
      ],
    });
    h.acquire('w1', 2);
    h.complete('green', 1, 1);
    h.complete('green', 2, 2);
    expect(h.task('sum').input).toEqual([[1, 2]]);
    h.acquire('w1', 1);
    h.complete('sum', null, 3);
    expect(renderResults(h.state, resultTasksOf(h.events)).data.result).toStrictEqual([{ nodeName: 'sum', algorithmName: 'sum-alg', result: 3 }]);
  });

  it('orders entries by final node, then batch index, whatever order the tasks come in', () => {
    const spec = pipeline({
      nodes: [
        { nodeName: 'x', algorithmName: 'x-alg', input: ['#[1,2]'] },
        { nodeName: 'y', algorithmName: 'y-alg', input: ['#[1,2]'] },
      ],
    });
    const tasks: ResultTask[] = [
      { nodeName: 'y', algorithmName: 'y-alg', batchIndex: 2, state: 'succeed', result: 'y2', error: null },
      { nodeName: 'x', algorithmName: 'x-alg', batchIndex: 2, state: 'succeed', result: 'x2', error: null },
      { nodeName: 'y', algorithmName: 'y-alg', batchIndex: 1, state: 'succeed', result: 'y1', error: null },
      { nodeName: 'x', algorithmName: 'x-alg', batchIndex: 1, state: 'succeed', result: 'x1', error: null },
    ];
    expect(renderResults({ ...stateOf([ev.submitted(spec)]), status: 'completed' }, tasks).data.result.map((r) => (r as { result: unknown }).result)).toEqual([
      'x1',
      'x2',
      'y1',
      'y2',
    ]);
  });

  it('adds the error of a failed job and marks its unfinished items as stopped', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2]'] }], options: { batchTolerance: 50 } });
    h.acquire('w1', 1);
    h.fail('green', 1, 'broken');
    expect(renderResults(h.state, resultTasksOf(h.events))).toStrictEqual({
      jobId: JOB_ID,
      timestamp: AT,
      pipeline: 'batch',
      status: 'failed',
      error: '1/2 (50%) failed tasks, batch tolerance is 50%, error: broken',
      nodeName: 'green',
      timeTook: 0,
      data: {
        result: [
          { nodeName: 'green', batchID: 'green#1', algorithmName: 'green-alg', error: 'broken' },
          { nodeName: 'green', batchID: 'green#2', algorithmName: 'green-alg', error: 'task stopped' },
        ],
      },
    });
  });

  it('adds the reason of a stopped job, and has no entries for a final node never expanded', () => {
    const h = JobHarness.submit({
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2]'] },
        { nodeName: 'sum', algorithmName: 'sum-alg', input: ['@green'] },
      ],
    });
    h.acquire('w1', 1);
    h.commit([ev.stopped('ttl expired')]);
    expect(renderResults(h.state, resultTasksOf(h.events))).toStrictEqual({
      jobId: JOB_ID,
      timestamp: AT,
      pipeline: 'batch',
      status: 'stopped',
      reason: 'ttl expired',
      timeTook: 0,
      data: { result: [] },
    });
  });
});

describe('progress rounding near the end', () => {
  it('never shows 100.00 while an entry is unfinished', () => {
    const job = {
      status: 'active',
      counts: { succeed: 99_999, failed: 0, skipped: 0, stopped: 0, active: 1, pending: 0, creating: 0 },
    } as unknown as Parameters<typeof progressOf>[0];
    expect(progressOf(job)).toBe('99.99');
  });
});
