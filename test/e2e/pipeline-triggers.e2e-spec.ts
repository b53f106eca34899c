import { Webhook } from 'standardwebhooks';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, jobIdPattern, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('Stored pipelines and webhook triggers', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let remote: Receiver;

  beforeAll(async () => {
    h = await startHerald({ stagePollMs: 20 });
    c = client(h.baseUrl);
    remote = await new Receiver(() => ({ status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } })).start();
  });
  afterAll(async () => {
    await remote.stop();
    await h.close();
  });

  const signed = (body: string, id: string, at = new Date()) => ({
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign(id, at, body),
  });

  it('stores, lists, replaces, runs with flowInput merged over the stored one, and deletes a pipeline', async () => {
    const definition = { name: 'nightly', flowInput: { env: 'staging', size: 1 }, nodes: [{ nodeName: 'green', algorithmName: 'trigger-alg', input: ['@flowInput.env', '@flowInput.size'] }] };
    const created = await c.call('POST', '/api/v1/store/pipelines', definition);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'nightly', definition });
    expect((await c.call('POST', '/api/v1/store/pipelines', definition)).body.error.code).toBe('PIPELINE_EXISTS');
    const bad = await c.call('POST', '/api/v1/store/pipelines', { name: 'broken', nodes: [{ nodeName: 'x', algorithmName: 'a', colour: 1 }] });
    expect([bad.status, bad.body.error.code, bad.body.error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', 'nodes[0].colour']);
    expect((await c.call('GET', '/api/v1/store/pipelines')).body.pipelines.map((p: { name: string }) => p.name)).toContain('nightly');

    const replaced = await c.call('PUT', '/api/v1/store/pipelines/nightly', { ...definition, flowInput: { env: 'prod', size: 2 } });
    expect([replaced.status, replaced.body.definition.flowInput]).toEqual([200, { env: 'prod', size: 2 }]);

    const run = await c.call('POST', '/api/v1/exec/stored', { name: 'nightly', flowInput: { size: 5 } });
    expect(run.status).toBe(201);
    expect(run.body.jobId).toMatch(jobIdPattern('nightly'));
    const [task] = await c.acquire('w', ['trigger-alg']);
    expect(task.input).toEqual(['prod', 5]);

    expect((await c.call('POST', '/api/v1/exec/stored', { name: 'nope' })).body.error.code).toBe('PIPELINE_NOT_FOUND');
    expect((await c.call('DELETE', '/api/v1/store/pipelines/nightly')).status).toBe(204);
    expect((await c.call('GET', '/api/v1/store/pipelines/nightly')).status).toBe(404);
  });

  it('a webhook without a secret starts a run with the body (or the value at flowInputPath) as flowInput', async () => {
    await c.call('POST', '/api/v1/store/pipelines', {
      name: 'on-push',
      nodes: [{ nodeName: 'hook', kind: 'webhook', webhook: { url: `${remote.url}/notify`, payload: { ref: '${ flowInput.ref }' } } }],
      triggers: { webhook: { flowInputPath: '$.push' } },
    });
    const res = await c.call('POST', '/api/v1/hooks/on-push', { push: { ref: 'refs/heads/main' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ jobId: expect.stringMatching(jobIdPattern('on-push')), statusUrl: `${h.baseUrl}/api/v1/exec/status/${encodeURIComponent(res.body.jobId)}` });
    await eventually(async () => (await c.status(res.body.jobId)).status === 'completed');
    expect(remote.bodies('/notify')).toEqual([{ ref: 'refs/heads/main' }]);
    const [submitted] = await c.events(res.body.jobId);
    expect(submitted.metadata.actor).toBe('trigger:webhook:on-push');

    expect((await c.call('POST', '/api/v1/hooks/on-push', { nothing: 1 })).status).toBe(400);
    expect((await c.call('POST', '/api/v1/hooks/unknown', {})).body.error.code).toBe('PIPELINE_NOT_FOUND');
  });

  it('with a secret: a valid signature starts one run, a replayed webhook-id returns the first jobId, bad ones are 401', async () => {
    const stored = await c.call('POST', '/api/v1/store/pipelines', {
      name: 'signed',
      nodes: [{ nodeName: 'green', algorithmName: 'signed-alg', input: ['@flowInput.n'] }],
      triggers: { webhook: { secret: SECRET } },
    });
    expect(stored.body.triggers.webhook.secret).toBe('whsec_…');
    const body = JSON.stringify({ n: 42 });
    const first = await c.call('POST', '/api/v1/hooks/signed', body, signed(body, 'msg_1'));
    expect(first.status).toBe(202);
    const again = await c.call('POST', '/api/v1/hooks/signed', body, signed(body, 'msg_1'));
    expect([again.status, again.body.jobId]).toEqual([202, first.body.jobId]);
    // The same id sent twice at once still starts one run.
    const both = await Promise.all([0, 1].map(() => c.call('POST', '/api/v1/hooks/signed', body, signed(body, 'msg_race'))));
    expect(both.map((r) => r.status)).toEqual([202, 202]);
    expect(both[0].body.jobId).toBe(both[1].body.jobId);
    const other = await c.call('POST', '/api/v1/hooks/signed', body, signed(body, 'msg_2'));
    expect(other.body.jobId).not.toBe(first.body.jobId);
    const listed = (await c.call('GET', '/api/v1/exec/jobs?pipeline=signed')).body.jobs;
    expect(listed).toHaveLength(3);
    const [submitted] = await c.events(first.body.jobId);
    expect(submitted.metadata).toMatchObject({ actor: 'trigger:webhook:signed', causationId: 'msg_1' });

    const tampered = { ...signed(body, 'msg_3'), 'webhook-signature': new Webhook(SECRET).sign('msg_3', new Date(), '{"n":43}') };
    const stale = signed(body, 'msg_4', new Date(Date.now() - 10 * 60_000));
    for (const headers of [tampered, stale, { 'content-type': 'application/json' }]) {
      const res = await c.call('POST', '/api/v1/hooks/signed', body, headers);
      expect([res.status, res.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    }
    expect((await c.call('GET', '/api/v1/exec/jobs?pipeline=signed')).body.jobs).toHaveLength(3);
  });
});

describe('Webhook triggers with API keys set', () => {
  let h: RunningHerald;
  const KEY = 'trigger-key-1';
  const auth = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    h = await startHerald({ apiKeys: [KEY] });
    const c = client(h.baseUrl, auth);
    for (const [name, webhook] of [['open-hook', {}], ['signed-hook', { secret: SECRET }]] as const) {
      const res = await c.call('POST', '/api/v1/store/pipelines', { name, nodes: [{ nodeName: 'n', algorithmName: 'keyed-alg', input: ['@flowInput.n'] }], triggers: { webhook } });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => h.close());

  const anon = () => client(h.baseUrl);

  it('a trigger with a secret is authenticated by its signature over the exact bytes sent, no key needed', async () => {
    // Pretty-printed: the signature covers these bytes, not a re-serialisation.
    const body = JSON.stringify({ n: 7 }, null, 2);
    const at = new Date();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'msg_keyed',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(SECRET).sign('msg_keyed', at, body),
    };
    const res = await anon().call('POST', '/api/v1/hooks/signed-hook', body, headers);
    expect([res.status, res.body.jobId]).toEqual([202, expect.stringMatching(jobIdPattern('signed-hook'))]);
    const bad = await anon().call('POST', '/api/v1/hooks/signed-hook', JSON.stringify({ n: 8 }), headers);
    expect([bad.status, bad.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('a trigger without a secret needs the key; an unknown name without a key is 401, not 404', async () => {
    const body = { n: 1 };
    expect((await anon().call('POST', '/api/v1/hooks/open-hook', body)).status).toBe(401);
    expect((await anon().call('POST', '/api/v1/hooks/open-hook', body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await anon().call('POST', '/api/v1/hooks/no-such-hook', body)).status).toBe(401);
    expect((await client(h.baseUrl, auth).call('POST', '/api/v1/hooks/no-such-hook', body)).body.error.code).toBe('PIPELINE_NOT_FOUND');
    const ok = await client(h.baseUrl, auth).call('POST', '/api/v1/hooks/open-hook', body);
    expect(ok.status).toBe(202);
    // Only POST on that exact path is let through without a key.
    expect((await anon().call('GET', '/api/v1/hooks/open-hook')).status).toBe(401);
    expect((await anon().call('POST', '/api/v1/hooks/open-hook/x', body)).status).toBe(401);
  });
});

describe('Stored pipelines per project', () => {
  let h: RunningHerald;
  const ADMIN = 'stored-per-project-admin-key';
  const keyOf = async (projectId: string, scopes?: string[]) =>
    (await api(h.baseUrl, 'POST', `/api/v1/projects/${projectId}/keys`, { name: 'k', ...(scopes ? { scopes } : {}) }, { authorization: `Bearer ${ADMIN}` })).body.key as string;
  const stored = (n: number) => ({ name: 'nightly', flowInput: { n }, nodes: [{ nodeName: 'n', algorithmName: 'per-project-alg', input: ['@flowInput.n'] }], triggers: { webhook: {} } });

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN });
  });
  afterAll(() => h.close());

  it("are named per project: the same name in two projects and Herald's own, each reached by its own keys", async () => {
    const [a, b] = [client(h.baseUrl, { authorization: `Bearer ${await keyOf('proj-a')}` }), client(h.baseUrl, { authorization: `Bearer ${await keyOf('proj-b')}` })];
    const admin = client(h.baseUrl, { authorization: `Bearer ${ADMIN}` });
    expect((await a.call('POST', '/api/v1/store/pipelines', stored(1))).body).toMatchObject({ name: 'nightly', projectId: 'proj-a' });
    expect((await b.call('POST', '/api/v1/store/pipelines', stored(2))).status).toBe(201);
    expect((await admin.call('POST', '/api/v1/store/pipelines', stored(3))).body.projectId).toBeUndefined();
    expect((await b.call('POST', '/api/v1/store/pipelines', stored(4))).body.error.code).toBe('PIPELINE_EXISTS');
    expect((await admin.call('POST', '/api/v1/store/pipelines', stored(4))).body.error.code).toBe('PIPELINE_EXISTS');
    expect((await a.call('GET', '/api/v1/store/pipelines/nightly')).body.definition.flowInput).toEqual({ n: 1 });
    expect((await b.call('GET', '/api/v1/store/pipelines/nightly')).body.definition.flowInput).toEqual({ n: 2 });
    expect((await admin.call('GET', '/api/v1/store/pipelines/nightly')).body.definition.flowInput).toEqual({ n: 3 });
    expect((await admin.call('GET', '/api/v1/store/pipelines/nightly?projectId=proj-b')).body.definition.flowInput).toEqual({ n: 2 });
    expect((await admin.call('GET', '/api/v1/store/pipelines')).body.pipelines.map((p: { projectId?: string }) => p.projectId ?? null)).toEqual([null, 'proj-a', 'proj-b']);
    expect((await a.call('GET', '/api/v1/store/pipelines/nightly?projectId=proj-b')).status).toBe(400);
    // A run is its project's job; a project's trigger runs by its path, with a key of that project.
    const run = (await a.call('POST', '/api/v1/exec/stored', { name: 'nightly' })).body.jobId;
    expect((await admin.call('GET', `/api/v1/exec/status/${run}`)).body.projectId).toBe('proj-a');
    const hook = (c: ReturnType<typeof client>, path: string) => c.call('POST', path, { n: 9 });
    expect((await hook(a, '/api/v1/projects/proj-a/hooks/nightly')).status).toBe(202);
    expect((await hook(b, '/api/v1/projects/proj-a/hooks/nightly')).status).toBe(401);
    expect((await hook(a, '/api/v1/hooks/nightly')).status).toBe(401);
    expect((await hook(admin, '/api/v1/hooks/nightly')).status).toBe(202);
    const readOnly = client(h.baseUrl, { authorization: `Bearer ${await keyOf('proj-a', ['jobs:read'])}` });
    expect((await hook(readOnly, '/api/v1/projects/proj-a/hooks/nightly')).status).toBe(401);
    expect((await a.call('GET', '/api/v1/exec/jobs?pipeline=nightly')).body.jobs).toHaveLength(2);
  });
});
