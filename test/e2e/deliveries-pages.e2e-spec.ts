import { client, type HeraldClient } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import type { SubscriptionView } from '../support/projects';
import { Receiver } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';
import { fastWebhooks, type Delivery } from '../support/webhooks';

/**
 * GET /api/v1/deliveries by subscription and by pages, and the subscriptions' last hour, on a
 * real Herald delivering to a real receiver: a project webhook's messages (one per completed
 * task) are filtered by the server from the job's own webhook messages beside them; a walk of
 * small pages returns each of them once while new ones arrive between the pages; a project key
 * naming another project's subscription gets nothing; malformed filters are 400; and a webhook
 * answered 500 then 200 shows two attempts of the hour, one succeeded.
 */
const ADMIN = 'deliveries-pages-admin';
type Page = { deliveries: Delivery[]; nextCursor: string | null };

describe('deliveries by subscription and by pages; the last hour of a subscription', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let admin: HeraldClient;
  let keyA: string;
  let keyB: string;
  /** Requests to these paths answer 500 the first time, 200 after. */
  const flaky = new Set<string>();
  const seen = new Set<string>();

  beforeAll(async () => {
    rx = await new Receiver((req) => {
      if (flaky.has(req.path) && !seen.has(req.path)) {
        seen.add(req.path);
        return { status: 500, body: 'not yet' };
      }
      return { status: 200, body: 'ok' };
    }).start();
    h = await startHerald({ apiKeys: [ADMIN], ...fastWebhooks() });
    admin = client(h.baseUrl, bearer(ADMIN));
    keyA = (await createKey(h, ADMIN, 'pages-a')).key;
    keyB = (await createKey(h, ADMIN, 'pages-b')).key;
  });
  afterAll(async () => {
    await h?.close();
    await rx?.stop();
  });

  const list = async (query: Record<string, string>, key = ADMIN) => {
    const res = await api<Page>(h.baseUrl, 'GET', `/api/v1/deliveries?${new URLSearchParams(query)}`, undefined, bearer(key));
    if (res.status !== 200) throw new Error(`deliveries: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const subscriptions = async (query: Record<string, string>, key = ADMIN) =>
    (await api<{ subscriptions: SubscriptionView[] }>(h.baseUrl, 'GET', `/api/v1/subscriptions?${new URLSearchParams(query)}`, undefined, bearer(key))).body.subscriptions;
  /** Completes one pending task of `algorithm` (with the project key's client). */
  const completeOne = async (c: HeraldClient, algorithm: string) => {
    const [t] = await c.acquire(`w-${algorithm}`, [algorithm], 1);
    expect((await c.complete(t.taskId, `w-${algorithm}`, 1)).status).toBe(200);
  };

  let projectHook: string;
  let jobHook: string;

  it("lists one subscription's messages, filtered by the server, and pages through them each once while new ones arrive", async () => {
    const a = client(h.baseUrl, bearer(keyA));
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/pages-a/webhook', { url: `${rx.url}/pages-a/project` }, bearer(ADMIN))).status).toBe(200);
    // 25 tasks, each a message to the project webhook; the job's own progress webhook gets messages too.
    const jobId = await a.submit({ name: 'pages', projectId: 'pages-a', nodes: [{ nodeName: 'n', algorithmName: 'pages-alg', input: ['#[1...25]'] }], webhooks: { progress: `${rx.url}/pages-a/progress` } });
    for (let i = 0; i < 25; i++) await completeOne(a, 'pages-alg');
    const subs = await subscriptions({ projectId: 'pages-a' });
    projectHook = subs.find((s) => s.scope === 'project')!.id;
    jobHook = subs.find((s) => s.scope === 'job' && s.scopeId === jobId)!.id;

    const all = await eventually(async () => {
      const page = await list({ subscriptionId: projectHook, limit: '1000' });
      return page.deliveries.length === 25 && page.deliveries.every((d) => d.status === 'delivered') && page;
    }, 20_000);
    expect(all.nextCursor).toBeNull();
    expect(new Set(all.deliveries.map((d) => d.subscriptionId))).toEqual(new Set([projectHook]));
    // The same messages, in the same order, as the unfiltered list holds them beside the job webhook's.
    const everything = (await list({ limit: '1000' })).deliveries;
    expect(everything.some((d) => d.subscriptionId === jobHook)).toBe(true);
    expect(everything.filter((d) => d.subscriptionId === projectHook).map((d) => d.id)).toEqual(all.deliveries.map((d) => d.id));
    expect((await list({ subscriptionId: jobHook, limit: '1000' })).deliveries.every((d) => d.subscriptionId === jobHook)).toBe(true);
    // With a status filter too: the job webhook has none failed.
    expect(await list({ subscriptionId: jobHook, status: 'failed' })).toEqual({ deliveries: [], nextCursor: null });

    // Pages of 4, and between two pages another task completes: its message (newer) is not in this walk, nothing repeats.
    const more = await a.submit({ name: 'pages-more', projectId: 'pages-a', nodes: [{ nodeName: 'n', algorithmName: 'pages-more', input: ['#[1...10]'] }] });
    expect(more).toBeTruthy();
    const walked: string[] = [];
    let pages = 0;
    let total = 25;
    let cursor: string | null | undefined;
    do {
      const page = await list({ subscriptionId: projectHook, limit: '4', ...(cursor ? { cursor } : {}) }, keyA);
      pages++;
      expect(page.deliveries.length).toBeLessThanOrEqual(4);
      walked.push(...page.deliveries.map((d) => d.id));
      cursor = page.nextCursor;
      if (cursor) {
        await completeOne(a, 'pages-more');
        total++;
        await eventually(async () => (await list({ subscriptionId: projectHook, limit: '1000' })).deliveries.length === total);
      }
    } while (cursor);
    expect(pages).toBe(7);
    expect(walked).toEqual(all.deliveries.map((d) => d.id));
    expect(new Set(walked).size).toBe(25);
    // A walk now finds the 25 and the 6 that arrived, each once, newest first.
    const now = await list({ subscriptionId: projectHook, limit: '1000' });
    expect(now.deliveries).toHaveLength(31);
    expect(now.deliveries.slice(6).map((d) => d.id)).toEqual(walked);
    const times = now.deliveries.map((d) => Date.parse(d.createdAt));
    expect(times.every((t, i) => i === 0 || times[i - 1] >= t)).toBe(true);
  });

  it('answers 400 VALIDATION_FAILED for a malformed subscriptionId or cursor', async () => {
    for (const [query, path, message] of [
      ['subscriptionId=nope', 'subscriptionId', 'subscriptionId must be a UUID'],
      ['subscriptionId=00000000-0000-4000-8000-00000000000g', 'subscriptionId', 'subscriptionId must be a UUID'],
      [`subscriptionId=${projectHook}&subscriptionId=${jobHook}`, 'subscriptionId', 'subscriptionId must be a UUID'],
      ['cursor=not-a-cursor', 'cursor', 'cursor is not valid'],
      [`cursor=${Buffer.from(JSON.stringify({ c: '2026-02-30T00:00:00.000000Z', p: 1, i: projectHook })).toString('base64url')}`, 'cursor', 'cursor is not valid'],
    ]) {
      const res = await api(h.baseUrl, 'GET', `/api/v1/deliveries?${query}`, undefined, bearer(ADMIN));
      expect([query, res.status, res.body.error.code, res.body.error.message, res.body.error.details.map((d: { path: string }) => d.path)]).toEqual([query, 400, 'VALIDATION_FAILED', message, [path]]);
    }
    // A well-formed id of no subscription: nothing.
    expect(await list({ subscriptionId: '00000000-0000-4000-8000-000000000000' })).toEqual({ deliveries: [], nextCursor: null });
  });

  it("gives a project key nothing of another project's subscription, and its own project's", async () => {
    expect(await list({ subscriptionId: projectHook }, keyB)).toEqual({ deliveries: [], nextCursor: null });
    expect(await list({ subscriptionId: projectHook, limit: '1000' }, keyB)).toEqual({ deliveries: [], nextCursor: null });
    const own = await list({ subscriptionId: projectHook, limit: '3' }, keyA);
    expect(own.deliveries).toHaveLength(3);
    expect(own.nextCursor).not.toBeNull();
    // B's key with A's cursor: still nothing of A's.
    expect(await list({ subscriptionId: projectHook, cursor: own.nextCursor! }, keyB)).toEqual({ deliveries: [], nextCursor: null });
  });

  it("shows each subscription's attempts of the last hour: 500 then 200 is two attempts, one succeeded", async () => {
    const b = client(h.baseUrl, bearer(keyB));
    flaky.add('/pages-b/result');
    const jobId = await b.submit({ name: 'flaky', projectId: 'pages-b', nodes: [{ nodeName: 'n', algorithmName: 'pages-flaky', input: [1] }], webhooks: { result: `${rx.url}/pages-b/result` } });
    await completeOne(b, 'pages-flaky');
    const hook = await eventually(async () => {
      const [s] = (await subscriptions({ jobId }, keyB)).filter((x) => x.url.endsWith('/pages-b/result'));
      return s?.counts.delivered === 1 && s;
    }, 20_000);
    expect(hook.health.lastHour).toEqual({ attempts: 2, succeeded: 1, successRate: 0.5 });
    expect(rx.requests.filter((r) => r.path === '/pages-b/result').length).toBe(2);
    const [{ attempts }] = await h.db.query<{ attempts: number }>(`SELECT count(*)::int AS attempts FROM webhook_attempts WHERE subscription_id = $1`, [hook.id]);
    expect(attempts).toBe(2);

    // The project webhook of A: its 31 messages, each answered 200 once. B's key lists its own only.
    const listed = await subscriptions({ projectId: 'pages-a' });
    expect(listed.find((s) => s.id === projectHook)!.health.lastHour).toEqual({ attempts: 31, succeeded: 31, successRate: 1 });
    expect((await subscriptions({}, keyB)).map((s) => s.id)).toEqual([hook.id]);
    // A webhook with no attempt yet: no rate.
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/pages-b/webhook', { url: `${rx.url}/pages-b/project` }, bearer(ADMIN))).status).toBe(200);
    const idle = (await subscriptions({ projectId: 'pages-b' })).find((s) => s.scope === 'project')!;
    expect(idle.health.lastHour).toEqual({ attempts: 0, succeeded: 0, successRate: null });
  });
});
