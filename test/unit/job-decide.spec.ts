import { DomainError } from '../../src/common/domain-error';
import {
  advance,
  advanceNeeds,
  decideAcquire,
  decideComplete,
  decideExpireLeases,
  decideFail,
  decideHeartbeat,
  decidePause,
  decideResume,
  decideStop,
  decideSubmit,
  decideTtl,
  nodeOutput,
  type NodeResults,
} from '../../src/jobs/domain/job.decide';
import { EVENT_LEVEL, jobEvent, toNewEvent, type JobEvent, type JobEventType } from '../../src/jobs/domain/job.events';
import type { JobSummary, NodeSummary } from '../../src/jobs/domain/job.state';
import type { PipelineSpec } from '../../src/jobs/domain/pipeline.types';
import { after, AT, batchTasks, context, domainErrorOf, ev, idCounter, JOB_ID, JobHarness, NOW, pipeline, stateOf, tasksOf, type TestTask } from './job-fixtures';

const GREEN = { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'] };


function taskOf(events: JobEvent[], taskId: string): TestTask {
  const t = tasksOf(events).find((x) => x.taskId === taskId);
  if (!t) throw new Error(`no task ${taskId}`);
  return t;
}

/** A one-node batch job (green over the given items) whose tasks g1..gn exist, nothing acquired. */
function greenBatch(items: unknown[], options: Record<string, unknown> = {}, retry?: Record<string, unknown>): { spec: PipelineSpec; given: JobEvent[] } {
  const spec = pipeline({ nodes: [{ ...GREEN, input: [`#${JSON.stringify(items)}`], ...(retry ? { retry } : {}) }], options });
  return { spec, given: [ev.submitted(spec), ev.expanded('green', 'green-alg', batchTasks('g', items))] };
}

/** green (batch of 3) feeding yellow ("@green") and blue ("#@green"). */
const CHAIN = pipeline({
  nodes: [
    GREEN,
    { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green', 'all'] },
    { nodeName: 'blue', algorithmName: 'blue-alg', input: ['#@green', 'each'] },
  ],
});

describe('decideSubmit', () => {
  it('records the normalised pipeline as one job.submitted event', () => {
    const spec = pipeline({ nodes: [GREEN], priority: 2 });
    expect(decideSubmit(spec, JOB_ID, context())).toEqual([
      {
        type: 'job.submitted',
        data: {
          jobId: JOB_ID,
          kind: 'pipeline',
          pipeline: 'batch',
          priority: 2,
          options: { progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 3600 },
          nodes: [{ nodeName: 'green', algorithmName: 'green-alg', deps: [], retry: { limit: 3, delaySeconds: 0, backoff: false } }],
          ttlExpiresAt: '2026-01-01T01:00:00.000Z',
          spec,
        },
      },
    ]);
  });

  it('derives each node\'s dependencies from the nodes its inputs read, once each', () => {
    const spec = pipeline({
      nodes: [
        { nodeName: 'a', algorithmName: 'alg', input: ['@flowInput.x'] },
        { nodeName: 'b', algorithmName: 'alg', input: [1] },
        { nodeName: 'c', algorithmName: 'alg', input: ['@a', '#@b.list', '@a.field'] },
      ],
      flowInput: { x: 1 },
    });
    const [submitted] = decideSubmit(spec, JOB_ID, context());
    expect(submitted.type === 'job.submitted' && submitted.data.nodes.map((n) => [n.nodeName, n.deps])).toEqual([
      ['a', []],
      ['b', []],
      ['c', ['a', 'b']],
    ]);
  });

  it('sets the ttl deadline options.ttl seconds after now', () => {
    const [submitted] = decideSubmit(pipeline({ nodes: [GREEN], options: { ttl: 90 } }), JOB_ID, context());
    expect(submitted.type === 'job.submitted' && submitted.data.ttlExpiresAt).toBe('2026-01-01T00:01:30.000Z');
  });

  it('sets the ttl deadline of ttl 0 (HKube: no ttl) at Herald\'s longest ttl, 30 days', () => {
    const [submitted] = decideSubmit(pipeline({ nodes: [GREEN], options: { ttl: 0 } }), JOB_ID, context());
    expect(submitted.type === 'job.submitted' && submitted.data.ttlExpiresAt).toBe('2026-01-31T00:00:00.000Z');
  });

  it('rejects a flowInput reference nested in an object, at its path, in HKube\'s words', () => {
    const spec = pipeline({ nodes: [{ ...GREEN, input: [{ a: ['@flowInput.nope'] }] }], flowInput: {} });
    expect(() => decideSubmit(spec, JOB_ID, context())).toThrow(
      expect.objectContaining({ message: 'unable to find flowInput.nope', details: [{ path: 'nodes[0].input[0].a[0]', message: 'unable to find flowInput.nope' }] }),
    );
  });

  it('asks for no ids (the caller chose the jobId)', () => {
    let calls = 0;
    decideSubmit(pipeline({ nodes: [GREEN] }), JOB_ID, { now: NOW, newId: () => `id${++calls}` });
    expect(calls).toBe(0);
  });

  it('rejects a reference to a flowInput path that is not there, at its input position', () => {
    const spec = pipeline({ nodes: [{ ...GREEN, input: ['x', '@flowInput.a.missing'] }], flowInput: { a: { b: 1 } } });
    const err = domainErrorOf(() => decideSubmit(spec, JOB_ID, context()));
    expect([err.code, err.status, err.message, err.details]).toEqual([
      'VALIDATION_FAILED',
      400,
      'unable to find flowInput.a.missing',
      [{ path: 'nodes[0].input[1]', message: 'unable to find flowInput.a.missing' }],
    ]);
  });

  it('rejects a flowInput reference to an inherited object member as missing', () => {
    const spec = pipeline({ nodes: [{ ...GREEN, input: ['@flowInput.constructor'] }], flowInput: { a: 1 } });
    const err = domainErrorOf(() => decideSubmit(spec, JOB_ID, context()));
    expect([err.code, err.details]).toEqual(['VALIDATION_FAILED', [{ path: 'nodes[0].input[0]', message: 'unable to find flowInput.constructor' }]]);
  });

  it('rejects a flowInput reference when no flowInput was sent', () => {
    const err = domainErrorOf(() => decideSubmit(pipeline({ nodes: [{ ...GREEN, input: ['@flowInput.a'] }] }), JOB_ID, context()));
    expect([err.code, err.details]).toEqual(['VALIDATION_FAILED', [{ path: 'nodes[0].input[0]', message: 'unable to find flowInput.a' }]]);
  });

  it('rejects a batch over a flowInput value that is not an array', () => {
    const spec = pipeline({
      nodes: [GREEN, { nodeName: 'b', algorithmName: 'alg', input: ['#@flowInput.list', '#@flowInput.ok'] }],
      flowInput: { list: { not: 'an array' }, ok: [1] },
    });
    const err = domainErrorOf(() => decideSubmit(spec, JOB_ID, context()));
    expect([err.code, err.details]).toEqual(['VALIDATION_FAILED', [{ path: 'nodes[1].input[0]', message: '#@flowInput.list is not an array' }]]);
  });
});

describe('advanceNeeds and advance', () => {
  describe('right after submission', () => {
    const given = [ev.submitted(CHAIN)];

    it('needs the spec but no node results to expand the nodes without dependencies', () => {
      expect(advanceNeeds(stateOf(given))).toEqual({ spec: true, nodes: [] });
    });

    it('expands only the nodes without dependencies, with batch ids 1..n and ids from newId', () => {
      expect(advance(stateOf(given), { spec: CHAIN, results: {} }, context())).toEqual([
        ev.expanded('green', 'green-alg', [
          { taskId: 't1', input: [1] },
          { taskId: 't2', input: [2] },
          { taskId: 't3', input: [3] },
        ]),
      ]);
    });

    it('refuses to expand without the spec', () => {
      expect(() => advance(stateOf(given), { results: {} }, context())).toThrow('advance needs the pipeline spec to expand nodes');
    });

    it('expands every independent node in one step, in node order, sharing one id sequence', () => {
      const spec = pipeline({
        nodes: [
          { nodeName: 'a', algorithmName: 'a-alg', input: ['#[10,20]'] },
          { nodeName: 'b', algorithmName: 'b-alg', input: ['plain', '@flowInput.k'] },
        ],
        flowInput: { k: 'v' },
      });
      expect(advance(stateOf([ev.submitted(spec)]), { spec, results: {} }, context())).toEqual([
        ev.expanded('a', 'a-alg', [
          { taskId: 't1', input: [10] },
          { taskId: 't2', input: [20] },
        ]),
        ev.expanded('b', 'b-alg', [{ taskId: 't3', input: ['plain', 'v'] }], false),
      ]);
    });

    it('zips several batch inputs of a node into its tasks', () => {
      const spec = pipeline({ nodes: [{ nodeName: 'z', algorithmName: 'alg', input: ['#[1...3]', '#["a"]', 'k', '#@flowInput.l'] }], flowInput: { l: [true, false] } });
      expect(advance(stateOf([ev.submitted(spec)]), { spec, results: {} }, context())).toEqual([
        ev.expanded('z', 'alg', [
          { taskId: 't1', input: [1, 'a', 'k', true] },
          { taskId: 't2', input: [2, null, 'k', false] },
          { taskId: 't3', input: [3, null, 'k', null] },
        ]),
      ]);
    });
  });

  describe('while the first node runs', () => {
    const given = [
      ev.submitted(CHAIN),
      ev.expanded('green', 'green-alg', batchTasks('g', [1, 2, 3])),
      ev.started(),
      ev.acquired('g1', 'green'),
      ev.succeeded('g1', 'green', 10),
      ev.acquired('g2', 'green'),
    ];

    it('needs nothing loaded', () => {
      expect(advanceNeeds(stateOf(given))).toEqual({ spec: false, nodes: [] });
    });

    it('decides nothing', () => {
      expect(advance(stateOf(given), { results: {} }, context())).toEqual([]);
    });
  });

  describe('after the first node finished', () => {
    const given = [
      ev.submitted(CHAIN),
      ev.expanded('green', 'green-alg', batchTasks('g', [1, 2, 3])),
      ev.started(),
      ev.acquired('g1', 'green'),
      ev.acquired('g2', 'green'),
      ev.acquired('g3', 'green'),
      ev.succeeded('g1', 'green', 10),
      ev.failed('g2', 'green', 'bad item'),
      ev.succeeded('g3', 'green', { v: 30 }),
    ];
    // As the repository answers it, but deliberately out of batch order.
    const results: Record<string, NodeResults> = {
      green: [
        { batchIndex: 3, state: 'succeed', result: { v: 30 } },
        { batchIndex: 1, state: 'succeed', result: 10 },
        { batchIndex: 2, state: 'failed', result: null },
      ],
    };

    it('needs the spec and the results of the finished dependency', () => {
      expect(advanceNeeds(stateOf(given))).toEqual({ spec: true, nodes: ['green'] });
    });

    it('expands the dependent nodes from the dependency output in batch order: "@" reads a failed item as null, "#@" drops it (HKube)', () => {
      expect(advance(stateOf(given), { spec: CHAIN, results }, context(NOW, idCounter('n')))).toEqual([
        ev.expanded('yellow', 'yellow-alg', [{ taskId: 'n1', input: [[10, null, { v: 30 }], 'all'] }], false),
        ev.expanded('blue', 'blue-alg', [
          { taskId: 'n2', input: [10, 'each'] },
          { taskId: 'n3', input: [{ v: 30 }, 'each'] },
        ]),
      ]);
    });
  });

  describe('a node reading a non-batch node', () => {
    const spec = pipeline({
      nodes: [
        { nodeName: 'src', algorithmName: 'src-alg', input: [1] },
        { nodeName: 'sum', algorithmName: 'sum-alg', input: ['@src.total'] },
        { nodeName: 'each', algorithmName: 'each-alg', input: ['#@src.items'] },
      ],
    });
    const given = [ev.submitted(spec), ev.expanded('src', 'src-alg', [{ taskId: 's', input: [1] }], false), ev.started(), ev.acquired('s', 'src')];

    it('reads the single result of the dependency, and paths into it', () => {
      const done = [...given, ev.succeeded('s', 'src', { total: 6, items: ['x', 'y'] })];
      const results: Record<string, NodeResults> = { src: [{ batchIndex: null, state: 'succeed', result: { total: 6, items: ['x', 'y'] } }] };
      expect(advance(stateOf(done), { spec, results }, context())).toEqual([
        ev.expanded('sum', 'sum-alg', [{ taskId: 't1', input: [6] }], false),
        ev.expanded('each', 'each-alg', [
          { taskId: 't2', input: ['x'] },
          { taskId: 't3', input: ['y'] },
        ]),
      ]);
    });

    it('fails the job when a batch input over the dependency output is not an array', () => {
      const done = [...given, ev.succeeded('s', 'src', { total: 6, items: 'none' })];
      const results: Record<string, NodeResults> = { src: [{ batchIndex: null, state: 'succeed', result: { total: 6, items: 'none' } }] };
      expect(advance(stateOf(done), { spec, results }, context())).toEqual([
        jobEvent('job.failed', { error: 'node each: #@src.items: the output of src is not an array' }),
      ]);
    });
  });

  describe('a batch node of zero items', () => {
    const spec = pipeline({
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: ['#@flowInput.list'] },
        { nodeName: 'blue', algorithmName: 'blue-alg', input: ['#@green'] },
      ],
      flowInput: { list: [] },
    });

    it('expands into a batch with no tasks', () => {
      expect(advance(stateOf([ev.submitted(spec)]), { spec, results: {} }, context())).toEqual([ev.expanded('green', 'green-alg', [])]);
    });

    it('counts as done at once, so its dependent expands over its empty output', () => {
      const given = [ev.submitted(spec), ev.expanded('green', 'green-alg', [])];
      expect(advanceNeeds(stateOf(given))).toEqual({ spec: true, nodes: ['green'] });
      expect(advance(stateOf(given), { spec, results: { green: [] } }, context())).toEqual([ev.expanded('blue', 'blue-alg', [])]);
    });

    it('lets the job complete once every node is an empty batch', () => {
      const given = [ev.submitted(spec), ev.expanded('green', 'green-alg', []), ev.expanded('blue', 'blue-alg', [])];
      expect(advance(stateOf(given), { results: {} }, context())).toEqual([ev.completed()]);
    });
  });

  describe('completion', () => {
    it('completes the job when every node is done', () => {
      const { spec, given } = greenBatch([1, 2]);
      const done = [...given, ev.started(), ev.acquired('g1', 'green'), ev.acquired('g2', 'green'), ev.succeeded('g1', 'green', 1), ev.succeeded('g2', 'green', 2)];
      expect(advance(stateOf(done), { spec, results: {} }, context())).toEqual([ev.completed()]);
    });

    it('does not complete while a dependent node has not been expanded', () => {
      const given = [
        ev.submitted(CHAIN),
        ev.expanded('green', 'green-alg', batchTasks('g', [1])),
        ev.started(),
        ev.acquired('g1', 'green'),
        ev.succeeded('g1', 'green', 1),
      ];
      const events = advance(stateOf(given), { spec: CHAIN, results: { green: [{ batchIndex: 1, state: 'succeed', result: 1 }] } }, context());
      expect(events.map((e) => e.type)).toEqual(['node.expanded', 'node.expanded']);
    });

    it.each<[string, JobEvent]>([
      ['completed', ev.completed()],
      ['failed', ev.jobFailed('x')],
      ['stopped', ev.stopped('y')],
    ])('decides and needs nothing once the job is %s', (_status, end) => {
      const given = [ev.submitted(CHAIN), end];
      expect(advanceNeeds(stateOf(given))).toEqual({ spec: false, nodes: [] });
      expect(advance(stateOf(given), { spec: CHAIN, results: {} }, context())).toEqual([]);
    });
  });

  describe('batchTolerance', () => {
    /** A 10-item green batch where the first `failed` items failed and the next `succeeded` succeeded. */
    function tenItems(failed: number, succeeded: number, options: Record<string, unknown> = {}): JobEvent[] {
      const { given } = greenBatch([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], options);
      const events = [...given, ev.started()];
      for (let i = 1; i <= failed + succeeded; i++) events.push(ev.acquired(`g${i}`, 'green'));
      for (let i = 1; i <= failed; i++) events.push(ev.failed(`g${i}`, 'green', `item ${i} failed`));
      for (let i = failed + 1; i <= failed + succeeded; i++) events.push(ev.succeeded(`g${i}`, 'green', i));
      return events;
    }

    it('fails the job when the failed share of a node reaches the default 80%, with the engine message and the node', () => {
      expect(advance(stateOf(tenItems(8, 2)), { results: {} }, context())).toEqual([
        jobEvent('job.failed', { error: '8/10 (80%) failed tasks, batch tolerance is 80%, error: item 8 failed', nodeName: 'green' }),
      ]);
    });

    it('fails the job as soon as the share is reached, even with items still running', () => {
      const running = tenItems(8, 0);
      expect(stateOf(running).counts.active).toBe(0);
      const withActive = [...running, ev.acquired('g9', 'green'), ev.acquired('g10', 'green')];
      expect(advance(stateOf(withActive), { results: {} }, context())).toEqual([
        jobEvent('job.failed', { error: '8/10 (80%) failed tasks, batch tolerance is 80%, error: item 8 failed', nodeName: 'green' }),
      ]);
    });

    it('completes the job when the failed share stays below the default 80%', () => {
      expect(advance(stateOf(tenItems(7, 3)), { results: {} }, context())).toEqual([ev.completed()]);
    });

    it('applies a custom batchTolerance', () => {
      expect(advance(stateOf(tenItems(5, 0, { batchTolerance: 50 })), { results: {} }, context())).toEqual([
        jobEvent('job.failed', { error: '5/10 (50%) failed tasks, batch tolerance is 50%, error: item 5 failed', nodeName: 'green' }),
      ]);
      expect(advance(stateOf(tenItems(4, 6, { batchTolerance: 50 })), { results: {} }, context())).toEqual([ev.completed()]);
    });

    it('with batchTolerance 100 fails only when every item failed', () => {
      expect(advance(stateOf(tenItems(9, 1, { batchTolerance: 100 })), { results: {} }, context())).toEqual([ev.completed()]);
      expect(advance(stateOf(tenItems(10, 0, { batchTolerance: 100 })), { results: {} }, context())).toEqual([
        jobEvent('job.failed', { error: '10/10 (100%) failed tasks, batch tolerance is 100%, error: item 10 failed', nodeName: 'green' }),
      ]);
    });

    it('fails the job with the task error itself when the task of a non-batch node failed', () => {
      const spec = pipeline({ nodes: [{ nodeName: 'solo', algorithmName: 'alg', input: [1] }], options: { batchTolerance: 100 } });
      const given = [ev.submitted(spec), ev.expanded('solo', 'alg', [{ taskId: 's', input: [1] }], false), ev.started(), ev.acquired('s', 'solo'), ev.failed('s', 'solo')];
      expect(advance(stateOf(given), { spec, results: {} }, context())).toEqual([jobEvent('job.failed', { error: 'boom', nodeName: 'solo' })]);
    });

    it('fails the job instead of expanding the dependents of a node past its tolerance', () => {
      const given = [
        ev.submitted(CHAIN),
        ev.expanded('green', 'green-alg', batchTasks('g', [1, 2, 3])),
        ev.started(),
        ev.acquired('g1', 'green'),
        ev.acquired('g2', 'green'),
        ev.acquired('g3', 'green'),
        ev.failed('g1', 'green'),
        ev.failed('g2', 'green'),
        ev.failed('g3', 'green'),
      ];
      expect(advance(stateOf(given), { spec: CHAIN, results: {} }, context())).toEqual([
        jobEvent('job.failed', { error: '3/3 (100%) failed tasks, batch tolerance is 80%, error: boom', nodeName: 'green' }),
      ]);
    });
  });
});

describe('nodeOutput', () => {
  const node = (batch: boolean) => ({ batch }) as NodeSummary;

  it('is the array of item results in batch order for a batch node, null where an item did not succeed', () => {
    const results: NodeResults = [
      { batchIndex: 2, state: 'stopped', result: 'ignored' },
      { batchIndex: 1, state: 'succeed', result: 'a' },
      { batchIndex: 3, state: 'succeed', result: 'c' },
    ];
    expect(nodeOutput(node(true), results)).toEqual(['a', null, 'c']);
  });

  it('is the single result for a non-batch node', () => {
    expect(nodeOutput(node(false), [{ batchIndex: null, state: 'succeed', result: { x: 1 } }])).toEqual({ x: 1 });
  });

  it('is null for a non-batch node without results', () => {
    expect(nodeOutput(node(false), [])).toBeNull();
  });
});

describe('decideAcquire', () => {
  const { given } = greenBatch([1, 2, 3]);

  it('starts a pending job and leases every pending task offered, at attempt 1', () => {
    expect(decideAcquire(stateOf(given), tasksOf(given).slice(0, 2), { workerName: 'w1', leaseSeconds: 30, now: NOW })).toEqual([
      ev.started(),
      ev.acquired('g1', 'green', 1, 'w1', '2026-01-01T00:00:30.000Z'),
      ev.acquired('g2', 'green', 1, 'w1', '2026-01-01T00:00:30.000Z'),
    ]);
  });

  it('does not start a job that is already active', () => {
    const active = [...given, ev.started(), ev.acquired('g1', 'green')];
    expect(decideAcquire(stateOf(active), tasksOf(active), { workerName: 'w2', leaseSeconds: 5, now: after(1) })).toEqual([
      ev.acquired('g2', 'green', 1, 'w2', '2026-01-01T00:00:06.000Z'),
      ev.acquired('g3', 'green', 1, 'w2', '2026-01-01T00:00:06.000Z'),
    ]);
  });

  it('leases for 30 seconds when the worker asks for no lease length', () => {
    expect(decideAcquire(stateOf(given), tasksOf(given).slice(0, 1), { workerName: 'w1', now: after(10) })).toEqual([
      ev.started(),
      ev.acquired('g1', 'green', 1, 'w1', '2026-01-01T00:00:40.000Z'),
    ]);
  });

  it('counts the attempt on from the task\'s previous attempts', () => {
    const retried = [...given, ev.started(), ev.acquired('g1', 'green'), ev.retried('g1', 'green', 1)];
    expect(decideAcquire(stateOf(retried), [taskOf(retried, 'g1')], { workerName: 'w9', leaseSeconds: 60, now: after(2) })).toEqual([
      ev.acquired('g1', 'green', 2, 'w9', '2026-01-01T00:01:02.000Z'),
    ]);
  });

  it('leases nothing when no offered task is pending', () => {
    const busy = [...given, ev.started(), ev.acquired('g1', 'green'), ev.succeeded('g1', 'green', 1)];
    expect(decideAcquire(stateOf(busy), [taskOf(busy, 'g1')], { workerName: 'w1', leaseSeconds: 30, now: NOW })).toEqual([]);
  });

  it('leases nothing, not even a start, from an empty offer', () => {
    expect(decideAcquire(stateOf(given), [], { workerName: 'w1', leaseSeconds: 30, now: NOW })).toEqual([]);
  });

  it('leases nothing on a finished job', () => {
    const stopped = [...given, ev.stopped('by hand')];
    const pendingCopies = tasksOf(given);
    expect(decideAcquire(stateOf(stopped), pendingCopies, { workerName: 'w1', leaseSeconds: 30, now: NOW })).toEqual([]);
  });
});

describe('worker reports', () => {
  const { spec, given: created } = greenBatch([1, 2, 3]);
  /** g1 leased to w1 until 00:00:30. */
  const given = [...created, ev.started(), ev.acquired('g1', 'green')];

  describe('decideHeartbeat', () => {
    it('extends the lease of the holder to now + leaseSeconds', () => {
      expect(decideHeartbeat(stateOf(given), taskOf(given, 'g1'), { workerName: 'w1', leaseSeconds: 45, now: after(20) })).toEqual([
        ev.extended('g1', 'green', '2026-01-01T00:01:05.000Z'),
      ]);
    });

    it('extends by 30 seconds when the worker asks for no lease length', () => {
      expect(decideHeartbeat(stateOf(given), taskOf(given, 'g1'), { workerName: 'w1', now: after(20) })).toEqual([
        ev.extended('g1', 'green', '2026-01-01T00:00:50.000Z'),
      ]);
    });
  });

  describe('decideComplete', () => {
    it('records the result of the lease holder', () => {
      expect(decideComplete(stateOf(given), taskOf(given, 'g1'), { workerName: 'w1', result: { out: [1, 2] }, now: after(10) })).toEqual([
        ev.succeeded('g1', 'green', { out: [1, 2] }),
      ]);
    });

    it('records a missing result as null', () => {
      expect(decideComplete(stateOf(given), taskOf(given, 'g1'), { workerName: 'w1', result: undefined, now: after(10) })).toEqual([
        ev.succeeded('g1', 'green', null),
      ]);
    });

    it('records the attempt the worker ran', () => {
      const third = [...given, ev.retried('g1', 'green', 1), ev.acquired('g1', 'green', 2), ev.retried('g1', 'green', 2), ev.acquired('g1', 'green', 3, 'w2')];
      expect(decideComplete(stateOf(third), taskOf(third, 'g1'), { workerName: 'w2', result: 7, now: after(1) })).toEqual([
        ev.succeeded('g1', 'green', 7, 3, 'w2'),
      ]);
    });
  });

  describe('lease holder checks (heartbeat, complete and fail alike)', () => {
    type Report = (job: JobSummary, task: TestTask, workerName: string, now: Date) => JobEvent[];
    const reports: Array<[string, Report]> = [
      ['heartbeat', (job, task, workerName, now) => decideHeartbeat(job, task, { workerName, leaseSeconds: 30, now })],
      ['complete', (job, task, workerName, now) => decideComplete(job, task, { workerName, result: 1, now })],
      ['fail', (job, task, workerName, now) => decideFail(job, task, { workerName, error: 'e', retryable: true, now })],
    ];

    describe.each(reports)('%s', (_name, report) => {
      it('rejects a stale lease holder (another worker holds the task now)', () => {
        const err = domainErrorOf(() => report(stateOf(given), taskOf(given, 'g1'), 'w-old', after(1)));
        expect([err.code, err.status, err.message, err.details]).toEqual([
          'LEASE_NOT_HELD',
          409,
          'task g1 is leased to another worker',
          { taskId: 'g1' },
        ]);
      });

      it('rejects the holder once its lease has expired', () => {
        const err = domainErrorOf(() => report(stateOf(given), taskOf(given, 'g1'), 'w1', after(31)));
        expect([err.code, err.status, err.message, err.details]).toEqual([
          'LEASE_EXPIRED',
          409,
          'the lease on task g1 expired at 2026-01-01T00:00:30.000Z',
          { taskId: 'g1', leaseExpiry: '2026-01-01T00:00:30.000Z' },
        ]);
      });

      it('treats the exact expiry instant as expired', () => {
        expect(domainErrorOf(() => report(stateOf(given), taskOf(given, 'g1'), 'w1', after(30))).code).toBe('LEASE_EXPIRED');
      });

      it('accepts the holder one millisecond before expiry', () => {
        expect(report(stateOf(given), taskOf(given, 'g1'), 'w1', new Date(after(30).getTime() - 1))).toHaveLength(1);
      });

      it('honours an extended lease', () => {
        const extended = [...given, ev.extended('g1', 'green', after(90).toISOString())];
        expect(report(stateOf(extended), taskOf(extended, 'g1'), 'w1', after(60))).toHaveLength(1);
      });

      it('rejects a report on a task that is not active', () => {
        const err = domainErrorOf(() => report(stateOf(given), taskOf(given, 'g2'), 'w1', after(1)));
        expect([err.code, err.status, err.message, err.details]).toEqual([
          'TASK_NOT_ACTIVE',
          409,
          'task g2 is pending, not active',
          { taskId: 'g2', state: 'pending' },
        ]);
      });

      it('rejects a report on a task that already succeeded', () => {
        const done = [...given, ev.succeeded('g1', 'green', 1)];
        const err = domainErrorOf(() => report(stateOf(done), taskOf(done, 'g1'), 'w1', after(1)));
        expect([err.code, err.message]).toEqual(['TASK_NOT_ACTIVE', 'task g1 is succeed, not active']);
      });

      it('rejects the former holder of a task that was retried and leased again', () => {
        const again = [...given, ev.retried('g1', 'green', 1), ev.acquired('g1', 'green', 2, 'w2', after(60).toISOString())];
        expect(domainErrorOf(() => report(stateOf(again), taskOf(again, 'g1'), 'w1', after(1))).code).toBe('LEASE_NOT_HELD');
      });

      it('rejects the holder of a task whose job was stopped, saying so', () => {
        const stopped = [...given, ev.stopped('stopped by request')];
        const err = domainErrorOf(() => report(stateOf(stopped), taskOf(stopped, 'g1'), 'w1', after(1)));
        expect([err.code, err.status, err.message, err.details]).toEqual([
          'TASK_NOT_ACTIVE',
          409,
          'task g1 was stopped (job stopped)',
          { taskId: 'g1', state: 'stopped' },
        ]);
      });

      it('checks the task state before the worker', () => {
        const stopped = [...given, ev.stopped('stopped by request')];
        expect(domainErrorOf(() => report(stateOf(stopped), taskOf(stopped, 'g1'), 'someone-else', after(99))).code).toBe('TASK_NOT_ACTIVE');
      });

      it('checks the worker before the lease expiry', () => {
        expect(domainErrorOf(() => report(stateOf(given), taskOf(given, 'g1'), 'someone-else', after(99))).code).toBe('LEASE_NOT_HELD');
      });
    });
  });

  describe('decideFail', () => {
    it('sends a retryable failure back to pending while attempts remain, available at once by default', () => {
      expect(decideFail(stateOf(given), taskOf(given, 'g1'), { workerName: 'w1', error: { message: 'oom' }, retryable: true, now: after(5) })).toEqual([
        jobEvent('task.retried', {
          taskId: 'g1',
          nodeName: 'green',
          attempt: 1,
          reason: 'worker failure',
          error: { message: 'oom' },
          availableAt: '2026-01-01T00:00:05.000Z',
        }),
      ]);
    });

    it('fails a non-retryable failure at once, whatever the retry limit', () => {
      expect(decideFail(stateOf(given), taskOf(given, 'g1'), { workerName: 'w1', error: 'bad input', retryable: false, now: after(5) })).toEqual([
        jobEvent('task.failed', { taskId: 'g1', nodeName: 'green', attempt: 1, reason: 'worker failure', error: 'bad input' }),
      ]);
    });

    it('uses the retry policy of the task\'s own node', () => {
      expect(spec.nodes[0].retry).toEqual({ limit: 3, delaySeconds: 0, backoff: false });
      const mixed = pipeline({
        nodes: [
          { ...GREEN, retry: { limit: 0 } },
          { nodeName: 'other', algorithmName: 'o', input: ['#[1]'], retry: { limit: 5 } },
        ],
      });
      const events = [
        ev.submitted(mixed),
        ev.expanded('green', 'green-alg', batchTasks('g', [1])),
        ev.expanded('other', 'o', batchTasks('o', [1])),
        ev.started(),
        ev.acquired('g1', 'green'),
        ev.acquired('o1', 'other'),
      ];
      const cmd = { workerName: 'w1', error: 'e', retryable: true, now: after(1) };
      expect(decideFail(stateOf(events), taskOf(events, 'g1'), cmd).map((e) => e.type)).toEqual(['task.failed']);
      expect(decideFail(stateOf(events), taskOf(events, 'o1'), cmd).map((e) => e.type)).toEqual(['task.retried']);
    });
  });

  describe('retry limit: a task runs at most limit + 1 times', () => {
    /** Fails g1 (retryably) over and over; returns the event type of each failure. */
    function failUntilFailed(retry: Record<string, unknown>): Array<[number, string, string?]> {
      const { given: start } = greenBatch([1], {}, retry);
      const events = [...start, ev.started()];
      const outcomes: Array<[number, string, string?]> = [];
      for (let run = 1; run <= 10; run++) {
        const now = after(run * 100);
        const [acquired] = decideAcquire(stateOf(events), tasksOf(events).filter((t) => t.state === 'pending'), { workerName: 'w1', leaseSeconds: 30, now });
        events.push(acquired);
        const [outcome] = decideFail(stateOf(events), taskOf(events, 'g1'), { workerName: 'w1', error: `run ${run}`, retryable: true, now });
        events.push(outcome);
        outcomes.push(outcome.type === 'task.retried' ? [outcome.data.attempt, outcome.type, outcome.data.availableAt] : [(outcome.data as { attempt: number }).attempt, outcome.type]);
        if (outcome.type === 'task.failed') break;
      }
      return outcomes;
    }

    it('with the default limit 3, retries attempts 1 to 3 and fails attempt 4', () => {
      expect(failUntilFailed({})).toEqual([
        [1, 'task.retried', '2026-01-01T00:01:40.000Z'],
        [2, 'task.retried', '2026-01-01T00:03:20.000Z'],
        [3, 'task.retried', '2026-01-01T00:05:00.000Z'],
        [4, 'task.failed'],
      ]);
    });

    it('with limit 0, fails the first attempt', () => {
      expect(failUntilFailed({ limit: 0 })).toEqual([[1, 'task.failed']]);
    });

    it('with limit 1, retries once', () => {
      expect(failUntilFailed({ limit: 1 }).map(([attempt, type]) => [attempt, type])).toEqual([
        [1, 'task.retried'],
        [2, 'task.failed'],
      ]);
    });

    it('delays every retry by delaySeconds without backoff', () => {
      expect(failUntilFailed({ limit: 2, delaySeconds: 10 })).toEqual([
        [1, 'task.retried', '2026-01-01T00:01:50.000Z'],
        [2, 'task.retried', '2026-01-01T00:03:30.000Z'],
        [3, 'task.failed'],
      ]);
    });

    it('doubles the delay after each attempt with backoff', () => {
      expect(failUntilFailed({ limit: 4, delaySeconds: 10, backoff: true })).toEqual([
        [1, 'task.retried', '2026-01-01T00:01:50.000Z'], // 100 s + 10 s
        [2, 'task.retried', '2026-01-01T00:03:40.000Z'], // 200 s + 20 s
        [3, 'task.retried', '2026-01-01T00:05:40.000Z'], // 300 s + 40 s
        [4, 'task.retried', '2026-01-01T00:08:00.000Z'], // 400 s + 80 s
        [5, 'task.failed'],
      ]);
    });

    it('caps a backoff delay at 30 days (the longest ttl) instead of overflowing the clock', () => {
      const { given: start } = greenBatch([1], { ttl: 2_592_000 }, { limit: 100, delaySeconds: 1, backoff: true });
      const leased = [...start, ev.started(), ev.acquired('g1', 'green', 60)];
      expect(decideFail(stateOf(leased), taskOf(leased, 'g1'), { workerName: 'w1', error: 'again', retryable: true, now: after(1) })).toEqual([
        jobEvent('task.retried', {
          taskId: 'g1',
          nodeName: 'green',
          attempt: 60,
          reason: 'worker failure',
          error: 'again',
          availableAt: '2026-01-31T00:00:01.000Z',
        }),
      ]);
      expect(decideExpireLeases(stateOf(leased), tasksOf(leased), after(31)).map((e) => e.type === 'task.retried' && e.data.availableAt)).toEqual([
        '2026-01-31T00:00:31.000Z',
      ]);
    });

    it('does not cap a backoff delay below 30 days', () => {
      const { given: start } = greenBatch([1], {}, { limit: 100, delaySeconds: 1, backoff: true });
      const leased = [...start, ev.started(), ev.acquired('g1', 'green', 21)];
      const [retried] = decideFail(stateOf(leased), taskOf(leased, 'g1'), { workerName: 'w1', error: 'e', retryable: true, now: NOW });
      // 2^20 s = 12 days 3:16:16
      expect(retried.type === 'task.retried' && retried.data.availableAt).toBe('2026-01-13T03:16:16.000Z');
    });

    it('keeps fractional delays to the millisecond', () => {
      expect(failUntilFailed({ limit: 1, delaySeconds: 0.25 })[0]).toEqual([1, 'task.retried', '2026-01-01T00:01:40.250Z']);
    });
  });

  describe('decideExpireLeases', () => {
    const busy = [...given, ev.acquired('g2', 'green', 1, 'w2', after(60).toISOString())];

    it('sends tasks whose lease ran out back to pending, saying whose lease expired', () => {
      expect(decideExpireLeases(stateOf(busy), tasksOf(busy), after(30))).toEqual([
        jobEvent('task.retried', {
          taskId: 'g1',
          nodeName: 'green',
          attempt: 1,
          reason: 'lease expired',
          error: { message: 'lease held by w1 expired at 2026-01-01T00:00:30.000Z' },
          availableAt: '2026-01-01T00:00:30.000Z',
        }),
      ]);
    });

    it('expires every lease that ran out, in the order given', () => {
      expect(decideExpireLeases(stateOf(busy), tasksOf(busy).reverse(), after(61)).map((e) => [e.type, (e.data as { taskId: string }).taskId])).toEqual([
        ['task.retried', 'g2'],
        ['task.retried', 'g1'],
      ]);
    });

    it('leaves live leases and pending tasks alone', () => {
      expect(decideExpireLeases(stateOf(busy), tasksOf(busy), after(29))).toEqual([]);
    });

    it('fails a task whose lease expired on its last allowed attempt', () => {
      const { given: start } = greenBatch([1], {}, { limit: 1 });
      const last = [...start, ev.started(), ev.acquired('g1', 'green'), ev.retried('g1', 'green', 1), ev.acquired('g1', 'green', 2, 'w3', after(40).toISOString())];
      expect(decideExpireLeases(stateOf(last), tasksOf(last), after(40))).toEqual([
        jobEvent('task.failed', {
          taskId: 'g1',
          nodeName: 'green',
          attempt: 2,
          reason: 'lease expired',
          error: { message: 'lease held by w3 expired at 2026-01-01T00:00:40.000Z' },
        }),
      ]);
    });

    it('applies the retry delay to an expired lease', () => {
      const { given: start } = greenBatch([1], {}, { delaySeconds: 5, backoff: true });
      const leased = [...start, ev.started(), ev.acquired('g1', 'green'), ev.retried('g1', 'green', 1), ev.acquired('g1', 'green', 2)];
      const [retried] = decideExpireLeases(stateOf(leased), tasksOf(leased), after(100));
      expect(retried.type === 'task.retried' && retried.data.availableAt).toBe('2026-01-01T00:01:50.000Z');
    });

    it('expires nothing on a finished job', () => {
      expect(decideExpireLeases(stateOf([...busy, ev.stopped('x')]), tasksOf(busy), after(100))).toEqual([]);
    });
  });
});

describe('decideStop', () => {
  const { given } = greenBatch([1, 2]);
  const running = [...given, ev.started(), ev.acquired('g1', 'green')];

  it('stops a running job with the reason given, trimmed', () => {
    expect(decideStop(stateOf(running), '  operator asked  ')).toEqual([ev.stopped('operator asked')]);
  });

  it.each<[string, string | undefined]>([
    ['no reason', undefined],
    ['an empty reason', ''],
    ['a blank reason', '   '],
  ])('stops with the engine default "stopped due to request" for %s', (_label, reason) => {
    expect(decideStop(stateOf(running), reason)).toEqual([ev.stopped('stopped due to request')]);
  });

  it('stops a job that nothing has been acquired from yet', () => {
    expect(stateOf(given).status).toBe('pending');
    expect(decideStop(stateOf(given), 'early')).toEqual([ev.stopped('early')]);
  });

  it.each<[string, JobEvent]>([
    ['completed', ev.completed()],
    ['failed', ev.jobFailed('node green failed')],
    ['stopped', ev.stopped('first stop')],
  ])('rejects stopping a %s job with JOB_NOT_RUNNING', (status, end) => {
    const err = domainErrorOf(() => decideStop(stateOf([...running, end]), 'again'));
    expect([err.code, err.status, err.message, err.details]).toEqual([
      'JOB_NOT_RUNNING',
      409,
      `job ${JOB_ID} is already ${status}`,
      { jobId: JOB_ID, status },
    ]);
  });
});

describe('decidePause and decideResume', () => {
  const { given } = greenBatch([1, 2, 3]);
  const running = [...given, ev.started(), ev.acquired('g1', 'green')];
  const PAUSED = jobEvent('job.paused', {});
  const RESUMED = jobEvent('job.resumed', {});
  const paused = [...running, PAUSED];

  it('pauses a running job and a job nothing was acquired from yet', () => {
    expect([decidePause(stateOf(running)), decidePause(stateOf(given))]).toEqual([[PAUSED], [PAUSED]]);
  });

  it.each<[string, JobEvent]>([
    ['completed', ev.completed()],
    ['failed', ev.jobFailed('node green failed')],
    ['stopped', ev.stopped('first stop')],
  ])('rejects pausing a %s job with JOB_NOT_RUNNING', (status, end) => {
    const err = domainErrorOf(() => decidePause(stateOf([...running, end])));
    expect([err.code, err.status, err.message]).toEqual(['JOB_NOT_RUNNING', 409, `job ${JOB_ID} is already ${status}`]);
  });

  it("rejects pausing a paused job with JOB_ALREADY_PAUSED, in HKube's words", () => {
    const err = domainErrorOf(() => decidePause(stateOf(paused)));
    expect([err.code, err.status, err.message, err.details]).toEqual([
      'JOB_ALREADY_PAUSED',
      409,
      'unable to pause pipeline batch because its in paused status',
      { jobId: JOB_ID, status: 'paused' },
    ]);
  });

  it('resumes a paused job', () => {
    expect(decideResume(stateOf(paused))).toEqual([RESUMED]);
  });

  it.each<[string, JobEvent[]]>([
    ['pending', given],
    ['active', running],
    ['completed', [...running, ev.completed()]],
    ['stopped', [...paused, ev.stopped('x')]],
  ])("rejects resuming a %s job with JOB_NOT_PAUSED, in HKube's words", (status, events) => {
    const err = domainErrorOf(() => decideResume(stateOf(events)));
    expect([err.code, err.status, err.message, err.details]).toEqual([
      'JOB_NOT_PAUSED',
      409,
      `unable to resume pipeline batch because its in ${status} status`,
      { jobId: JOB_ID, status },
    ]);
  });

  it('hands out no task of a paused job, and again once resumed', () => {
    const pending = tasksOf(paused).filter((t) => t.state === 'pending');
    const cmd = { workerName: 'w2', leaseSeconds: 30, now: NOW };
    expect(decideAcquire(stateOf(paused), pending, cmd)).toEqual([]);
    expect(decideAcquire(stateOf([...paused, RESUMED]), pending, cmd).map((e) => e.type)).toEqual(['task.acquired', 'task.acquired']);
  });

  it('a paused job that never started is not started by an acquisition', () => {
    const pending = tasksOf(given);
    expect(decideAcquire(stateOf([...given, PAUSED]), pending, { workerName: 'w2', now: NOW })).toEqual([]);
  });

  it('still lets the worker holding a lease complete, fail or heartbeat it', () => {
    const t = taskOf(paused, 'g1');
    expect(decideComplete(stateOf(paused), t, { workerName: 'w1', result: 10, now: NOW }).map((e) => e.type)).toEqual(['task.succeeded']);
    expect(decideHeartbeat(stateOf(paused), t, { workerName: 'w1', now: NOW }).map((e) => e.type)).toEqual(['task.lease-extended']);
    expect(decideFail(stateOf(paused), t, { workerName: 'w1', error: 'x', retryable: false, now: NOW }).map((e) => e.type)).toEqual(['task.failed']);
  });

  it('lets leases run out while paused (the task goes back to pending)', () => {
    expect(decideExpireLeases(stateOf(paused), tasksOf(paused), after(31)).map((e) => e.type)).toEqual(['task.retried']);
  });

  it('does not advance a paused job: a finished node expands, and the job completes, only once resumed', () => {
    const h = JobHarness.submit({ nodes: [{ ...GREEN, input: ['#[1]'] }, { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] }] });
    h.acquire('w1', 1);
    h.commit(decidePause(h.state));
    expect(h.complete('green', 1, 'g').map((e) => e.type)).toEqual(['task.succeeded']);
    expect([h.state.status, advanceNeeds(h.state), advance(h.state, { results: {} }, context())]).toEqual(['paused', { spec: false, nodes: [] }, []]);
    expect(h.commit(decideResume(h.state)).map((e) => e.type)).toEqual(['job.resumed', 'node.expanded']);
    h.acquire('w1', 1);
    expect(h.complete('yellow', null, 'y').map((e) => e.type)).toEqual(['task.succeeded', 'job.completed']);
  });

  it('leaves ttl running on a paused job', () => {
    const { given: ttlGiven } = greenBatch([1], { ttl: 60 });
    expect(decideTtl(stateOf([...ttlGiven, PAUSED]), after(60))).toEqual([ev.stopped('ttl expired')]);
  });

  it('lets a paused job be stopped', () => {
    expect(decideStop(stateOf(paused), undefined)).toEqual([ev.stopped('stopped due to request')]);
  });
});

describe('decideTtl', () => {
  const { given } = greenBatch([1], { ttl: 60 });
  const running = [...given, ev.started(), ev.acquired('g1', 'green')];

  it('leaves a job alone before its ttl', () => {
    expect(decideTtl(stateOf(running), after(59.999))).toEqual([]);
  });

  it('stops a job with reason "ttl expired" at its ttl', () => {
    expect(decideTtl(stateOf(running), after(60))).toEqual([ev.stopped('ttl expired')]);
  });

  it('stops a pending job past its ttl too', () => {
    expect(decideTtl(stateOf(given), after(3600))).toEqual([ev.stopped('ttl expired')]);
  });

  it('uses the default ttl of one hour', () => {
    const { given: defaults } = greenBatch([1]);
    expect([decideTtl(stateOf(defaults), after(3599)), decideTtl(stateOf(defaults), after(3600))]).toEqual([[], [ev.stopped('ttl expired')]]);
  });

  it.each<[string, JobEvent]>([
    ['completed', ev.completed()],
    ['failed', ev.jobFailed('x')],
    ['stopped', ev.stopped('by hand')],
  ])('does nothing to a %s job', (_status, end) => {
    expect(decideTtl(stateOf([...running, end]), after(1_000_000))).toEqual([]);
  });
});

describe('event levels', () => {
  it.each<[JobEventType, string]>([
    ['job.submitted', 'info'],
    ['job.started', 'info'],
    ['job.completed', 'info'],
    ['job.stopped', 'info'],
    ['job.paused', 'info'],
    ['job.resumed', 'info'],
    ['node.expanded', 'debug'],
    ['task.acquired', 'debug'],
    ['task.succeeded', 'debug'],
    ['task.lease-extended', 'debug'],
    ['task.retried', 'warn'],
    ['task.failed', 'warn'],
    ['job.failed', 'error'],
  ])('gives %s the level %s', (type, level) => {
    expect(EVENT_LEVEL[type]).toBe(level);
  });

  it('stamps the level and the caller\'s metadata on a stored event', () => {
    expect(toNewEvent(ev.failed('g1', 'green', 'e'), { actor: 'worker:w1', correlationId: 'c1' })).toEqual({
      type: 'task.failed',
      data: { taskId: 'g1', nodeName: 'green', attempt: 1, reason: 'worker failure', error: 'e' },
      metadata: { level: 'warn', actor: 'worker:w1', correlationId: 'c1' },
    });
  });
});

describe('a whole job, decided step by step', () => {
  it('runs a batch with a dependent node to completion', () => {
    const h = JobHarness.submit({
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...3]'] },
        { nodeName: 'sum', algorithmName: 'sum-alg', input: ['@green'] },
      ],
    });
    expect(h.events.map((e) => e.type)).toEqual(['job.submitted', 'node.expanded']);
    expect(h.acquire('w1', 3).map((e) => e.type)).toEqual(['job.started', 'task.acquired', 'task.acquired', 'task.acquired']);
    expect(h.complete('green', 1, 10).map((e) => e.type)).toEqual(['task.succeeded']);
    expect(h.complete('green', 2, 20).map((e) => e.type)).toEqual(['task.succeeded']);
    expect(h.complete('green', 3, 30)).toEqual([ev.succeeded('t3', 'green', 30), ev.expanded('sum', 'sum-alg', [{ taskId: 't4', input: [[10, 20, 30]] }], false)]);
    h.acquire('w2', 1);
    expect(h.complete('sum', null, 60)).toEqual([ev.succeeded('t4', 'sum', 60, 1, 'w2'), ev.completed()]);
    expect(h.state.status).toBe('completed');
  });

  it('completes with a failed item below tolerance and fails the next job above it', () => {
    const below = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...5]'] }] });
    below.acquire('w1', 5);
    below.fail('green', 1, 'e1');
    below.fail('green', 2, 'e2');
    below.fail('green', 3, 'e3');
    below.complete('green', 4, 4);
    expect(below.complete('green', 5, 5).map((e) => e.type)).toEqual(['task.succeeded', 'job.completed']);

    const above = JobHarness.submit({ nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...5]'] }] });
    above.acquire('w1', 5);
    above.fail('green', 1, 'e1');
    above.fail('green', 2, 'e2');
    above.fail('green', 3, 'e3');
    expect(above.fail('green', 4, 'e4')).toEqual([
      jobEvent('task.failed', { taskId: 't4', nodeName: 'green', attempt: 1, reason: 'worker failure', error: 'e4' }),
      jobEvent('job.failed', { error: '4/5 (80%) failed tasks, batch tolerance is 80%, error: e4', nodeName: 'green' }),
    ]);
    expect(above.task('green', 5).state).toBe('stopped');
  });

  it('fails the job when a batch input over a finished node is not an array', () => {
    const h = JobHarness.submit({
      nodes: [
        { nodeName: 'green', algorithmName: 'green-alg', input: [1] },
        { nodeName: 'blue', algorithmName: 'blue-alg', input: ['#@green'] },
      ],
    });
    h.acquire('w1', 1);
    expect(h.complete('green', null, 'not a list')).toEqual([
      ev.succeeded('t1', 'green', 'not a list'),
      jobEvent('job.failed', { error: 'node blue: #@green: the output of green is not an array' }),
    ]);
    // blue was never reached: not done (stopped by the failure), as in the engine.
    expect(h.state.counts).toEqual({ succeed: 1, failed: 0, skipped: 0, stopped: 1, active: 0, pending: 0, creating: 0 });
  });

  it('keeps time: every event at the pinned clock', () => {
    const h = JobHarness.submit({ nodes: [GREEN] });
    expect([h.state.createdAt, h.state.timestamp, h.state.ttlExpiresAt]).toEqual([AT, AT, '2026-01-01T01:00:00.000Z']);
  });
});

describe('attempt fencing', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const job = { jobId: 'j', status: 'active', nodes: [] } as unknown as Parameters<typeof decideComplete>[0];
  const task = {
    taskId: 't', jobId: 'j', nodeName: 'n', algorithmName: 'a', batchIndex: null, input: [], state: 'active', attempt: 2,
    workerName: 'w', leaseExpiry: '2026-01-01T00:01:00.000Z', result: null, error: null,
  } as Parameters<typeof decideComplete>[1];

  it('rejects a report that names an attempt other than the current one', () => {
    expect(() => decideComplete(job, task, { workerName: 'w', result: 1, now, attempt: 1 })).toThrow(expect.objectContaining({ code: 'LEASE_NOT_HELD', status: 409 }));
  });

  it('accepts a report for the current attempt', () => {
    expect(decideComplete(job, task, { workerName: 'w', result: 1, now, attempt: 2 }).map((e) => e.type)).toEqual(['task.succeeded']);
  });
});
