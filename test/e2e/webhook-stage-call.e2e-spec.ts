import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, runWorker, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';

const finished = (c: HeraldClient, jobId: string) =>
  eventually(async () => {
    const s = await c.status(jobId);
    return ['completed', 'failed', 'stopped'].includes(s.status) && s;
  });

describe('Webhook stages: Herald calls out itself, once the nodes they read have finished', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let remote: Receiver;
  let answers: Record<string, (index: number) => { status: number; body?: string; headers?: Record<string, string> }>;

  beforeAll(async () => {
    h = await startHerald({ stagePollMs: 20 });
    c = client(h.baseUrl);
    answers = {};
    remote = await new Receiver((req) => {
      const path = req.path.split('?')[0];
      const seen = remote.requests.filter((r) => r.path.split('?')[0] === path).length - 1;
      return answers[path]?.(seen) ?? { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };
    }).start();
  });
  afterAll(async () => {
    await remote.stop();
    await h.close();
  });

  const stage = (nodeName: string, webhook: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ nodeName, kind: 'webhook', webhook, ...extra });

  it('rejects unknown fields, a missing url, waitForCompletion without statusJsonPath and bad JSONPath, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [stage('hook', { url: `${remote.url}/x`, colour: 'red' }), 'nodes[0].webhook.colour'],
      [stage('hook', { method: 'POST' }), 'nodes[0].webhook.url'],
      [stage('hook', { url: `${remote.url}/x`, waitForCompletion: true }), 'nodes[0].webhook.statusJsonPath'],
      [stage('hook', { url: `${remote.url}/x`, waitForCompletion: true, statusJsonPath: '$.status[' }), 'nodes[0].webhook.statusJsonPath'],
      [stage('hook', { url: `${remote.url}/x`, payload: { a: '${ flowInput.x ' } }), 'nodes[0].webhook.payload'],
      [stage('hook', { url: `${remote.url}/x`, payload: { a: "${ #stage('nope')['context'] }" } }), 'nodes.hook.webhook'],
      [{ nodeName: 'hook', kind: 'webhook', algorithmName: 'x', webhook: { url: `${remote.url}/x` } }, 'nodes[0].algorithmName'],
    ];
    for (const [node, path] of cases) {
      const res = await c.call('POST', '/api/v1/exec/raw', { name: 'bad-stage', nodes: [node] });
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(remote.requests).toHaveLength(0);
  });

  it('calls with a payload built from flowInput, jobId and a finished node, and returns the body with the context', async () => {
    answers['/deploy'] = () => ({ status: 201, body: JSON.stringify({ threshold: 7, id: 'd-1' }), headers: { 'content-type': 'application/json', 'x-trace': 't1' } });
    const jobId = await c.submit({
      name: 'deploy',
      flowInput: { env: 'prod', replicas: 3 },
      nodes: [
        { nodeName: 'build', algorithmName: 'stage-build', input: [1] },
        stage('hook', {
          url: `${remote.url}/deploy?env=\${ flowInput.env }`,
          customHeaders: { 'X-Job': '${ jobId }' },
          payload: { replicas: '${ flowInput.replicas }', artifact: '${ nodes.build.result }', label: 'build ${ nodes.build.result.version } for ${flowInput.env}' },
        }),
      ],
    });
    // Nobody but Herald runs a stage: a worker that takes anything gets the build task only.
    const taken = await runWorker(c, 'w1', ['stage-build'], 5, () => ({ version: 'v2', size: 10 }));
    expect(taken.map((t) => t.nodeName)).toEqual(['build']);
    expect((await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'greedy', max: 10 })).body.tasks).toEqual([]);

    const s = await finished(c, jobId);
    expect(s.status).toBe('completed');
    const calls = remote.requests.filter((r) => r.path.startsWith('/deploy'));
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].path).toBe('/deploy?env=prod');
    expect(calls[0].headers['x-job']).toBe(jobId);
    expect(calls[0].headers['content-type']).toBe('application/json');
    expect(calls[0].body).toEqual({ replicas: 3, artifact: { version: 'v2', size: 10 }, label: 'build v2 for prod' });

    const results = await c.results(jobId);
    expect(results.data.result).toEqual([
      {
        nodeName: 'hook',
        algorithmName: 'webhook',
        result: { threshold: 7, id: 'd-1' },
        context: {
          webhook: expect.objectContaining({ url: `${remote.url}/deploy?env=prod`, method: 'POST', statusCode: 201, body: { threshold: 7, id: 'd-1' }, headers: expect.objectContaining({ 'x-trace': 't1' }) }),
          buildInfo: { threshold: 7, id: 'd-1' },
        },
      },
    ]);
    const events = await c.events(jobId);
    const stageEvents = events.filter((e) => e.type.startsWith('stage.')).map((e) => [e.type, e.level]);
    expect(stageEvents).toEqual([
      ['stage.started', 'info'],
      ['stage.called', 'debug'],
      ['stage.finished', 'info'],
    ]);
    expect(events.find((e) => e.type === 'task.acquired' && e.data.nodeName === 'hook')?.data.workerName).toBe('herald:webhook');
  });

  it('makes one call per batch item, and a later stage reads the first one\'s buildInfo with #stage()', async () => {
    answers['/item'] = (i) => ({ status: 200, body: JSON.stringify({ threshold: 40 + i }), headers: { 'content-type': 'application/json' } });
    answers['/gate'] = () => ({ status: 204 });
    const jobId = await c.submit({
      name: 'batch-stage',
      nodes: [
        stage('hook', { url: `${remote.url}/item`, payload: { item: '${ input[0] }' } }, { input: ['#[1,2,3]'] }),
        stage('gate', { url: `${remote.url}/gate`, payload: { threshold: "${ #stage('hook')['context'][0]['buildInfo']['threshold'] }", all: '${ nodes.hook.result }' } }),
      ],
    });
    expect((await finished(c, jobId)).status).toBe('completed');
    expect(remote.bodies('/item').map((b) => b.item).sort()).toEqual([1, 2, 3]);
    const gate = remote.bodies('/gate');
    expect(gate).toHaveLength(1);
    expect(typeof gate[0].threshold).toBe('number');
    expect(gate[0].all).toHaveLength(3);
  });

  it('a worker node reads a stage\'s context with "@hook.context..." and its body with "@hook"', async () => {
    answers['/ctx'] = () => ({ status: 200, body: JSON.stringify({ threshold: 0.75 }), headers: { 'content-type': 'application/json' } });
    const jobId = await c.submit({
      name: 'ctx',
      nodes: [stage('hook', { url: `${remote.url}/ctx` }), { nodeName: 'use', algorithmName: 'stage-use', input: ['@hook.context.buildInfo.threshold', '@hook.threshold', '@hook.context.webhook.statusCode'] }],
    });
    const [task] = await eventually(async () => {
      const got = await c.acquire('w2', ['stage-use']);
      return got.length > 0 && got;
    });
    expect(task.input).toEqual([0.75, 0.75, 200]);
    expect((await c.complete(task.taskId, 'w2', 'ok')).status).toBe(200);
    expect((await finished(c, jobId)).status).toBe('completed');
  });

  it('keeps 64 KiB of a response body and flags the cut', async () => {
    answers['/big'] = () => ({ status: 200, body: JSON.stringify({ blob: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } });
    const jobId = await c.submit({ name: 'big', nodes: [stage('hook', { url: `${remote.url}/big` })] });
    expect((await finished(c, jobId)).status).toBe('completed');
    const [entry] = (await c.results(jobId)).data.result;
    expect(entry.context.webhook.bodyTruncated).toBe(true);
    expect(typeof entry.result).toBe('string');
    expect(entry.result).toHaveLength(64 * 1024);
  });

  it('retries 429 after Retry-After, then succeeds; the retry is a warn event', async () => {
    answers['/busy'] = (i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: '"done"' });
    const jobId = await c.submit({ name: 'busy', nodes: [stage('hook', { url: `${remote.url}/busy` })] });
    expect((await finished(c, jobId)).status).toBe('completed');
    const calls = remote.requests.filter((r) => r.path === '/busy');
    expect(calls).toHaveLength(2);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
    const events = await c.events(jobId);
    expect(events.filter((e) => e.type === 'stage.retrying').map((e) => [e.level, e.data.reason])).toEqual([['warn', 'HTTP 429']]);
    expect((await c.results(jobId)).data.result[0].result).toBe('done');
  });

  it('fails at once on a fail-fast code (504 by default) and on a code that is not retried', async () => {
    answers['/gateway'] = () => ({ status: 504 });
    answers['/missing'] = () => ({ status: 404, body: 'no such thing' });
    const a = await c.submit({ name: 'fast', nodes: [stage('hook', { url: `${remote.url}/gateway` })] });
    const b = await c.submit({ name: 'missing', nodes: [stage('hook', { url: `${remote.url}/missing` })] });
    const [sa, sb] = [await finished(c, a), await finished(c, b)];
    expect([sa.status, sb.status]).toEqual(['failed', 'failed']);
    expect(remote.requests.filter((r) => r.path === '/gateway')).toHaveLength(1);
    expect(remote.requests.filter((r) => r.path === '/missing')).toHaveLength(1);
    const ra = await c.results(a);
    expect(ra.data.result[0].error.message).toMatch(/HTTP 504 \(fail fast\)/);
    expect(ra.data.result[0].context.webhook.statusCode).toBe(504);
    const events = await c.events(a);
    expect(events.find((e) => e.type === 'stage.finished')).toMatchObject({ level: 'info', data: { outcome: 'failed' } });
  });

  it('spends a per-code retries budget, and retries 5xx within createRetryBudgetSeconds', async () => {
    answers['/flaky'] = () => ({ status: 503 });
    answers['/down'] = () => ({ status: 500 });
    const a = await c.submit({ name: 'budget', nodes: [stage('hook', { url: `${remote.url}/flaky`, retries: { '503': { maxAttempts: 2 } } })] });
    const b = await c.submit({ name: 'spent', nodes: [stage('hook', { url: `${remote.url}/down`, createRetryBudgetSeconds: 2 })] });
    expect((await finished(c, a)).status).toBe('failed');
    expect(remote.requests.filter((r) => r.path === '/flaky')).toHaveLength(2);
    expect((await c.results(a)).data.result[0].error.message).toMatch(/HTTP 503 2 times \(retries budget 2\)/);
    expect((await finished(c, b)).status).toBe('failed');
    const down = remote.requests.filter((r) => r.path === '/down').length;
    expect(down).toBeGreaterThanOrEqual(2);
    expect((await c.results(b)).data.result[0].error.message).toMatch(/retry budget of 2 s spent/);
  });

  it('fails the node with a clear error when an expression reads a missing key', async () => {
    const jobId = await c.submit({ name: 'missing-key', flowInput: { a: 1 }, nodes: [stage('hook', { url: `${remote.url}/never`, payload: { b: '${ flowInput.b }' } })] });
    expect((await finished(c, jobId)).status).toBe('failed');
    expect((await c.results(jobId)).data.result[0].error.message).toBe('${ flowInput.b }: no key "b"');
    expect(remote.requests.filter((r) => r.path === '/never')).toHaveLength(0);
  });
});
