import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { bearer, createKey } from '../support/tenants';
import { loadConfig } from '../../src/config/config';

const ADMIN = 'project-limits-admin-key-01';
const pipeline = (name: string) => ({ name, nodes: [{ nodeName: 'n', algorithmName: `${name}-alg`, input: [1] }] });

/** Per-project limits, from outside: a project key's requests per second, its unfinished jobs, its webhooks. */
describe('Per-project limits', () => {
  let h: RunningHerald;
  const limits = (projectId: string, key = ADMIN) => api(h.baseUrl, 'GET', `/api/v1/projects/${projectId}/limits`, undefined, bearer(key));
  const setLimits = (projectId: string, body: unknown, key = ADMIN) => api(h.baseUrl, 'PUT', `/api/v1/projects/${projectId}/limits`, body, bearer(key));
  const submittedOf = async (projectId: string) =>
    (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE event_type = 'job.submitted' AND data->'spec'->>'projectId' = $1`, [projectId]))[0].n;

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN, keyCacheMs: 200, limits: { requestsPerSecond: 10, maxJobsInFlight: 3, maxSubscriptions: 2 } });
  });
  afterAll(() => h.close());

  it("past its requests per second, a project's key gets 429 RATE_LIMITED with Retry-After, and nothing it sent is stored", async () => {
    await setLimits('rate-a', { maxJobsInFlight: 0 });
    const a = await createKey(h, ADMIN, 'rate-a');
    const b = await createKey(h, ADMIN, 'rate-b');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => api(h.baseUrl, 'POST', '/api/v1/exec/raw', pipeline(`rate-${i}`), bearer(a.key))));
    const accepted = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted.length + refused.length).toBe(40);
    // A bucket of one second's worth (10), refilled at 10/s while the burst lasts (well under 0.5 s).
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    expect(accepted.length).toBeLessThanOrEqual(15);
    expect(refused[0].body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'requestsPerSecond', perSecond: 10 } });
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(accepted[0].headers.get('ratelimit-limit')).toBe('10');
    // Every accepted submission is a job, no refused one is.
    expect(await submittedOf('rate-a')).toBe(accepted.length);
    // Another project, and an admin, are not slowed by it.
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(b.key))).status).toBe(200);
    const admin = await Promise.all(Array.from({ length: 30 }, () => api(h.baseUrl, 'GET', '/api/v1/exec/jobs?limit=1', undefined, bearer(ADMIN))));
    expect(admin.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    // The window passes: the key works again.
    await eventually(async () => ((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(a.key))).status === 200 ? true : undefined));
  });

  it('a project at its unfinished-jobs limit gets 429 PROJECT_LIMIT_REACHED, exactly, even when submissions race; a finished job makes room', async () => {
    await setLimits('busy', { requestsPerSecond: 0 });
    const key = (await createKey(h, ADMIN, 'busy')).key;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => api(h.baseUrl, 'POST', '/api/v1/exec/raw', pipeline(`busy-${i}`), bearer(key))));
    const accepted = answers.filter((r) => r.status === 201);
    expect(accepted.length).toBe(3);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual(Array(9).fill(429));
    expect(refused[0].body.error).toMatchObject({ code: 'PROJECT_LIMIT_REACHED', details: { limit: 'maxJobsInFlight', max: 3 } });
    expect(await submittedOf('busy')).toBe(3);
    // Queue requests are jobs too.
    const queued = await api(h.baseUrl, 'POST', '/queue/busy-q', { x: 1 }, bearer(key));
    expect([queued.status, queued.body.error?.code]).toEqual([429, 'PROJECT_LIMIT_REACHED']);
    // One stops: there is room for one more.
    expect((await api(h.baseUrl, 'POST', '/api/v1/exec/stop', { jobId: accepted[0].body.jobId }, bearer(key))).status).toBe(200);
    expect((await api(h.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('busy-next'), bearer(key))).status).toBe(201);
    expect((await api(h.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('busy-over'), bearer(key))).status).toBe(429);
    expect((await limits('busy', key)).body.usage.jobsInFlight).toBe(3);
    // An admin's job without a project is not counted against any.
    expect((await api(h.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('no-project'), bearer(ADMIN))).status).toBe(201);
  });

  it('a project at its webhooks limit gets 409 PROJECT_LIMIT_REACHED for a new webhook or channel; replacing one is no new one', async () => {
    await setLimits('hooks', { requestsPerSecond: 0 });
    const key = (await createKey(h, ADMIN, 'hooks')).key;
    const url = 'http://127.0.0.1:9/hook';
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/hooks/webhook', { url }, bearer(key))).status).toBe(200);
    const channel = await api(h.baseUrl, 'POST', '/api/v1/projects/hooks/channels', { name: 'c1', url }, bearer(key));
    expect(channel.status).toBe(201);
    const third = await api(h.baseUrl, 'POST', '/api/v1/projects/hooks/channels', { name: 'c2', url }, bearer(key));
    expect([third.status, third.body.error]).toEqual([409, expect.objectContaining({ code: 'PROJECT_LIMIT_REACHED', details: { limit: 'maxSubscriptions', max: 2 } })]);
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/hooks/batches/b1/webhook', { url }, bearer(key))).status).toBe(409);
    // The project webhook exists: changing its URL is allowed at the limit.
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/hooks/webhook', { url: `${url}/v2` }, bearer(key))).status).toBe(200);
    // A deleted channel gives its place back.
    expect((await api(h.baseUrl, 'DELETE', `/api/v1/projects/hooks/channels/${channel.body.id}`, undefined, bearer(key))).status).toBe(204);
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/hooks/batches/b1/webhook', { url }, bearer(key))).status).toBe(200);
    expect((await limits('hooks', key)).body.usage.subscriptions).toBe(2);
  });

  it('racing creations of webhooks and channels cannot pass the limit; racing PUTs of one new webhook are one', async () => {
    await setLimits('race-hooks', { requestsPerSecond: 0 });
    const key = (await createKey(h, ADMIN, 'race-hooks')).key;
    const url = 'http://127.0.0.1:9/hook';
    const made = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => api(h.baseUrl, 'POST', '/api/v1/projects/race-hooks/channels', { name: `c${i}`, url }, bearer(key))),
      ...Array.from({ length: 6 }, (_, i) => api(h.baseUrl, 'PUT', `/api/v1/projects/race-hooks/batches/b${i}/webhook`, { url }, bearer(key))),
    ]);
    const statuses = made.map((r) => r.status);
    expect(statuses.filter((s) => s === 201 || s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    expect((await limits('race-hooks', key)).body.usage.subscriptions).toBe(2);
    const owned = await h.db.query(`SELECT 1 FROM webhook_subscriptions WHERE split_part(scope_id, '/', 1) = 'race-hooks' AND status <> 'deleted'`);
    expect(owned).toHaveLength(2);
    // Another project at the limit of 2: racing PUTs of one new batch webhook take one place, every one answered 200.
    await setLimits('race-one', { requestsPerSecond: 0 });
    const one = (await createKey(h, ADMIN, 'race-one')).key;
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/race-one/webhook', { url }, bearer(one))).status).toBe(200);
    const puts = await Promise.all(Array.from({ length: 8 }, (_, i) => api(h.baseUrl, 'PUT', '/api/v1/projects/race-one/batches/same/webhook', { url: `${url}/${i}` }, bearer(one))));
    expect(puts.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await limits('race-one', one)).body.usage.subscriptions).toBe(2);
  });

  it('an admin sets and resets limits; a project key reads its own only and cannot set them', async () => {
    const key = (await createKey(h, ADMIN, 'tuned')).key;
    const other = (await createKey(h, ADMIN, 'other')).key;
    const set = await setLimits('tuned', { requestsPerSecond: 50, maxSubscriptions: 0 });
    expect([set.status, set.body]).toEqual([
      200,
      {
        projectId: 'tuned',
        limits: { requestsPerSecond: 50, maxJobsInFlight: 3, maxSubscriptions: 0 },
        defaults: ['maxJobsInFlight'],
        perInstance: { requestsPerSecond: 50, liveInstances: 1 },
        usage: { jobsInFlight: 0, subscriptions: 0 },
      },
    ]);
    expect((await limits('tuned', key)).body.limits.requestsPerSecond).toBe(50);
    expect((await limits('tuned', other)).status).toBe(404);
    expect((await setLimits('tuned', { maxJobsInFlight: 1000 }, key)).body.error.code).toBe('FORBIDDEN_SCOPE');
    const bad = await setLimits('tuned', { maxJobsInFlight: -1, burst: 3 });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const reset = await setLimits('tuned', {});
    expect(reset.body.defaults).toEqual(['requestsPerSecond', 'maxJobsInFlight', 'maxSubscriptions']);
    expect(await h.db.query(`SELECT 1 FROM project_limits WHERE project_id = 'tuned'`)).toEqual([]);
  });

  it('an address sending unknown project keys gets 429 after 20 in a second, before they are looked up', async () => {
    const unknown = (i: number) => `hk_${String(i).padStart(43, 'x')}`;
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(unknown(i)))).status);
    expect(answers.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(answers.slice(20)).toContain(429);
  });

  it('counts unknown keys per X-Forwarded-For address only from a trusted proxy (HERALD_TRUST_PROXY)', async () => {
    const unknown = (i: number) => `hk_${String(i).padStart(43, 'y')}`;
    const from = (address: string, i: number) => api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { ...bearer(unknown(i)), 'X-Forwarded-For': address });
    // Not trusted (the default): a forwarded address changes nothing, the TCP peer (this test) is limited.
    const spoofed = [];
    for (let i = 0; i < 25; i++) spoofed.push((await from(`198.51.100.${i}`, i)).status);
    expect(spoofed).toContain(429);
    // Behind a trusted proxy (here: loopback, this test), each forwarded address has its own budget.
    const proxied = await startHerald({ adminKey: ADMIN, keyCacheMs: 200, trustProxy: ['loopback'] }, { url: h.databaseUrl, drop: async () => undefined });
    try {
      const first = [];
      for (let i = 0; i < 20; i++) first.push((await api(proxied.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { ...bearer(unknown(100 + i)), 'X-Forwarded-For': '203.0.113.7' })).status);
      expect(first).toEqual(Array(20).fill(401));
      const next = await api(proxied.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { ...bearer(unknown(200)), 'X-Forwarded-For': '203.0.113.7' });
      expect(next.status).toBe(429);
      const other = await api(proxied.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { ...bearer(unknown(201)), 'X-Forwarded-For': '203.0.113.8' });
      expect(other.status).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('shares a project rate among the live instances', async () => {
    const second = await startHerald({ adminKey: ADMIN, keyCacheMs: 200, webhooks: { ...loadConfig({}).webhooks, heartbeatMs: 50, takeoverMs: 5000 }, limits: { requestsPerSecond: 10, maxJobsInFlight: 3, maxSubscriptions: 2 } }, { url: h.databaseUrl, drop: async () => undefined });
    try {
      const view = await eventually(async () => {
        const res = await api(second.baseUrl, 'GET', '/api/v1/projects/shared/limits', undefined, bearer(ADMIN));
        return res.body.perInstance.liveInstances === 2 ? res.body : undefined;
      });
      expect(view.perInstance).toEqual({ requestsPerSecond: 5, liveInstances: 2 });
    } finally {
      await second.close();
    }
  });
});
