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

    it('rejects a missing name', () => {
      expect(problemsOf({ nodes: [green] })).toEqual([
        { path: 'name', message: 'is required: 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit' },
      ]);
    });

    it.each<[string, unknown]>([
      ['empty', ''],
      ['starting with a dot', '.hidden'],
      ['containing a colon (the jobId separator)', 'a:b'],
      ['longer than 128 characters', 'x'.repeat(129)],
      ['not a string', 5],
    ])('rejects a name that is %s', (_label, name) => {
      expect(problemsOf({ name, nodes: [green] })).toEqual([
        { path: 'name', message: 'is required: 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit' },
      ]);
    });

    it('rejects missing nodes', () => {
      expect(problemsOf({ name: 'p' })).toEqual([{ path: 'nodes', message: 'must be a non-empty array' }]);
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

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['"flowInput" (reserved)', 'flowInput'],
      ['containing a dot', 'a.b'],
      ['containing a hash', 'a#1'],
    ])('rejects a nodeName that is %s', (_label, nodeName) => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName, algorithmName: 'alg' }] })).toEqual([
        { path: 'nodes[0].nodeName', message: 'is required: 1-128 letters, digits, "_" or "-" (not "flowInput")' },
      ]);
    });

    it('rejects a missing algorithmName', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a' }] })).toEqual([
        { path: 'nodes[0].algorithmName', message: 'is required: 1-128 letters, digits, ".", "_" or "-"' },
      ]);
    });

    it('rejects duplicate node names at the second occurrence', () => {
      expect(problemsOf({ name: 'p', nodes: [green, { ...green, algorithmName: 'other' }] })).toEqual([
        { path: 'nodes[1].nodeName', message: 'duplicates node "green"' },
      ]);
    });

    it('rejects an input that is not an array', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: '#[1,2]' }] })).toEqual([
        { path: 'nodes[0].input', message: 'must be an array' },
      ]);
    });

    it('rejects an input expression with bad syntax at its exact position', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: [1, '#[3...1]', '#[1,'] }] })).toEqual([
        { path: 'nodes[0].input[1]', message: 'range "#[3...1]" ends before it starts' },
        { path: 'nodes[0].input[2]', message: '"#[1," is not a batch: expected #[<JSON items>] or #[<from>...<to>]' },
      ]);
    });

    it('rejects a reference to an unknown node', () => {
      expect(problemsOf({ name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: ['@ghost'] }] })).toEqual([
        { path: 'nodes.a.input', message: 'refers to unknown node "ghost"' },
      ]);
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
      expect(problemsOf({ name: 'p', nodes: [green], flowInput: [1, 2] })).toEqual([{ path: 'flowInput', message: 'must be an object' }]);
    });

    it.each<[string, unknown, string]>([
      ['a negative limit', { limit: -1 }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a limit above 100', { limit: 101 }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a fractional limit', { limit: 1.5 }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
      ['a limit given as a string', { limit: '3' }, 'nodes[0].retry.limit: must be an integer from 0 to 100'],
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
      ['batchTolerance 0', { batchTolerance: 0 }, 'options.batchTolerance: must be a number from 1 to 100'],
      ['batchTolerance above 100', { batchTolerance: 100.5 }, 'options.batchTolerance: must be a number from 1 to 100'],
      ['batchTolerance as a string', { batchTolerance: '80' }, 'options.batchTolerance: must be a number from 1 to 100'],
      ['ttl 0', { ttl: 0 }, 'options.ttl: must be a number from 1 to 2592000'],
      ['ttl above 30 days', { ttl: 2_592_001 }, 'options.ttl: must be a number from 1 to 2592000'],
      ['a non-finite ttl', { ttl: Number.POSITIVE_INFINITY }, 'options.ttl: must be a number from 1 to 2592000'],
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
      ['"1"', '1'],
    ])('rejects priority %s', (_label, priority) => {
      expect(problemsOf({ name: 'p', nodes: [green], priority })).toEqual([{ path: 'priority', message: 'must be an integer from 1 to 5' }]);
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
        { path: 'options.concurrency', message: 'is not a known field' },
        { path: 'webhooks.method', message: 'is not a known field' },
      ]);
    });

    it('reports every problem at once and summarises the first in the message', () => {
      const err = rejectionOf({
        nodes: [
          { nodeName: 'a', algorithmName: 'alg', input: ['@missing'] },
          { nodeName: 'a', algorithmName: 'alg' },
          { nodeName: 'b', algorithmName: 'alg', input: ['@ghost'] },
        ],
        options: { batchTolerance: 0 },
        priority: 9,
      });
      expect(err.message).toBe(
        'invalid pipeline: name is required: 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit (and 4 more)',
      );
      expect(err.details).toEqual([
        { path: 'name', message: 'is required: 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit' },
        { path: 'nodes[1].nodeName', message: 'duplicates node "a"' },
        { path: 'nodes.b.input', message: 'refers to unknown node "ghost"' },
        { path: 'options.batchTolerance', message: 'must be a number from 1 to 100' },
        { path: 'priority', message: 'must be an integer from 1 to 5' },
      ]);
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

    it('says nothing about "more" problems when there is only one', () => {
      expect(rejectionOf({ name: 'p', nodes: [] }).message).toBe('invalid pipeline: nodes must be a non-empty array');
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
