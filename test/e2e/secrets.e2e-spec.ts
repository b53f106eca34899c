import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';
import { at, verifies } from '../support/projects';
import { fastWebhooks, newSecret } from '../support/webhooks';
import { LogCapture } from '../support/log-capture';

const token = (what: string) => `${what}-${randomBytes(12).toString('base64url')}`;

/**
 * Secrets are given to Herald (or made by it) and then only used: signing secrets, Authorization
 * header values, API keys. A scenario with known values of each, run with Herald's logger
 * capturing every line: afterwards none of them is in the logs, the events table (the audit
 * trail), the webhook messages' bodies, the job read models, the queue's job data, or any answer
 * of the API after the one that made them; yet the receivers got them (headers sent, signatures
 * that verify), so they were in use all along.
 */
describe('Secrets are used, never shown, logged or recorded', () => {
  /** Every line Herald logs, at every level (trace up), as written. */
  const logs = new LogCapture();
  const consoleLines: string[] = [];
  const ADMIN = token('admin-key');
  const SUB_SECRET = newSecret();
  const JOB_HEADER = `Bearer ${token('job-header')}`;
  const CHANNEL_HEADER = `Bearer ${token('channel-header')}`;
  const CHANNEL_SECRET = newSecret();
  const PROJECT_HEADER = `Bearer ${token('project-header')}`;
  const QUEUE_SECRET = newSecret();
  const STAGE_HEADER = `Bearer ${token('stage-header')}`;
  const STORED_SECRET = newSecret();
  const TRIGGER_SECRET = newSecret();
  let KEY = '';
  let ROTATED = '';
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;
  const answers: string[] = [];
  const jobs: string[] = [];

  /** Each secret, and the part of a whsec_ secret that is its key (a log line might drop the prefix). */
  const secrets = () =>
    [ADMIN, KEY, ROTATED, SUB_SECRET, JOB_HEADER, CHANNEL_HEADER, CHANNEL_SECRET, PROJECT_HEADER, QUEUE_SECRET, STAGE_HEADER, STORED_SECRET, TRIGGER_SECRET].flatMap((s) =>
      s.startsWith('whsec_') ? [s, s.slice(6)] : s.startsWith('Bearer ') ? [s, s.slice(7)] : [s],
    );
  const found = (text: string) => secrets().filter((s) => text.includes(s));

  beforeAll(async () => {
    for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
    }
    rx = await new Receiver((r) => (r.path.endsWith('/fail') ? { status: 500, body: 'down' } : { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } })).start();
    h = await startHerald({ adminKey: ADMIN, log: logs.log('trace'), stagePollMs: 20, ...fastWebhooks() });
    const made = await createKey(h, ADMIN, 'proj-s');
    KEY = made.key;
    answers.push(JSON.stringify(made));
    c = client(h.baseUrl, bearer(KEY));
    function keep(res: { status: number; body: unknown }, status: number, what: string) {
      if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      answers.push(JSON.stringify(res.body));
      return res.body as any;
    }

    // Project webhook with an Authorization header; a channel with one and a signing secret, routed.
    keep(await c.call('PUT', '/api/v1/projects/proj-s/webhook', { url: `${rx.url}/project`, header: PROJECT_HEADER }), 200, 'project webhook');
    const channel = keep(await c.call('POST', '/api/v1/projects/proj-s/channels', { name: 'ops', url: `${rx.url}/channel`, headers: { Authorization: CHANNEL_HEADER }, secret: CHANNEL_SECRET }), 201, 'channel');
    keep(await c.call('POST', '/api/v1/projects/proj-s/routings', { event: 'job.completed', channelId: channel.id }), 201, 'routing');
    keep(await c.call('POST', `/api/v1/projects/proj-s/channels/${channel.id}/test`), 200, 'channel test');
    const failing = keep(await c.call('POST', '/api/v1/projects/proj-s/channels', { name: 'down', url: `${rx.url}/fail`, headers: { Authorization: CHANNEL_HEADER } }), 201, 'channel');
    keep(await c.call('POST', `/api/v1/projects/proj-s/channels/${failing.id}/test`), 200, 'failing channel test');

    // A job with a signed, authorised webhook and a webhook stage with an Authorization header.
    const jobId = keep(
      await c.call('POST', '/api/v1/exec/raw', {
        name: 'secret-job',
        nodes: [
          { nodeName: 'build', algorithmName: 'secret-alg', input: ['#[1,2]'] },
          { nodeName: 'hook', kind: 'webhook', input: ['@build'], webhook: { url: `${rx.url}/stage`, customHeaders: { Authorization: STAGE_HEADER } } },
        ],
        webhooks: { progress: `${rx.url}/job/progress`, result: `${rx.url}/job/result`, secret: SUB_SECRET, headers: { Authorization: JOB_HEADER } },
      }),
      201,
      'submit',
    ).jobId;
    jobs.push(jobId);
    const sub = (await c.call('GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}`)).body.subscriptions.find((s: { format: string }) => s.format === 'exec.result');
    ROTATED = keep(await c.call('POST', `/api/v1/subscriptions/${sub.id}/rotate-secret`), 200, 'rotate').secret;
    for (let tasks = await c.acquire('w', ['secret-alg'], 10); tasks.length > 0; tasks = await c.acquire('w', ['secret-alg'], 10)) {
      for (const t of tasks) keep(await c.complete(t.taskId, 'w', { n: t.input }), 200, 'complete');
    }
    await eventually(async () => (await c.status(jobId)).status === 'completed', 15_000);

    // A queue request whose lifecycle webhooks are signed.
    const queued = keep(await c.call('POST', `/queue/secret-q?webhook=${encodeURIComponent(`${rx.url}/queue`)}`, { n: 1 }, { 'x-webhook-secret': QUEUE_SECRET }), 202, 'queue');
    jobs.push(String(queued.jobId));
    const [req] = (await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'qw', queues: ['secret-q'] })).body.tasks;
    keep(await c.complete(req.taskId, 'qw', { done: true }), 200, 'queue complete');

    // A stored pipeline with a signed webhook and a trigger secret; run by name and by its signed trigger.
    const stored = { name: 'secret-stored', nodes: [{ nodeName: 'n', algorithmName: 'stored-alg', input: [1] }], webhooks: { progress: `${rx.url}/stored`, secret: STORED_SECRET, headers: { Authorization: JOB_HEADER } }, triggers: { webhook: { secret: TRIGGER_SECRET } } };
    keep(await c.call('POST', '/api/v1/store/pipelines', stored), 201, 'store');
    jobs.push(keep(await c.call('POST', '/api/v1/exec/stored', { name: 'secret-stored' }), 201, 'run stored').jobId);
    const body = JSON.stringify({ from: 'trigger' });
    const now = new Date();
    const signed = { 'content-type': 'application/json', 'webhook-id': 'msg_secret', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(TRIGGER_SECRET).sign('msg_secret', now, body) };
    jobs.push(keep(await api(h.baseUrl, 'POST', '/api/v1/projects/proj-s/hooks/secret-stored', body, signed), 202, 'trigger').jobId);

    // Refusals that carry a secret in the request: a wrong key, a revoked one, a bad header value, a bad secret.
    const revoked = await createKey(h, ADMIN, 'proj-s', { name: 'old' });
    await api(h.baseUrl, 'DELETE', `/api/v1/projects/proj-s/keys/${revoked.id}`, undefined, bearer(ADMIN));
    for (const k of [revoked.key, `${KEY.slice(0, -1)}x`]) keep(await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(k)), 401, 'wrong key');
    keep(await c.call('POST', '/api/v1/projects/proj-s/channels', { name: 'bad', url: `${rx.url}/x`, headers: { Authorization: `${CHANNEL_HEADER}\r\nX-Injected: 1` } }), 400, 'bad header');
    keep(await c.call('POST', '/api/v1/exec/raw', { name: 'bad', nodes: [{ nodeName: 'n', algorithmName: 'a', input: [1] }], webhooks: { progress: `${rx.url}/x`, secret: `${SUB_SECRET}!` } }), 400, 'bad secret');
    keep(await c.call('POST', '/queue/secret-q', { n: 2 }, { 'x-webhook-url': `${rx.url}/queue`, 'x-webhook-secret': `${QUEUE_SECRET}!` }), 400, 'bad queue secret');

    // Every delivery settled (the failing channel's test is final at once).
    await eventually(async () => {
      const list = (await api(h.baseUrl, 'GET', '/api/v1/deliveries?limit=1000', undefined, bearer(ADMIN))).body.deliveries as Array<{ status: string }>;
      return list.length > 0 && list.every((d) => ['delivered', 'failed', 'superseded', 'cancelled'].includes(d.status));
    }, 20_000);
  }, 60_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close();
    await rx?.stop();
  });

  it('were in use: the receivers got the header values, and the signatures verify with the secrets', () => {
    const auth = (path: string) => at(rx, path).map((r) => r.headers.authorization);
    expect(auth('/project').length).toBeGreaterThan(0);
    expect(new Set(auth('/project'))).toEqual(new Set([PROJECT_HEADER]));
    expect(new Set(auth('/channel'))).toEqual(new Set([CHANNEL_HEADER]));
    expect(at(rx, '/channel').every((r) => verifies(CHANNEL_SECRET, r))).toBe(true);
    expect(new Set(auth('/stage'))).toEqual(new Set([STAGE_HEADER]));
    expect(new Set(auth('/job/progress'))).toEqual(new Set([JOB_HEADER]));
    expect(at(rx, '/job/progress').every((r) => verifies(SUB_SECRET, r))).toBe(true);
    expect(at(rx, '/job/result').length).toBe(1);
    expect([verifies(ROTATED, at(rx, '/job/result')[0]), verifies(SUB_SECRET, at(rx, '/job/result')[0])]).toEqual([true, true]);
    expect(at(rx, '/queue').length).toBeGreaterThan(0);
    expect(at(rx, '/queue').every((r) => verifies(QUEUE_SECRET, r))).toBe(true);
    expect(at(rx, '/stored').length).toBeGreaterThan(0);
    expect(at(rx, '/stored').every((r) => verifies(STORED_SECRET, r) && r.headers.authorization === JOB_HEADER)).toBe(true);
    expect(at(rx, '/fail').length).toBe(1);
  });

  it('are in no log line (at any level) and nothing printed to the console', () => {
    expect(logs.text.length).toBeGreaterThan(5);
    expect(logs.lines.some((l) => l.msg.includes('Nest application successfully started'))).toBe(true);
    // Every request had its line (those that carried the keys and Authorization headers too), and debug lines were kept.
    expect(logs.lines.filter((l) => l.reqId && l.status).length).toBeGreaterThan(20);
    expect(logs.lines.some((l) => l.level === 'debug')).toBe(true);
    expect(logs.text.flatMap(found)).toEqual([]);
    expect(consoleLines.flatMap(found)).toEqual([]);
  });

  it("are in none of the database's records of what happened: events, webhook messages, job read models, queued jobs", async () => {
    const text = async (sql: string) => (await h.db.query<{ t: string | null }>(sql))[0].t ?? '';
    const events = await text('SELECT string_agg(e::text, chr(10)) AS t FROM events e');
    expect(events.length).toBeGreaterThan(1000);
    expect(events).toContain(`${rx.url}/job/progress`);
    expect(found(events)).toEqual([]);
    const messages = await text('SELECT string_agg(m.body, chr(10)) AS t FROM webhook_messages m');
    expect(messages.length).toBeGreaterThan(100);
    expect(found(messages)).toEqual([]);
    for (const sql of [
      'SELECT string_agg(j::text, chr(10)) AS t FROM jobs j',
      'SELECT string_agg(t::text, chr(10)) AS t FROM tasks t',
      'SELECT string_agg(a::text, chr(10)) AS t FROM webhook_attempts a',
      'SELECT string_agg(j.data::text, chr(10)) AS t FROM pgboss.job j',
      'SELECT string_agg(k::text, chr(10)) AS t FROM api_keys k',
    ]) {
      expect([sql, found(await text(sql))]).toEqual([sql, []]);
    }
  });

  it('are answered only by the request that made them, masked in every later read', async () => {
    // Made by Herald: the key once (its creation), the rotated secret once (the rotation).
    expect(answers.filter((a) => a.includes(KEY))).toHaveLength(1);
    expect(answers.filter((a) => a.includes(ROTATED))).toHaveLength(1);
    expect(answers.filter((a) => !a.includes(KEY) && !a.includes(ROTATED)).flatMap(found)).toEqual([]);
    const reads = [
      '/api/v1/subscriptions?limit=5000',
      '/api/v1/projects/proj-s/webhook',
      '/api/v1/projects/proj-s/channels',
      '/api/v1/projects/proj-s/routings',
      '/api/v1/store/pipelines',
      '/api/v1/store/pipelines/secret-stored?projectId=proj-s',
      '/api/v1/deliveries?limit=1000',
      '/api/v1/exec/jobs?limit=1000',
      ...jobs.flatMap((j) => [`/api/v1/jobs/${encodeURIComponent(j)}/events`, `/api/v1/exec/status/${encodeURIComponent(j)}`]),
      `/api/v1/exec/results/${encodeURIComponent(jobs[0])}`,
      `/queue/secret-q/requests/${jobs[1]}/status`,
      `/queue/secret-q/requests/${jobs[1]}/result`,
    ];
    const deliveries = (await c.call('GET', '/api/v1/deliveries?limit=1000')).body.deliveries as Array<{ id: string }>;
    const channels = (await c.call('GET', '/api/v1/projects/proj-s/channels')).body.channels as Array<{ id: string }>;
    reads.push(...deliveries.map((d) => `/api/v1/deliveries/${d.id}`), ...channels.map((ch) => `/api/v1/projects/proj-s/channels/${ch.id}`));
    for (const path of reads) {
      for (const who of [bearer(KEY), bearer(ADMIN)]) {
        const res = await api(h.baseUrl, 'GET', path, undefined, who);
        expect([path, res.status < 300, found(JSON.stringify(res.body))]).toEqual([path, true, []]);
      }
    }
    const keys = await api(h.baseUrl, 'GET', '/api/v1/projects/proj-s/keys', undefined, bearer(ADMIN));
    expect([keys.status, found(JSON.stringify(keys.body))]).toEqual([200, []]);
    // Masked, not dropped: what is set shows as set.
    const channel = (await c.call('GET', '/api/v1/projects/proj-s/channels')).body.channels[0];
    expect([channel.hasSecret, channel.headers.Authorization]).toEqual([true, `${'*'.repeat(CHANNEL_HEADER.length - 4)}${CHANNEL_HEADER.slice(-4)}`]);
    const pipeline = (await c.call('GET', '/api/v1/store/pipelines/secret-stored')).body;
    expect([pipeline.definition.webhooks.secret, pipeline.triggers.webhook.secret]).toEqual(['whsec_…', 'whsec_…']);
    const submitted = (await c.events(jobs[0]))[0];
    expect(submitted.data.spec.webhooks.secret).toBe('whsec_…');
    expect(submitted.data.spec.nodes[1].webhook.customHeaders.Authorization).toMatch(/^\*+.{4}$/);
  });
});
