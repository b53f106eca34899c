import { DomainError } from '../../src/common/domain-error';
import { cacheGap, cachingSource, decideCachingSubmit, nodesToRun, nodesToTake, planCachingRun, type CachingSource, type SourceTask } from '../../src/jobs/domain/caching-run';
import { advance, advanceNeeds, type NodeResults } from '../../src/jobs/domain/job.decide';
import type { JobEvent } from '../../src/jobs/domain/job.events';
import { evolveAll } from '../../src/jobs/domain/job.evolve';
import type { JobSummary, NodeSummary } from '../../src/jobs/domain/job.state';
import { renderStatus } from '../../src/jobs/domain/job-status.view';
import type { PipelineSpec } from '../../src/jobs/domain/pipeline.types';
import { AT, context, domainErrorOf, idCounter, JOB_ID, JobHarness, pipeline, type TestTask } from './job-fixtures';


/** a (batch) → b (batch over a, and a whole) → c (b, and x); x reads a; d reads flowInput only. */
const FLOW = {
  flowInput: { list: [1, 2, 3], factor: 2 },
  nodes: [
    { nodeName: 'a', algorithmName: 'a-alg', input: ['#@flowInput.list'] },
    { nodeName: 'x', algorithmName: 'x-alg', input: ['@a'] },
    { nodeName: 'b', algorithmName: 'b-alg', input: ['#@a', '@a', '@flowInput.factor'] },
    { nodeName: 'c', algorithmName: 'c-alg', input: ['@b', '@x'] },
    { nodeName: 'd', algorithmName: 'd-alg', input: ['@flowInput.factor'] },
  ],
};

/** The original job, run as far as `upTo` nodes (in order): each item succeeds with input[0] * 10, unless `fails` names it. */
function original(body: Record<string, unknown> = FLOW, upTo = ['a', 'x', 'b', 'c', 'd'], fails: string[] = []): JobHarness {
  const h = JobHarness.submit(body);
  for (const nodeName of upTo) {
    h.acquire('w1', 100, nodeName);
    for (const t of h.tasks.filter((x) => x.nodeName === nodeName && x.state === 'active')) {
      const id = t.batchIndex === null ? nodeName : `${nodeName}#${t.batchIndex}`;
      const input = t.input as unknown[];
      if (fails.includes(id)) h.fail(nodeName, t.batchIndex, { message: `${id} broke` });
      else h.complete(nodeName, t.batchIndex, typeof input[0] === 'number' ? input[0] * 10 : input);
    }
  }
  return h;
}

/** What the command reads: the original's summary, its request, its tasks of the nodes taken. */
function sourceOf(h: JobHarness): { summary: JobSummary; spec: PipelineSpec; tasks: Record<string, SourceTask[]> } {
  const tasks: Record<string, SourceTask[]> = {};
  for (const t of h.tasks) (tasks[t.nodeName] ??= []).push({ batchIndex: t.batchIndex, state: t.state, input: t.input, result: t.result, error: t.error });
  return { summary: h.state, spec: h.spec, tasks };
}

const CACHING_ID = 'batch-b:00000000-0000-4000-8000-000000000002';

/**
 * The caching run's commit loop, in memory: its events, its summary, and the results advance()
 * reads (the cached items from its job.submitted, then the tasks of the nodes it expands).
 */
function run(spec: PipelineSpec, source: CachingSource): { events: JobEvent[]; state: JobSummary; expanded: (nodeName: string) => unknown[] } {
  const ctx = context(undefined, idCounter('n'));
  const events: JobEvent[] = [];
  let next = decideCachingSubmit(spec, CACHING_ID, source, ctx);
  while (next.length > 0) {
    events.push(...next);
    const state = evolveAll(undefined, events, AT);
    const needs = advanceNeeds(state);
    const results: Record<string, NodeResults> = {};
    for (const name of needs.nodes) {
      const cached = events[0].type === 'job.submitted' ? events[0].data.cached?.find((n) => n.nodeName === name) : undefined;
      results[name] = cached ? cached.tasks.map((t) => ({ batchIndex: t.batchIndex, state: t.state, result: t.result })) : [];
    }
    next = advance(state, { spec: needs.spec ? spec : undefined, results }, ctx);
  }
  const expanded = (nodeName: string) => {
    const e = events.find((x) => x.type === 'node.expanded' && x.data.nodeName === nodeName);
    return e && e.type === 'node.expanded' ? e.data.tasks.map((t) => t.input) : [];
  };
  return { events, state: evolveAll(undefined, events, AT), expanded };
}

const inputsOf = (tasks: TestTask[], nodeName: string) => tasks.filter((t) => t.nodeName === nodeName).sort((p, q) => (p.batchIndex ?? 0) - (q.batchIndex ?? 0)).map((t) => t.input);

describe('which nodes a caching run runs and takes', () => {
  const graph = [
    { nodeName: 'a', deps: [] },
    { nodeName: 'x', deps: ['a'] },
    { nodeName: 'b', deps: ['a'] },
    { nodeName: 'c', deps: ['b', 'x'] },
    { nodeName: 'd', deps: [] },
  ];

  it('runs the node and every node after it, in the pipeline order', () => {
    expect(nodesToRun(graph, 'b')).toEqual(['b', 'c']);
    expect(nodesToRun(graph, 'a')).toEqual(['a', 'x', 'b', 'c']);
    expect(nodesToRun(graph, 'd')).toEqual(['d']);
  });

  it('takes every node the running ones read, transitively, but none of those that run', () => {
    // c reads x, which is not before b: HKube gives c x's cached output too.
    expect(nodesToTake(graph, ['b', 'c'])).toEqual(['a', 'x']);
    expect(nodesToTake(graph, ['c'])).toEqual(['a', 'x', 'b']);
    expect(nodesToTake(graph, ['a', 'x', 'b', 'c'])).toEqual([]);
  });
});

describe('cacheGap', () => {
  const node = (n: Partial<NodeSummary>): NodeSummary => ({
    nodeName: 'a', algorithmName: 'a-alg', deps: [], retry: { limit: 0, delaySeconds: 0, backoff: false },
    expanded: true, skipped: false, batch: true, total: 4, pending: 0, active: 0, succeed: 4, failed: 0, stopped: 0, ...n,
  });

  it('is none for a node whose items all ended, its failures below the batch tolerance', () => {
    expect(cacheGap(node({}), 80)).toBeUndefined();
    expect(cacheGap(node({ succeed: 3, failed: 1 }), 80)).toBeUndefined();
    expect(cacheGap(node({ batch: true, total: 0, succeed: 0 }), 80)).toBeUndefined();
  });

  it('names why a node cannot be taken: not started, running, stopped, failed (a plain node, or a batch at its tolerance)', () => {
    expect(cacheGap(node({ expanded: false, total: 0, succeed: 0 }), 80)).toBe('not started');
    expect(cacheGap(node({ succeed: 2, pending: 1, active: 1 }), 80)).toBe('running');
    expect(cacheGap(node({ succeed: 2, stopped: 2 }), 80)).toBe('stopped');
    expect(cacheGap(node({ batch: false, total: 1, succeed: 0, failed: 1 }), 80)).toBe('failed');
    // 1 of 4 is 25%: at a tolerance of 25 it failed the job.
    expect(cacheGap(node({ succeed: 3, failed: 1 }), 25)).toBe('failed');
  });
});

describe('planCachingRun', () => {
  it('given a completed job, when run from b, then the request is named <name>-b and keeps the nodes it runs and takes', () => {
    const h = original();
    const plan = planCachingRun({ summary: h.state, spec: h.spec }, 'b');
    expect([plan.run, plan.cached]).toEqual([['b', 'c'], ['a', 'x']]);
    expect([plan.spec.name, plan.spec.nodes.map((n) => n.nodeName)]).toEqual(['batch-b', ['a', 'x', 'b', 'c']]);
    expect({ ...plan.spec, name: h.spec.name, nodes: h.spec.nodes }).toEqual(h.spec);
    expect(plan.cachedFrom).toEqual({ jobId: JOB_ID, nodeName: 'b', rootJobId: JOB_ID });
  });

  it('given a caching run, then its root stays the first job; a rerun keeps the name', () => {
    const h = original();
    const summary = { ...h.state, jobId: CACHING_ID, cachedFrom: { jobId: JOB_ID, nodeName: 'b', rootJobId: 'first:1' } };
    const plan = planCachingRun({ summary, spec: { ...h.spec, name: 'batch-b' } }, 'b', { keepName: true });
    expect([plan.spec.name, plan.cachedFrom]).toEqual(['batch-b', { jobId: CACHING_ID, nodeName: 'b', rootJobId: 'first:1' }]);
  });

  it('refuses a node the job does not have: 400 UNKNOWN_NODE, in HKube\'s words', () => {
    const h = original();
    const err = domainErrorOf(() => planCachingRun({ summary: h.state, spec: h.spec }, 'nope'));
    expect([err.status, err.code, err.message, err.details]).toEqual([400, 'UNKNOWN_NODE', 'cant find relations for nope', [{ path: 'nodeName', message: `is not a node of job ${JOB_ID}` }]]);
  });

  it('given a job still running a, when run from c, then 409 CACHE_NOT_AVAILABLE names every node it cannot take, in order', () => {
    const h = original(FLOW, []);
    const err = domainErrorOf(() => planCachingRun({ summary: h.state, spec: h.spec }, 'c'));
    expect([err.status, err.code, err.details]).toEqual([
      409,
      'CACHE_NOT_AVAILABLE',
      { jobId: JOB_ID, nodeName: 'c', nodes: [{ nodeName: 'a', state: 'running' }, { nodeName: 'x', state: 'not started' }, { nodeName: 'b', state: 'not started' }] },
    ]);
    expect(err.message).toBe(`a run of job ${JOB_ID} from node c takes the results of node a, which did not complete (running)`);
    // Once a and x completed (b not yet): a run from b takes them (c, after b, reads x); one from x needs b (c reads it).
    const partly = original(FLOW, ['a', 'x']);
    expect(planCachingRun({ summary: partly.state, spec: partly.spec }, 'b').cached).toEqual(['a', 'x']);
    expect(() => planCachingRun({ summary: partly.state, spec: partly.spec }, 'x')).toThrow(`a run of job ${JOB_ID} from node x takes the results of node b, which did not complete (running)`);
  });
});

describe('cachingSource', () => {
  it('takes the items in batch order, a failed one with its error and no result', () => {
    const h = original(FLOW, ['a', 'x'], ['a#2']);
    const s = sourceOf(h);
    const plan = planCachingRun(s, 'b');
    const source = cachingSource(plan, s.summary, { ...s.tasks, a: [...s.tasks.a].reverse() });
    expect(source.nodes).toEqual([
      {
        nodeName: 'a',
        batch: true,
        tasks: [
          { batchIndex: 1, state: 'succeed', input: [1], result: 10 },
          { batchIndex: 2, state: 'failed', input: [2], result: null, error: { message: 'a#2 broke' } },
          { batchIndex: 3, state: 'succeed', input: [3], result: 30 },
        ],
      },
      { nodeName: 'x', batch: false, tasks: [{ batchIndex: null, state: 'succeed', input: [[10, null, 30]], result: [[10, null, 30]] }] },
    ]);
  });

  it('refuses items that are not the ones the summary counts: results missing', () => {
    const h = original(FLOW, ['a', 'x']);
    const s = sourceOf(h);
    const plan = planCachingRun(s, 'b');
    const err = domainErrorOf(() => cachingSource(plan, s.summary, { ...s.tasks, a: s.tasks.a.slice(1) }));
    expect([err.code, (err.details as { nodes: unknown }).nodes]).toEqual(['CACHE_NOT_AVAILABLE', [{ nodeName: 'a', state: 'results missing' }]]);
  });
});

describe('a caching run, decided and evolved', () => {
  it('given the original, when run from b, then job.submitted records the taken items with new ids and where they come from', () => {
    const h = original();
    const s = sourceOf(h);
    const plan = planCachingRun(s, 'b');
    const [submitted] = decideCachingSubmit(plan.spec, CACHING_ID, cachingSource(plan, s.summary, s.tasks), context(undefined, idCounter('n')));
    if (submitted.type !== 'job.submitted') throw new Error('not job.submitted');
    expect([submitted.data.jobId, submitted.data.pipeline, submitted.data.cachedFrom]).toEqual([CACHING_ID, 'batch-b', { jobId: JOB_ID, nodeName: 'b', rootJobId: JOB_ID }]);
    expect(submitted.data.cached!.map((n) => [n.nodeName, n.tasks.map((t) => [t.taskId, t.batchIndex, t.result])])).toEqual([
      ['a', [['n1', 1, 10], ['n2', 2, 20], ['n3', 3, 30]]],
      ['x', [['n4', null, [[10, 20, 30]]]]],
    ]);
    expect(submitted.data.nodes.map((n) => [n.nodeName, n.deps])).toEqual([['a', []], ['x', ['a']], ['b', ['a']], ['c', ['b', 'x']]]);
  });

  it('then the summary starts with the taken nodes completed, counted in progress, and b expanded with the inputs of the original run', () => {
    const h = original(FLOW, ['a', 'x', 'b', 'c', 'd'], ['a#2']);
    const s = sourceOf(h);
    const plan = planCachingRun(s, 'b');
    const r = run(plan.spec, cachingSource(plan, s.summary, s.tasks));
    expect(r.events.map((e) => e.type)).toEqual(['job.submitted', 'node.expanded']);
    // #@a drops a's failed item, @a reads it as null: as in the original.
    expect(r.expanded('b')).toEqual(inputsOf(h.tasks, 'b'));
    expect(r.expanded('b')).toEqual([
      [10, [10, null, 30], 2],
      [30, [10, null, 30], 2],
    ]);
    const a = r.state.nodes.find((n) => n.nodeName === 'a')!;
    expect([a.expanded, a.total, a.succeed, a.failed]).toEqual([true, 3, 2, 1]);
    expect(r.state.cachedFrom).toEqual({ jobId: JOB_ID, nodeName: 'b', rootJobId: JOB_ID });
    const status = renderStatus(r.state);
    expect([status.status, status.data.states, status.data.progress]).toEqual(['pending', { succeed: 3, failed: 1, pending: 2, creating: 1 }, '57.14']);
  });

  it('counts an empty batch it takes as one skipped entry, and expands the node after it on nothing', () => {
    const body = {
      flowInput: { list: [] },
      nodes: [
        { nodeName: 'e', algorithmName: 'e-alg', input: ['#@flowInput.list'] },
        { nodeName: 'f', algorithmName: 'f-alg', input: ['#@e'] },
        { nodeName: 'g', algorithmName: 'g-alg', input: ['@f'] },
      ],
    };
    const h = original(body, []);
    expect(h.state.status).toBe('pending');
    const s = sourceOf(h);
    const plan = planCachingRun(s, 'g');
    expect(plan.cached).toEqual(['e', 'f']);
    const r = run(plan.spec, cachingSource(plan, s.summary, s.tasks));
    expect(renderStatus(r.state).data.states).toEqual({ skipped: 2, pending: 1 });
    expect(r.expanded('g')).toEqual(inputsOf(h.tasks, 'g'));
  });

  it('runs a node of waitAny inputs (*@a) on the items taken, as the original expanded it (HKube refuses such pipelines)', () => {
    const body = {
      flowInput: { list: [1, 2] },
      nodes: [
        { nodeName: 'a', algorithmName: 'a-alg', input: ['#@flowInput.list'] },
        { nodeName: 'w', algorithmName: 'w-alg', input: ['*@a', 'tag'] },
      ],
    };
    const h = original(body, ['a'], ['a#1']);
    const s = sourceOf(h);
    const plan = planCachingRun(s, 'w');
    const r = run(plan.spec, cachingSource(plan, s.summary, s.tasks));
    expect(r.expanded('w')).toEqual(inputsOf(h.tasks, 'w'));
    expect(r.expanded('w')).toEqual([
      [null, 'tag'],
      [20, 'tag'],
    ]);
  });

  it('still checks the flowInput references of the request', () => {
    const spec = pipeline({ nodes: [{ nodeName: 'a', algorithmName: 'a-alg', input: ['@flowInput.gone'] }] });
    expect(() => decideCachingSubmit(spec, CACHING_ID, { cachedFrom: { jobId: JOB_ID, nodeName: 'a', rootJobId: JOB_ID }, nodes: [] }, context())).toThrow('unable to find flowInput.gone');
  });
});
