/**
 * Whole jobs played through the deciders in memory (decide -> record -> advance until quiet), with
 * the exact status after each step, as a client polling /exec/status would see it.
 */
import { decideComplete, decideExpireLeases, decideStop, decideTtl } from '../../src/jobs/domain/job.decide';
import { renderResults, renderStatus } from '../../src/jobs/domain/job-status.view';
import { after, JobHarness } from './job-fixtures';

const details = (h: JobHarness) => renderStatus(h.state).data.details;

describe('a 10-item batch pipeline with dependent nodes', () => {
  const body = {
    nodes: [
      { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...10]'] },
      { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] },
      { nodeName: 'black', algorithmName: 'black-alg', input: ['#@green', 'x'] },
    ],
  };

  it('reports exact status snapshots from submission to completion, then exact results', () => {
    const h = JobHarness.submit(body);
    expect([h.state.status, details(h)]).toEqual(['pending', '0.00% completed, 10 pending, 2 creating']);
    expect(h.tasks.map((t) => [t.taskId, t.batchIndex, t.input])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`t${i + 1}`, i + 1, [i + 1]]),
    );

    h.acquire('w1', 3);
    h.acquire('w2', 3);
    expect([h.state.status, details(h)]).toEqual(['active', '0.00% completed, 6 active, 4 pending, 2 creating']);

    for (let i = 1; i <= 4; i++) h.complete('green', i, i * 10);
    expect(renderStatus(h.state).data).toStrictEqual({
      progress: '33.33',
      details: '33.33% completed, 4 succeed, 2 active, 4 pending, 2 creating',
      states: { succeed: 4, active: 2, pending: 4, creating: 2 },
      activeNodes: [{ nodeName: 'green', algorithmName: 'green-alg', batch: { active: 6, total: 10 } }],
    });

    h.acquire('w1', 4);
    for (let i = 5; i <= 9; i++) h.complete('green', i, i * 10);
    expect(details(h)).toBe('75.00% completed, 9 succeed, 1 active, 2 creating');

    h.fail('green', 10, 'item 10 is cursed');
    // 10% failed is below the tolerance: green is done, yellow (1 task) and black expand; black's
    // "#@green" drops the failed item as HKube does (9 tasks), yellow's "@green" reads it as null.
    expect(details(h)).toBe('50.00% completed, 9 succeed, 1 failed, 10 pending');
    expect(h.task('yellow').input).toEqual([[10, 20, 30, 40, 50, 60, 70, 80, 90, null]]);
    expect(h.tasks.filter((t) => t.nodeName === 'black').map((t) => [t.taskId, t.batchIndex, t.input])).toEqual([
      ...Array.from({ length: 9 }, (_, i) => [`t${i + 12}`, i + 1, [(i + 1) * 10, 'x']]),
    ]);

    h.acquire('w3', 11);
    h.complete('yellow', null, 450);
    for (let i = 1; i <= 9; i++) h.complete('black', i, `b${i}`);
    expect(renderStatus(h.state)).toStrictEqual({
      jobId: h.state.jobId,
      timestamp: h.state.timestamp,
      pipeline: 'batch',
      level: 'info',
      status: 'completed',
      netTimeTook: 0,
      grossTimeTook: 0,
      data: { progress: '100.00', details: '100.00% completed, 19 succeed, 1 failed', states: { succeed: 19, failed: 1 }, activeNodes: [] },
    });
    expect(h.events.filter((e) => e.type === 'job.completed')).toHaveLength(1);
    expect(renderResults(h.state, h.tasks).data.result).toStrictEqual([
      { nodeName: 'yellow', algorithmName: 'yellow-alg', result: 450 },
      ...Array.from({ length: 9 }, (_, i) => ({ nodeName: 'black', batchID: `black#${i + 1}`, algorithmName: 'black-alg', result: `b${i + 1}` })),
    ]);
  });
});

describe('lease expiry and retry', () => {
  it('gives an expired task back to the queue, runs it again at attempt 2, and ignores the late worker', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2]'] }] });
    h.acquire('w1', 2);
    h.commit(decideExpireLeases(h.state, h.tasks, after(30)));
    expect(h.tasks.map((t) => [t.batchIndex, t.state, t.attempt, t.workerName])).toEqual([
      [1, 'pending', 1, null],
      [2, 'pending', 1, null],
    ]);
    expect([h.state.level, details(h)]).toEqual(['warn', '0.00% completed, 2 pending']);

    h.acquire('w2', 1);
    expect(h.task('green', 1)).toMatchObject({ state: 'active', attempt: 2, workerName: 'w2' });
    const late = (batchIndex: number) => () => decideComplete(h.state, h.task('green', batchIndex), { workerName: 'w1', result: 'late', now: after(31) });
    expect(late(1)).toThrow(expect.objectContaining({ code: 'LEASE_NOT_HELD' }));
    expect(late(2)).toThrow(expect.objectContaining({ code: 'TASK_NOT_ACTIVE' }));
    h.complete('green', 1, 'one');
    h.acquire('w2', 1);
    expect(h.complete('green', 2, 'two').map((e) => e.type)).toEqual(['task.succeeded', 'job.completed']);
  });

  it('fails the task once its lease expired limit + 1 times, and the job with it', () => {
    const h = JobHarness.submit({ nodes: [{ nodeName: 'solo', algorithmName: 'alg', input: [1], retry: { limit: 2 } }] });
    const outcomes: string[] = [];
    for (let run = 1; run <= 3; run++) {
      h.acquire(`w${run}`, 1);
      outcomes.push(...h.commit(decideExpireLeases(h.state, h.tasks, after(30))).map((e) => e.type));
    }
    expect(outcomes).toEqual(['task.retried', 'task.retried', 'task.failed', 'job.failed']);
    // A node without batch input fails the job with its task's error, naming the node.
    expect([h.state.error, h.state.nodeName]).toEqual(['lease held by w3 expired at 2026-01-01T00:00:30.000Z', 'solo']);
    expect(h.task('solo').attempt).toBe(3);
  });
});

describe('stop and ttl', () => {
  const body = {
    nodes: [
      { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...4]'] },
      { nodeName: 'sum', algorithmName: 'sum-alg', input: ['@green'] },
    ],
    options: { ttl: 120 },
  };

  it('stops a running job: unfinished tasks stopped, the waiting node not done (still creating), a second stop refused', () => {
    const h = JobHarness.submit(body);
    h.acquire('w1', 2);
    h.complete('green', 1, 1);
    h.commit(decideStop(h.state, 'no longer needed'));
    expect([h.state.status, h.state.reason, details(h)]).toEqual([
      'stopped',
      'no longer needed',
      '20.00% completed, 1 succeed, 3 stopped, 1 creating',
    ]);
    expect(h.tasks.map((t) => t.state)).toEqual(['succeed', 'stopped', 'stopped', 'stopped']);
    expect(() => decideStop(h.state, 'again')).toThrow(expect.objectContaining({ code: 'JOB_NOT_RUNNING' }));
  });

  it('stops a job at its ttl, once', () => {
    const h = JobHarness.submit(body);
    h.acquire('w1', 1);
    expect(h.commit(decideTtl(h.state, after(119)))).toEqual([]);
    expect(h.commit(decideTtl(h.state, after(120))).map((e) => e.type)).toEqual(['job.stopped']);
    expect(h.commit(decideTtl(h.state, after(121)))).toEqual([]);
    expect([h.state.status, h.state.reason]).toEqual(['stopped', 'ttl expired']);
  });
});

describe('what an engine client reads after a failure or a stop', () => {
  const chain = {
    nodes: [
      { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...4]'] },
      { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] },
      { nodeName: 'black', algorithmName: 'black-alg', input: ['#@yellow'] },
    ],
  };

  it('is pending at level info right after submission, then fails past the tolerance below 100% with the engine message', () => {
    const h = JobHarness.submit({ ...chain, options: { batchTolerance: 50 } });
    expect([renderStatus(h.state).status, renderStatus(h.state).level]).toEqual(['pending', 'info']);
    h.acquire('w1', 4);
    h.complete('green', 1, 1);
    h.fail('green', 2, 'first failure');
    expect(h.state.status).toBe('active');
    h.fail('green', 3, { message: 'out of memory' });
    const view = renderStatus(h.state);
    expect(view).toMatchObject({
      status: 'failed',
      level: 'error',
      error: '2/4 (50%) failed tasks, batch tolerance is 50%, error: out of memory',
      nodeName: 'green',
      data: { progress: '50.00', details: '50.00% completed, 1 succeed, 2 failed, 3 stopped', states: { succeed: 1, failed: 2, stopped: 3 } },
    });
    expect(renderResults(h.state, h.tasks)).toMatchObject({ status: 'failed', error: view.error, nodeName: 'green' });
  });

  it('compares the rounded percentage with batchTolerance: 7 of 9 (77.78%) reads 78% and reaches 78', () => {
    const nine = { nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...9]'] }] };
    const h = JobHarness.submit({ ...nine, options: { batchTolerance: 78 } });
    h.acquire('w1', 9);
    for (let i = 1; i <= 6; i++) h.fail('green', i, `e${i}`);
    expect(h.state.status).toBe('active');
    h.fail('green', 7, 'e7');
    expect([h.state.status, h.state.error]).toEqual(['failed', '7/9 (78%) failed tasks, batch tolerance is 78%, error: e7']);
    expect(details(h)).toBe('77.78% completed, 7 failed, 2 stopped');

    const below = JobHarness.submit({ ...nine, options: { batchTolerance: 79 } });
    below.acquire('w1', 9);
    for (let i = 1; i <= 7; i++) below.fail('green', i, `e${i}`);
    expect(below.state.status).toBe('active');
  });

  it('stops with the default reason "stopped due to request", the nodes never reached not done', () => {
    const h = JobHarness.submit(chain);
    h.acquire('w1', 4);
    for (let i = 1; i <= 4; i++) h.complete('green', i, i);
    h.commit(decideStop(h.state, undefined));
    expect(renderStatus(h.state)).toMatchObject({
      status: 'stopped',
      level: 'info',
      reason: 'stopped due to request',
      data: { progress: '66.67', details: '66.67% completed, 4 succeed, 1 stopped, 1 creating' },
    });
    expect(renderResults(h.state, h.tasks)).toMatchObject({ status: 'stopped', reason: 'stopped due to request', timeTook: 0 });
  });
});

describe('a pipeline of empty batches', () => {
  it('completes at submission with 100.00%, each empty batch one skipped entry (HKube), and no results', () => {
    const h = JobHarness.submit({
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: ['#[]'] },
        { nodeName: 'blue', algorithmName: 'blue-alg', input: ['#@green'] },
      ],
    });
    expect(h.events.map((e) => e.type)).toEqual(['job.submitted', 'node.expanded', 'node.expanded', 'job.completed']);
    expect([h.state.status, details(h), renderResults(h.state, h.tasks).data.result]).toEqual(['completed', '100.00% completed, 2 skipped', []]);
  });
});
