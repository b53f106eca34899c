import { jobIdPattern, runWorker } from '../support/e2e';
import { useHerald } from '../support/use-herald';

/**
 * HKube's exec API as HKube's own api-server tests see it (core/api-server/tests/exec-raw.js,
 * exec-stored.js, pipelines-store.js) and as @hkube/parsers parses inputs (tests/batch.test.js):
 * the same requests, the same error messages (in Herald's { error: { code, message, details } }).
 */
const PIPELINE_NAME_FORMAT = 'pipeline name must contain only alphanumeric, dash, dot or underscore';

describe('HKube-compatible exec/raw validation', () => {
  const { c } = useHerald();

  const refused = async (body: unknown, code = 'VALIDATION_FAILED') => {
    const res = await c.call('POST', '/api/v1/exec/raw', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    return res.body.error.message as string;
  };

  it('hkube exec-raw.js "should throw validation error of required property name"', async () => {
    expect(await refused({})).toBe("data should have required property 'name'");
  });

  it('hkube exec-raw.js "should throw validation error of data.name should be string"', async () => {
    expect(await refused({ name: {} })).toBe('data.name should be string');
  });

  it('hkube exec-raw.js "should throw validation error of name should NOT be shorter than 1 characters"', async () => {
    expect(await refused({ name: '' })).toBe('data.name should NOT be shorter than 1 characters');
  });

  it('hkube exec-raw.js "should throw validation error of required property nodes"', async () => {
    expect(await refused({ name: 'string' })).toBe('pipeline must have at least one node');
  });

  it('hkube exec-raw.js "should throw validation error of required property nodes.nodeName"', async () => {
    expect(await refused({ name: 'string', nodes: [{ algorithmName: 'green-alg', input: [{}] }] })).toBe("data.nodes[0] should have required property 'nodeName'");
  });

  it('hkube exec-raw.js "should throw validation error of required property nodes.algorithmName"', async () => {
    expect(await refused({ name: 'string', nodes: [{ nodeName: 'string' }] })).toContain('please provide algorithm name');
  });

  it('hkube exec-raw.js "should throw validation error of nodes.input should be array"', async () => {
    expect(await refused({ name: 'string', nodes: [{ nodeName: 'string', algorithmName: 'green-alg', input: null }] })).toBe('data.nodes[0].input should be array');
  });

  it('hkube exec-raw.js "should throw validation error of duplicate node"', async () => {
    const dup = { nodeName: 'dup', algorithmName: 'green-alg', input: [] };
    expect(await refused({ name: 'string', nodes: [dup, dup] })).toBe('found duplicate node "dup"');
  });

  it('hkube exec-raw.js "should throw validation error priority range"', async () => {
    expect(await refused({ name: 'string', nodes: [{ nodeName: 'dup', algorithmName: 'green-alg', input: [] }], priority: 8 })).toBe('data.priority should be <= 5');
  });

  for (const v of ['/', '*', '#', '"', '%']) {
    it(`hkube exec-raw.js "should throw validation error pipeline name include ${v}" and "... start with ${v}"`, async () => {
      const nodes = [{ nodeName: 'string', algorithmName: 'green-alg', input: [] }];
      expect(await refused({ name: `exec${v}raw`, nodes })).toBe(PIPELINE_NAME_FORMAT);
      expect(await refused({ name: `${v}xecraw`, nodes })).toBe(PIPELINE_NAME_FORMAT);
    });
  }

  it('hkube exec-raw.js "should succeed and return job id" (HKube fields Herald ignores are accepted)', async () => {
    const jobId = await c.submit({ name: 'exec_raw', nodes: [{ nodeName: 'string', algorithmName: 'green-alg', input: [], metrics: { tensorboard: true } }] });
    expect(jobId).toMatch(jobIdPattern('exec_raw'));
  });

  it('hkube exec-raw.js "should succeed to run with null flowInput" (a null flowInput value)', async () => {
    const jobId = await c.submit({ name: 'exec_raw', nodes: [{ nodeName: 'string', algorithmName: 'green-alg', input: ['@flowInput.inputs'] }], flowInput: { inputs: null } });
    expect(jobId).toMatch(jobIdPattern('exec_raw'));
  });

  it('accepts flowInput: null itself (HKube\'s schema: nullable), and names with ":" and "."', async () => {
    const jobId = await c.submit({ name: 'hk:exec.raw', flowInput: null, nodes: [{ nodeName: 'n', algorithmName: 'green-alg', input: [1] }] });
    expect(jobId).toMatch(/^hk:exec\.raw:/);
    expect((await c.status(jobId)).pipeline).toBe('hk:exec.raw');
  });

  it('hkube exec-stored.js "should throw unable to find flowInput"', async () => {
    expect(await refused({ name: 'flow', nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['@flowInput.files.links'] }], flowInput: {} })).toBe('unable to find flowInput.files.links');
  });

  it('hkube pipelines-store.js "should throw validation error of flowInput not exist"', async () => {
    expect(await refused({ name: 'flowInputPipeline', nodes: [{ nodeName: 'A', algorithmName: 'green-alg', input: ['@flowInput.notExist'] }], flowInput: {} })).toBe('unable to find flowInput.notExist');
  });

  it('hkube pipelines-store.js "should throw validation error of invalid reserved name flowInput"', async () => {
    expect(await refused({ name: 'reservedName', nodes: [{ nodeName: 'flowInput', algorithmName: 'green-alg', input: [] }] })).toBe('pipeline "reservedName" has invalid reserved name "flowInput"');
  });

  it('hkube pipelines-store.js "should throw validation error of node depend on not exists node"', async () => {
    const body = { name: 'NodeNotExists', nodes: [{ nodeName: 'A', algorithmName: 'green-alg', input: [] }, { nodeName: 'B', algorithmName: 'green-alg', input: ['@C'] }] };
    expect(await refused(body)).toBe('node "B" is depend on node "C" which is not exists');
  });

  it('hkube pipelines-store.js "should throw validation error of cyclic nodes"', async () => {
    const body = { name: 'cyclicNodes', nodes: [{ nodeName: 'A', algorithmName: 'green-alg', input: ['@B'] }, { nodeName: 'B', algorithmName: 'green-alg', input: ['@A'] }] };
    expect(await refused(body)).toBe('cyclic nodes are not allowed on batch pipeline');
  });

  it('refuses algorithm names HKube refuses: upper case, and longer than 32 characters', async () => {
    expect(await refused({ name: 'p', nodes: [{ nodeName: 'n', algorithmName: 'Green-Alg', input: [] }] })).toBe('algorithm name must contain only lower-case alphanumeric, dash or dot');
    expect(await refused({ name: 'p', nodes: [{ nodeName: 'n', algorithmName: 'a'.repeat(33), input: [] }] })).toBe('data.nodes[0].algorithmName should NOT be longer than 32 characters');
  });

  it('coerces numeric strings as HKube does (priority "1", ttl "0"), and ttl 0 is not an instant stop', async () => {
    const jobId = await c.submit({ name: 'coerced', priority: '1', options: { ttl: '0', batchTolerance: '0' }, nodes: [{ nodeName: 'n', algorithmName: 'coerce-alg', input: [1] }] });
    expect((await c.status(jobId)).status).toBe('pending');
    const [task] = await c.acquire('w', ['coerce-alg']);
    expect(task.input).toEqual([1]);
  });

  it('refuses a streaming pipeline (kind "stream") with STREAMING_NOT_SUPPORTED', async () => {
    const message = await refused({ name: 'stream', kind: 'stream', nodes: [{ nodeName: 'a', algorithmName: 'green-alg', input: [] }] }, 'STREAMING_NOT_SUPPORTED');
    expect(message).toBe('streaming pipelines (kind "stream") are not supported: submit a batch pipeline');
  });

  it('keeps Herald\'s error envelope: code, HKube\'s message, every problem in details', async () => {
    const res = await c.call('POST', '/api/v1/exec/raw', { name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'green-alg', input: ['@ghost'] }], priority: 9 });
    expect(res.body).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'data.priority should be <= 5',
        details: [
          { path: 'nodes.a.input', message: 'refers to unknown node "ghost"' },
          { path: 'priority', message: 'must be an integer from 1 to 5' },
        ],
      },
    });
  });
});

describe('HKube-compatible inputs, run by a worker over HTTP', () => {
  const { c } = useHerald();
  const echo = (input: unknown[]) => input;

  it('resolves references and a batch nested in objects and arrays: { a: "@flowInput.x", b: ["#@flowInput.list"] }', async () => {
    const jobId = await c.submit({
      name: 'nested',
      flowInput: { x: { deep: true }, list: [1, 2, 3] },
      nodes: [{ nodeName: 'n', algorithmName: 'nested-alg', input: [{ a: '@flowInput.x', b: ['#@flowInput.list'] }, 'k'] }],
    });
    const done = await runWorker(c, 'w', ['nested-alg'], 10, echo);
    expect(done.map((t) => [t.batchID, t.input])).toEqual([
      ['n#1', [{ a: { deep: true }, b: [1] }, 'k']],
      ['n#2', [{ a: { deep: true }, b: [2] }, 'k']],
      ['n#3', [{ a: { deep: true }, b: [3] }, 'k']],
    ]);
    expect((await c.status(jobId)).status).toBe('completed');
  });

  it('hkube parsers batch.test.js "should parse batch input as raw with ranges" / "with words": mixed items, ranges and bare words', async () => {
    await c.submit({ name: 'mixed', nodes: [{ nodeName: 'm', algorithmName: 'mixed-alg', input: ['#[1,2,1...3,7]', '#[hello, world]'] }] });
    const done = await runWorker(c, 'w', ['mixed-alg'], 10, echo);
    expect(done.map((t) => t.input)).toEqual([
      [1, 'hello'],
      [2, 'world'],
      [1, null],
      [2, null],
      [3, null],
      [7, null],
    ]);
  });

  it('hkube parsers batch.test.js "should parse batch input as cartesian": batchOperation cartesian makes every combination', async () => {
    await c.submit({ name: 'cart', nodes: [{ nodeName: 'x', algorithmName: 'cart-alg', batchOperation: 'cartesian', input: [{ a: '#[1,2]' }, '#[a,b,c]'] }] });
    const done = await runWorker(c, 'w', ['cart-alg'], 10, echo);
    expect(done.map((t) => t.input)).toEqual([
      [{ a: 1 }, 'a'],
      [{ a: 1 }, 'b'],
      [{ a: 1 }, 'c'],
      [{ a: 2 }, 'a'],
      [{ a: 2 }, 'b'],
      [{ a: 2 }, 'c'],
    ]);
  });

  it('drops the failed items of a batch node from "#@node" (as HKube), keeps them as null in "@node" and "*@node"', async () => {
    const jobId = await c.submit({
      name: 'drop',
      options: { batchTolerance: 100 },
      nodes: [
        { nodeName: 'src', algorithmName: 'drop-src', input: ['#[1,2,3]'], retry: { limit: 0 } },
        { nodeName: 'each', algorithmName: 'drop-each', input: ['#@src'] },
        { nodeName: 'all', algorithmName: 'drop-all', input: ['@src'] },
        { nodeName: 'any', algorithmName: 'drop-any', input: ['*@src'] },
      ],
    });
    for (const t of await c.acquire('w', ['drop-src'], 3)) {
      const n = (t.input as number[])[0];
      const res = n === 2 ? await c.fail(t.taskId, 'w', 'two failed', false) : await c.complete(t.taskId, 'w', n * 10);
      expect(res.status).toBe(200);
    }
    expect((await runWorker(c, 'w', ['drop-each'], 10, echo)).map((t) => t.input)).toEqual([[10], [30]]);
    expect((await runWorker(c, 'w', ['drop-all'], 10, echo)).map((t) => t.input)).toEqual([[[10, null, 30]]]);
    expect((await runWorker(c, 'w', ['drop-any'], 10, echo)).map((t) => t.input)).toEqual([[10], [null], [30]]);
    expect((await c.status(jobId)).status).toBe('completed');
  });

  it('an empty batch is one skipped entry and gives its dependants an empty output; the job completes', async () => {
    const jobId = await c.submit({
      name: 'empty-chain',
      nodes: [
        { nodeName: 'e', algorithmName: 'empty-src', input: ['#[]'] },
        { nodeName: 'after', algorithmName: 'empty-after', input: ['@e'] },
      ],
    });
    expect((await c.status(jobId)).data.details).toBe('50.00% completed, 1 skipped, 1 pending');
    expect((await runWorker(c, 'w', ['empty-after'], 10, echo)).map((t) => t.input)).toEqual([[[]]]);
    const done = await c.status(jobId);
    expect([done.status, done.data.states]).toEqual(['completed', { succeed: 1, skipped: 1 }]);
  });
});
