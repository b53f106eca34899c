import { ValidationError } from '../../src/common/domain-error';
import { isHttpUrl, validatePipelineRequest } from '../../src/jobs/domain/pipeline.validate';

const green = { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'] };

function rejectionOf(body: unknown): ValidationError {
  try {
    validatePipelineRequest(body);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('the request was accepted');
}

/** The details of a rejected request (asserting it is a 400 VALIDATION_FAILED). */
function problemsOf(body: unknown): unknown {
  const err = rejectionOf(body);
  expect(err.code).toBe('VALIDATION_FAILED');
  expect(err.status).toBe(400);
  return err.details;
}

describe('validatePipelineRequest', () => {
  describe('a valid request', () => {
    it('normalises the seed batch pipeline with every default filled in', () => {
      expect(
        validatePipelineRequest({
          name: 'batch',
          nodes: [green],
          webhooks: { progress: 'http://receiver.local/progress', result: 'https://receiver.local/result' },
        }),
      ).toEqual({
        kind: 'pipeline',
        name: 'batch',
        nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'], retry: { limit: 3, delaySeconds: 0, backoff: false } }],
        flowInput: undefined,
        webhooks: { progress: 'http://receiver.local/progress', result: 'https://receiver.local/result' },
        options: { progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 3600 },
        priority: 3,
      });
    });

    it('keeps every option, retry policy, flowInput, webhook secret and header that is given', () => {
      const secret = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
      expect(
        validatePipelineRequest({
          name: 'full.pipe-1',
          nodes: [
            { nodeName: 'green', algorithmName: 'green-alg', input: ['#@flowInput.list'], retry: { limit: 0, delaySeconds: 1.5, backoff: true } },
            { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green', 7] },
          ],
          flowInput: { list: [1, 2] },
          webhooks: { result: 'https://r.example/x', secret, headers: { 'X-Token': 'abc' } },
          options: { progressVerbosityLevel: 'debug', batchTolerance: 50.5, ttl: 60 },
          priority: 1,
        }),
      ).toEqual({
        kind: 'pipeline',
        name: 'full.pipe-1',
        nodes: [
          { nodeName: 'green', algorithmName: 'green-alg', input: ['#@flowInput.list'], retry: { limit: 0, delaySeconds: 1.5, backoff: true } },
          { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green', 7], retry: { limit: 3, delaySeconds: 0, backoff: false } },
        ],
        flowInput: { list: [1, 2] },
        webhooks: { result: 'https://r.example/x', secret, headers: { 'X-Token': 'abc' } },
        options: { progressVerbosityLevel: 'debug', batchTolerance: 50.5, ttl: 60 },
        priority: 1,
      });
    });

    it('treats a node without input as a node with no inputs', () => {
      expect(validatePipelineRequest({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg' }] }).nodes[0].input).toEqual([]);
    });

    it('fills only the missing fields of a partial retry policy and options', () => {
      const spec = validatePipelineRequest({
        name: 'p',
        nodes: [{ nodeName: 'a', algorithmName: 'alg', retry: { delaySeconds: 2 } }],
        options: { ttl: 10 },
      });
      expect(spec.nodes[0].retry).toEqual({ limit: 3, delaySeconds: 2, backoff: false });
      expect(spec.options).toEqual({ progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 10 });
    });

    it('accepts a diamond of nodes (shared dependency, no cycle)', () => {
      const spec = validatePipelineRequest({
        name: 'diamond',
        nodes: [
          { nodeName: 'a', algorithmName: 'alg', input: [1] },
          { nodeName: 'b', algorithmName: 'alg', input: ['@a'] },
          { nodeName: 'c', algorithmName: 'alg', input: ['#@a'] },
          { nodeName: 'd', algorithmName: 'alg', input: ['@b', '@c'] },
        ],
      });
      expect(spec.nodes.map((n) => n.nodeName)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('accepts the boundary values of every numeric range', () => {
      const low = validatePipelineRequest({
        name: 'p',
        nodes: [{ nodeName: 'a', algorithmName: 'alg', retry: { limit: 0, delaySeconds: 0 } }],
        options: { batchTolerance: 1, ttl: 1 },
        priority: 1,
      });
      const high = validatePipelineRequest({
        name: 'p',
        nodes: [{ nodeName: 'a', algorithmName: 'alg', retry: { limit: 100, delaySeconds: 86_400 } }],
        options: { batchTolerance: 100, ttl: 2_592_000 },
        priority: 5,
      });
      expect([low.nodes[0].retry, low.options.batchTolerance, low.options.ttl, low.priority]).toEqual([
        { limit: 0, delaySeconds: 0, backoff: false },
        1,
        1,
        1,
      ]);
      expect([high.nodes[0].retry, high.options.batchTolerance, high.options.ttl, high.priority]).toEqual([
        { limit: 100, delaySeconds: 86_400, backoff: false },
        100,
        2_592_000,
        5,
      ]);
    });
  });

  describe('a malformed request', () => {
    it.each<[string, unknown]>([
      ['null', null],
      ['an array', [green]],
      ['a string', 'batch'],
    ])('rejects %s as a body with a single root problem', (_label, body) => {
      const err = rejectionOf(body);
      expect([err.code, err.status, err.message, err.details]).toEqual([
        'VALIDATION_FAILED',
        400,
        'the request body must be a JSON object',
        [{ path: '', message: 'must be an object' }],
      ]);
    });

    it('rejects a missing name (HKube: "data should have required property \'name\'")', () => {
      expect(problemsOf({ nodes: [green] })).toEqual([{ path: 'name', message: 'is required' }]);
      expect(rejectionOf({ nodes: [green] }).message).toBe("data should have required property 'name'");
    });

    it.each<[string, unknown, string]>([
      ['empty', '', 'data.name should NOT be shorter than 1 characters'],
      ['containing a slash', 'a/b', 'pipeline name must contain only alphanumeric, dash, dot or underscore'],
      ['containing a space', 'a b', 'pipeline name must contain only alphanumeric, dash, dot or underscore'],
      ['longer than 128 characters', 'x'.repeat(129), 'data.name should NOT be longer than 128 characters'],
      ['an object', {}, 'data.name should be string'],
    ])('rejects a name that is %s, in HKube\'s words', (_label, name, message) => {
      expect(problemsOf({ name, nodes: [green] })).toEqual([{ path: 'name', message: 'must be 1-128 letters, digits, ":", ".", "_" or "-"' }]);
      expect(rejectionOf({ name, nodes: [green] }).message).toBe(message);
    });

    it.each<[string, unknown, string]>([
      ['with a colon and a dot', 'a:b.c', 'a:b.c'],
      ['starting with a dot', '.hidden', '.hidden'],
      ['a number (coerced to text)', 5, '5'],
    ])('accepts a name %s, as HKube does', (_label, name, expected) => {
      expect(validatePipelineRequest({ name, nodes: [green] }).name).toBe(expected);
    });

    it('rejects missing nodes (HKube: "pipeline must have at least one node")', () => {
      expect(problemsOf({ name: 'p' })).toEqual([{ path: 'nodes', message: 'must be a non-empty array' }]);
      expect(rejectionOf({ name: 'p' }).message).toBe('pipeline must have at least one node');
    });

    it('rejects an empty nodes array', () => {
      expect(problemsOf({ name: 'p', nodes: [] })).toEqual([{ path: 'nodes', message: 'must be a non-empty array' }]);
    });

    it('rejects more than 1000 nodes', () => {
      const nodes = Array.from({ length: 1001 }, (_, i) => ({ nodeName: `n${i}`, algorithmName: 'alg' }));
      expect(problemsOf({ name: 'p', nodes })).toEqual([{ path: 'nodes', message: 'must have at most 1000 nodes' }]);
    });

    it('rejects a node that is not an object', () => {
      expect(problemsOf({ name: 'p', nodes: [green, 'blue'] })).toEqual([{ path: 'nodes[1]', message: 'must be an object' }]);
    });

    it('rejects a missing nodeName (HKube: "data.nodes[0] should have required property \'nodeName\'")', () => {
      expect(problemsOf({ name: 'p', nodes: [{ algorithmName: 'alg' }] })).toEqual([{ path: 'nodes[0].nodeName', message: 'is required' }]);
      expect(rejectionOf({ name: 'p', nodes: [{ algorithmName: 'alg' }] }).message).toBe("data.nodes[0] should have required property 'nodeName'");
    });

    it.each<[string, string]>([
      ['flowInput', 'pipeline "p" has invalid reserved name "flowInput"'],
      ['dataSource', 'pipeline "p" has invalid reserved name "dataSource"'],
    ])('rejects the reserved nodeName %s', (nodeName, message) => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName, algorithmName: 'alg' }] })).toEqual([{ path: 'nodes[0].nodeName', message: `"${nodeName}" is a reserved name` }]);
      expect(rejectionOf({ name: 'p', nodes: [{ nodeName, algorithmName: 'alg' }] }).message).toBe(message);
    });

    it.each(['a.b', 'a#1', 'with space', 'x'.repeat(128)])('accepts the nodeName %s (HKube only needs a non-empty string)', (nodeName) => {
      expect(validatePipelineRequest({ name: 'p', nodes: [{ nodeName, algorithmName: 'alg' }] }).nodes[0].nodeName).toBe(nodeName);
    });

    it.each<[string, unknown, string]>([
      ['empty', '', 'data.nodes[0].nodeName should NOT be shorter than 1 characters'],
      ['longer than 128 characters', 'x'.repeat(129), 'data.nodes[0].nodeName should NOT be longer than 128 characters'],
      ['a control character', 'a\u0007b', 'data.nodes[0].nodeName should be 1-128 characters'],
    ])('rejects a nodeName that is %s', (_label, nodeName, message) => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName, algorithmName: 'alg' }] })).toEqual([{ path: 'nodes[0].nodeName', message: 'must be 1-128 characters (no control characters)' }]);
      expect(rejectionOf({ name: 'p', nodes: [{ nodeName, algorithmName: 'alg' }] }).message).toBe(message);
    });

    it('rejects a missing algorithmName (HKube: "please provide algorithm name")', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a' }] })).toEqual([{ path: 'nodes[0].algorithmName', message: 'is required' }]);
      expect(rejectionOf({ name: 'p', nodes: [{ nodeName: 'a' }] }).message).toBe('please provide algorithm name');
    });

    it.each<[string, unknown, string]>([
      ['upper-case', 'Green-alg', 'algorithm name must contain only lower-case alphanumeric, dash or dot'],
      ['with an underscore', 'green_alg', 'algorithm name must contain only lower-case alphanumeric, dash or dot'],
      ['ending with a dash', 'green-', 'algorithm name must contain only lower-case alphanumeric, dash or dot'],
      ['longer than 32 characters', 'a'.repeat(33), 'data.nodes[0].algorithmName should NOT be longer than 32 characters'],
      ['empty', '', 'data.nodes[0].algorithmName should NOT be shorter than 1 characters'],
      ['an object', {}, 'data.nodes[0].algorithmName should be string'],
    ])('rejects an algorithmName that is %s, in HKube\'s words', (_label, algorithmName, message) => {
      expect(rejectionOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName }] }).message).toBe(message);
    });

    it.each(['green-alg', 'a', 'v1.2', 'a'.repeat(32)])('accepts the algorithmName %s', (algorithmName) => {
      expect(validatePipelineRequest({ name: 'p', nodes: [{ nodeName: 'a', algorithmName }] }).nodes[0].algorithmName).toBe(algorithmName);
    });

    it('rejects duplicate node names at the second occurrence', () => {
      expect(problemsOf({ name: 'p', nodes: [green, { ...green, algorithmName: 'other' }] })).toEqual([
        { path: 'nodes[1].nodeName', message: 'duplicates node "green"' },
      ]);
      expect(rejectionOf({ name: 'p', nodes: [green, { ...green, algorithmName: 'other' }] }).message).toBe('found duplicate node "green"');
    });

    it('rejects an input that is not an array', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: '#[1,2]' }] })).toEqual([
        { path: 'nodes[0].input', message: 'must be an array' },
      ]);
    });

    it('rejects an input expression with bad syntax at its exact position', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: [1, '#[3...1]', { k: ['#[1,,2]'] }] }] })).toEqual([
        { path: 'nodes[0].input[1]', message: 'range "3...1" in "#[3...1]" ends before it starts' },
        { path: 'nodes[0].input[2].k[0]', message: '"#[1,,2]" has an empty item' },
      ]);
    });

    it('rejects a reference to an unknown node', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: ['@ghost'] }] })).toEqual([
        { path: 'nodes.a.input', message: 'refers to unknown node "ghost"' },
      ]);
      expect(rejectionOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: [{ x: ['@ghost'] }] }] }).message).toBe(
        'node "a" is depend on node "ghost" which is not exists',
      );
    });

    it('rejects a node that reads its own output', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: ['#@a'] }] })).toEqual([
        { path: 'nodes.a.input', message: 'node "a" cannot read its own output' },
      ]);
    });

    it('rejects a cycle of two nodes', () => {
      expect(
        problemsOf({
          name: 'p',
          nodes: [
            { nodeName: 'a', algorithmName: 'alg', input: ['@b'] },
            { nodeName: 'b', algorithmName: 'alg', input: ['@a'] },
          ],
        }),
      ).toEqual([{ path: 'nodes', message: 'nodes form a cycle: a -> b -> a' }]);
      expect(
        rejectionOf({
          name: 'p',
          nodes: [
            { nodeName: 'a', algorithmName: 'alg', input: ['@b'] },
            { nodeName: 'b', algorithmName: 'alg', input: ['@a'] },
          ],
        }).message,
      ).toBe('cyclic nodes are not allowed on batch pipeline');
    });

    it('rejects a longer cycle and names only the nodes on it', () => {
      expect(
        problemsOf({
          name: 'p',
          nodes: [
            { nodeName: 'start', algorithmName: 'alg', input: ['@x'] },
            { nodeName: 'x', algorithmName: 'alg', input: ['@y'] },
            { nodeName: 'y', algorithmName: 'alg', input: ['#@z'] },
            { nodeName: 'z', algorithmName: 'alg', input: ['@x.field'] },
          ],
        }),
      ).toEqual([{ path: 'nodes', message: 'nodes form a cycle: x -> y -> z -> x' }]);
    });

    it('rejects a flowInput that is not an object', () => {
      expect(problemsOf({ name: 'p', nodes: [green], flowInput: [1, 2] })).toEqual([{ path: 'flowInput', message: 'must be an object or null' }]);
      expect(rejectionOf({ name: 'p', nodes: [green], flowInput: 'x' }).message).toBe('data.flowInput should be object');
    });

    it('accepts flowInput null (HKube\'s schema: nullable) as no flowInput', () => {
      expect(validatePipelineRequest({ name: 'p', nodes: [green], flowInput: null }).flowInput).toBeUndefined();
    });

    it.each<[string, unknown, string]>([
      ['a negative limit', { limit: -1 }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a limit above 100', { limit: 101 }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a fractional limit', { limit: 1.5 }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a limit given as a non-numeric string', { limit: 'three' }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a negative delay', { delaySeconds: -1 }, 'nodes[0].retry.delaySeconds: must be a number from 0 to 86400'],
      ['a delay above one day', { delaySeconds: 86_401 }, 'nodes[0].retry.delaySeconds: must be a number from 0 to 86400'],
      ['a non-boolean backoff', { backoff: 'yes' }, 'nodes[0].retry.backoff: must be a boolean'],
      ['an unknown retry field', { limit: 1, maxDelay: 5 }, 'nodes[0].retry.maxDelay: is not a known field'],
    ])('rejects a retry policy with %s', (_label, retry, expected) => {
      const [path, message] = expected.split(': ');
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', retry }] })).toEqual([{ path, message }]);
    });

    it('rejects a retry policy that is not an object', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', retry: 3 }] })).toEqual([
        { path: 'nodes[0].retry', message: 'must be an object' },
      ]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a negative batchTolerance', { batchTolerance: -1 }, 'options.batchTolerance: must be a number from 0 to 100'],
      ['batchTolerance above 100', { batchTolerance: 100.5 }, 'options.batchTolerance: must be a number from 0 to 100'],
      ['batchTolerance as a non-numeric string', { batchTolerance: 'most' }, 'options.batchTolerance: must be a number from 0 to 100'],
      ['a negative ttl', { ttl: -1 }, 'options.ttl: must be an integer from 0 to 2592000'],
      ['a fractional ttl', { ttl: 1.5 }, 'options.ttl: must be an integer from 0 to 2592000'],
      ['ttl above 30 days', { ttl: 2_592_001 }, 'options.ttl: must be an integer from 0 to 2592000'],
      ['a non-finite ttl', { ttl: Number.POSITIVE_INFINITY }, 'options.ttl: must be an integer from 0 to 2592000'],
      [
        'an unknown verbosity level',
        { progressVerbosityLevel: 'verbose' },
        'options.progressVerbosityLevel: must be one of trace, debug, info, warn, error, critical',
      ],
      ['an unknown option', { retries: 2 }, 'options.retries: is not a known field'],
    ])('rejects options with %s', (_label, options, expected) => {
      const [path, message] = expected.split(': ');
      expect(problemsOf({ name: 'p', nodes: [green], options })).toEqual([{ path, message }]);
    });

    it('rejects options that are not an object', () => {
      expect(problemsOf({ name: 'p', nodes: [green], options: 'fast' })).toEqual([{ path: 'options', message: 'must be an object' }]);
    });

    it.each<[string, unknown]>([
      ['0', 0],
      ['6', 6],
      ['2.5', 2.5],
      ['"high"', 'high'],
    ])('rejects priority %s', (_label, priority) => {
      expect(problemsOf({ name: 'p', nodes: [green], priority })).toEqual([{ path: 'priority', message: 'must be an integer from 1 to 5' }]);
    });

    it('words priority, batchTolerance and ttl problems as HKube does', () => {
      expect(rejectionOf({ name: 'p', nodes: [green], priority: 8 }).message).toBe('data.priority should be <= 5');
      expect(rejectionOf({ name: 'p', nodes: [green], priority: 0 }).message).toBe('data.priority should be >= 1');
      expect(rejectionOf({ name: 'p', nodes: [green], priority: 2.5 }).message).toBe('data.priority should be integer');
      expect(rejectionOf({ name: 'p', nodes: [green], options: { batchTolerance: 101 } }).message).toBe('data.options.batchTolerance should be <= 100');
      expect(rejectionOf({ name: 'p', nodes: [green], options: { progressVerbosityLevel: 'loud' } }).message).toBe(
        'data.options.progressVerbosityLevel should be equal to one of the allowed values (trace,debug,info,warn,error,critical)',
      );
    });

    it('coerces numeric strings where HKube coerces (priority, batchTolerance, ttl, retry limit)', () => {
      const spec = validatePipelineRequest({ name: 'p', nodes: [{ ...green, retry: { limit: '2' } }], priority: '1', options: { batchTolerance: '50', ttl: '60' } });
      expect([spec.priority, spec.options.batchTolerance, spec.options.ttl, spec.nodes[0].retry.limit]).toEqual([1, 50, 60, 2]);
    });

    it('accepts ttl 0 and batchTolerance 0 (HKube\'s minimums)', () => {
      expect(validatePipelineRequest({ name: 'p', nodes: [green], options: { ttl: 0, batchTolerance: 0 } }).options).toEqual({ progressVerbosityLevel: 'info', batchTolerance: 0, ttl: 0 });
    });

    it('keeps batchOperation and refuses an unknown one in HKube\'s words', () => {
      expect(validatePipelineRequest({ name: 'p', nodes: [{ ...green, batchOperation: 'cartesian' }] }).nodes[0].batchOperation).toBe('cartesian');
      expect(rejectionOf({ name: 'p', nodes: [{ ...green, batchOperation: 'zip' }] }).message).toBe(
        'data.nodes[0].batchOperation should be equal to one of the allowed values (indexed,cartesian)',
      );
    });

    it('refuses a streaming pipeline with STREAMING_NOT_SUPPORTED', () => {
      const err = rejectionOf({ name: 'p', kind: 'stream', nodes: [green] });
      expect([err.code, err.status, err.details]).toEqual(['STREAMING_NOT_SUPPORTED', 400, [{ path: 'kind', message: 'must be "batch" (streaming is not supported)' }]]);
    });

    it('accepts kind "batch", node kind "algorithm" and HKube fields Herald ignores', () => {
      const spec = validatePipelineRequest({
        name: 'p',
        kind: 'batch',
        description: 'd',
        experimentName: 'main',
        tags: ['x'],
        nodes: [{ ...green, kind: 'algorithm', ttl: 0, includeInResult: true, metrics: { tensorboard: true } }],
      });
      expect(spec.nodes[0]).toEqual({ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1,2,3]'], retry: { limit: 3, delaySeconds: 0, backoff: false } });
    });

    it('refuses node kinds Herald does not run', () => {
      expect(rejectionOf({ name: 'p', nodes: [{ ...green, kind: 'debug' }] }).message).toBe('node kind "debug" is not supported');
    });

    it.each<[string, unknown]>([
      ['a relative path', '/progress'],
      ['an ftp URL', 'ftp://receiver.local/progress'],
      ['a javascript URL', 'javascript:alert(1)'],
      ['not a URL at all', 'receiver'],
      ['a number', 80],
      ['longer than 2048 characters', 'https://r.example/' + 'a'.repeat(2048)],
    ])('rejects a progress webhook that is %s', (_label, progress) => {
      expect(problemsOf({ name: 'p', nodes: [green], webhooks: { progress } })).toEqual([
        { path: 'webhooks.progress', message: 'must be an http or https URL' },
      ]);
    });

    it('rejects a bad result webhook independently of a good progress webhook', () => {
      expect(problemsOf({ name: 'p', nodes: [green], webhooks: { progress: 'https://ok.example', result: 'mailto:me@example.com' } })).toEqual([
        { path: 'webhooks.result', message: 'must be an http or https URL' },
      ]);
    });

    it('rejects webhooks that are not an object', () => {
      expect(problemsOf({ name: 'p', nodes: [green], webhooks: 'https://r.example' })).toEqual([{ path: 'webhooks', message: 'must be an object' }]);
    });

    it.each<[string, unknown]>([
      ['without the whsec_ prefix', Buffer.alloc(24, 1).toString('base64')],
      ['shorter than 16 bytes', 'whsec_' + Buffer.alloc(8, 1).toString('base64')],
      ['not base64', 'whsec_not*base64*at*all!!'],
      ['not a string', 42],
    ])('rejects a webhook secret %s', (_label, secret) => {
      expect(problemsOf({ name: 'p', nodes: [green], webhooks: { result: 'https://r.example', secret } })).toEqual([
        { path: 'webhooks.secret', message: 'must be whsec_ followed by at least 16 base64-encoded bytes' },
      ]);
    });

    it('rejects webhook headers with non-string values', () => {
      expect(problemsOf({ name: 'p', nodes: [green], webhooks: { headers: { 'X-A': 1 } } })).toEqual([
        { path: 'webhooks.headers', message: 'must be an object of string header values' },
      ]);
    });

    it('rejects a webhook header with an invalid name', () => {
      expect(problemsOf({ name: 'p', nodes: [green], webhooks: { headers: { 'Bad Header': 'x' } } })).toEqual([
        { path: 'webhooks.headers.Bad Header', message: 'is not a valid header name' },
      ]);
    });

    it('rejects unknown fields at every level with their full path', () => {
      expect(
        problemsOf({
          name: 'p',
          nodes: [{ ...green, image: 'docker/green' }],
          webhooks: { progress: 'https://r.example', method: 'PUT' },
          options: { ttl: 5, concurrency: 2 },
          owner: 'me',
        }),
      ).toEqual([
        { path: 'owner', message: 'is not a known field' },
        { path: 'nodes[0].image', message: 'is not a known field' },
        { path: 'webhooks.method', message: 'is not a known field' },
        { path: 'options.concurrency', message: 'is not a known field' },
      ]);
    });

    it('reports every problem at once and summarises the first in the message', () => {
      const err = rejectionOf({
        nodes: [
          { nodeName: 'a', algorithmName: 'alg', input: ['@missing'] },
          { nodeName: 'a', algorithmName: 'alg' },
          { nodeName: 'b', algorithmName: 'alg', input: ['@ghost'] },
        ],
        options: { batchTolerance: -1 },
        priority: 9,
      });
      expect(err.message).toBe("data should have required property 'name'");
      expect(err.details).toEqual([
        { path: 'name', message: 'is required' },
        { path: 'nodes[1].nodeName', message: 'duplicates node "a"' },
        { path: 'nodes.b.input', message: 'refers to unknown node "ghost"' },
        { path: 'options.batchTolerance', message: 'must be a number from 0 to 100' },
        { path: 'priority', message: 'must be an integer from 1 to 5' },
      ]);
    });

    it('words the message by HKube\'s order of checks: the schema before the graph', () => {
      const err = rejectionOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: ['@ghost'] }], priority: 9 });
      expect(err.message).toBe('data.priority should be <= 5');
    });

    it('rejects text PostgreSQL cannot store (a NUL character) before anything else, with its path', () => {
      const err = rejectionOf({ name: 'p', nodes: [{ ...green, input: ['ok', 'nul\u0000here'] }], priority: 99 });
      expect([err.code, err.status, err.message, err.details]).toEqual([
        'VALIDATION_FAILED',
        400,
        'invalid pipeline: nodes[0].input[1] must not contain NUL characters or unpaired surrogates',
        [{ path: 'nodes[0].input[1]', message: 'must not contain NUL characters or unpaired surrogates' }],
      ]);
    });

    it('says nothing about "more" problems when there is only one without HKube wording', () => {
      expect(rejectionOf({ name: 'p', nodes: [green], owner: 'me' }).message).toBe('invalid pipeline: owner is not a known field');
    });
  });
});

describe('isHttpUrl', () => {
  it.each<[unknown, boolean]>([
    ['http://localhost:3000/hook', true],
    ['https://example.com', true],
    ['HTTPS://EXAMPLE.COM/x', true],
    ['ftp://example.com', false],
    ['example.com', false],
    ['', false],
    [null, false],
  ])('judges %p as %p', (value, expected) => {
    expect(isHttpUrl(value)).toBe(expected);
  });
});
