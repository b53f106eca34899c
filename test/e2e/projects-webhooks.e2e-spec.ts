import { loadConfig } from '../../src/config/config';
import { ISO_TIME, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { completeTasks, projects, settledExactly, at, type ProjectsClient } from '../support/projects';
import { queues } from '../support/queues';
import { Receiver, type Received } from '../support/receiver';
import { deliveries, delivery } from '../support/webhooks';

/**
 * Seed 003: a webhook per project or per batch. It fires once per completed task of a job in the
 * batch with `{ workflowId, type, taskId, batchId, projectId }` and the header as Authorization;
 * a batch's own webhook overrides the project's; GET shows the masked header, the last call and
 * the last error (with the receiver's body); updating keeps both.
 */

const masked = (v: string) => '*'.repeat(v.length - 4) + v.slice(-4);

describe('project and batch webhooks', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let pc: ProjectsClient;
  let c: HeraldClient;
  /** Planned answers per workflowId (first request first); 200 "ok" when none is left. */
  const plans = new Map<string, Array<{ status: number; body: string }>>();

  beforeAll(async () => {
    rx = await new Receiver((req) => {
      const planned = plans.get(req.body?.workflowId)?.shift();
      return planned ?? { status: 200, body: 'ok' };
    }).start();
    h = await startHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4] } });
    pc = projects(h);
    c = pc.jobs;
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  const forJob = (path: string, jobId: string): Received[] => at(rx, path).filter((r) => r.body?.workflowId === jobId);

  it('reaches a batch created after it was set: one POST per completed task, exact body, Authorization header', async () => {
    const P = 'proj-late';
    const header = 'Bearer late-token-1234';
    const put = await pc.putWebhook(P, undefined, { url: `${rx.url}/late`, header });
    expect(put).toEqual({
      url: `${rx.url}/late`,
      header: masked(header),
      updatedAt: expect.stringMatching(ISO_TIME),
      lastCall: null,
      lastError: null,
      status: 'active',
      disabledReason: null,
      disabledAt: null,
      skippedEvents: 0,
      failingSince: null,
    });
    expect(put.header).toBe('******************1234');

    // The batch did not exist when the webhook was set.
    const jobId = await c.submit({
      name: 'late-batch',
      projectId: P,
      batchId: 'b-after',
      nodes: [
        { nodeName: 'annotation', algorithmName: 'late-annotate', input: ['#[1,2]'] },
        { nodeName: 'review', algorithmName: 'late-review', input: [1] },
      ],
    });
    expect(await c.status(jobId)).toMatchObject({ jobId, projectId: P, batchId: 'b-after' });
    const done = [...(await completeTasks(c, 'late-annotate')), ...(await completeTasks(c, 'late-review'))];
    expect(done).toHaveLength(3);
    expect((await c.status(jobId)).status).toBe('completed');

    const messages = await settledExactly(h, jobId, 'project.task', 3);
    expect(messages.map((m) => m.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const got = await eventually(async () => forJob('/late', jobId).length === 3 && forJob('/late', jobId));
    const expected = done.map((t) => ({ workflowId: jobId, type: t.nodeName, taskId: t.taskId, batchId: 'b-after', projectId: P }));
    const byTask = (a: { taskId: string }, b: { taskId: string }) => a.taskId.localeCompare(b.taskId);
    expect(got.map((r) => r.body).sort(byTask)).toEqual(expected.sort(byTask));
    for (const r of got) {
      expect(r.method).toBe('POST');
      expect(r.headers.authorization).toBe(header);
      expect(r.headers['content-type']).toBe('application/json');
      expect(Object.keys(r.body)).toEqual(['workflowId', 'type', 'taskId', 'batchId', 'projectId']);
    }
    // Each task exactly once.
    expect(new Set(got.map((r) => r.body.taskId)).size).toBe(3);

    // The webhook's log now shows the last call.
    const after = await pc.getWebhook(P);
    expect(after).toEqual({ url: `${rx.url}/late`, header: masked(header), updatedAt: put.updatedAt, lastCall: { statusCode: 200, message: 'OK', date: expect.stringMatching(ISO_TIME) }, lastError: null, status: 'active', disabledReason: null, disabledAt: null, skippedEvents: 0, failingSince: null });
  });

  it('also fires for a job of the project without a batch (batchId null) and for queue requests with X-Project-Id / X-Batch-Id', async () => {
    const P = 'proj-queue';
    await pc.putWebhook(P, undefined, { url: `${rx.url}/pq` });

    const noBatch = await c.submit({ name: 'no-batch', projectId: P, nodes: [{ nodeName: 'only', algorithmName: 'pq-plain', input: [1] }] });
    const status = await c.status(noBatch);
    expect(status.projectId).toBe(P);
    expect('batchId' in status).toBe(false);
    const [plain] = await completeTasks(c, 'pq-plain');
    await settledExactly(h, noBatch, 'project.task', 1);
    const [r1] = await eventually(async () => forJob('/pq', noBatch).length === 1 && forJob('/pq', noBatch));
    expect(r1.body).toEqual({ workflowId: noBatch, type: 'only', taskId: plain.taskId, batchId: null, projectId: P });
    expect(r1.headers.authorization).toBeUndefined();

    const q = queues(h.baseUrl);
    const submitted = await q.submit('pq-requests', { text: 'label me' }, { headers: { 'X-Project-Id': P, 'X-Batch-Id': 'b-queue' } });
    const requestId = String(submitted.jobId);
    expect(await c.status(requestId)).toMatchObject({ jobId: requestId, projectId: P, batchId: 'b-queue' });
    const [task] = await q.acquire('w-pq', ['pq-requests']);
    expect((await q.complete(task.taskId, 'w-pq', { label: 'cat' })).status).toBe(200);
    await settledExactly(h, requestId, 'project.task', 1);
    const [r2] = await eventually(async () => forJob('/pq', requestId).length === 1 && forJob('/pq', requestId));
    expect(r2.body).toEqual({ workflowId: requestId, type: 'pq-requests', taskId: task.taskId, batchId: 'b-queue', projectId: P });

    // A batch needs its project.
    const bad = await q.submitRaw('pq-requests', { x: 1 }, { headers: { 'X-Batch-Id': 'b-queue' } });
    expect(bad.status).toBe(400);
    expect((await c.call('POST', '/api/v1/exec/raw', { name: 'x', batchId: 'b', nodes: [{ nodeName: 'n', algorithmName: 'a' }] })).status).toBe(400);
  });

  it('does not fire for jobs of other projects or without a project', async () => {
    const P = 'proj-alone';
    await pc.putWebhook(P, undefined, { url: `${rx.url}/alone` });
    const other = await c.submit({ name: 'other', projectId: 'proj-other', batchId: 'b1', nodes: [{ nodeName: 'n', algorithmName: 'alone-other', input: [1] }], webhooks: { result: `${rx.url}/alone-sync` } });
    const none = await c.submit({ name: 'none', nodes: [{ nodeName: 'n', algorithmName: 'alone-none', input: [1] }], webhooks: { result: `${rx.url}/alone-sync` } });
    await completeTasks(c, 'alone-other');
    await completeTasks(c, 'alone-none');
    // The result webhook comes from the last event: every event of both jobs has been fanned out.
    await settledExactly(h, other, 'exec.result', 1);
    await settledExactly(h, none, 'exec.result', 1);
    expect((await deliveries(h, { jobId: other })).map((d) => d.kind)).toEqual(['exec.result']);
    expect((await deliveries(h, { jobId: none })).map((d) => d.kind)).toEqual(['exec.result']);
    expect(at(rx, '/alone')).toEqual([]);
  });

  it("a batch webhook overrides the project's; updating keeps its history and last call; DELETE falls back to the project webhook", async () => {
    const P = 'proj-override';
    const projectHeader = 'Bearer project-level-0001';
    const batchHeader = 'Token batch-b1-9876';
    await pc.putWebhook(P, undefined, { url: `${rx.url}/ovr-project`, header: projectHeader });
    const putBatch = await pc.putWebhook(P, 'b1', { url: `${rx.url}/ovr-b1`, header: batchHeader });
    expect(putBatch).toEqual({ url: `${rx.url}/ovr-b1`, header: masked(batchHeader), updatedAt: expect.stringMatching(ISO_TIME), lastCall: null, lastError: null, status: 'active', disabledReason: null, disabledAt: null, skippedEvents: 0, failingSince: null });
    expect(await pc.getWebhook(P, 'b1')).toEqual(putBatch);

    const inB1 = await c.submit({ name: 'ovr', projectId: P, batchId: 'b1', nodes: [{ nodeName: 'annotation', algorithmName: 'ovr-1', input: ['#[1,2]'] }] });
    const inB2 = await c.submit({ name: 'ovr', projectId: P, batchId: 'b2', nodes: [{ nodeName: 'annotation', algorithmName: 'ovr-2', input: [1] }] });
    await completeTasks(c, 'ovr-1');
    await completeTasks(c, 'ovr-2');
    const b1Messages = await settledExactly(h, inB1, 'project.task', 2);
    const b2Messages = await settledExactly(h, inB2, 'project.task', 1);
    expect(new Set(b1Messages.map((m) => m.url))).toEqual(new Set([`${rx.url}/ovr-b1`]));
    expect(b2Messages.map((m) => m.url)).toEqual([`${rx.url}/ovr-project`]);
    await eventually(async () => at(rx, '/ovr-b1').length === 2 && at(rx, '/ovr-project').length === 1);
    expect(at(rx, '/ovr-b1').map((r) => [r.body.workflowId, r.body.batchId, r.headers.authorization])).toEqual([
      [inB1, 'b1', batchHeader],
      [inB1, 'b1', batchHeader],
    ]);
    expect(at(rx, '/ovr-project').map((r) => [r.body.workflowId, r.body.batchId, r.headers.authorization])).toEqual([[inB2, 'b2', projectHeader]]);

    // Updating the batch webhook keeps the same subscription: its delivery history and last call.
    const before = await pc.getWebhook(P, 'b1');
    expect(before.lastCall).toEqual({ statusCode: 200, message: 'OK', date: expect.stringMatching(ISO_TIME) });
    const batchSub = (await pc.subscriptions({ projectId: P })).find((s) => s.scope === 'batch')!;
    expect(batchSub).toMatchObject({ scopeId: `${P}/b1`, url: `${rx.url}/ovr-b1`, counts: { delivered: 2, failed: 0, pending: 0 } });
    const newHeader = 'Token rotated-header-5555';
    const updated = await pc.putWebhook(P, 'b1', { url: `${rx.url}/ovr-b1-v2`, header: newHeader });
    expect(updated).toEqual({ url: `${rx.url}/ovr-b1-v2`, header: masked(newHeader), updatedAt: expect.stringMatching(ISO_TIME), lastCall: before.lastCall, lastError: null, status: 'active', disabledReason: null, disabledAt: null, skippedEvents: 0, failingSince: null });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
    const batchSubs = (await pc.subscriptions({ projectId: P })).filter((s) => s.scope === 'batch');
    expect(batchSubs).toHaveLength(1);
    expect(batchSubs[0]).toMatchObject({ id: batchSub.id, url: `${rx.url}/ovr-b1-v2`, counts: { delivered: 2, failed: 0, pending: 0 } });

    const again = await c.submit({ name: 'ovr', projectId: P, batchId: 'b1', nodes: [{ nodeName: 'review', algorithmName: 'ovr-3', input: [1] }] });
    await completeTasks(c, 'ovr-3');
    expect((await settledExactly(h, again, 'project.task', 1)).map((m) => [m.url, m.subscriptionId, m.status])).toEqual([[`${rx.url}/ovr-b1-v2`, batchSub.id, 'delivered']]);
    await eventually(async () => at(rx, '/ovr-b1-v2').length === 1);
    expect(at(rx, '/ovr-b1-v2')[0].headers.authorization).toBe(newHeader);
    expect(at(rx, '/ovr-b1')).toHaveLength(2);
    expect((await pc.subscriptions({ projectId: P })).find((s) => s.id === batchSub.id)!.counts).toEqual({ delivered: 3, failed: 0, pending: 0, skipped: 0 });

    // DELETE removes the batch webhook: b1 falls back to the project webhook.
    expect((await pc.deleteWebhook(P, 'b1')).status).toBe(204);
    const gone = await pc.getWebhookRaw(P, 'b1');
    expect(gone.status).toBe(404);
    expect((gone.body as any).error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await pc.deleteWebhook(P, 'b1')).status).toBe(404);
    const fallback = await c.submit({ name: 'ovr', projectId: P, batchId: 'b1', nodes: [{ nodeName: 'review', algorithmName: 'ovr-4', input: [1] }] });
    await completeTasks(c, 'ovr-4');
    expect((await settledExactly(h, fallback, 'project.task', 1)).map((m) => m.url)).toEqual([`${rx.url}/ovr-project`]);
    await eventually(async () => at(rx, '/ovr-project').length === 2);
    expect(at(rx, '/ovr-project')[1].body.workflowId).toBe(fallback);
    expect(at(rx, '/ovr-project')[1].headers.authorization).toBe(projectHeader);
    expect(at(rx, '/ovr-b1-v2')).toHaveLength(1);

    // DELETE on the project route removes the project webhook too.
    expect((await pc.deleteWebhook(P)).status).toBe(204);
    expect((await pc.getWebhookRaw(P)).status).toBe(404);
  });

  it('lastError keeps the receiver\'s 400 body (parsed JSON, or text) while lastCall shows the latest call', async () => {
    const P = 'proj-errors';
    await pc.putWebhook(P, undefined, { url: `${rx.url}/errors`, header: 'secret-auth-abcd' });

    const first = await c.submit({ name: 'err', projectId: P, batchId: 'b', nodes: [{ nodeName: 'annotation', algorithmName: 'err-1', input: [1] }] });
    plans.set(first, [{ status: 400, body: JSON.stringify({ error: 'invalid task', details: { field: 'taskId' } }) }]);
    await completeTasks(c, 'err-1');
    const [m1] = await settledExactly(h, first, 'project.task', 1);
    expect([m1.status, m1.attempts]).toEqual(['delivered', 2]);
    const log1 = (await delivery(h, m1.id)).attemptLog;
    expect(log1.map((a) => [a.statusCode, a.outcome])).toEqual([[400, 'retrying'], [200, 'delivered']]);
    const afterFirst = await pc.getWebhook(P);
    expect(afterFirst.lastCall).toEqual({ statusCode: 200, message: 'OK', date: log1[1].attemptedAt });
    expect(afterFirst.lastError).toEqual({ statusCode: 400, message: 'Bad Request', body: { error: 'invalid task', details: { field: 'taskId' } }, date: log1[0].attemptedAt });
    expect(afterFirst.header).toBe('************abcd');

    // A later successful call moves lastCall; lastError stays.
    const second = await c.submit({ name: 'err', projectId: P, batchId: 'b', nodes: [{ nodeName: 'annotation', algorithmName: 'err-2', input: [1] }] });
    await completeTasks(c, 'err-2');
    const [m2] = await settledExactly(h, second, 'project.task', 1);
    const log2 = (await delivery(h, m2.id)).attemptLog;
    expect(log2.map((a) => a.statusCode)).toEqual([200]);
    expect(await pc.getWebhook(P)).toEqual({ ...afterFirst, lastCall: { statusCode: 200, message: 'OK', date: log2[0].attemptedAt } });

    // A text body is kept as text.
    const third = await c.submit({ name: 'err', projectId: P, batchId: 'b', nodes: [{ nodeName: 'annotation', algorithmName: 'err-3', input: [1] }] });
    plans.set(third, [{ status: 400, body: 'plain failure' }]);
    await completeTasks(c, 'err-3');
    const [m3] = await settledExactly(h, third, 'project.task', 1);
    const log3 = (await delivery(h, m3.id)).attemptLog;
    expect(log3.map((a) => a.statusCode)).toEqual([400, 200]);
    const afterThird = await pc.getWebhook(P);
    expect(afterThird.lastCall).toEqual({ statusCode: 200, message: 'OK', date: log3[1].attemptedAt });
    expect(afterThird.lastError).toEqual({ statusCode: 400, message: 'Bad Request', body: 'plain failure', date: log3[0].attemptedAt });
    // The retry sent the same body.
    const calls = forJob('/errors', third);
    expect(calls).toHaveLength(2);
    expect(calls[1].raw).toBe(calls[0].raw);
  });

  it('validates the webhook (http/https url, single-line header, ids) and answers 404 for a webhook that is not set', async () => {
    const P = 'proj-validate';
    for (const body of [
      { url: 'ftp://example.com/hook' },
      { url: 'not a url' },
      { url: 'javascript:alert(1)' },
      {},
      { url: `${rx.url}/v`, header: 'two\nlines' },
      { url: `${rx.url}/v`, header: 42 },
      { url: `${rx.url}/v`, extra: true },
    ]) {
      const res = await pc.putWebhookRaw(P, undefined, body);
      expect([JSON.stringify(body), res.status, (res.body as any).error?.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
      expect((await pc.putWebhookRaw(P, 'b1', body)).status).toBe(400);
    }
    expect((await pc.putWebhookRaw('bad project', undefined, { url: `${rx.url}/v` })).status).toBe(400);
    expect((await pc.putWebhookRaw(P, '-bad-batch', { url: `${rx.url}/v` })).status).toBe(400);
    // Nothing was stored.
    const missing = await pc.getWebhookRaw(P);
    expect(missing.status).toBe(404);
    expect((missing.body as any).error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await pc.getWebhookRaw(P, 'b1')).status).toBe(404);
    expect((await pc.deleteWebhook(P)).status).toBe(404);
    expect((await pc.deleteWebhook(P, 'b1')).status).toBe(404);

    // https is accepted; a batch webhook is not inherited by GET of another batch.
    await pc.putWebhook(P, undefined, { url: 'https://hooks.example.com/herald' });
    expect((await pc.getWebhook(P)).url).toBe('https://hooks.example.com/herald');
    expect((await pc.getWebhookRaw(P, 'b1')).status).toBe(404);
  });

  it('shows a webhook its endpoint turned off with 410 Gone, with the reason and the task calls it skipped since; a PUT turns it on again', async () => {
    const P = 'proj-gone';
    await pc.putWebhook(P, undefined, { url: `${rx.url}/gone` });
    const jobId = await c.submit({ name: 'gone-batch', projectId: P, nodes: [{ nodeName: 'n', algorithmName: 'gone-alg', input: ['#[1,2,3]'] }] });
    plans.set(jobId, [{ status: 410, body: 'gone' }]);
    const [first] = await c.acquire('w-gone', ['gone-alg'], 1);
    expect((await c.complete(first.taskId, 'w-gone', 1)).status).toBe(200);
    const off = await eventually(async () => {
      const hook = await pc.getWebhook(P);
      return hook.status === 'disabled' && hook;
    });
    // The 410 was a failed attempt: the streak it started shows (auto-disable's failingSince).
    expect(off).toMatchObject({ status: 'disabled', disabledReason: 'endpoint answered 410 Gone', skippedEvents: 0, disabledAt: expect.stringMatching(ISO_TIME), failingSince: expect.stringMatching(ISO_TIME) });
    // Two more tasks complete: no request, two skipped.
    expect(await completeTasks(c, 'gone-alg')).toHaveLength(2);
    await eventually(async () => (await pc.getWebhook(P)).skippedEvents === 2);
    expect(forJob('/gone', jobId)).toHaveLength(1);
    const on = await pc.putWebhook(P, undefined, { url: `${rx.url}/gone` });
    // A PUT turns it on again and ends the streak.
    expect(on).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null, failingSince: null });
  });
});
