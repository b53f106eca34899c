import { loadConfig } from '../../src/config/config';
import { ISO_TIME, UUID_V4, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { allSettled, at, completeTasks, projects, settledExactly, summaryOf, verifies, type ChannelView, type ProjectsClient } from '../support/projects';
import { Receiver } from '../support/receiver';
import { closedPort, deliveries, delivery, newSecret } from '../support/webhooks';

/**
 * Seed 002: notification channels of a project, routings from event types to channels, the
 * `{ project, title, type, body, url, data }` payload, delivery.exhausted and test messages.
 */

const PUBLIC_URL = loadConfig({}).publicUrl;
const masked = (v: string) => '*'.repeat(v.length - 4) + v.slice(-4);
const statusPath = (jobId: string) => `/api/v1/exec/status/${encodeURIComponent(jobId)}`;
const COUNT_KEYS = ['succeed', 'failed', 'skipped', 'stopped', 'active', 'pending', 'creating'];
/** herald.count-* of a status' states (absent states are 0). */
const countsOf = (states: Record<string, number>) => Object.fromEntries(COUNT_KEYS.map((k) => [`herald.count-${k}`, states[k] ?? 0]));
/** The seed's "finished with duration 11:01" (m:ss, or h:mm:ss). */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`;
}
const JOB_DATA_KEYS = [
  'herald.event-type',
  'herald.job-id',
  'herald.pipeline',
  'herald.status',
  'herald.progress',
  'herald.duration-seconds',
  'herald.created-at',
  'herald.finished-at',
  'herald.project-id',
  'herald.batch-id',
  ...COUNT_KEYS.map((k) => `herald.count-${k}`),
].sort();
const TASK_DATA_KEYS = [...JOB_DATA_KEYS, 'herald.task-id', 'herald.node-name', 'herald.attempt', 'herald.error'].sort();

describe('notification channels and routings', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let pc: ProjectsClient;
  let c: HeraldClient;

  beforeAll(async () => {
    // Paths under /fail answer 500 with a JSON body; everything else 200 "ok".
    rx = await new Receiver((req) => (req.path.startsWith('/fail') ? { status: 500, body: '{"error":"down"}' } : { status: 200, body: 'ok' })).start();
    h = await startHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4] } });
    pc = projects(h);
    c = pc.jobs;
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  it('channels: create (201, secret never shown, header values masked), list, get, patch, delete (204 then 404)', async () => {
    const P = 'proj-crud';
    const secret = newSecret();
    const created = await pc.createChannelRaw(P, { name: '  Slack relay ', url: `${rx.url}/crud`, headers: { 'X-Api-Key': 'key-abcdef-7890' }, secret });
    expect(created.status).toBe(201);
    const ch = created.body;
    expect(ch).toEqual({
      id: expect.stringMatching(UUID_V4),
      projectId: P,
      name: 'Slack relay',
      url: `${rx.url}/crud`,
      headers: { 'X-Api-Key': masked('key-abcdef-7890') },
      hasSecret: true,
      events: [],
      status: 'active',
    });
    const plain = await pc.createChannel(P, { name: 'Email bridge', url: `${rx.url}/crud-2` });
    expect(plain).toMatchObject({ projectId: P, name: 'Email bridge', headers: {}, hasSecret: false, events: [] });

    const list = await pc.listChannels(P);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ channels: [ch, plain] });
    const one = await pc.getChannel(P, ch.id);
    expect([one.status, one.body]).toEqual([200, ch]);
    for (const text of [JSON.stringify(created.body), JSON.stringify(list.body), JSON.stringify(one.body)]) {
      expect(text).not.toContain(secret.slice(6));
      expect(text).not.toContain('key-abcdef');
    }

    // PATCH: only the given fields change.
    const patched = await pc.patchChannel(P, ch.id, { name: 'Renamed', url: `${rx.url}/crud-renamed`, headers: { 'X-Other': 'other-value-1111' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...ch, name: 'Renamed', url: `${rx.url}/crud-renamed`, headers: { 'X-Other': masked('other-value-1111') } });
    expect((await pc.getChannel(P, ch.id)).body).toEqual(patched.body);
    expect((await pc.patchChannel(P, plain.id, { secret: newSecret() })).body).toEqual({ ...plain, hasSecret: true });

    // Validation.
    for (const body of [
      { url: `${rx.url}/x` },
      { name: '', url: `${rx.url}/x` },
      { name: 'n', url: 'ftp://example.com/x' },
      { name: 'n', url: `${rx.url}/x`, secret: 'not-a-secret' },
      { name: 'n', url: `${rx.url}/x`, secret: 'whsec_c2hvcnQ=' },
      { name: 'n', url: `${rx.url}/x`, headers: { 'X-Num': 1 } },
      { name: 'n', url: `${rx.url}/x`, headers: { 'bad header': 'v' } },
      { name: 'n', url: `${rx.url}/x`, events: ['job.failed'] },
    ]) {
      const res = await pc.createChannelRaw(P, body);
      expect([JSON.stringify(body), res.status, (res.body as any).error?.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect((await pc.patchChannel(P, ch.id, { url: 'mailto:x@example.com' })).status).toBe(400);
    expect((await pc.patchChannel(P, ch.id, { secret: 'whsec_!!' })).status).toBe(400);
    expect((await pc.createChannelRaw('bad project', { name: 'n', url: `${rx.url}/x` })).status).toBe(400);
    expect((await pc.getChannel(P, ch.id)).body).toEqual(patched.body);

    // A channel belongs to its project.
    const elsewhere = await pc.getChannel('proj-crud-other', ch.id);
    expect([elsewhere.status, (elsewhere.body as any).error.code]).toEqual([404, 'CHANNEL_NOT_FOUND']);
    expect((await pc.patchChannel('proj-crud-other', ch.id, { name: 'x' })).status).toBe(404);
    expect((await pc.deleteChannel('proj-crud-other', ch.id)).status).toBe(404);
    expect((await pc.getChannel(P, 'not-a-uuid')).status).toBe(404);

    expect((await pc.deleteChannel(P, ch.id)).status).toBe(204);
    expect((await pc.getChannel(P, ch.id)).status).toBe(404);
    expect((await pc.deleteChannel(P, ch.id)).status).toBe(404);
    expect((await pc.patchChannel(P, ch.id, { name: 'x' })).status).toBe(404);
    expect((await pc.listChannels(P)).body).toEqual({ channels: [{ ...plain, hasSecret: true }] });
  });

  it('routings: create (201), list, delete; 400 for unknown events and for channels of another project', async () => {
    const P = 'proj-routing';
    const ch = await pc.createChannel(P, { name: 'alerts', url: `${rx.url}/routing` });
    const foreign = await pc.createChannel('proj-routing-other', { name: 'theirs', url: `${rx.url}/routing-other` });

    const r1 = await pc.createRoutingRaw(P, { event: 'job.failed', channelId: ch.id });
    expect(r1.status).toBe(201);
    expect(r1.body).toEqual({ id: expect.stringMatching(UUID_V4), projectId: P, event: 'job.failed', channelId: ch.id, createdAt: expect.stringMatching(ISO_TIME) });
    const r2 = await pc.route(P, 'task.failed', ch.id);
    expect((await pc.getChannel(P, ch.id)).body.events).toEqual(['job.failed', 'task.failed']);
    // The same routing again is the same routing.
    expect((await pc.route(P, 'job.failed', ch.id)).id).toBe(r1.body.id);
    expect((await pc.listRoutings(P)).body).toEqual({ routings: [r1.body, r2] });

    for (const body of [
      { event: 'job.exploded', channelId: ch.id },
      { event: 'task.succeeded', channelId: ch.id },
      { event: 'job.failed' },
      { event: 'job.failed', channelId: 'not-a-uuid' },
      { event: 'job.failed', channelId: ch.id, extra: 1 },
      { event: 'job.failed', channelId: foreign.id },
      { event: 'job.failed', channelId: '00000000-0000-4000-8000-000000000000' },
    ]) {
      const res = await pc.createRoutingRaw(P, body);
      expect([JSON.stringify(body), res.status, (res.body as any).error?.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect((await pc.listRoutings(P)).body.routings).toHaveLength(2);
    expect((await pc.listRoutings('proj-routing-other')).body).toEqual({ routings: [] });

    expect((await pc.deleteRouting(P, r1.body.id)).status).toBe(204);
    expect((await pc.listRoutings(P)).body).toEqual({ routings: [r2] });
    expect((await pc.getChannel(P, ch.id)).body.events).toEqual(['task.failed']);
    expect((await pc.deleteRouting(P, r1.body.id)).status).toBe(404);
    expect((await pc.deleteRouting('proj-routing-other', r2.id)).status).toBe(404);
    expect((await pc.deleteRouting(P, 'nope')).status).toBe(404);

    // Deleting a channel removes its routings.
    expect((await pc.deleteChannel(P, ch.id)).status).toBe(204);
    expect((await pc.listRoutings(P)).body).toEqual({ routings: [] });
  });

  it('a job.failed routing fires only for failed jobs; each routed event reaches its channel only', async () => {
    const P = 'proj-notify';
    const EVENTS = ['job.submitted', 'job.completed', 'job.failed', 'job.stopped', 'task.failed', 'task.retried'];
    const channels: Record<string, ChannelView> = {};
    for (const e of EVENTS) {
      channels[e] = await pc.createChannel(P, { name: `on ${e}`, url: `${rx.url}/n/${e}` });
      await pc.route(P, e, channels[e].id);
    }
    const got = (e: string) => at(rx, `/n/${e}`).map((r) => r.body);

    // A failing job outside the project first: nothing of it may reach the project's channels.
    const outside = await c.submit({ name: 'notify-outside', projectId: 'proj-notify-other', nodes: [{ nodeName: 'n', algorithmName: 'nt-outside', input: [1] }], webhooks: { result: `${rx.url}/sync` } });
    const [o] = await c.acquire('w', ['nt-outside']);
    expect((await c.fail(o.taskId, 'w', 'boom', false)).status).toBe(200);
    await settledExactly(h, outside, 'exec.result', 1);

    const ok = await c.submit({ name: 'notify-ok', projectId: P, batchId: 'b7', nodes: [{ nodeName: 'train', algorithmName: 'nt-ok', input: [1] }] });
    await completeTasks(c, 'nt-ok');
    const bad = await c.submit({ name: 'notify-bad', projectId: P, batchId: 'b7', nodes: [{ nodeName: 'train', algorithmName: 'nt-bad', input: [1] }] });
    const [t1] = await c.acquire('w', ['nt-bad']);
    expect((await c.fail(t1.taskId, 'w', { message: 'out of memory' }, true)).body.state).toBe('pending');
    const [t2] = await eventually(async () => {
      const t = await c.acquire('w', ['nt-bad']);
      return t.length > 0 && t;
    });
    expect(t2.taskId).toBe(t1.taskId);
    expect((await c.fail(t2.taskId, 'w', 'disk full', false)).body.state).toBe('failed');
    const stopped = await c.submit({ name: 'notify-stop', projectId: P, nodes: [{ nodeName: 'train', algorithmName: 'nt-stop', input: [1] }] });
    expect((await c.stop(stopped, 'operator')).status).toBe(200);
    expect([(await c.status(ok)).status, (await c.status(bad)).status, (await c.status(stopped)).status]).toEqual(['completed', 'failed', 'stopped']);

    const want = { 'job.submitted': 3, 'job.completed': 1, 'job.failed': 1, 'job.stopped': 1, 'task.failed': 1, 'task.retried': 1 } as Record<string, number>;
    await eventually(async () => EVENTS.every((e) => got(e).length >= want[e]), 15_000);
    for (const j of [ok, bad, stopped]) await allSettled(h, j);
    for (const e of EVENTS) expect([e, got(e).length]).toEqual([e, want[e]]);
    expect(new Set(got('job.submitted').map((b) => b.data['herald.job-id']))).toEqual(new Set([ok, bad, stopped]));
    expect(got('job.completed').map((b) => b.data['herald.job-id'])).toEqual([ok]);
    expect(got('job.failed').map((b) => b.data['herald.job-id'])).toEqual([bad]);
    expect(got('job.stopped').map((b) => b.data['herald.job-id'])).toEqual([stopped]);
    expect(got('task.failed').map((b) => b.data['herald.job-id'])).toEqual([bad]);
    expect(got('task.retried').map((b) => b.data['herald.job-id'])).toEqual([bad]);
    expect(rx.requests.filter((r) => r.path.startsWith('/n/') && JSON.stringify(r.body).includes(outside))).toEqual([]);
    expect(await deliveries(h, { jobId: outside })).toHaveLength(1);

    // The job.failed payload, exactly.
    const failedStatus = await c.status(bad);
    const badSummary = await summaryOf(h, bad);
    const seconds = (Date.parse(badSummary.finishedAt!) - Date.parse(badSummary.createdAt)) / 1000;
    expect(got('job.failed')[0]).toEqual({
      project: P,
      title: `Job finished: notify-bad/${bad} (failed)`,
      type: 'job_failed',
      body: `Job [notify-bad/${bad}](${PUBLIC_URL}${statusPath(bad)}) finished with status failed after ${duration(seconds)}.\n${failedStatus.data.details}`,
      url: statusPath(bad),
      data: {
        'herald.event-type': 'job.failed',
        'herald.job-id': bad,
        'herald.pipeline': 'notify-bad',
        'herald.status': 'failed',
        'herald.progress': 100,
        'herald.duration-seconds': seconds,
        'herald.created-at': badSummary.createdAt,
        'herald.finished-at': badSummary.finishedAt,
        'herald.project-id': P,
        'herald.batch-id': 'b7',
        'herald.count-succeed': 0,
        'herald.count-failed': 1,
        'herald.count-skipped': 0,
        'herald.count-stopped': 0,
        'herald.count-active': 0,
        'herald.count-pending': 0,
        'herald.count-creating': 0,
      },
    });
    expect(Object.keys(got('job.failed')[0])).toEqual(['project', 'title', 'type', 'body', 'url', 'data']);

    // job.completed and job.stopped: same shape, their own type, title and counts.
    for (const [e, jobId, pipeline, final] of [
      ['job.completed', ok, 'notify-ok', 'completed'],
      ['job.stopped', stopped, 'notify-stop', 'stopped'],
    ] as const) {
      const s = await summaryOf(h, jobId);
      const st = await c.status(jobId);
      const secs = (Date.parse(s.finishedAt!) - Date.parse(s.createdAt)) / 1000;
      expect(got(e)[0]).toEqual({
        project: P,
        title: `Job finished: ${pipeline}/${jobId} (${final})`,
        type: e.replace('.', '_'),
        body: `Job [${pipeline}/${jobId}](${PUBLIC_URL}${statusPath(jobId)}) finished with status ${final} after ${duration(secs)}.\n${st.data.details}`,
        url: statusPath(jobId),
        data: {
          'herald.event-type': e,
          'herald.job-id': jobId,
          'herald.pipeline': pipeline,
          'herald.status': final,
          'herald.progress': Number(st.data.progress),
          'herald.duration-seconds': secs,
          'herald.created-at': s.createdAt,
          'herald.finished-at': s.finishedAt,
          'herald.project-id': P,
          'herald.batch-id': jobId === ok ? 'b7' : null,
          ...countsOf(st.data.states),
        },
      });
    }

    // job.submitted.
    for (const b of got('job.submitted')) {
      const jobId = b.data['herald.job-id'];
      const pipeline = jobId === ok ? 'notify-ok' : jobId === bad ? 'notify-bad' : 'notify-stop';
      expect(b).toMatchObject({ project: P, title: `Job submitted: ${pipeline}/${jobId}`, type: 'job_submitted', body: `Job [${pipeline}/${jobId}](${PUBLIC_URL}${statusPath(jobId)}) was submitted.`, url: statusPath(jobId) });
      expect(Object.keys(b.data).sort()).toEqual(JOB_DATA_KEYS);
      expect(b.data).toMatchObject({ 'herald.event-type': 'job.submitted', 'herald.pipeline': pipeline, 'herald.created-at': (await summaryOf(h, jobId)).createdAt, 'herald.finished-at': null, 'herald.duration-seconds': null, 'herald.project-id': P });
    }

    // Task events carry the task, node, attempt and error.
    const retried = got('task.retried')[0];
    expect(retried).toMatchObject({
      project: P,
      title: `Task retried: notify-bad/${bad} train (attempt 1)`,
      type: 'task_retried',
      body: `Task train (attempt 1) of job [notify-bad/${bad}](${PUBLIC_URL}${statusPath(bad)}): will be retried.\nError: {"message":"out of memory"}`,
      url: statusPath(bad),
    });
    expect(Object.keys(retried.data).sort()).toEqual(TASK_DATA_KEYS);
    expect(retried.data).toMatchObject({ 'herald.event-type': 'task.retried', 'herald.task-id': t1.taskId, 'herald.node-name': 'train', 'herald.attempt': 1, 'herald.error': '{"message":"out of memory"}', 'herald.batch-id': 'b7', 'herald.finished-at': null, 'herald.count-pending': 1, 'herald.count-active': 0 });
    const taskFailed = got('task.failed')[0];
    expect(taskFailed).toMatchObject({
      title: `Task failed: notify-bad/${bad} train (attempt 2)`,
      type: 'task_failed',
      body: `Task train (attempt 2) of job [notify-bad/${bad}](${PUBLIC_URL}${statusPath(bad)}): failed for good.\nError: disk full`,
    });
    expect(taskFailed.data).toMatchObject({ 'herald.event-type': 'task.failed', 'herald.task-id': t1.taskId, 'herald.attempt': 2, 'herald.error': 'disk full', 'herald.count-failed': 1 });
  });

  it('delivery.exhausted fires when a project webhook fails for good (never for failing notifications)', async () => {
    const P = 'proj-exhaust';
    const hookUrl = `${rx.url}/fail/project-hook`;
    await pc.putWebhook(P, undefined, { url: hookUrl });
    const ops = await pc.createChannel(P, { name: 'ops', url: `${rx.url}/exhausted/ops` });
    await pc.route(P, 'delivery.exhausted', ops.id);
    // A channel that always fails: its failure does not raise delivery.exhausted.
    const broken = await pc.createChannel(P, { name: 'broken', url: `${rx.url}/fail/channel` });
    await pc.route(P, 'job.completed', broken.id);
    const projectHook = (await pc.subscriptions({ projectId: P })).find((s) => s.scope === 'project')!;

    const jobId = await c.submit({ name: 'exhaust', projectId: P, batchId: 'b1', nodes: [{ nodeName: 'annotation', algorithmName: 'ex-1', input: [1] }] });
    await completeTasks(c, 'ex-1');
    const [hookMessage] = await settledExactly(h, jobId, 'project.task', 1);
    expect([hookMessage.status, hookMessage.attempts, hookMessage.lastError]).toEqual(['failed', 3, 'HTTP 500; gave up after 3 attempts']);
    const notes = await settledExactly(h, jobId, 'notification', 2);
    expect(notes.map((n) => [n.eventType, n.url, n.status]).sort()).toEqual([
      ['delivery.exhausted', `${rx.url}/exhausted/ops`, 'delivered'],
      ['job.completed', `${rx.url}/fail/channel`, 'failed'],
    ]);
    expect(at(rx, '/fail/project-hook')).toHaveLength(3);
    expect(at(rx, '/fail/channel')).toHaveLength(3);
    expect(at(rx, '/exhausted/ops')).toHaveLength(1);

    const path = `/api/v1/deliveries/${hookMessage.id}`;
    expect(at(rx, '/exhausted/ops')[0].body).toEqual({
      project: P,
      title: `Webhook delivery failed: ${hookUrl} (task.succeeded of ${jobId})`,
      type: 'delivery_exhausted',
      body: `Delivery [${hookMessage.id}](${PUBLIC_URL}${path}) to ${hookUrl} failed for good after 3 attempts: HTTP 500; gave up after 3 attempts.`,
      url: path,
      data: {
        'herald.event-type': 'delivery.exhausted',
        'herald.delivery-id': hookMessage.id,
        'herald.subscription-id': projectHook.id,
        'herald.url': hookUrl,
        'herald.job-id': jobId,
        'herald.delivery-event-type': 'task.succeeded',
        'herald.attempts': 3,
        'herald.last-error': 'HTTP 500; gave up after 3 attempts',
        'herald.project-id': P,
      },
    });
    expect((await pc.getWebhook(P)).lastError).toEqual({ statusCode: 500, message: 'Internal Server Error', body: { error: 'down' }, date: expect.stringMatching(ISO_TIME) });
  });

  it('POST .../channels/{id}/test sends a test message now and returns the attempt', async () => {
    const P = 'proj-test';
    const secret = newSecret();
    const ch = await pc.createChannel(P, { name: 'Pager', url: `${rx.url}/test-ok`, headers: { 'X-Team': 'ops-team-42' }, secret });
    const res = await pc.testChannel(P, ch.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      deliveryId: expect.stringMatching(UUID_V4),
      attempt: 1,
      url: `${rx.url}/test-ok`,
      statusCode: 200,
      statusMessage: 'OK',
      responseBody: 'ok',
      durationMs: expect.any(Number),
      errorCode: null,
      outcome: 'delivered',
      attemptedAt: expect.stringMatching(ISO_TIME),
    });
    // Sent before the answer: no waiting.
    const [sent] = at(rx, '/test-ok');
    expect(at(rx, '/test-ok')).toHaveLength(1);
    const channelPath = `/api/v1/projects/${P}/channels/${ch.id}`;
    expect(sent.body).toEqual({
      project: P,
      title: 'Test notification: Pager',
      type: 'test',
      body: `This is a test notification from [Herald](${PUBLIC_URL}${channelPath}) to channel "Pager".`,
      url: channelPath,
      data: { 'herald.event-type': 'test', 'herald.project-id': P, 'herald.channel-id': ch.id },
    });
    expect(sent.method).toBe('POST');
    expect(sent.headers['x-team']).toBe('ops-team-42');
    expect(sent.headers['webhook-id']).toBe(`msg_${res.body.deliveryId}`);
    expect(verifies(secret, sent)).toBe(true);
    expect(verifies(newSecret(), sent)).toBe(false);
    const recorded = await delivery(h, res.body.deliveryId);
    expect(recorded).toMatchObject({ subscriptionId: ch.id, status: 'delivered', attempts: 1, eventType: 'test', kind: 'notification' });
    expect(recorded.attemptLog.map((a) => [a.attempt, a.statusCode, a.outcome, a.attemptedAt])).toEqual([[1, 200, 'delivered', res.body.attemptedAt]]);

    // A failing test is returned as it is, and kept as the channel's last error (body parsed).
    const down = await pc.createChannel(P, { name: 'Down', url: `${rx.url}/fail/test` });
    const failed = await pc.testChannel(P, down.id);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ attempt: 1, url: `${rx.url}/fail/test`, statusCode: 500, statusMessage: 'Internal Server Error', responseBody: '{"error":"down"}', errorCode: null, outcome: 'failed' });
    expect(at(rx, '/fail/test')).toHaveLength(1);
    const refused = await pc.createChannel(P, { name: 'Nobody', url: `http://127.0.0.1:${await closedPort()}/x` });
    const unreachable = await pc.testChannel(P, refused.id);
    expect(unreachable.body).toMatchObject({ attempt: 1, statusCode: null, statusMessage: null, responseBody: null, errorCode: 'ECONNREFUSED', outcome: 'failed' });

    const subs = await pc.subscriptions({ projectId: P });
    const view = (id: string) => subs.find((s) => s.id === id)!;
    expect(view(ch.id)).toMatchObject({ lastCall: { statusCode: 200, message: 'OK', date: res.body.attemptedAt }, lastError: null, counts: { delivered: 1, failed: 0, pending: 0 } });
    expect(view(down.id)).toMatchObject({
      lastCall: { statusCode: 500, message: 'Internal Server Error', date: failed.body.attemptedAt },
      lastError: { statusCode: 500, message: 'Internal Server Error', body: { error: 'down' }, date: failed.body.attemptedAt },
      counts: { delivered: 0, failed: 1, pending: 0 },
    });
    expect(view(refused.id)).toMatchObject({ lastCall: { statusCode: null, message: 'ECONNREFUSED' }, lastError: { statusCode: null, body: null }, counts: { delivered: 0, failed: 1, pending: 0 } });

    expect((await pc.testChannel(P, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await pc.testChannel('proj-test-other', ch.id)).status).toBe(404);
    expect(at(rx, '/test-ok')).toHaveLength(1);
  });
});
