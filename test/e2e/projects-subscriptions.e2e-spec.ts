import { loadConfig } from '../../src/config/config';
import { ISO_TIME, type HeraldClient } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { allSettled, at, completeTasks, projects, rawText, settledExactly, verifies, type ProjectsClient, type SubscriptionView } from '../support/projects';
import { Receiver, type Received } from '../support/receiver';
import { deliveries, newSecret } from '../support/webhooks';

/**
 * Webhook management across every scope: GET /api/v1/subscriptions lists what Herald would
 * deliver to (job webhooks of the exec request, the batch or else the project webhook, the
 * project's channels) with last call / last error and counts, never a secret; rotate-secret
 * gives a new secret while the old one keeps signing (two v1 signatures).
 */

const masked = (v: string) => '*'.repeat(v.length - 4) + v.slice(-4);
const signatures = (r: Received) => String(r.headers['webhook-signature']).split(' ');

describe('subscriptions of every scope and secret rotation', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let pc: ProjectsClient;
  let c: HeraldClient;

  beforeAll(async () => {
    rx = await new Receiver((req) => (req.path.startsWith('/fail') ? { status: 500, body: '{"error":"down"}' } : { status: 200, body: 'ok' })).start();
    h = await startHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4] } });
    pc = projects(h);
    c = pc.jobs;
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  it('lists every subscription a job delivers to, with lastCall, lastError and counts, and never a secret', async () => {
    const P = 'proj-subs';
    const projectHeader = 'Bearer project-token-AAAA';
    const batchHeader = 'Bearer batch-token-BBBB';
    const channelSecret = newSecret();
    const jobSecret = newSecret();
    await pc.putWebhook(P, undefined, { url: `${rx.url}/s/project`, header: projectHeader });
    await pc.putWebhook(P, 'b1', { url: `${rx.url}/s/batch`, header: batchHeader });
    const feed = await pc.createChannel(P, { name: 'feed', url: `${rx.url}/s/channel`, headers: { 'X-Key': 'channel-key-CCCC' }, secret: channelSecret });
    await pc.route(P, 'job.completed', feed.id);
    const broken = await pc.createChannel(P, { name: 'broken', url: `${rx.url}/fail/channel` });
    await pc.route(P, 'job.completed', broken.id);

    const jobId = await c.submit({
      name: 'subs',
      projectId: P,
      batchId: 'b1',
      nodes: [{ nodeName: 'annotation', algorithmName: 'subs-1', input: ['#[1,2]'] }],
      webhooks: { progress: `${rx.url}/s/progress`, result: `${rx.url}/s/result`, secret: jobSecret, headers: { 'X-Job-Token': 'job-token-DDDD' } },
    });
    await completeTasks(c, 'subs-1');
    await settledExactly(h, jobId, 'project.task', 2);
    await settledExactly(h, jobId, 'notification', 2);
    await settledExactly(h, jobId, 'exec.result', 1);
    const messages = await allSettled(h, jobId);

    const list = await pc.subscriptions({ jobId });
    // The batch webhook overrides the project's: the project webhook is not among them.
    expect(list.map((s) => [s.scope, s.format, s.url]).sort()).toEqual(
      [
        ['batch', 'project.task', `${rx.url}/s/batch`],
        ['channel', 'notification', `${rx.url}/fail/channel`],
        ['channel', 'notification', `${rx.url}/s/channel`],
        ['job', 'exec.progress', `${rx.url}/s/progress`],
        ['job', 'exec.result', `${rx.url}/s/result`],
      ].sort(),
    );
    // Counts agree with the job's messages (all of these subscriptions only ever served this job).
    for (const s of list) {
      const mine = messages.filter((m) => m.subscriptionId === s.id);
      expect([s.url, s.counts]).toEqual([
        s.url,
        {
          delivered: mine.filter((m) => m.status === 'delivered').length,
          failed: mine.filter((m) => m.status === 'failed').length,
          pending: mine.filter((m) => m.status === 'pending' || m.status === 'retrying').length,
          skipped: 0,
        },
      ]);
    }
    const byUrl = (path: string): SubscriptionView => list.find((s) => s.url === `${rx.url}${path}`)!;
    const lastOk = { statusCode: 200, message: 'OK', date: expect.stringMatching(ISO_TIME) };
    expect(byUrl('/s/batch')).toMatchObject({ scopeId: `${P}/b1`, headers: { Authorization: masked(batchHeader) }, hasSecret: false, lastCall: lastOk, lastError: null, counts: { delivered: 2, failed: 0, pending: 0, skipped: 0 }, status: 'active' });
    expect(byUrl('/s/channel')).toMatchObject({ scopeId: P, name: 'feed', headers: { 'X-Key': masked('channel-key-CCCC') }, hasSecret: true, eventTypes: ['job.completed'], lastCall: lastOk, lastError: null, counts: { delivered: 1, failed: 0, pending: 0, skipped: 0 } });
    expect(byUrl('/fail/channel')).toMatchObject({
      name: 'broken',
      hasSecret: false,
      lastCall: { statusCode: 500, message: 'Internal Server Error', date: expect.stringMatching(ISO_TIME) },
      lastError: { statusCode: 500, message: 'Internal Server Error', body: { error: 'down' }, date: expect.stringMatching(ISO_TIME) },
      counts: { delivered: 0, failed: 1, pending: 0, skipped: 0 },
    });
    expect(byUrl('/s/result')).toMatchObject({ scopeId: jobId, headers: { 'X-Job-Token': masked('job-token-DDDD') }, hasSecret: true, lastCall: lastOk, counts: { delivered: 1, failed: 0, pending: 0, skipped: 0 } });
    expect(byUrl('/s/progress')).toMatchObject({ scopeId: jobId, hasSecret: true, lastCall: lastOk, lastError: null });
    expect(byUrl('/s/progress').counts.delivered).toBeGreaterThanOrEqual(1);
    expect(at(rx, '/s/project')).toEqual([]);

    // By project: the project webhook too (it covers the project's other batches).
    const ofProject = await pc.subscriptions({ projectId: P });
    expect(ofProject.map((s) => s.url).sort()).toEqual([...list.map((s) => s.url), `${rx.url}/s/project`].sort());
    expect(ofProject.find((s) => s.scope === 'project')).toMatchObject({ scopeId: P, headers: { Authorization: masked(projectHeader) }, lastCall: null, lastError: null, counts: { delivered: 0, failed: 0, pending: 0, skipped: 0 } });
    expect((await pc.subscriptions({ projectId: P, jobId })).map((s) => s.id)).toEqual(list.map((s) => s.id));
    expect((await pc.subscriptions({ projectId: 'proj-subs-other', jobId })).map((s) => s.format).sort()).toEqual(['exec.progress', 'exec.result']);

    // A job of another batch: the project webhook instead of b1's.
    const other = await c.submit({ name: 'subs', projectId: P, batchId: 'b2', nodes: [{ nodeName: 'annotation', algorithmName: 'subs-2', input: [1] }] });
    expect((await pc.subscriptions({ jobId: other })).map((s) => [s.scope, s.url]).sort()).toEqual(
      [
        ['channel', `${rx.url}/fail/channel`],
        ['channel', `${rx.url}/s/channel`],
        ['project', `${rx.url}/s/project`],
      ].sort(),
    );
    await completeTasks(c, 'subs-2');
    await settledExactly(h, other, 'project.task', 1);
    expect((await pc.subscriptions({ jobId: other })).find((s) => s.scope === 'project')!.counts).toEqual({ delivered: 1, failed: 0, pending: 0, skipped: 0 });

    // No secret and no clear header value anywhere, whatever the filter.
    for (const path of [`/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}`, `/api/v1/subscriptions?projectId=${P}`, '/api/v1/subscriptions', `/api/v1/projects/${P}/channels`]) {
      const text = await rawText(h, path);
      for (const secret of [channelSecret, jobSecret]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secret.slice(6));
      }
      expect(text).not.toContain('whsec_');
      for (const clear of ['project-token', 'batch-token', 'channel-key', 'job-token']) expect(text).not.toContain(clear);
    }

    const unknown = await pc.call('GET', '/api/v1/subscriptions?jobId=no-such-job');
    expect(unknown.status).toBe(404);
    expect((await pc.call('GET', '/api/v1/subscriptions?limit=0')).status).toBe(400);
  });

  it("rotating a channel's secret: the next delivery carries two v1 signatures, verified by the old and the new secret", async () => {
    const P = 'proj-rotate';
    const s1 = newSecret();
    const ch = await pc.createChannel(P, { name: 'signed', url: `${rx.url}/r/channel`, secret: s1 });
    await pc.route(P, 'job.completed', ch.id);
    const runJob = async (algorithm: string): Promise<Received> => {
      const jobId = await c.submit({ name: 'rotate', projectId: P, nodes: [{ nodeName: 'n', algorithmName: algorithm, input: [1] }] });
      await completeTasks(c, algorithm);
      await settledExactly(h, jobId, 'notification', 1);
      return eventually(async () => at(rx, '/r/channel').find((r) => r.body.data['herald.job-id'] === jobId));
    };

    const before = await runJob('rot-1');
    expect(signatures(before)).toHaveLength(1);
    expect(signatures(before)[0]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(verifies(s1, before)).toBe(true);

    const asked = Date.now();
    const rotated = await pc.rotate(ch.id);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ id: ch.id, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+={0,2}$/), previousSecretExpiresAt: expect.stringMatching(ISO_TIME) });
    const s2 = rotated.body.secret;
    expect(s2).not.toBe(s1);
    expect(Buffer.from(s2.slice(6), 'base64').length).toBeGreaterThanOrEqual(16);
    // The old secret signs for 24 h.
    const overlap = Date.parse(rotated.body.previousSecretExpiresAt!) - asked;
    expect(overlap).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(overlap).toBeLessThan(24 * 3600_000 + 60_000);
    const view = (await pc.subscriptions({ projectId: P })).find((s) => s.id === ch.id)!;
    expect(view).toMatchObject({ hasSecret: true, previousSecretExpiresAt: rotated.body.previousSecretExpiresAt });
    const listed = await rawText(h, `/api/v1/subscriptions?projectId=${P}`);
    for (const s of [s1, s2]) expect(listed).not.toContain(s.slice(6));

    const during = await runJob('rot-2');
    const sigs = signatures(during);
    expect(sigs).toHaveLength(2);
    for (const s of sigs) expect(s).toMatch(/^v1,/);
    expect(new Set(sigs).size).toBe(2);
    expect(verifies(s1, during)).toBe(true);
    expect(verifies(s2, during)).toBe(true);
    expect(verifies(newSecret(), during)).toBe(false);
    // One signature per secret: each secret verifies exactly one of the two entries, not the same one.
    const only = (sig: string) => ({ ...during, headers: { ...during.headers, 'webhook-signature': sig } });
    const byOld = sigs.filter((sig) => verifies(s1, only(sig)));
    const byNew = sigs.filter((sig) => verifies(s2, only(sig)));
    expect([byOld.length, byNew.length]).toEqual([1, 1]);
    expect(byOld[0]).not.toBe(byNew[0]);

    // A second rotation: the first secret no longer signs; the second and the third do.
    const s3 = (await pc.rotate(ch.id)).body.secret;
    const after = await runJob('rot-3');
    expect(signatures(after)).toHaveLength(2);
    expect([verifies(s1, after), verifies(s2, after), verifies(s3, after)]).toEqual([false, true, true]);

    // A leaked secret: rotated with no overlap, the old one (and the one before) sign nothing from the next attempt on.
    const revoked = await pc.rotate(ch.id, { previousSecretValidSeconds: 0 });
    expect(revoked.body).toEqual({ id: ch.id, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: null });
    const s4 = revoked.body.secret;
    expect((await pc.subscriptions({ projectId: P })).find((s) => s.id === ch.id)).toMatchObject({ hasSecret: true, previousSecretExpiresAt: null });
    const afterRevoke = await runJob('rot-4');
    expect(signatures(afterRevoke)).toHaveLength(1);
    expect([verifies(s2, afterRevoke), verifies(s3, afterRevoke), verifies(s4, afterRevoke)]).toEqual([false, false, true]);
    // A chosen overlap, and values out of range.
    const hour = await pc.rotate(ch.id, { previousSecretValidSeconds: 3600 });
    const hourOverlap = Date.parse(hour.body.previousSecretExpiresAt!) - Date.now();
    expect(hourOverlap).toBeGreaterThan(3600_000 - 60_000);
    expect(hourOverlap).toBeLessThan(3600_000 + 60_000);
    for (const bad of [{ previousSecretValidSeconds: -1 }, { previousSecretValidSeconds: 7 * 24 * 3600 + 1 }, { previousSecretValidSeconds: 1.5 }, { previousSecretValidSeconds: '0x10' }, { previousSecretValidSeconds: '0' }, { keep: 1 }]) {
      const r = await pc.rotate(ch.id, bad);
      expect([r.status, (r.body as any).error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it("rotating a job subscription's secret mid-job: its result arrives signed with both secrets", async () => {
    const j1 = newSecret();
    const jobId = await c.submit({ name: 'rotate-job', nodes: [{ nodeName: 'n', algorithmName: 'rot-job', input: [1] }], webhooks: { result: `${rx.url}/r/result`, secret: j1 } });
    const [sub] = await pc.subscriptions({ jobId });
    expect(sub).toMatchObject({ scope: 'job', scopeId: jobId, format: 'exec.result', hasSecret: true, previousSecretExpiresAt: null });
    const rotated = await pc.rotate(sub.id);
    expect(rotated.status).toBe(200);
    const j2 = rotated.body.secret;
    await completeTasks(c, 'rot-job');
    await settledExactly(h, jobId, 'exec.result', 1);
    const [r] = await eventually(async () => at(rx, '/r/result').filter((x) => x.body.jobId === jobId).length === 1 && at(rx, '/r/result').filter((x) => x.body.jobId === jobId));
    expect(signatures(r)).toHaveLength(2);
    expect([verifies(j1, r), verifies(j2, r)]).toEqual([true, true]);
    expect(r.body).toEqual((await c.call('GET', `/api/v1/exec/results/${encodeURIComponent(jobId)}`)).body);
  });

  it('rotate-secret gives an unsigned webhook its first secret; unknown or deleted subscriptions are 404', async () => {
    const P = 'proj-rotate-first';
    await pc.putWebhook(P, undefined, { url: `${rx.url}/r/project` });
    const hook = (await pc.subscriptions({ projectId: P })).find((s) => s.scope === 'project')!;
    expect(hook.hasSecret).toBe(false);
    const rotated = await pc.rotate(hook.id);
    expect(rotated.body).toEqual({ id: hook.id, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: null });
    const jobId = await c.submit({ name: 'first-secret', projectId: P, nodes: [{ nodeName: 'n', algorithmName: 'rot-first', input: [1] }] });
    await completeTasks(c, 'rot-first');
    await settledExactly(h, jobId, 'project.task', 1);
    const [r] = await eventually(async () => at(rx, '/r/project').length === 1 && at(rx, '/r/project'));
    expect(signatures(r)).toHaveLength(1);
    expect(verifies(rotated.body.secret, r)).toBe(true);
    // GET of the seed's route still shows no secret.
    expect(JSON.stringify(await pc.getWebhook(P))).not.toContain(rotated.body.secret.slice(6));

    const missing = await pc.rotate('00000000-0000-4000-8000-000000000000');
    expect([missing.status, (missing.body as any).error.code]).toEqual([404, 'SUBSCRIPTION_NOT_FOUND']);
    expect((await pc.rotate('not-a-uuid')).status).toBe(404);
    const ch = await pc.createChannel(P, { name: 'gone', url: `${rx.url}/r/gone`, secret: newSecret() });
    expect((await pc.deleteChannel(P, ch.id)).status).toBe(204);
    expect((await pc.rotate(ch.id)).status).toBe(404);
    expect((await deliveries(h, { jobId })).map((d) => d.kind)).toEqual(['project.task']);
  });
});
