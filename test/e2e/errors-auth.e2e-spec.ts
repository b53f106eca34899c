import { api, startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';

const UNKNOWN_TASK = '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
const NAME_RULE = 'must be 1-128 letters, digits, ":", ".", "_" or "-"';
const invalidJson = { error: { code: 'INVALID_JSON', message: 'the request body is not valid JSON' } };
const validation = (message: string, details: Array<{ path: string; message: string }>) => ({ error: { code: 'VALIDATION_FAILED', message, details } });

describe('Bad input is answered with a 4xx and a stable error body, never a 500', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let jobId: string;
  let taskId: string;

  beforeAll(async () => {
    h = await startHerald();
    c = client(h.baseUrl);
    jobId = await c.submit({ name: 'target', nodes: [{ nodeName: 'n', algorithmName: 'target-alg', input: ['#[1,2]'] }] });
    [{ taskId }] = await c.acquire('holder', ['target-alg'], 1, 300);
  });
  afterAll(() => h.close());

  it('answers 400 INVALID_JSON to a body that is not JSON, on every route that takes one', async () => {
    const routes = ['/api/v1/exec/raw', '/api/v1/exec/stop', '/api/v1/tasks/acquire', `/api/v1/tasks/${taskId}/complete`, `/api/v1/tasks/${taskId}/fail`, `/api/v1/tasks/${taskId}/heartbeat`];
    for (const path of routes) {
      for (const body of ['{"name":', '{bad', '"just a string"']) {
        const res = await c.call('POST', path, body);
        expect([path, body, res.status, res.body]).toEqual([path, body, 400, invalidJson]);
      }
    }
  });

  it('answers 400 VALIDATION_FAILED to a body that is JSON but not an object, or not JSON at all', async () => {
    const notObject = validation('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
    for (const path of ['/api/v1/exec/raw', '/api/v1/tasks/acquire', '/api/v1/exec/stop']) {
      expect(await c.call('POST', path, '[1,2]').then((r) => [r.status, r.body])).toEqual([400, notObject]);
      expect(await c.call('POST', path, 'name=x', { 'content-type': 'text/plain' }).then((r) => [r.status, r.body])).toEqual([400, notObject]);
    }
  });

  it('lists every problem of an invalid pipeline as { path, message }', async () => {
    const empty = await c.call('POST', '/api/v1/exec/raw', {});
    expect([empty.status, empty.body]).toEqual([
      400,
      // The message is HKube's wording of the first problem HKube reports.
      validation("data should have required property 'name'", [
        { path: 'name', message: 'is required' },
        { path: 'nodes', message: 'must be a non-empty array' },
      ]),
    ]);

    const res = await c.call('POST', '/api/v1/exec/raw', {
      name: 'bad name!',
      nodes: [{ nodeName: 'a', algorithmName: 'alg', input: ['@b', '#[1...'] }],
      options: { ttl: -1, batchTolerance: 101, progressVerbosityLevel: 'loud', extra: 1 },
      priority: 9,
      webhooks: { progress: 'ftp://x' },
      bogus: true,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      validation('invalid pipeline: bogus is not a known field (and 9 more)', [
        { path: 'bogus', message: 'is not a known field' },
        { path: 'name', message: NAME_RULE },
        { path: 'nodes[0].input[1]', message: '"1..." in "#[1..." is not a range: expected <from>...<to> (integers)' },
        { path: 'nodes.a.input', message: 'refers to unknown node "b"' },
        { path: 'webhooks.progress', message: 'must be an http or https URL' },
        { path: 'options.extra', message: 'is not a known field' },
        { path: 'options.progressVerbosityLevel', message: 'must be one of trace, debug, info, warn, error, critical' },
        { path: 'options.batchTolerance', message: 'must be a number from 0 to 100' },
        { path: 'options.ttl', message: 'must be an integer from 0 to 2592000' },
        { path: 'priority', message: 'must be an integer from 1 to 5' },
      ]),
    );
  });

  it('rejects cycles, self references, bad references, missing flowInput values and oversized ranges', async () => {
    const node = (nodeName: string, input: unknown[]) => ({ nodeName, algorithmName: 'alg', input });
    // [body, path, Herald's detail, the message (HKube's wording)]
    const cyclic = 'cyclic nodes are not allowed on batch pipeline';
    const cases: Array<[unknown, string, string, string]> = [
      [{ name: 'c', nodes: [node('a', ['@b']), node('b', ['#@a'])] }, 'nodes', 'nodes form a cycle: a -> b -> a', cyclic],
      [{ name: 'c', nodes: [node('a', ['@a'])] }, 'nodes.a.input', 'node "a" cannot read its own output', cyclic],
      [{ name: 'c', nodes: [node('a', ['@'])] }, 'nodes[0].input[0]', '"@" is not a valid reference (expected @node, @node.path or @flowInput.path)', ''],
      [{ name: 'c', nodes: [node('a', ['@flowInput.x'])] }, 'nodes[0].input[0]', 'unable to find flowInput.x', ''],
      [{ name: 'c', flowInput: { x: 1 }, nodes: [node('a', ['#@flowInput.x'])] }, 'nodes[0].input[0]', '#@flowInput.x is not an array', ''],
      [{ name: 'c', nodes: [node('a', ['#[1...2000000]'])] }, 'nodes[0].input[0]', 'batch "#[1...2000000]" has more than 1000000 items', ''],
      [{ name: 'c', nodes: [node('a', ['#[5...1]'])] }, 'nodes[0].input[0]', 'range "5...1" in "#[5...1]" ends before it starts', ''],
      [{ name: 'c', nodes: [{ nodeName: 'a', algorithmName: 'alg', input: 'x' }] }, 'nodes[0].input', 'must be an array', 'data.nodes[0].input should be array'],
      [{ name: 'c', nodes: [{ ...node('a', [1]), retry: { limit: -1 } }] }, 'nodes[0].retry.limit', 'must be an integer from 0 to 100', 'data.nodes[0].retry.limit should be >= 0'],
      [{ name: 'c', nodes: [node('flowInput', [1])] }, 'nodes[0].nodeName', '"flowInput" is a reserved name', 'pipeline "c" has invalid reserved name "flowInput"'],
    ];
    for (const [body, path, message, hkube] of cases) {
      const res = await c.call('POST', '/api/v1/exec/raw', body);
      expect([res.status, res.body]).toEqual([400, validation(hkube || message, [{ path, message }])]);
    }
  });

  it('validates worker requests field by field', async () => {
    const acquire = await c.call('POST', '/api/v1/tasks/acquire', { workerName: '', max: 0, leaseSeconds: 0, algorithmNames: [] });
    const workerRule = 'is required: 1-255 characters of letters, digits and ._:@/-';
    expect([acquire.status, acquire.body]).toEqual([
      400,
      validation(`invalid request: workerName ${workerRule}`, [
        { path: 'workerName', message: workerRule },
        { path: 'leaseSeconds', message: 'must be a number from 0.1 to 86400' },
        { path: 'algorithmNames', message: 'must be a non-empty array of up to 100 names' },
        { path: 'max', message: 'must be an integer from 1 to 1000' },
      ]),
    ]);
    const fail = await c.call('POST', `/api/v1/tasks/${taskId}/fail`, { workerName: 'holder', retryable: 'no' });
    expect([fail.status, fail.body]).toEqual([
      400,
      validation('invalid request: error is required (a message string or an object)', [
        { path: 'error', message: 'is required (a message string or an object)' },
        { path: 'retryable', message: 'must be a boolean' },
      ]),
    ]);
    const beat = await c.call('POST', `/api/v1/tasks/${taskId}/heartbeat`, { workerName: 'holder', leaseSeconds: 'x' });
    expect([beat.status, beat.body]).toEqual([400, validation('invalid request: leaseSeconds must be a number from 0.1 to 86400', [{ path: 'leaseSeconds', message: 'must be a number from 0.1 to 86400' }])]);
    const complete = await c.call('POST', `/api/v1/tasks/${taskId}/complete`, { result: 1 });
    expect([complete.status, complete.body]).toEqual([400, validation(`invalid request: workerName ${workerRule}`, [{ path: 'workerName', message: workerRule }])]);
    // None of it touched the task.
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 active, 1 pending');
  });

  it('answers 400 to a task id that is not a UUID and 404 TASK_NOT_FOUND to an unknown one', async () => {
    for (const action of ['complete', 'fail', 'heartbeat']) {
      const body = { workerName: 'w', result: 1, error: 'e' };
      const bad = await c.call('POST', `/api/v1/tasks/not-a-uuid/${action}`, body);
      expect([action, bad.status, bad.body]).toEqual([action, 400, validation('task id "not-a-uuid" is not a UUID', [{ path: 'taskId', message: 'must be a UUID' }])]);
      const unknown = await c.call('POST', `/api/v1/tasks/${UNKNOWN_TASK}/${action}`, body);
      expect([action, unknown.status, unknown.body]).toEqual([action, 404, { error: { code: 'TASK_NOT_FOUND', message: `task ${UNKNOWN_TASK} does not exist` } }]);
    }
  });

  it('validates the query of the job list and of the event stream', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['/api/v1/exec/jobs?limit=0', 'limit must be an integer from 1 to 1000', 'limit', 'out of range'],
      ['/api/v1/exec/jobs?limit=1.5', 'limit must be an integer from 1 to 1000', 'limit', 'out of range'],
      ['/api/v1/exec/jobs?cursor=zzz', 'cursor is not valid', 'cursor', 'not a cursor from a previous page'],
      [`/api/v1/jobs/${jobId}/events?limit=0`, 'limit must be an integer from 1 to 10000', 'limit', 'invalid'],
      [`/api/v1/jobs/${jobId}/events?fromVersion=0`, 'fromVersion must be a positive integer', 'fromVersion', 'invalid'],
      [`/api/v1/jobs/${jobId}/events?fromVersion=abc`, 'fromVersion must be a positive integer', 'fromVersion', 'invalid'],
    ];
    for (const [path, message, field, detail] of cases) {
      const res = await c.call('GET', path);
      expect([path, res.status, res.body]).toEqual([path, 400, validation(message, [{ path: field, message: detail }])]);
    }
    const unknownRoute = await c.call('GET', '/api/v1/nope');
    expect([unknownRoute.status, unknownRoute.body]).toEqual([404, { error: { code: 'NOT_FOUND', message: 'Cannot GET /api/v1/nope' } }]);
  });

  it('never answers 500 to values PostgreSQL cannot store or to out-of-range numbers', async () => {
    // Deep nesting is sent as text: serializing it here would overflow this process's stack too.
    const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const cursor = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const node = (input: unknown[]) => ({ name: 'odd', nodes: [{ nodeName: 'a', algorithmName: 'odd-alg', input }] });
    const invalid = [400, 'VALIDATION_FAILED'];
    const requests: Array<[string, string, unknown, Array<number | string>]> = [
      ['POST', '/api/v1/exec/raw', node(['a\u0000b']), invalid],
      ['POST', '/api/v1/exec/raw', node(['\ud800']), invalid],
      ['POST', '/api/v1/exec/raw', { ...node([1]), flowInput: { 'k\u0000': 1 } }, invalid],
      ['POST', '/api/v1/exec/raw', { ...node([1]), webhooks: { progress: 'http://example.com/a\u0000b' } }, invalid],
      ['POST', '/api/v1/exec/raw', `{"name":"odd","nodes":[{"nodeName":"a","algorithmName":"odd-alg","input":[${nested(5000)}]}]}`, invalid],
      ['POST', '/api/v1/tasks/acquire', { workerName: 'w', algorithmNames: ['a\u0000'] }, invalid],
      ['POST', `/api/v1/tasks/${taskId}/complete`, { workerName: 'holder', result: 'a\u0000b' }, invalid],
      ['POST', `/api/v1/tasks/${taskId}/complete`, `{"workerName":"holder","result":${nested(5000)}}`, invalid],
      ['POST', `/api/v1/tasks/${taskId}/fail`, { workerName: 'holder', error: '\udc00' }, invalid],
      ['POST', '/api/v1/exec/stop', { jobId, reason: 'a\u0000b' }, invalid],
      ['POST', '/api/v1/exec/stop', { jobId: 'x\u0000' }, invalid],
      ['GET', '/api/v1/exec/status/a%00b', undefined, [404, 'JOB_NOT_FOUND']],
      ['GET', '/api/v1/exec/results/a%00b', undefined, [404, 'JOB_NOT_FOUND']],
      ['GET', '/api/v1/jobs/a%00b/events', undefined, [404, 'JOB_NOT_FOUND']],
      ['GET', `/api/v1/jobs/${jobId}/events?fromVersion=99999999999999`, undefined, invalid],
      ['GET', '/api/v1/exec/jobs?pipeline=a%00b', undefined, invalid],
      ['GET', `/api/v1/exec/jobs?cursor=${cursor({ createdAt: 'nope', jobId: 'x' })}`, undefined, invalid],
      ['GET', `/api/v1/exec/jobs?cursor=${cursor({ createdAt: '2020-01-01T00:00:00.000Z', jobId: 'x\u0000' })}`, undefined, invalid],
    ];
    for (const [method, path, body, expected] of requests) {
      const res = await c.call(method, path, body);
      const what = `${method} ${path} ${(typeof body === 'string' ? body : JSON.stringify(body))?.slice(0, 60)}`;
      expect([what, res.status, res.body?.error?.code]).toEqual([what, ...expected]);
    }
    // The job and its held task are untouched by all of that.
    expect((await c.status(jobId)).data.details).toBe('0.00% completed, 1 active, 1 pending');
    expect((await c.complete(taskId, 'holder', 'fine')).status).toBe(200);
  });

  it('answers the invalid stored values with 400 VALIDATION_FAILED naming the field, and unknown odd job ids with 404', async () => {
    const sub = await c.call('POST', '/api/v1/exec/raw', { name: 'odd', nodes: [{ nodeName: 'a', algorithmName: 'odd-alg', input: [1, 'a\u0000b'] }] });
    expect([sub.status, sub.body.error.code, sub.body.error.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      [{ path: 'nodes[0].input[1]', message: 'must not contain NUL characters or unpaired surrogates' }],
    ]);
    const deep = await c.call('POST', '/api/v1/exec/raw', `{"name":"odd","nodes":[{"nodeName":"a","algorithmName":"odd-alg","input":[${'['.repeat(300)}${']'.repeat(300)}]}]}`);
    expect([deep.status, deep.body.error.code, deep.body.error.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      [{ path: expect.stringMatching(/^nodes\[0\]\.input\[0\](\[0\])+$/), message: 'is nested more than 100 levels deep' }],
    ]);
    const status = await c.call('GET', '/api/v1/exec/status/a%00b');
    expect([status.status, status.body]).toEqual([404, { error: { code: 'JOB_NOT_FOUND', message: 'job a\u0000b does not exist' } }]);
  });
});

describe('API keys', () => {
  let h: RunningHerald;

  beforeAll(async () => {
    h = await startHerald({ apiKeys: ['k1', 'k2'] });
  });
  afterAll(() => h.close());

  const unauthorized = { error: { code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <key>" header is required' } };

  it('answers 401 on /api routes without a bearer key, with a wrong one, or with another scheme', async () => {
    const pipeline = { name: 'auth', nodes: [{ nodeName: 'a', algorithmName: 'auth-alg', input: [1] }] };
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/exec/jobs'],
      ['POST', '/api/v1/exec/raw', pipeline],
      ['GET', '/api/v1/exec/status/auth:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11'],
      ['POST', '/api/v1/tasks/acquire', { workerName: 'w' }],
      ['POST', `/api/v1/tasks/${UNKNOWN_TASK}/complete`, { workerName: 'w', result: 1 }],
      ['POST', '/api/v1/exec/stop', { jobId: 'x' }],
      ['GET', '/api/v1/jobs/x/events'],
    ];
    const variants: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope' }, { authorization: 'Bearer k1x' }, { authorization: 'Basic azE6' }, { authorization: 'k1' }];
    for (const headers of variants) {
      for (const [method, path, body] of calls) {
        const res = await api(h.baseUrl, method, path, body, headers);
        expect([method, path, headers, res.status, res.body]).toEqual([method, path, headers, 401, unauthorized]);
      }
    }
    // Nothing was submitted.
    const list = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { authorization: 'Bearer k1' });
    expect(list.body).toEqual({ jobs: [], nextCursor: null });
  });

  it('checks the key before reading the body: a bad or oversized body from a caller without a key is still 401', async () => {
    const bad = await api(h.baseUrl, 'POST', '/api/v1/exec/raw', '{not json', { 'content-type': 'application/json' });
    expect([bad.status, bad.body]).toEqual([401, unauthorized]);
    const big = await api(h.baseUrl, 'POST', '/queue/render', JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }), { 'content-type': 'application/json' });
    expect([big.status, big.body]).toEqual([401, unauthorized]);
  });

  it('serves /api routes with any configured key', async () => {
    const c1 = client(h.baseUrl, { authorization: 'Bearer k1' });
    const c2 = client(h.baseUrl, { authorization: 'bearer k2' });
    const jobId = await c1.submit({ name: 'auth', nodes: [{ nodeName: 'a', algorithmName: 'auth-alg', input: [1] }] });
    const [t] = await c2.acquire('w', ['auth-alg']);
    expect((await c2.complete(t.taskId, 'w', 'ok')).status).toBe(200);
    expect((await c1.results(jobId)).data.result).toEqual([{ nodeName: 'a', algorithmName: 'auth-alg', result: 'ok' }]);
    const list = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { authorization: 'Bearer k2' });
    expect([list.status, list.body.jobs.map((j: { jobId: string }) => j.jobId)]).toEqual([200, [jobId]]);
  });

  it('keeps /health and the OpenAPI document open', async () => {
    expect(await api(h.baseUrl, 'GET', '/health').then((r) => [r.status, r.body])).toEqual([200, { status: 'ok', database: 'up' }]);
    expect((await api(h.baseUrl, 'GET', '/docs-json')).status).toBe(200);
  });
});

describe('Without API keys', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald({ apiKeys: [] });
  });
  afterAll(() => h.close());

  it('serves /api routes without any Authorization header', async () => {
    const res = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs');
    expect([res.status, res.body]).toEqual([200, { jobs: [], nextCursor: null }]);
  });
});
