import { runWorker, type Worker } from '../../src/client/run-worker';
import { api, eventually } from '../support/herald';
import { Child, CLI, run } from '../support/child-process';
import { Receiver } from '../support/receiver';
import { useHerald } from '../support/use-herald';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('the herald command line: webhooks', () => {
  let worker: Worker | undefined;
  // Declared before useHerald's, so it runs first (after hooks run in declaration order): a
  // worker still polling would keep Herald's HTTP server from closing.
  afterAll(() => worker?.stop());
  const { h, c } = useHerald();
  const children: Child[] = [];
  beforeAll(() => {
    worker = runWorker({ url: h.baseUrl, algorithmNames: ['cli-hook-alg'], idleMinMs: 20, idleMaxMs: 100, onError: () => undefined, handler: () => ({ ok: true }) });
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  });

  async function listen(...args: string[]): Promise<{ child: Child; url: string }> {
    const child = new Child(CLI, ['listen', '--port', '0', ...args]);
    children.push(child);
    const [, url] = await child.waitFor(/"listening":"(http:\/\/127\.0\.0\.1:\d+)"|listening on (http:\/\/127\.0\.0\.1:\d+)/).then((m) => [m[0], m[1] ?? m[2]]);
    return { child, url };
  }

  it('listen prints a signed webhook from Herald as valid and a tampered one as invalid; deliveries and resend act on it', async () => {
    const { child, url } = await listen('--secret', SECRET, '--json');
    const jobId = await c.submit({
      name: 'cli-hook',
      nodes: [{ nodeName: 'a', algorithmName: 'cli-hook-alg', input: [1] }],
      webhooks: { result: `${url}/result`, secret: SECRET },
    });
    const [received] = await eventually(async () => {
      const lines = child.jsonLines().filter((l) => l.path === '/result');
      return lines.length ? lines : undefined;
    });
    expect(received).toMatchObject({ method: 'POST', signature: 'valid', status: 200, body: { jobId, status: 'completed' } });
    expect(received.headers['webhook-signature']).toMatch(/^v1,/);

    // The same headers over a changed body.
    const tampered = JSON.stringify({ ...received.body, status: 'failed' });
    const answer = await fetch(`${url}/result`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': received.headers['webhook-id'], 'webhook-timestamp': received.headers['webhook-timestamp'], 'webhook-signature': received.headers['webhook-signature'] },
      body: tampered,
    });
    expect(answer.status).toBe(200);
    const bad = await eventually(async () => child.jsonLines().find((l) => l.signature === 'invalid'));
    expect(bad).toMatchObject({ reason: 'no matching webhook-signature', body: { status: 'failed' } });

    const listed = await run(CLI, ['deliveries', jobId, '--url', h.baseUrl, '--json']);
    expect(listed.code).toBe(0);
    const { deliveries } = JSON.parse(listed.stdout);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ kind: 'exec.result', status: 'delivered', attempts: 1, lastStatusCode: 200, url: `${url}/result` });
    const table = await run(CLI, ['deliveries', jobId, '--url', h.baseUrl]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +KIND +EVENT +STATUS +ATTEMPTS +CODE +URL$/);
    expect(table.stdout).toMatch(new RegExp(`${deliveries[0].id} +exec\\.result +\\S+ +delivered +1 +200 +${url}/result`));

    const resent = await run(CLI, ['resend', deliveries[0].id, '--url', h.baseUrl, '--json']);
    expect(resent.code).toBe(0);
    expect(JSON.parse(resent.stdout)).toMatchObject({ id: deliveries[0].id });
    const again = await eventually(async () => {
      const lines = child.jsonLines().filter((l) => l.path === '/result' && l.signature === 'valid');
      return lines.length === 2 ? lines : undefined;
    });
    expect(again[1].headers['webhook-id']).toBe(received.headers['webhook-id']);
  });

  it('listen prints headers and pretty JSON for people, and forwards to --forward, answering with its answer', async () => {
    const target = await new Receiver(() => ({ status: 202, body: '{"forwarded":true}', headers: { 'content-type': 'application/json' } })).start();
    try {
      const { child, url } = await listen('--forward', `${target.url}/in`);
      const res = await fetch(`${url}/hook?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"a":{"b":1}}' });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ forwarded: true });
      expect(target.requests).toHaveLength(1);
      expect(target.requests[0]).toMatchObject({ path: '/in', raw: '{"a":{"b":1}}', headers: expect.objectContaining({ 'x-test': 'yes' }) });
      await child.waitFor(/answered 202/);
      expect(child.stdout).toContain('POST /hook?x=1');
      expect(child.stdout).toContain('  x-test: yes');
      expect(child.stdout).toContain('{\n  "a": {\n    "b": 1\n  }\n}');
    } finally {
      await target.stop();
    }
  });

  it('listen --status rehearses a failing endpoint, which Herald retries', async () => {
    const { child, url } = await listen('--status', '503', '--json');
    const jobId = await c.submit({ name: 'cli-hook', nodes: [{ nodeName: 'a', algorithmName: 'cli-hook-alg', input: [1] }], webhooks: { result: `${url}/down` } });
    await eventually(async () => child.jsonLines().find((l) => l.path === '/down' && l.status === 503 && l.signature === 'unchecked'));
    const delivery = await eventually(async () => {
      const { body } = await api(h.baseUrl, 'GET', `/api/v1/deliveries?jobId=${encodeURIComponent(jobId)}`);
      return body.deliveries.find((d: { status: string }) => d.status === 'retrying');
    });
    expect(delivery).toMatchObject({ lastStatusCode: 503 });
  });

  it('sends --key, or else HERALD_API_KEY, as a bearer token', async () => {
    const { child, url } = await listen('--json');
    expect((await run(CLI, ['resend', 'msg_1', '--url', url, '--key', 'hk_from_flag', '--json'])).code).toBe(0);
    expect((await run(CLI, ['resend', 'msg_2', '--json'], { HERALD_URL: url, HERALD_API_KEY: 'hk_from_env' })).code).toBe(0);
    const seen = await eventually(async () => (child.jsonLines().length === 3 ? child.jsonLines().slice(1) : undefined));
    expect(seen.map((l) => [l.path, l.headers.authorization])).toEqual([
      ['/api/v1/deliveries/msg_1/resend', 'Bearer hk_from_flag'],
      ['/api/v1/deliveries/msg_2/resend', 'Bearer hk_from_env'],
    ]);
  });
});
