import type { LookupAddress } from 'node:dns';
import { parseEgressPolicy } from '../../src/webhooks/domain/egress-policy';
import type { Resolver } from '../../src/webhooks/infrastructure/egress-guard';
import { client } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { deliveryReaching, fastWebhooks, runOneTaskJob } from '../support/webhooks';

/**
 * Herald with the guard on and loopback refused (127.0.0.2/32 allowed); names resolve through a
 * stub: meta.test → 169.254.169.254; flip-N.test → 127.0.0.2 the first time, then 127.0.0.1.
 */
const seen = new Map<string, number>();
const resolver: Resolver = async (hostname): Promise<LookupAddress[]> => {
  if (hostname === 'meta.test') return [{ address: '169.254.169.254', family: 4 }];
  if (hostname.startsWith('flip-')) {
    const n = seen.get(hostname) ?? 0;
    seen.set(hostname, n + 1);
    return [{ address: n === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
  }
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe('outbound address guard', () => {
  let h: RunningHerald;
  let rx: Receiver;
  const refused = (res: { status: number; body: any }, path: string) => {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('TARGET_NOT_ALLOWED');
    expect(res.body.error.message).toContain(path);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path })]);
  };

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald({ ...fastWebhooks(), egress: parseEgressPolicy({ egress: 'guarded', allowedTargets: '127.0.0.2/32' }), resolver });
  });
  afterAll(async () => {
    await h?.close();
    await rx.stop();
  });

  it('refuses every kind of target at creation: literal addresses and names resolving to refused ones', async () => {
    const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => api(h.baseUrl, method, path, body, headers);
    const job = (extra: Record<string, unknown>) => ({ name: 'guarded', nodes: [{ nodeName: 'a', algorithmName: 'guarded', input: [1] }], ...extra });
    const stage = (webhook: Record<string, unknown>) => ({ name: 'guarded', nodes: [{ nodeName: 's', kind: 'webhook', webhook }] });

    refused(await call('POST', '/api/v1/exec/raw', job({ webhooks: { progress: 'http://127.0.0.1:9/p' } })), 'webhooks.progress');
    refused(await call('POST', '/api/v1/exec/raw', job({ webhooks: { result: 'http://meta.test/latest/meta-data' } })), 'webhooks.result');
    refused(await call('POST', '/api/v1/exec/raw', job({ webhooks: { result: 'http://2130706433/' } })), 'webhooks.result');
    refused(await call('POST', '/api/v1/exec/raw', stage({ url: 'http://10.0.0.1/run' })), 'nodes[0].webhook.url');
    refused(await call('POST', '/api/v1/exec/raw', stage({ url: 'http://[::ffff:a9fe:a9fe]/${ flowInput.x }' })), 'nodes[0].webhook.url');
    refused(await call('POST', '/api/v1/exec/raw', stage({ url: 'https://ok.example/run', cancelEndpoint: 'http://192.168.0.1/cancel' })), 'nodes[0].webhook.cancelEndpoint');
    refused(await call('POST', '/api/v1/store/pipelines', job({ name: 'guarded-stored', webhooks: { progress: 'http://0x7f.1/' } })), 'webhooks.progress');
    refused(await call('POST', '/queue/guarded?webhook=' + encodeURIComponent('http://100.64.0.1/hook'), {}), 'webhook');
    refused(await call('POST', '/queue/guarded', {}, { 'x-webhook-url': 'http://meta.test/' }), 'webhook');
    refused(await call('PUT', '/api/v1/projects/p1/webhook', { url: 'http://[::1]/hook' }), 'url');
    refused(await call('PUT', '/api/v1/projects/p1/batches/b1/webhook', { url: 'http://172.16.0.1/hook' }), 'url');
    refused(await call('POST', '/api/v1/projects/p1/channels', { name: 'c', url: 'http://meta.test/' }), 'url');
    const channel = await call('POST', '/api/v1/projects/p1/channels', { name: 'c', url: 'https://ok.example/hook' });
    expect(channel.status).toBe(201);
    refused(await call('PATCH', `/api/v1/projects/p1/channels/${channel.body.id}`, { url: 'http://127.0.0.1/' }), 'url');

    // Allowed: by CIDR, and a name that does not resolve (its deliveries will fail on their own).
    expect((await call('POST', '/api/v1/exec/raw', job({ webhooks: { result: 'http://127.0.0.2:9/r', progress: 'https://nowhere.invalid/p' } }))).status).toBe(201);
  });

  it('refuses header values with CR or LF at creation', async () => {
    const res = await api(h.baseUrl, 'POST', '/api/v1/exec/raw', {
      name: 'crlf', nodes: [{ nodeName: 'a', algorithmName: 'crlf', input: [1] }],
      webhooks: { result: 'https://ok.example/r', headers: { 'x-token': 'a\r\nx-injected: 1' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'webhooks.headers.x-token', message: expect.stringMatching(/single line/) }]);
    const stage = await api(h.baseUrl, 'POST', '/api/v1/exec/raw', { name: 'crlf', nodes: [{ nodeName: 's', kind: 'webhook', webhook: { url: 'https://ok.example/', customHeaders: { 'x-a': 'b\nc' } } }] });
    expect(stage.body.error.details).toEqual([{ path: 'nodes[0].webhook.customHeaders.x-a', message: expect.stringMatching(/single line/) }]);
    const channel = await api(h.baseUrl, 'POST', '/api/v1/projects/p1/channels', { name: 'c', url: 'https://ok.example/', headers: { 'x-a': 'b\r\n' } });
    expect(channel.status).toBe(400);
  });

  it('records a delivery whose name rebinds to a refused address as failed attempts with TARGET_NOT_ALLOWED; nothing is sent', async () => {
    const port = new URL(rx.url).port;
    const jobId = await runOneTaskJob(h, 'rebind', { result: `http://flip-1.test:${port}/result` });
    const failed = await deliveryReaching(h, jobId, 'exec.result', 'failed');
    expect(failed.attemptLog.map((a) => [a.errorCode, a.statusCode, a.outcome])).toEqual([
      ['TARGET_NOT_ALLOWED', null, 'retrying'],
      ['TARGET_NOT_ALLOWED', null, 'retrying'],
      ['TARGET_NOT_ALLOWED', null, 'failed'],
    ]);
    expect(failed.lastError).toMatch(/TARGET_NOT_ALLOWED/);
    expect(rx.requests).toHaveLength(0);
  });

  it('refuses a channel test to a name that now resolves to a refused address', async () => {
    const created = await api(h.baseUrl, 'POST', '/api/v1/projects/p2/channels', { name: 'c', url: `http://flip-2.test:${new URL(rx.url).port}/` });
    expect(created.status).toBe(201);
    const tested = await api(h.baseUrl, 'POST', `/api/v1/projects/p2/channels/${created.body.id}/test`);
    expect(tested.body).toMatchObject({ outcome: 'failed', errorCode: 'TARGET_NOT_ALLOWED', statusCode: null });
    expect(rx.requests).toHaveLength(0);
  });

  it('fails a webhook stage whose target rebinds to a refused address', async () => {
    const c = client(h.baseUrl);
    const jobId = await c.submit({ name: 'stage-rebind', nodes: [{ nodeName: 's', kind: 'webhook', webhook: { url: `http://flip-3.test:${new URL(rx.url).port}/run`, createRetryBudgetSeconds: 0 } }] });
    const events = await eventually(async () => {
      const all = await c.events(jobId);
      return all.some((e) => e.type === 'job.failed') && all;
    });
    expect(JSON.stringify(events.filter((e) => e.type === 'task.failed').map((e) => e.data))).toContain('TARGET_NOT_ALLOWED');
    expect(rx.requests).toHaveLength(0);
  });

  it('checks every hop of a stage: a Location that points at a refused address is never polled', async () => {
    const rx2 = await new Receiver(() => ({ status: 202, body: '{}', headers: { location: `${rx.url}/status` } })).start('127.0.0.2');
    try {
      const c = client(h.baseUrl);
      const webhook = { url: `${rx2.url}/run`, waitForCompletion: true, statusUrlResolution: 'locationHeader', statusJsonPath: '$.status', pollIntervalSeconds: 0.05, timeoutSeconds: 1 };
      const jobId = await c.submit({ name: 'stage-location', nodes: [{ nodeName: 's', kind: 'webhook', webhook }] });
      const events = await eventually(async () => {
        const all = await c.events(jobId);
        return all.some((e) => e.type === 'job.failed') && all;
      });
      expect(rx2.requests.map((r) => r.path)).toEqual(['/run']);
      expect(JSON.stringify(events.map((e) => e.data))).toContain('TARGET_NOT_ALLOWED');
      expect(rx.requests).toHaveLength(0);
    } finally {
      await rx2.stop();
    }
  });
});
