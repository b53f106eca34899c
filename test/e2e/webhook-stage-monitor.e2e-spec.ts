import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';
import { finished, json, routedReceiver, type Answer } from '../support/stages';

describe('Webhook stages that wait for completion', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let remote: Receiver;
  let hooks: Receiver;
  /** Scripted answers by method and path; `seen` counts earlier requests to the same route. */
  let routes: Record<string, (seen: number) => Answer>;

  beforeAll(async () => {
    h = await startHerald({ stagePollMs: 20 });
    c = client(h.baseUrl);
    routes = {};
    remote = await routedReceiver(() => routes);
    hooks = await new Receiver().start();
  });
  afterAll(async () => {
    await remote.stop();
    await hooks.stop();
    await h.close();
  });

  const waiting = (path: string, extra: Record<string, unknown> = {}) => ({
    nodeName: 'hook',
    kind: 'webhook',
    webhook: { url: `${remote.url}${path}`, waitForCompletion: true, statusJsonPath: '$.status', pollIntervalSeconds: 0.05, ...extra },
  });
  const polls = (path: string) => remote.requests.filter((r) => r.method === 'GET' && r.path === path);

  it('getMethod: polls the same URL with GET until success; the result is the status body', async () => {
    routes['POST /build/1'] = () => json({ accepted: true }, 202);
    routes['GET /build/1'] = (n) => json(n < 2 ? { status: 'RUNNING' } : { status: 'Succeeded', artifact: 'a.tgz' });
    const jobId = await c.submit({ name: 'get-method', nodes: [waiting('/build/1', { successStatuses: 'SUCCEEDED' })] });
    expect((await finished(c, jobId)).status).toBe('completed');
    expect(polls('/build/1')).toHaveLength(3);
    const [entry] = (await c.results(jobId)).data.result;
    expect(entry.result).toEqual({ status: 'Succeeded', artifact: 'a.tgz' });
    expect(entry.context.buildInfo).toEqual({ status: 'Succeeded', artifact: 'a.tgz' });
    expect(entry.context.webhook).toMatchObject({ statusCode: 202, body: { accepted: true }, statusEndpoint: `${remote.url}/build/1`, monitor: { resolvedValue: 'Succeeded', pastStatusCodes: [200, 200, 200] } });
    const calls = (await c.events(jobId)).filter((e) => e.type === 'stage.called');
    expect(calls.map((e) => [e.level, e.data.phase, e.data.method, e.data.statusCode])).toEqual([
      ['debug', 'create', 'POST', 202],
      ['debug', 'monitor', 'GET', 200],
      ['debug', 'monitor', 'GET', 200],
      ['debug', 'monitor', 'GET', 200],
    ]);
  });

  it('locationHeader: follows a relative Location, honouring Retry-After between polls', async () => {
    routes['POST /jobs'] = () => ({ status: 201, headers: { location: '/jobs/77/status' } });
    routes['GET /jobs/77/status'] = (n) => (n === 0 ? json({ status: 'RUNNING' }, 200, { 'retry-after': '1' }) : json({ status: 'SUCCESS' }));
    const jobId = await c.submit({ name: 'location', nodes: [waiting('/jobs', { statusUrlResolution: 'locationHeader' })] });
    expect((await finished(c, jobId)).status).toBe('completed');
    const p = polls('/jobs/77/status');
    expect(p).toHaveLength(2);
    expect(p[1].at - p[0].at).toBeGreaterThanOrEqual(950);
    expect((await c.results(jobId)).data.result[0].context.webhook.statusEndpoint).toBe(`${remote.url}/jobs/77/status`);
  });

  it('webhookResponse: reads the status URL from the response with statusUrlJsonPath', async () => {
    routes['POST /deploy'] = () => json({ links: { self: `${remote.url}/deployments/5` } });
    routes['GET /deployments/5'] = () => json({ status: 'success' });
    const jobId = await c.submit({ name: 'response', nodes: [waiting('/deploy', { statusUrlResolution: 'webhookResponse', statusUrlJsonPath: '$.links.self' })] });
    expect((await finished(c, jobId)).status).toBe('completed');
    expect(polls('/deployments/5')).toHaveLength(1);
  });

  it('monitorOnly polls the url without calling it first; waitBeforeMonitorSeconds delays the first poll', async () => {
    routes['GET /watch'] = () => json({ status: 'SUCCESS' });
    const a = await c.submit({ name: 'watch', nodes: [waiting('/watch', { monitorOnly: true })] });
    expect((await finished(c, a)).status).toBe('completed');
    expect(remote.requests.filter((r) => r.path === '/watch').map((r) => r.method)).toEqual(['GET']);

    routes['POST /later'] = () => json({});
    routes['GET /later'] = () => json({ status: 'SUCCESS' });
    const b = await c.submit({ name: 'later', nodes: [waiting('/later', { waitBeforeMonitorSeconds: 1 })] });
    expect((await finished(c, b)).status).toBe('completed');
    const [post, get] = remote.requests.filter((r) => r.path === '/later');
    expect([post.method, get.method]).toEqual(['POST', 'GET']);
    expect(get.at - post.at).toBeGreaterThanOrEqual(950);
  });

  it('terminal statuses fail the node; an unmapped status keeps polling', async () => {
    routes['POST /t'] = () => json({});
    routes['GET /t'] = (n) => json({ status: n < 3 ? 'weird' : 'BROKEN' });
    const jobId = await c.submit({ name: 'terminal', nodes: [waiting('/t', { terminalStatuses: 'broken, lost' })] });
    const s = await finished(c, jobId);
    expect(s.status).toBe('failed');
    expect(polls('/t')).toHaveLength(4);
    expect((await c.results(jobId)).data.result[0].error).toEqual({ message: 'remote status BROKEN is terminal' });
  });

  it('a numeric status is a percentage: shown as progress, and 100 or 100.0 succeeds', async () => {
    routes['POST /pct'] = () => json({});
    routes['GET /pct'] = (n) => ({ status: 200, body: n === 0 ? '{"status": 40}' : '{"status": 100.0}', headers: { 'content-type': 'application/json' } });
    routes['POST /pct2'] = () => json({});
    routes['GET /pct2'] = () => json({ status: 100 });
    const a = await c.submit({ name: 'percent', nodes: [waiting('/pct')] });
    const b = await c.submit({ name: 'percent', nodes: [waiting('/pct2')] });
    expect((await finished(c, a)).status).toBe('completed');
    expect((await finished(c, b)).status).toBe('completed');
    const monitors = (await c.events(a)).filter((e) => e.data.phase === 'monitor').map((e) => e.data.monitor.percentComplete);
    expect(monitors).toEqual([40, 100]);
  });

  it('shows progressJsonPath text in the status and in progress webhooks while polling', async () => {
    let done = false;
    routes['POST /long'] = () => json({});
    routes['GET /long'] = () => json(done ? { status: 'SUCCESS', step: 'all done' } : { status: 'RUNNING', step: 'building 2/3' });
    const jobId = await c.submit({
      name: 'progress',
      nodes: [waiting('/long', { progressJsonPath: '$.step' })],
      webhooks: { progress: `${hooks.url}/progress` },
      options: { progressVerbosityLevel: 'debug' },
    });
    const active = await eventually(async () => {
      const s = await c.status(jobId);
      return s.data.activeNodes[0]?.progress === 'building 2/3' && s;
    });
    expect(active.data.activeNodes).toEqual([{ nodeName: 'hook', algorithmName: 'webhook', batch: { active: 1, total: 1 }, progress: 'building 2/3' }]);
    await eventually(async () => hooks.bodies('/progress').some((b) => b.jobId === jobId && b.data.activeNodes[0]?.progress === 'building 2/3'));
    done = true;
    expect((await finished(c, jobId)).status).toBe('completed');
  });

  it('fails the node when timeoutSeconds passes while polling', async () => {
    routes['POST /slow'] = () => json({});
    routes['GET /slow'] = () => json({ status: 'RUNNING' });
    const jobId = await c.submit({ name: 'timeout', nodes: [waiting('/slow', { timeoutSeconds: 0.5 })] });
    expect((await finished(c, jobId)).status).toBe('failed');
    expect((await c.results(jobId)).data.result[0].error).toEqual({ message: 'node hook timed out after 0.5 s' });
    expect(polls('/slow').length).toBeGreaterThanOrEqual(2);
  });

  it('a canceled status stops the job, sends the cancel request and ends the node stopped', async () => {
    routes['POST /c'] = () => json({ id: 'c-1' });
    routes['GET /c'] = () => json({ status: 'ABORTED' });
    routes['DELETE /c/c-1'] = () => ({ status: 204 });
    const jobId = await c.submit({
      name: 'canceled',
      nodes: [waiting('/c', { canceledStatuses: 'aborted', cancelEndpoint: `${remote.url}/c/\${ nodes.hook.context.webhook.body.id }`, cancelMethod: 'DELETE' })],
    });
    const s = await finished(c, jobId);
    expect([s.status, s.data.states]).toEqual(['stopped', { stopped: 1 }]);
    await eventually(async () => remote.requests.some((r) => r.method === 'DELETE' && r.path === '/c/c-1'));
    const sent = await eventually(async () => (await c.events(jobId)).find((e) => e.type === 'stage.cancel-sent'));
    expect(sent.data).toMatchObject({ method: 'DELETE', statusCode: 204, error: null });
  });
});
