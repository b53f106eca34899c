import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runWorker, type Worker } from '../../src/client/run-worker';
import { loadConfig } from '../../src/config/config';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';

/**
 * The dashboard (/ui) in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * A person's walk: log in with a key, see a job submitted over HTTP appear in the live list, open
 * it and watch its progress bar reach 100 % while a real worker does its tasks, find its result
 * webhook failing (a receiver on 127.0.0.1 answering 500), heal the receiver, press Resend and see
 * the new, successful attempt; the list shows the job done; then the jobs list at a phone's width,
 * without horizontal scrolling; the projects page's projects and queues (GET /api/v1/projects,
 * GET /api/v1/queues) and the jobs list filtered by project and kind on the server; the deliveries
 * of one subscription, filtered and paged by the server, with its last hour's success rate.
 * Screenshots: test-artifacts/.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const KEY = 'dashboard-browser-key';
const auth = { authorization: `Bearer ${KEY}` };
/** Long enough for a loaded 2-core machine, far below the test's own timeout. */
const WAIT = { timeout: 20_000 };
/** A browser case's own limit (jest's default 60 s is less than three WAITs and a start). */
const BROWSER_CASE_MS = 120_000;

describe('the dashboard in a real browser', () => {
  let h: RunningHerald;
  let receiver: Receiver;
  let healthy = false;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let worker: Worker | undefined;
  let gone = true;
  let subHookCalls = 0;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`) });

  beforeAll(async () => {
    // No skipping: without the browser this test fails, and says why.
    if (!existsSync(CHROMIUM)) throw new Error(`the dashboard test needs Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it when missing)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    receiver = await new Receiver((req) => {
      if (req.path === '/gone') return gone ? { status: 410, body: 'gone' } : { status: 200, body: 'back' };
      if (req.path === '/sub-hook') return subHookCalls++ === 0 ? { status: 500, body: 'first one refused' } : { status: 200, body: 'ok' };
      return healthy ? { status: 200, body: 'thanks' } : { status: 500, body: 'receiver down for maintenance' };
    }).start();
    // The failed first attempt's retry is an hour away: only Resend can bring the next one.
    h = await startHerald({ apiKeys: [KEY], webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 3600] } });
    profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await worker?.stop();
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await receiver?.stop();
    await h?.close();
  });

  it('logs in, follows a job to 100 %, and resends its failed delivery with a new successful attempt', async () => {
    await page.goto(`${h.baseUrl}/ui/`);
    await page.waitForURL(/\/ui\/login/, WAIT);
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Log in' }).click();
    // A refused key: the error envelope's message, on the page.
    await page.getByRole('alert').filter({ hasText: 'UNAUTHORIZED' }).waitFor(WAIT);
    await page.getByLabel('API key').fill(KEY);
    await shot('01-login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/ui\/jobs$/, WAIT);

    const submitted = await api<{ jobId: string }>(
      h.baseUrl,
      'POST',
      '/api/v1/exec/raw',
      { name: 'dashboard', nodes: [{ nodeName: 'square', algorithmName: 'dash-square', input: ['#[1...6]'] }, { nodeName: 'sum', algorithmName: 'dash-sum', input: ['@square'] }], webhooks: { result: `${receiver.url}/result` } },
      auth,
    );
    expect(submitted.status).toBe(201);
    const jobId = submitted.body.jobId;

    // The live list shows the new job without a reload, at 0 %.
    const row = page.locator(`li[data-job="${jobId}"]`);
    await row.locator('[role=progressbar][aria-valuenow="0"]').waitFor(WAIT);
    await shot('02-jobs-submitted');

    // Its page follows it live (the status stream where Herald serves it, else GET status every second)
    // while a real worker does its tasks: the bar reaches 100 % without a reload.
    await row.getByRole('link', { name: jobId }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/ui/jobs/'), WAIT);
    await page.locator('.job-head [role=progressbar][aria-valuenow="0"]').waitFor(WAIT);
    await page.locator('.job-facts', { hasText: /live \((stream|every second)\)/ }).waitFor(WAIT);
    worker = runWorker({
      url: h.baseUrl,
      key: KEY,
      algorithmNames: ['dash-square', 'dash-sum'],
      concurrency: 2,
      idleMinMs: 20,
      idleMaxMs: 100,
      onError: () => undefined,
      handler: async (task) => {
        await new Promise((r) => setTimeout(r, 100));
        const [value] = task.input as [number | number[]];
        return task.nodeName === 'square' ? (value as number) ** 2 : (value as number[]).reduce((a, b) => a + b, 0);
      },
    });
    await page.locator('.job-head [role=progressbar][aria-valuenow="100"]').waitFor(WAIT);
    await page.locator('.job-head .badge', { hasText: 'completed' }).waitFor(WAIT);

    // The job's page: nodes with their batch counts, the events, the result, and the failing delivery.
    await page.locator('tr[data-node="square"] td[data-state="succeed"]', { hasText: /^6$/ }).waitFor(WAIT);
    await page.locator('tr[data-node="sum"] td[data-state="succeed"]', { hasText: /^1$/ }).waitFor(WAIT);
    await page.locator('.timeline li[data-type="job.completed"]').waitFor(WAIT);
    await page.locator('.results', { hasText: '91' }).waitFor(WAIT);
    const message = page.locator('#deliveries li.delivery').first();
    await message.locator('tr.attempt[data-status="500"]').waitFor(WAIT);
    await message.locator('.badge', { hasText: 'retrying' }).waitFor(WAIT);
    expect(await message.locator('tr.attempt').count()).toBe(1);
    await shot('04-job-failing-delivery');

    // The receiver is back: Resend brings the new attempt, 200, and the message is delivered.
    healthy = true;
    const before = receiver.requests.length;
    await message.getByRole('button', { name: 'Resend' }).click();
    await message.locator('tr.attempt[data-status="200"]').waitFor(WAIT);
    await message.locator('.badge', { hasText: 'delivered' }).waitFor(WAIT);
    expect(await message.locator('tr.attempt').count()).toBe(2);
    expect(receiver.requests.length).toBe(before + 1);
    expect(receiver.requests[before].path).toBe('/result');
    await shot('05-job-resent');

    // Back in the list: the job at 100 %, completed.
    await page.getByRole('link', { name: '← Jobs' }).click();
    await row.locator('[role=progressbar][aria-valuenow="100"]').waitFor(WAIT);
    await row.locator('.badge', { hasText: 'completed' }).waitFor(WAIT);
    await shot('06-jobs-completed');

    // A refused call shows the error envelope's message, not a blank page.
    await page.goto(`${h.baseUrl}/ui/jobs/nope:6f0c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11`);
    await page.getByRole('alert').filter({ hasText: 'JOB_NOT_FOUND' }).first().waitFor(WAIT);

    // Dark theme, by the toggle.
    await page.goto(`${h.baseUrl}/ui/jobs`);
    await row.locator('[role=progressbar][aria-valuenow="100"]').waitFor(WAIT);
    await page.getByRole('button', { name: 'switch to the dark theme' }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await shot('07-jobs-dark');
    await page.getByRole('button', { name: 'switch to the light theme' }).click();

    // A phone's width: the jobs list fits, no horizontal scrolling.
    await page.setViewportSize({ width: 375, height: 800 });
    await row.locator('[role=progressbar][aria-valuenow="100"]').waitFor(WAIT);
    const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
    expect(widths.client).toBe(375);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await shot('08-phone-jobs');

    expect(pageErrors).toEqual([]);
  }, BROWSER_CASE_MS);

  it('re-enables a job webhook disabled by a 410 from the deliveries page, and resends what it missed', async () => {
    const submitted = await api<{ jobId: string }>(h.baseUrl, 'POST', '/api/v1/exec/raw', { name: 'gone', nodes: [{ nodeName: 'n', algorithmName: 'dash-gone' }], webhooks: { result: `${receiver.url}/gone` } }, auth);
    const jobId = submitted.body.jobId;
    const [task] = (await api<{ tasks: Array<{ taskId: string }> }>(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'dash-gone', algorithmNames: ['dash-gone'] }, auth)).body.tasks;
    expect((await api(h.baseUrl, 'POST', `/api/v1/tasks/${task.taskId}/complete`, { workerName: 'dash-gone', result: 7 }, auth)).status).toBe(200);
    const subscription = async () => (await api<{ subscriptions: Array<{ id: string; status: string }> }>(h.baseUrl, 'GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}`, undefined, auth)).body.subscriptions[0];
    const sub = await eventually(async () => ((await subscription())?.status === 'disabled' ? subscription() : undefined));

    gone = false;
    const before = receiver.requests.filter((r) => r.path === '/gone').length;
    await page.goto(`${h.baseUrl}/ui/deliveries?jobId=${encodeURIComponent(jobId)}`);
    const row = page.locator(`tr[data-subscription="${sub!.id}"]`);
    await row.locator('.badge', { hasText: 'disabled' }).waitFor(WAIT);
    await shot('09-subscription-disabled');
    await row.getByRole('button', { name: 'Re-enable and resend' }).click();
    await row.locator('.badge', { hasText: 'active' }).waitFor(WAIT);
    expect((await subscription())!.status).toBe('active');
    // The result the 410 refused was sent again, and this time answered 200.
    await eventually(async () => receiver.requests.filter((r) => r.path === '/gone').length === before + 1);
    await shot('10-subscription-reenabled');
    expect(pageErrors).toEqual([]);
  }, BROWSER_CASE_MS);

  it("lists projects and queues from their routes, and the job filters find a project's jobs below a page of newer ones", async () => {
    const mine = (await api<{ jobId: string }>(h.baseUrl, 'POST', '/api/v1/exec/raw', { name: 'dash-mine', projectId: 'dash-p', nodes: [{ nodeName: 'n', algorithmName: 'dash-p-alg' }] }, auth)).body.jobId;
    const queued = await api<{ jobId: number }>(h.baseUrl, 'POST', '/queue/dash-q', { x: 1 }, { ...auth, 'x-project-id': 'dash-p' });
    expect(queued.status).toBe(202);
    const request = String(queued.body.jobId);
    // Newer jobs of another project fill the list's first page (50) and more.
    for (let i = 0; i < 60; i++) {
      expect((await api(h.baseUrl, 'POST', '/api/v1/exec/raw', { name: 'dash-other', projectId: 'dash-other', nodes: [{ nodeName: 'n', algorithmName: 'dash-other-alg', input: [i] }] }, auth)).status).toBe(201);
    }

    // The projects page: dash-p from GET /api/v1/projects (its job and its request in flight), dash-q from GET /api/v1/queues (one pending).
    await page.goto(`${h.baseUrl}/ui/projects`);
    const project = page.locator('tr[data-project="dash-p"]');
    await project.locator('td.num', { hasText: /^2$/ }).first().waitFor(WAIT);
    await page.locator('tr[data-project="dash-other"]').waitFor(WAIT);
    const queue = page.locator('tr[data-queue="dash-q"]');
    await queue.locator('td.pending', { hasText: /^1$/ }).waitFor(WAIT);
    await queue.getByRole('button', { name: 'dash-q' }).click();
    await page.locator('form.settings').waitFor(WAIT);
    await shot('11-projects-queues');

    // The project's jobs, from its row: both of its jobs, though 60 newer ones of another project come first.
    await project.getByRole('link', { name: 'jobs' }).click();
    await page.waitForURL(/\/ui\/jobs\?project=dash-p$/, WAIT);
    await page.locator(`li[data-job="${mine}"]`).waitFor(WAIT);
    await page.locator(`li[data-job="${request}"]`).waitFor(WAIT);
    expect(await page.locator('li.job-row').count()).toBe(2);
    await shot('12-jobs-of-project');
    // The filter form: the project and a pipeline name (pipelines only), then the queue's requests only.
    await page.goto(`${h.baseUrl}/ui/jobs`);
    await page.locator('li.job-row').nth(49).waitFor(WAIT);
    await page.locator('input[name=project]').fill('dash-p');
    await page.locator('input[name=pipeline]').fill('dash-mine');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/ui\/jobs\?pipeline=dash-mine&project=dash-p$/, WAIT);
    await page.locator(`li[data-job="${mine}"]`).waitFor(WAIT);
    expect(await page.locator('li.job-row').count()).toBe(1);
    await page.goto(`${h.baseUrl}/ui/jobs?queue=dash-q`);
    await page.locator(`li[data-job="${request}"]`).waitFor(WAIT);
    expect(await page.locator('li.job-row').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  }, BROWSER_CASE_MS);

  it("shows one subscription's messages from the server, a page and then More, and its last hour's success rate", async () => {
    // A project webhook: one message per completed task, 55 (more than a page of 50); the first
    // answered 500 (its retry is an hour away), the 54 others 200. The job's own result webhook
    // has messages of the same job that the page must not show.
    expect((await api(h.baseUrl, 'PUT', '/api/v1/projects/dash-sub/webhook', { url: `${receiver.url}/sub-hook` }, auth)).status).toBe(200);
    const jobId = (
      await api<{ jobId: string }>(
        h.baseUrl,
        'POST',
        '/api/v1/exec/raw',
        { name: 'dash-sub', projectId: 'dash-sub', nodes: [{ nodeName: 'n', algorithmName: 'dash-sub-alg', input: ['#[1...55]'] }], webhooks: { result: `${receiver.url}/sub-result` } },
        auth,
      )
    ).body.jobId;
    const { tasks } = (await api<{ tasks: Array<{ taskId: string }> }>(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'dash-sub', algorithmNames: ['dash-sub-alg'], max: 55 }, auth)).body;
    expect(tasks).toHaveLength(55);
    for (const t of tasks) expect((await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/complete`, { workerName: 'dash-sub', result: 1 }, auth)).status).toBe(200);
    const subs = (await api<{ subscriptions: Array<{ id: string; scope: string; scopeId: string }> }>(h.baseUrl, 'GET', '/api/v1/subscriptions?projectId=dash-sub', undefined, auth)).body.subscriptions;
    const hook = subs.find((s) => s.scope === 'project')!.id;
    const mine = await eventually(async () => {
      const list = (await api<{ deliveries: Array<{ id: string; status: string }> }>(h.baseUrl, 'GET', `/api/v1/deliveries?subscriptionId=${hook}&limit=1000`, undefined, auth)).body.deliveries;
      return list.length === 55 && list.filter((d) => d.status === 'delivered').length === 54 && list;
    }, 20_000);
    const others = (await api<{ deliveries: Array<{ id: string; subscriptionId: string }> }>(h.baseUrl, 'GET', `/api/v1/deliveries?jobId=${encodeURIComponent(jobId)}&limit=1000`, undefined, auth)).body.deliveries.filter((d) => d.subscriptionId !== hook);
    expect(others.length).toBeGreaterThan(0);

    const asked: URL[] = [];
    const onRequest = (r: { url: () => string }) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v1/deliveries') asked.push(url);
    };
    page.on('request', onRequest);
    try {
      await page.goto(`${h.baseUrl}/ui/deliveries?subscription=${hook}`);
      const shown = page.locator('li.delivery');
      await shown.nth(49).waitFor(WAIT);
      expect(await shown.count()).toBe(50);
      await page.getByRole('button', { name: 'More' }).click();
      await shown.nth(54).waitFor(WAIT);
      expect(await shown.count()).toBe(55);
      const ids = await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-delivery')));
      expect(ids).toEqual(mine.map((d) => d.id));
      for (const d of others) expect(await page.locator(`li[data-delivery="${d.id}"]`).count()).toBe(0);
      await page.getByRole('button', { name: 'More' }).waitFor({ state: 'detached', ...WAIT });
      // The filter went to the server: every list read named the subscription, the second page by the first one's cursor.
      expect(asked.length).toBeGreaterThanOrEqual(3);
      expect(asked.every((u) => u.searchParams.get('subscriptionId') === hook)).toBe(true);
      expect(asked.some((u) => u.searchParams.get('cursor'))).toBe(true);

      // The subscription's last hour: 54 of its 55 attempts answered 2xx.
      const row = page.locator(`tr[data-subscription="${hook}"]`);
      await row.locator('td.last-hour', { hasText: '98.1 % (54 of 55)' }).waitFor(WAIT);
      await row.locator('td.last-hour').scrollIntoViewIfNeeded();
      await shot('13-deliveries-of-subscription');
    } finally {
      page.off('request', onRequest);
    }
    expect(pageErrors).toEqual([]);
  }, BROWSER_CASE_MS);

  it('logs in with no key when the API is open (no admin key)', async () => {
    const open = await startHerald();
    try {
      const tab = await context.newPage();
      tab.on('pageerror', (err) => pageErrors.push(err.message));
      const jobId = (await api<{ jobId: string }>(open.baseUrl, 'POST', '/api/v1/exec/raw', { name: 'open', nodes: [{ nodeName: 'n', algorithmName: 'open-alg' }] })).body.jobId;
      await tab.goto(`${open.baseUrl}/ui/jobs`);
      await tab.waitForURL(/\/ui\/login/, WAIT);
      await tab.getByRole('button', { name: 'Log in' }).click();
      await tab.waitForURL(/\/ui\/jobs$/, WAIT);
      await tab.locator(`li[data-job="${jobId}"]`).waitFor(WAIT);
      await tab.close();
      expect(pageErrors).toEqual([]);
    } finally {
      await open.close();
    }
    // A second Herald and a new tab on a loaded 2-core machine (two test files at a time, Chromium
    // beside them): its own three waits of at most 20 s each, plus the start.
  }, BROWSER_CASE_MS);
});
