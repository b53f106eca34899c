import { EventFeed } from '../../src/streams/event-feed.service';
import { StatusStreams } from '../../src/streams/status-streams.service';
import { createTestDatabase } from '../support/database';
import { client, type HeraldClient } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { SseStream } from '../support/sse';

/**
 * Job status streams (GET /api/v1/exec/status/{jobId}/stream) over real HTTP, fed by the
 * committed event log: the snapshot at once, one per event as a real worker reports, the level
 * filter, resuming with Last-Event-ID, the end after the final snapshot, and two instances on
 * one database. Instance `h` polls the log only once a minute: what it sees of `other`'s
 * commits within a test arrives by NOTIFY.
 */
const ADMIN = 'streams-status-admin-key-0001';
const auth = { authorization: `Bearer ${ADMIN}` };
const LEVEL_RANK = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];

describe('Job status streams', () => {
  let h: RunningHerald;
  let other: RunningHerald;
  let drop: () => Promise<void>;
  let rx: Receiver;
  let c: HeraldClient;
  let oc: HeraldClient;
  const open: SseStream[] = [];

  const url = (jobId: string, query = '') => `${h.baseUrl}/api/v1/exec/status/${encodeURIComponent(jobId)}/stream${query}`;
  const watch = async (jobId: string, query = '', headers: Record<string, string> = {}) => {
    const s = await SseStream.open(url(jobId, query), { ...auth, ...headers });
    open.push(s);
    return s;
  };
  const submit = (alg: string, items: number, extra: Record<string, unknown> = {}, via = c) =>
    via.submit({ name: 'streamed', nodes: [{ nodeName: 'n', algorithmName: alg, input: [`#[${Array.from({ length: items }, (_, i) => i + 1).join(',')}]`] }], ...extra });
  const versionOf = async (jobId: string) => (await c.events(jobId)).at(-1)!.version;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const shared = { url: database.url, drop: async () => undefined };
    h = await startHerald({ adminKey: ADMIN, streams: { pollMs: 60_000, keepAliveMs: 200 } }, shared);
    other = await startHerald({ adminKey: ADMIN }, shared);
    rx = await new Receiver().start();
    c = client(h.baseUrl, auth);
    oc = client(other.baseUrl, auth);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(async () => {
    await other?.stop();
    await h?.stop();
    await rx?.stop();
    await drop?.();
  });

  it('sends the status at once, then after each event as a worker completes tasks (the progress webhook’s bodies), and ends after the final one', async () => {
    const jobId = await submit('st-alg', 3, { webhooks: { progress: `${rx.url}/progress` }, options: { progressVerbosityLevel: 'debug' } });
    const before = await c.status(jobId);
    const s = await watch(jobId, '?level=debug');
    expect([s.status, s.headers.get('content-type'), s.headers.get('cache-control')]).toEqual([200, 'text/event-stream; charset=utf-8', 'no-cache']);
    await s.until((x) => x.events.length >= 1);
    expect(s.data()[0]).toEqual(before);
    expect(s.ids()[0]).toBe(await versionOf(jobId));
    // While idle: keep-alive comments.
    await s.until((x) => x.comments.includes('keep-alive'));
    const tasks = await c.acquire('st-worker', ['st-alg'], 3);
    expect(tasks).toHaveLength(3);
    for (const [i, t] of tasks.entries()) {
      expect((await c.complete(t.taskId, 'st-worker', { done: t.input })).status).toBe(200);
      // Progress as it happens: each completion is seen before the next one is reported.
      await s.until((x) => x.data().some((d) => d.data.states.succeed === i + 1), 20_000, `task ${i + 1}`);
    }
    await s.closedByServer();
    const after = await c.status(jobId);
    expect(after.status).toBe('completed');
    expect(s.data().at(-1)).toEqual(after);
    // One snapshot per event after the first: ids are the stream's versions, none missing, none twice.
    const versions = (await c.events(jobId)).map((e) => e.version);
    expect(s.ids()).toEqual(versions.filter((v) => v >= s.ids()[0]));
    const progress = s.data().map((d) => Number(d.data.progress));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    // The progress webhook (debug level: every event) carried the same bodies.
    await eventually(async () => rx.bodies('/progress').some((b) => b.status === 'completed'));
    const hooks = rx.bodies('/progress');
    for (const body of s.data().slice(1)) expect(hooks).toContainEqual(body);
  });

  it('?level= sends the snapshots of events at or above it (default: the job’s progressVerbosityLevel), and the final one always', async () => {
    const jobId = await submit('lv-alg', 2);
    const all = await watch(jobId, '?level=trace');
    const byDefault = await watch(jobId);
    const errors = await watch(jobId, '?level=error');
    for (const s of [all, byDefault, errors]) await s.until((x) => x.events.length >= 1);
    const [a, b] = await c.acquire('lv-worker', ['lv-alg'], 2);
    expect((await c.complete(a.taskId, 'lv-worker', 'ok')).status).toBe(200);
    expect((await c.fail(b.taskId, 'lv-worker', 'broken', false)).status).toBe(200);
    for (const s of [all, byDefault, errors]) await s.closedByServer();
    const events = await c.events(jobId);
    const first = all.ids()[0];
    expect(all.ids()).toEqual(events.filter((e) => e.version >= first).map((e) => e.version));
    const levelOf = new Map(events.map((e) => [e.version, e.level]));
    const atLeast = (min: string) => events.filter((e) => e.version > first && LEVEL_RANK.indexOf(e.level) >= LEVEL_RANK.indexOf(min)).map((e) => e.version);
    const finalVersion = events.find((e) => e.type === 'job.completed')!.version;
    // The job's own level (info): task.failed (warn) and the info events; not the debug task events.
    expect(byDefault.ids()).toEqual([first, ...atLeast('info')]);
    expect(byDefault.ids().slice(1).map((v) => levelOf.get(v))).toEqual(expect.arrayContaining(['warn', 'info']));
    expect(byDefault.ids().slice(1).map((v) => levelOf.get(v))).not.toContain('debug');
    // Nothing at error or above happened: the status at once, then the final one.
    expect(errors.ids()).toEqual([first, finalVersion]);
    expect(errors.data().at(-1).status).toBe('completed');
    // Each snapshot is the one of its version whatever the filter.
    const byId = new Map(all.events.map((e) => [e.id, e.data]));
    for (const s of [byDefault, errors]) for (const e of s.events) expect(e.data).toBe(byId.get(e.id));
    const bad = await api(h.baseUrl, 'GET', `/api/v1/exec/status/${encodeURIComponent(jobId)}/stream?level=loud`, undefined, auth);
    expect([bad.status, bad.body.error.code, bad.body.error.details]).toEqual([400, 'VALIDATION_FAILED', [{ path: 'level', message: expect.any(String) }]]);
  });

  it('resumes after Last-Event-ID with nothing lost and nothing twice, replayed from the log or from the instance’s recent snapshots', async () => {
    const jobId = await submit('rs-alg', 5);
    const tasks = await c.acquire('rs-worker', ['rs-alg'], 5);
    const complete = async (i: number) => expect((await c.complete(tasks[i].taskId, 'rs-worker', i)).status).toBe(200);
    const first = await watch(jobId, '?level=debug');
    await complete(0);
    await first.until((x) => x.data().some((d) => d.data.states.succeed === 1));
    first.close();
    // The last watcher left: this instance no longer follows the job, so the resume replays the log.
    const feed = h.app.get(EventFeed);
    await eventually(async () => !feed.isFollowing(jobId));
    await complete(1);
    await complete(2);
    const second = await watch(jobId, '?level=debug', { 'last-event-id': String(first.ids().at(-1)) });
    await second.until((x) => x.data().some((d) => d.data.states.succeed === 3));
    // A watcher kept open holds the job's channel: the next resume comes from its recent snapshots.
    const holder = await watch(jobId, '?level=debug');
    await holder.until((x) => x.events.length >= 1);
    second.close();
    await complete(3);
    await holder.until((x) => x.data().some((d) => d.data.states.succeed === 4));
    const third = await watch(jobId, '?level=debug', { 'last-event-id': String(second.ids().at(-1)) });
    await third.until((x) => x.data().some((d) => d.data.states.succeed === 4));
    await complete(4);
    await third.closedByServer();
    const ids = [...first.ids(), ...second.ids(), ...third.ids()];
    const versions = (await c.events(jobId)).map((e) => e.version);
    expect(ids).toEqual(versions.filter((v) => v >= ids[0]));
    // The same snapshots as a replay of the whole job (Last-Event-ID 0: from version 1).
    const whole = await watch(jobId, '?level=debug', { 'last-event-id': '0' });
    await whole.closedByServer();
    expect(whole.ids()).toEqual(versions);
    const replayed = new Map(whole.events.map((e) => [e.id, e.data]));
    for (const s of [first, second, third]) for (const e of s.events.slice(s === first ? 1 : 0)) expect([e.id, e.data]).toEqual([e.id, replayed.get(e.id)]);
  });

  it('after the end: a new stream is the final status alone; a resume past it is 204; a Last-Event-ID it never sent is 400', async () => {
    const jobId = await submit('end-alg', 1);
    const [t] = await c.acquire('end-worker', ['end-alg']);
    expect((await c.complete(t.taskId, 'end-worker', 1)).status).toBe(200);
    await eventually(async () => (await c.status(jobId)).status === 'completed');
    const last = await versionOf(jobId);
    const s = await watch(jobId);
    await s.closedByServer();
    expect([s.ids(), s.data()[0]]).toEqual([[last], await c.status(jobId)]);
    const after = await watch(jobId, '', { 'last-event-id': String(last) });
    expect([after.status, after.events.length]).toEqual([204, 0]);
    for (const [id, code] of [
      [String(last + 1), 'INVALID_LAST_EVENT_ID'],
      ['abc', 'INVALID_LAST_EVENT_ID'],
      ['-1', 'INVALID_LAST_EVENT_ID'],
    ]) {
      const res = await api(h.baseUrl, 'GET', `/api/v1/exec/status/${encodeURIComponent(jobId)}/stream`, undefined, { ...auth, 'last-event-id': id });
      expect([id, res.status, res.body.error.code]).toEqual([id, 400, code]);
    }
  });

  it('answers an unknown job with the same 404 as GET status, before any stream opens', async () => {
    const id = 'streamed:6f0c2f0e-3c55-4c1b-9a4e-2f5c0a9d1e11';
    const status = await api(h.baseUrl, 'GET', `/api/v1/exec/status/${encodeURIComponent(id)}`, undefined, auth);
    const stream = await SseStream.open(url(id), auth);
    expect([stream.status, stream.json]).toEqual([404, status.body]);
    expect(status.body.error.code).toBe('JOB_NOT_FOUND');
  });

  it('sees on instance A what a worker commits through instance B (NOTIFY; A polls once a minute)', async () => {
    const jobId = await submit('x-alg', 3, {}, oc);
    const s = await watch(jobId, '?level=debug');
    await s.until((x) => x.events.length >= 1);
    const tasks = await oc.acquire('x-worker', ['x-alg'], 3);
    for (const [i, t] of tasks.entries()) {
      expect((await oc.complete(t.taskId, 'x-worker', i)).status).toBe(200);
      await s.until((x) => x.data().some((d) => d.data.states.succeed === i + 1), 15_000, `task ${i + 1} seen through the other instance`);
    }
    await s.closedByServer(15_000);
    expect(s.data().at(-1)).toEqual(await oc.status(jobId));
    const versions = (await oc.events(jobId)).map((e) => e.version);
    expect(s.ids()).toEqual(versions.filter((v) => v >= s.ids()[0]));
  });

  it('feeds many watchers of one job from one read per batch of events, not one per watcher', async () => {
    const WATCHERS = 60;
    const jobId = await submit('many-alg', 4, {}, oc);
    const streams = await Promise.all(Array.from({ length: WATCHERS }, () => watch(jobId, '?level=debug')));
    for (const s of streams) await s.until((x) => x.events.length >= 1);
    expect(h.app.get(StatusStreams).counts).toMatchObject({ jobs: 1 });
    const feed = h.app.get(EventFeed);
    const reads = feed.stats.reads;
    const tasks = await oc.acquire('many-worker', ['many-alg'], 4);
    for (const t of tasks) expect((await oc.complete(t.taskId, 'many-worker', 1)).status).toBe(200);
    for (const s of streams) await s.closedByServer(15_000);
    const used = feed.stats.reads - reads;
    // Five transactions (an acquisition, four reports): a handful of reads, whatever the number of watchers.
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(WATCHERS / 3);
    const sequences = new Set(streams.map((s) => s.events.map((e) => `${e.id}:${e.data}`).join('\n')));
    expect(sequences.size).toBe(1);
    await eventually(async () => h.app.get(StatusStreams).counts.watchers === 0 && !feed.isFollowing(jobId));
  });
});
