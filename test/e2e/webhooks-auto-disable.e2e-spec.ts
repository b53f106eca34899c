import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/config';
import { ISO_TIME, type HeraldClient } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { at, completeTasks, projects, settledExactly, type ProjectsClient, type SubscriptionView } from '../support/projects';
import { Receiver } from '../support/receiver';
import { deliveries } from '../support/webhooks';

/**
 * Issue 13, auto-disable: a subscription whose every attempt has failed for 5 days
 * (HERALD_WEBHOOK_DISABLE_AFTER_DAYS) is disabled at its first failed attempt past them, with one
 * subscription.disabled notice to the project's channels routed for it; a 2xx in between starts
 * the 5 days again; a 410 Gone sends the same notice; POST /api/v1/subscriptions/{id}/enable
 * turns it on again and, with recoverSince, sends what failed again. Herald's clock is moved
 * ahead between attempts (the one instance's Clock, as streams-events.e2e-spec.ts does); every
 * attempt is a first attempt of a new message (one attempt each: retrySchedule [0]).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PUBLIC_URL = loadConfig({}).publicUrl;

describe('auto-disable of failing subscriptions, and enable + recover', () => {
  let h: RunningHerald;
  let pc: ProjectsClient;
  let c: HeraldClient;
  /** Where the subscription.disabled notices go (always 200). */
  let ops: Receiver;
  /** Herald's clock is real time plus this. */
  let offset = 0;
  let steps = 0;

  beforeAll(async () => {
    ops = await new Receiver().start();
    h = await startHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0], timeoutMs: 2000 } });
    const clock = h.app.get(Clock);
    clock.now = () => new Date(Date.now() + offset);
    pc = projects(h);
    c = pc.jobs;
  });
  afterAll(async () => {
    await h.close();
    await ops.stop();
  });

  /** A job of the project whose `tasks` tasks complete: one project.task message each, attempted once; waits until all are on record. */
  async function step(projectId: string, tasks = 1): Promise<string> {
    const alg = `auto-${++steps}`;
    const input = tasks === 1 ? [1] : [`#[${Array.from({ length: tasks }, (_, i) => i + 1).join(',')}]`];
    const jobId = await c.submit({ name: 'auto', projectId, nodes: [{ nodeName: 'n', algorithmName: alg, input }] });
    expect(await completeTasks(c, alg)).toHaveLength(tasks);
    await settledExactly(h, jobId, 'project.task', tasks);
    return jobId;
  }

  const hookOf = async (projectId: string): Promise<SubscriptionView> => (await pc.subscriptions({ projectId })).find((s) => s.scope === 'project')!;
  const enable = (id: string, body?: unknown) => api(h.baseUrl, 'POST', `/api/v1/subscriptions/${id}/enable`, body);
  /** The subscription.disabled messages of a project (written with the record that disabled, so complete once the step is on record). */
  const disabledNotices = async (jobIds: string[]) => (await Promise.all(jobIds.map((jobId) => deliveries(h, { jobId })))).flat().filter((d) => d.eventType === 'subscription.disabled');

  /** A project with a webhook at `hook` and a channel routed for subscription.disabled at ops/<project>. */
  async function project(projectId: string, hook: string): Promise<SubscriptionView> {
    await pc.putWebhook(projectId, undefined, { url: hook });
    const channel = await pc.createChannel(projectId, { name: 'ops', url: `${ops.url}/${projectId}` });
    await pc.route(projectId, 'subscription.disabled', channel.id);
    return hookOf(projectId);
  }

  it('disables at the first failed attempt past 5 days (not at 4 days 23 h), tells the routed channel once, and enable + recoverSince delivers what failed', async () => {
    offset = 0;
    let healthy = false;
    const rx = await new Receiver(() => (healthy ? { status: 200, body: 'ok' } : { status: 500, body: '{"error":"down"}' })).start();
    try {
      const P = 'auto-5-days';
      const hookUrl = `${rx.url}/hook`;
      const since = new Date(Date.now() - 1000).toISOString();
      const sub = await project(P, hookUrl);
      expect([sub.status, sub.failingSince]).toEqual(['active', null]);

      const first = await step(P);
      const failing = await hookOf(P);
      expect([failing.status, failing.failingSince]).toEqual(['active', expect.stringMatching(ISO_TIME)]);
      const t0 = failing.failingSince!;
      expect(Math.abs(Date.parse(t0) - Date.now())).toBeLessThan(30_000);

      offset = 4 * DAY + 23 * HOUR;
      const second = await step(P);
      expect(await hookOf(P)).toMatchObject({ status: 'active', failingSince: t0, disabledReason: null });

      // Past 5 days: two tasks complete at once, both attempts fail; the first on record disables.
      offset = 5 * DAY + 60_000;
      const third = await step(P, 2);
      const off = await hookOf(P);
      expect(off).toMatchObject({ status: 'disabled', disabledReason: 'every attempt failed for 5 days', failingSince: t0, disabledAt: expect.stringMatching(ISO_TIME) });
      expect(Date.parse(off.disabledAt!) - Date.parse(t0)).toBeGreaterThanOrEqual(5 * DAY);

      const notices = await disabledNotices([first, second, third]);
      expect(notices.map((n) => [n.jobId, n.url])).toEqual([[third, `${ops.url}/${P}`]]);
      const [got] = await eventually(async () => at(ops, `/${P}`).length > 0 && at(ops, `/${P}`));
      const path = `/api/v1/subscriptions?projectId=${P}&status=disabled`;
      expect(got.body).toEqual({
        project: P,
        title: `Webhook disabled: ${hookUrl}`,
        type: 'subscription_disabled',
        body:
          `Subscription ${sub.id} (project) to ${hookUrl} was [disabled](${PUBLIC_URL}${path}) at ${off.disabledAt}: every attempt failed for 5 days, failing since ${t0}. ` +
          `It gets nothing more until \`POST /api/v1/subscriptions/${sub.id}/enable\` turns it on again (with \`recoverSince\` to resend what failed).`,
        url: path,
        data: {
          'herald.event-type': 'subscription.disabled',
          'herald.subscription-id': sub.id,
          'herald.scope': 'project',
          'herald.url': hookUrl,
          'herald.reason': 'every attempt failed for 5 days',
          'herald.failing-since': t0,
          'herald.disabled-at': off.disabledAt,
          'herald.project-id': P,
        },
      });
      // The third job's second message failed too, or, taken once the subscription was off, was cancelled.
      const failed = (await Promise.all([first, second, third].map((jobId) => deliveries(h, { jobId })))).flat().filter((d) => d.kind === 'project.task');
      const statuses = failed.map((d) => d.status);
      expect(statuses.slice(0, 2)).toEqual(['failed', 'failed']);
      expect([['cancelled', 'failed'], ['failed', 'failed']]).toContainEqual(statuses.slice(2).sort());
      const attempted = statuses.filter((s) => s === 'failed').length;
      expect(at(rx, '/hook')).toHaveLength(attempted);

      // The receiver is healthy again: enable + recover sends the four (failed or cancelled) messages once each.
      healthy = true;
      const res = await enable(sub.id, { recoverSince: since });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: sub.id, status: 'active', failingSince: null, disabledReason: null, disabledAt: null });
      expect([res.body.recovered.recovered, [...res.body.recovered.deliveryIds].sort()]).toEqual([4, failed.map((d) => d.id).sort()]);
      await eventually(async () => {
        const now = (await Promise.all([first, second, third].map((jobId) => deliveries(h, { jobId })))).flat().filter((d) => d.kind === 'project.task');
        return now.every((d) => d.status === 'delivered');
      });
      const answered = at(rx, '/hook').slice(attempted);
      expect(answered.map((r) => r.body.taskId).sort()).toEqual(failed.map((d) => d.payload.taskId).sort());
      expect(await hookOf(P)).toMatchObject({ status: 'active', failingSince: null });
      // Still one notice; enabling an active subscription is 409.
      expect(await disabledNotices([first, second, third])).toHaveLength(1);
      const again = await enable(sub.id, {});
      expect([again.status, again.body.error.code]).toEqual([409, 'SUBSCRIPTION_ALREADY_ACTIVE']);
      expect((await enable('7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11')).status).toBe(404);
      expect((await enable(sub.id, { recoverSince: 'yesterday' })).status).toBe(400);
    } finally {
      offset = 0;
      await rx.stop();
    }
  });

  it('starts the 5 days again after a 2xx in between', async () => {
    offset = 0;
    let answer = 500;
    const rx = await new Receiver(() => ({ status: answer, body: answer === 200 ? 'ok' : 'down' })).start();
    try {
      const P = 'auto-reset';
      await project(P, `${rx.url}/hook`);
      const jobs = [await step(P)];
      const t0 = (await hookOf(P)).failingSince;
      expect(t0).toMatch(ISO_TIME);

      offset = 3 * DAY;
      answer = 200;
      jobs.push(await step(P));
      expect(await hookOf(P)).toMatchObject({ status: 'active', failingSince: null });

      offset = 6 * DAY;
      answer = 500;
      jobs.push(await step(P));
      const restarted = (await hookOf(P)).failingSince!;
      expect(Date.parse(restarted) - Date.parse(t0!)).toBeGreaterThanOrEqual(6 * DAY);

      // 7 days after the first failure, 4 after the new streak began: still active.
      offset = 10 * DAY;
      jobs.push(await step(P));
      expect(await hookOf(P)).toMatchObject({ status: 'active', failingSince: restarted });
      expect(await disabledNotices(jobs)).toEqual([]);

      offset = 11 * DAY + 60_000;
      jobs.push(await step(P));
      expect(await hookOf(P)).toMatchObject({ status: 'disabled', failingSince: restarted, disabledReason: 'every attempt failed for 5 days' });
      expect(await disabledNotices(jobs)).toHaveLength(1);
    } finally {
      offset = 0;
      await rx.stop();
    }
  });

  it('sends the same notice when a 410 Gone disables a subscription', async () => {
    offset = 0;
    const rx = await new Receiver(() => ({ status: 410, body: 'gone' })).start();
    try {
      const P = 'auto-gone';
      const hookUrl = `${rx.url}/hook`;
      const sub = await project(P, hookUrl);
      const jobId = await step(P);
      const off = await hookOf(P);
      expect(off).toMatchObject({ status: 'disabled', disabledReason: 'endpoint answered 410 Gone', failingSince: expect.stringMatching(ISO_TIME) });
      expect(await disabledNotices([jobId])).toHaveLength(1);
      const [got] = await eventually(async () => at(ops, `/${P}`).length > 0 && at(ops, `/${P}`));
      expect(got.body).toMatchObject({ project: P, type: 'subscription_disabled', title: `Webhook disabled: ${hookUrl}` });
      expect(got.body.data).toEqual({
        'herald.event-type': 'subscription.disabled',
        'herald.subscription-id': sub.id,
        'herald.scope': 'project',
        'herald.url': hookUrl,
        'herald.reason': 'endpoint answered 410 Gone',
        'herald.failing-since': off.failingSince,
        'herald.disabled-at': off.disabledAt,
        'herald.project-id': P,
      });
      // Enable without recoverSince: active, nothing resent.
      const res = await enable(sub.id);
      expect([res.status, res.body.status, res.body.recovered]).toEqual([200, 'active', null]);
    } finally {
      await rx.stop();
    }
  });
});
