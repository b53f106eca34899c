import { Clock } from '../../src/common/clock';
import { client, type HeraldClient } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { SseStream } from '../support/sse';

/**
 * The events stream (GET /api/v1/events/stream) and stream tokens over real HTTP: types and
 * project filters, a project key confined to its project, resuming by global position,
 * secrets masked; tokens that open one job's status stream without a header and nothing else.
 */
const ADMIN = 'streams-events-admin-key-0001';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const HEADER_SECRET = 'Bearer job-header-secret-0123456789';

describe('The events stream and stream tokens', () => {
  let h: RunningHerald;
  let admin: HeraldClient;
  let keyA: string;
  let keyB: string;
  const open: SseStream[] = [];

  const events = async (query = '', headers: Record<string, string> = bearer(ADMIN)) => {
    const s = await SseStream.open(`${h.baseUrl}/api/v1/events/stream${query}`, headers);
    open.push(s);
    return s;
  };
  const makeKey = async (project: string, scopes?: string[]) => {
    const res = await api(h.baseUrl, 'POST', `/api/v1/projects/${project}/keys`, { name: 'streams', ...(scopes ? { scopes } : {}) }, bearer(ADMIN));
    expect(res.status).toBe(201);
    return res.body as { key: string; id: string };
  };
  const job = (key: string, alg: string, extra: Record<string, unknown> = {}) =>
    client(h.baseUrl, bearer(key)).submit({ name: 'evs', nodes: [{ nodeName: 'n', algorithmName: alg, input: [1] }], ...extra });
  const statusStream = (jobId: string, query: string, headers: Record<string, string> = {}) =>
    SseStream.open(`${h.baseUrl}/api/v1/exec/status/${encodeURIComponent(jobId)}/stream${query}`, headers).then((s) => (open.push(s), s));
  /** The status of a GET without a header (a stream opened by mistake is closed, not read to its end). */
  const statusOf = async (path: string) => {
    const s = await SseStream.open(h.baseUrl + path);
    s.close();
    return s.status;
  };
  const token = (jobId: string, key: string) => api(h.baseUrl, 'POST', `/api/v1/exec/status/${encodeURIComponent(jobId)}/stream-token`, undefined, bearer(key));

  beforeAll(async () => {
    h = await startHerald({ adminKey: ADMIN, streams: { pollMs: 500, keepAliveMs: 15_000 } });
    admin = client(h.baseUrl, bearer(ADMIN));
    const a = await makeKey('proj-a');
    keyA = a.key;
    keyB = (await makeKey('proj-b')).key;
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(() => h?.close());

  it("streams the log as it is committed: event: the type, id: the global position; a project key sees its project's events only", async () => {
    const asA = await events('', bearer(keyA));
    const asAdmin = await events();
    const adminOnB = await events('?projectId=proj-b');
    const typed = await events('?types=job.submitted,job.completed', bearer(keyA));
    for (const s of [asA, asAdmin, adminOnB, typed]) expect([s.status, s.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const jobB = await job(keyB, 'evs-b');
    const jobA = await job(keyA, 'evs-a', { webhooks: { progress: 'https://example.com/progress', headers: { Authorization: HEADER_SECRET } } });
    const c = client(h.baseUrl, bearer(keyA));
    const [t] = await c.acquire('evs-w', ['evs-a']);
    expect((await c.complete(t.taskId, 'evs-w', 'ok')).status).toBe(200);
    const hasCompleted = (id: string) => (s: SseStream) => s.data().some((d) => d.streamId === id && d.type === 'job.completed');
    await asA.until(hasCompleted(jobA));
    await asAdmin.until(hasCompleted(jobA));
    await typed.until(hasCompleted(jobA));
    await adminOnB.until((s) => s.data().some((d) => d.streamId === jobB));
    const logA = await admin.events(jobA);
    // A's key: every event of A's job, in order, as GET /api/v1/jobs/{jobId}/events shows them; nothing of B's.
    expect(asA.data().map((d) => d.streamId)).not.toContain(jobB);
    expect(asA.data().filter((d) => d.streamId === jobA).map((d) => d.version)).toEqual(logA.map((e) => e.version));
    for (const e of asA.events) {
      const d = JSON.parse(e.data);
      expect([e.event, e.id]).toEqual([d.type, String(d.globalPosition)]);
      const same = logA.find((x) => x.version === d.version)!;
      expect(d).toEqual({ globalPosition: same.globalPosition, streamId: jobA, version: same.version, type: same.type, data: same.data, metadata: same.metadata, createdAt: same.createdAt });
    }
    // The request's header value is masked, as everywhere the API shows the job's history.
    expect(asA.events.map((e) => e.data).join()).not.toContain(HEADER_SECRET);
    expect(asA.data().find((d) => d.type === 'job.submitted').data.spec.webhooks.headers.Authorization).not.toBe(HEADER_SECRET);
    expect(new Set(typed.data().map((d) => d.type))).toEqual(new Set(['job.submitted', 'job.completed']));
    expect(adminOnB.data().every((d) => d.streamId === jobB)).toBe(true);
    expect(asAdmin.data().map((d) => d.streamId)).toEqual(expect.arrayContaining([jobA, jobB]));
    // Commit order: positions only grow within one stream.
    const positions = asAdmin.ids();
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('resumes right after Last-Event-ID (0: from the start), with nothing lost and nothing twice', async () => {
    const first = await events('', bearer(keyA));
    const j1 = await job(keyA, 'evs-r1');
    await first.until((s) => s.data().some((d) => d.streamId === j1));
    first.close();
    const j2 = await job(keyA, 'evs-r2');
    const j3 = await job(keyA, 'evs-r3');
    const resumed = await events('', { ...bearer(keyA), 'last-event-id': first.events.at(-1)!.id! });
    await resumed.until((s) => s.data().some((d) => d.streamId === j3));
    const seen = [...first.ids(), ...resumed.ids()];
    expect(new Set(seen).size).toBe(seen.length);
    const all = (await Promise.all([j1, j2, j3].map((j) => admin.events(j)))).flat().map((e) => e.globalPosition);
    expect(seen).toEqual(expect.arrayContaining(all));
    expect(resumed.ids()[0]).toBeGreaterThan(first.ids().at(-1)!);
    // From the start: every event of the project so far, in commit order.
    const whole = await events('?jobId=' + encodeURIComponent(j2), { ...bearer(keyA), 'last-event-id': '0' });
    await whole.until((s) => s.data().some((d) => d.type === 'job.submitted'));
    expect(whole.data().every((d) => d.streamId === j2)).toBe(true);
  });

  it('refuses with a plain JSON error before it opens: another project (404), its job (404), bad types or Last-Event-ID (400)', async () => {
    const jobB = await job(keyB, 'evs-x');
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['?projectId=proj-b', bearer(keyA), 404, 'PROJECT_NOT_FOUND'],
      [`?jobId=${encodeURIComponent(jobB)}`, bearer(keyA), 404, 'JOB_NOT_FOUND'],
      ['?types=job.exploded', bearer(keyA), 400, 'VALIDATION_FAILED'],
      ['', { ...bearer(keyA), 'last-event-id': 'x' }, 400, 'INVALID_LAST_EVENT_ID'],
      ['', { ...bearer(ADMIN), 'last-event-id': '999999999' }, 400, 'INVALID_LAST_EVENT_ID'],
      ['', {}, 401, 'UNAUTHORIZED'],
    ];
    for (const [query, headers, status, code] of cases) {
      const s = await SseStream.open(`${h.baseUrl}/api/v1/events/stream${query}`, headers);
      expect([query, s.status, s.json?.error.code]).toEqual([query, status, code]);
    }
    // The same 404 as for a job that does not exist.
    const ghost = await SseStream.open(`${h.baseUrl}/api/v1/events/stream?jobId=${encodeURIComponent(jobB.replace(/.$/, '0'))}`, bearer(keyA));
    const real = await SseStream.open(`${h.baseUrl}/api/v1/events/stream?jobId=${encodeURIComponent(jobB)}`, bearer(keyA));
    expect(real.text.split(jobB).join('ID')).toBe(ghost.text.split(jobB.replace(/.$/, '0')).join('ID'));
  });

  it("a stream token opens that job's status stream without a header, on no other job or route, and not once expired", async () => {
    const reader = await makeKey('proj-a', ['jobs:read']);
    const jobA = await job(keyA, 'tok-a');
    const otherA = await job(keyA, 'tok-a2');
    const jobB = await job(keyB, 'tok-b');
    const made = await token(jobA, reader.key);
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^hst_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(made.body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(Date.parse(made.body.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const [row] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM stream_tokens WHERE token_hash = sha256(convert_to($1, \'UTF8\'))', [made.body.token]);
    expect(row.n).toBe(1);
    const q = `?token=${made.body.token}`;
    const s = await statusStream(jobA, q);
    expect(s.status).toBe(200);
    await s.until((x) => x.events.length >= 1);
    expect(s.data()[0]).toEqual(await client(h.baseUrl, bearer(keyA)).status(jobA));
    s.close();
    // Another job (of the same project, or of another one), another route, a header-less request elsewhere: 401.
    for (const path of [
      `/api/v1/exec/status/${encodeURIComponent(otherA)}/stream${q}`,
      `/api/v1/exec/status/${encodeURIComponent(jobB)}/stream${q}`,
      `/api/v1/exec/status/${encodeURIComponent(jobA)}${q}`,
      `/api/v1/exec/status/${encodeURIComponent(jobA)}/stream/${q}`,
      `/api/v1/events/stream${q}`,
      `/api/v1/jobs/${encodeURIComponent(jobA)}/events${q}`,
    ]) {
      expect([path, await statusOf(path)]).toEqual([path, 401]);
    }
    expect((await api(h.baseUrl, 'POST', `/api/v1/exec/status/${encodeURIComponent(jobA)}/stream-token${q}`)).status).toBe(401);
    // A token for another project's job is never made: the same 404 as GET status.
    const refused = await token(jobB, keyA);
    expect([refused.status, refused.body.error.code]).toEqual([404, 'JOB_NOT_FOUND']);
    // With a header, the header decides (the token is not looked at).
    const withKey = await statusStream(jobA, '?token=hst_nope', bearer(keyA));
    expect(withKey.status).toBe(200);
    withKey.close();
    // Ten minutes later it is refused, on any instance's clock (the expiry is in the table).
    const clock = h.app.get(Clock);
    const real = clock.now.bind(clock);
    clock.now = () => new Date(real().getTime() + 10 * 60_000 + 1000);
    try {
      expect(await statusOf(`/api/v1/exec/status/${encodeURIComponent(jobA)}/stream${q}`)).toBe(401);
    } finally {
      clock.now = real;
    }
    const again = await statusStream(jobA, q);
    expect(again.status).toBe(200);
    again.close();
    // A token dies with the key that asked for it.
    expect((await api(h.baseUrl, 'DELETE', `/api/v1/projects/proj-a/keys/${reader.id}`, undefined, bearer(ADMIN))).status).toBe(204);
    await eventually(async () => (await statusOf(`/api/v1/exec/status/${encodeURIComponent(jobA)}/stream${q}`)) === 401);
    // An admin's token works for any job; a malformed one is 401 without a lookup.
    const adminToken = (await token(jobB, ADMIN)).body.token;
    const b = await statusStream(jobB, `?token=${adminToken}`);
    expect(b.status).toBe(200);
    b.close();
    expect(await statusOf(`/api/v1/exec/status/${encodeURIComponent(jobB)}/stream?token=hst_short`)).toBe(401);
  });
});
