import { loadConfig } from '../../src/config/config';
import { client, type HeraldClient, ISO_TIME } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver, type Responder } from '../support/receiver';
import {
  attemptRows,
  closedPort,
  completeAll,
  deliveries,
  delivery,
  deliveryReaching,
  fastWebhooks,
  requestsFor,
  runOneTaskJob,
  type Attempt,
} from '../support/webhooks';

/**
 * Retries and failure (schedule 0, 0.2, 0.4 s: three attempts; timeout 1 s), with every attempt
 * on record. Each test drives the result webhook of its own one-task job: one message per job.
 */

/** Per-path scripted answers: the n-th request to a path gets script[n] (the last one repeats). */
function scripted(scripts: Record<string, Array<ReturnType<Responder>>>): Responder {
  const seen = new Map<string, number>();
  return (req) => {
    const script = scripts[req.path];
    if (!script) return { status: 200 };
    const n = seen.get(req.path) ?? 0;
    seen.set(req.path, n + 1);
    return script[Math.min(n, script.length - 1)];
  };
}

const BIG = 'x'.repeat(20_000);

/** The scheduled delay (ms, before jitter) between a failed attempt and the next one, as logged. */
function scheduledGap(a: Attempt): number {
  return Date.parse(a.nextAttemptAt!) - Date.parse(a.attemptedAt) - a.durationMs;
}

async function liveBossJobs(h: RunningHerald, messageId: string): Promise<number> {
  const [row] = await h.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'herald_deliver' AND data->>'m' = $1 AND state IN ('created', 'retry', 'active')`,
    [messageId],
  );
  return row.n;
}

describe('webhook retries and failures', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let elsewhere: Receiver;
  let c: HeraldClient;
  const jobsSeenByRx: string[] = [];

  beforeAll(async () => {
    elsewhere = await new Receiver().start();
    rx = await new Receiver(
      scripted({
        '/flaky': [
          { status: 500, body: 'not yet' },
          { status: 500, body: 'still not' },
          { status: 200, body: BIG },
        ],
        '/broken': [{ status: 500, body: 'broken' }],
        '/moved': [{ status: 302, headers: { location: `${elsewhere.url}/target` } }],
        '/gone/progress': [{ status: 410, body: 'gone' }],
        '/slow': [{ status: 200, hang: true }, { status: 204 }],
      }),
    ).start();
    h = await startHerald(fastWebhooks());
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await rx.stop();
    await elsewhere.stop();
    await h.close();
  });

  it('retries a 500 on the schedule and delivers on attempt 3; GET /deliveries/{id} shows every attempt', async () => {
    const jobId = await runOneTaskJob(h, 'flaky', { result: `${rx.url}/flaky` });
    jobsSeenByRx.push(jobId);
    const d = await deliveryReaching(h, jobId, 'exec.result', 'delivered');
    expect(d).toMatchObject({ jobId, kind: 'exec.result', eventType: 'job.completed', url: `${rx.url}/flaky`, status: 'delivered', attempts: 3, lastStatusCode: 200, nextAttemptAt: null });
    expect(d.attemptLog.map(({ attempt, url, statusCode, statusMessage, errorCode, outcome }) => ({ attempt, url, statusCode, statusMessage, errorCode, outcome }))).toEqual([
      { attempt: 1, url: `${rx.url}/flaky`, statusCode: 500, statusMessage: 'Internal Server Error', errorCode: null, outcome: 'retrying' },
      { attempt: 2, url: `${rx.url}/flaky`, statusCode: 500, statusMessage: 'Internal Server Error', errorCode: null, outcome: 'retrying' },
      { attempt: 3, url: `${rx.url}/flaky`, statusCode: 200, statusMessage: 'OK', errorCode: null, outcome: 'delivered' },
    ]);
    // Response bodies are kept, up to 16 KiB.
    expect(d.attemptLog.map((a) => a.responseBody?.length)).toEqual([7, 9, 16 * 1024]);
    expect(d.attemptLog[0].responseBody).toBe('not yet');
    for (const a of d.attemptLog) {
      expect(a.attemptedAt).toMatch(ISO_TIME);
      expect(Number.isInteger(a.durationMs) && a.durationMs >= 0).toBe(true);
    }
    // nextAttemptAt on the failed ones: 0.2 s then 0.4 s, each +-20%; none after the success.
    expect(scheduledGap(d.attemptLog[0])).toBeGreaterThanOrEqual(160);
    expect(scheduledGap(d.attemptLog[0])).toBeLessThanOrEqual(240);
    expect(scheduledGap(d.attemptLog[1])).toBeGreaterThanOrEqual(320);
    expect(scheduledGap(d.attemptLog[1])).toBeLessThanOrEqual(480);
    expect(d.attemptLog[2].nextAttemptAt).toBeNull();
    // No attempt before its time.
    expect(Date.parse(d.attemptLog[1].attemptedAt)).toBeGreaterThanOrEqual(Date.parse(d.attemptLog[0].nextAttemptAt!));
    expect(Date.parse(d.attemptLog[2].attemptedAt)).toBeGreaterThanOrEqual(Date.parse(d.attemptLog[1].nextAttemptAt!));
    expect(d.deliveredAt).toBe(d.attemptLog[2].attemptedAt);
    const seen = requestsFor(rx, jobId, '/flaky');
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => r.raw)).size).toBe(1); // the same body every time
    expect(seen[0].body).toEqual(await c.results(jobId));
  });

  it('marks a message failed once the schedule runs out, and attempts nothing more', async () => {
    const jobId = await runOneTaskJob(h, 'broken', { result: `${rx.url}/broken` });
    jobsSeenByRx.push(jobId);
    const d = await deliveryReaching(h, jobId, 'exec.result', 'failed');
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 500, nextAttemptAt: null, deliveredAt: null });
    expect(d.lastError).toContain('HTTP 500');
    expect(d.attemptLog.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'retrying'],
      [2, 500, 'retrying'],
      [3, 500, 'failed'],
    ]);
    expect(d.attemptLog[2].nextAttemptAt).toBeNull();
    expect(await liveBossJobs(h, d.id)).toBe(0);
    expect(requestsFor(rx, jobId, '/broken')).toHaveLength(3);
  });

  it('treats a 302 as a failure and does not follow the redirect', async () => {
    const jobId = await runOneTaskJob(h, 'moved', { result: `${rx.url}/moved` });
    jobsSeenByRx.push(jobId);
    const d = await deliveryReaching(h, jobId, 'exec.result', 'failed');
    expect(d.attemptLog.map((a) => [a.statusCode, a.statusMessage, a.outcome])).toEqual([
      [302, 'Found', 'retrying'],
      [302, 'Found', 'retrying'],
      [302, 'Found', 'failed'],
    ]);
    expect(requestsFor(rx, jobId, '/moved')).toHaveLength(3);
    expect(elsewhere.requests).toEqual([]);
  });

  it('disables the subscription on 410 Gone: no further requests, later messages cancelled', async () => {
    const alg = 'gone';
    const jobId = await c.submit({
      name: 'gone',
      nodes: [{ nodeName: 'n', algorithmName: alg, input: ['#[1,2]'] }],
      webhooks: { progress: `${rx.url}/gone/progress`, result: `${rx.url}/gone/result` },
    });
    jobsSeenByRx.push(jobId);
    const sub = await eventually(async () => {
      const [s] = await h.db.query<{ id: string; status: string; disabled_reason: string | null }>(
        `SELECT id, status, disabled_reason FROM webhook_subscriptions WHERE scope_id = $1 AND format = 'exec.progress'`,
        [jobId],
      );
      return s?.status === 'disabled' && s;
    });
    expect(sub.disabled_reason).toBe('endpoint answered 410 Gone');
    // The job goes on (started, completed: info events) and its result still arrives.
    await completeAll(c, alg);
    const result = await deliveryReaching(h, jobId, 'exec.result', 'delivered');
    expect(result.attempts).toBe(1);
    const progress = (await deliveries(h, { jobId })).filter((d) => d.kind === 'exec.progress');
    expect(progress.map((d) => [d.eventType, d.status, d.attempts, d.lastStatusCode])).toEqual([['job.submitted', 'failed', 1, 410]]);
    const [gone] = progress;
    const attempts = (await delivery(h, gone.id)).attemptLog;
    expect(attempts.map((a) => [a.statusCode, a.outcome, a.nextAttemptAt])).toEqual([[410, 'disabled', null]]);
    expect(requestsFor(rx, jobId, '/gone/progress')).toHaveLength(1);

    // Listed where users look, with why, and what it missed since: every later event at the
    // job's level (info and above) is counted as skipped.
    const INFO_AND_UP = ['info', 'warn', 'error', 'critical'];
    const wanted = (await c.events(jobId)).filter((e) => INFO_AND_UP.includes(e.level)).length;
    const listed = await api(h.baseUrl, 'GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}`);
    const mine = listed.body.subscriptions.find((x: { id: string }) => x.id === sub.id);
    expect(mine).toMatchObject({ status: 'disabled', disabledReason: 'endpoint answered 410 Gone', counts: { failed: 1, skipped: wanted - 1 } });
    expect(wanted - 1).toBeGreaterThan(0);
    expect(Date.parse(mine.disabledAt)).toBeGreaterThan(0);
    const onlyDisabled = await api(h.baseUrl, 'GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}&status=disabled`);
    expect(onlyDisabled.body.subscriptions.map((x: { id: string }) => x.id)).toEqual([sub.id]);
    const onlyActive = await api(h.baseUrl, 'GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}&status=active`);
    expect(onlyActive.body.subscriptions.map((x: { format: string }) => x.format)).toEqual(['exec.result']);
    expect((await api(h.baseUrl, 'GET', `/api/v1/subscriptions?status=gone`)).status).toBe(400);

    // A message for the disabled subscription is cancelled without a request.
    expect((await api(h.baseUrl, 'POST', `/api/v1/deliveries/${gone.id}/resend`)).status).toBe(202);
    await eventually(async () => (await delivery(h, gone.id)).status === 'cancelled');
    expect((await delivery(h, gone.id)).attemptLog).toHaveLength(1);
    expect(requestsFor(rx, jobId, '/gone/progress')).toHaveLength(1);
  });

  it('records ECONNREFUSED for a closed port', async () => {
    const port = await closedPort();
    const jobId = await runOneTaskJob(h, 'refused', { result: `http://127.0.0.1:${port}/hook` });
    const d = await deliveryReaching(h, jobId, 'exec.result', 'failed');
    expect(d.attemptLog.map((a) => [a.attempt, a.statusCode, a.errorCode, a.outcome])).toEqual([
      [1, null, 'ECONNREFUSED', 'retrying'],
      [2, null, 'ECONNREFUSED', 'retrying'],
      [3, null, 'ECONNREFUSED', 'failed'],
    ]);
    expect(d.lastStatusCode).toBeNull();
    expect(d.lastError).toContain('ECONNREFUSED');
    expect(await attemptRows(h, jobId)).toBe(3);
  });

  it('records TIMEOUT after timeoutMs for a receiver that never answers, then retries', async () => {
    const jobId = await runOneTaskJob(h, 'slow', { result: `${rx.url}/slow` });
    jobsSeenByRx.push(jobId);
    const d = await deliveryReaching(h, jobId, 'exec.result', 'delivered');
    expect(d.attemptLog.map((a) => [a.attempt, a.statusCode, a.errorCode, a.outcome])).toEqual([
      [1, null, 'TIMEOUT', 'retrying'],
      [2, 204, null, 'delivered'],
    ]);
    expect(d.attemptLog[0].durationMs).toBeGreaterThanOrEqual(990);
    expect(d.attemptLog[0].durationMs).toBeLessThan(2500);
    expect(requestsFor(rx, jobId, '/slow')).toHaveLength(2);
  });

  it('has one webhook_attempts row per request a receiver saw, and attempts per message match', async () => {
    expect(jobsSeenByRx.length).toBeGreaterThanOrEqual(5);
    for (const jobId of jobsSeenByRx) {
      expect({ jobId, rows: await attemptRows(h, jobId) }).toEqual({ jobId, rows: requestsFor(rx, jobId).length });
    }
    const mismatched = await h.db.query(
      `SELECT m.id FROM webhook_messages m
        WHERE m.attempts <> (SELECT count(*) FROM webhook_attempts a WHERE a.message_id = m.id)`,
    );
    expect(mismatched).toEqual([]);
  });

  it('keeps webhook_attempts append-only: UPDATE, DELETE and TRUNCATE are rejected', async () => {
    const before = await h.db.query('SELECT * FROM webhook_attempts ORDER BY id');
    expect(before.length).toBeGreaterThan(0);
    await expect(h.db.query('UPDATE webhook_attempts SET status_code = 200 WHERE status_code = 500')).rejects.toThrow(
      /webhook_attempts is append-only: UPDATE is not allowed/,
    );
    await expect(h.db.query('DELETE FROM webhook_attempts')).rejects.toThrow(/webhook_attempts is append-only: DELETE is not allowed/);
    await expect(h.db.query('TRUNCATE webhook_attempts')).rejects.toThrow(/webhook_attempts is append-only: TRUNCATE is not allowed/);
    expect(await h.db.query('SELECT * FROM webhook_attempts ORDER BY id')).toEqual(before);
  });
});

describe('Retry-After (schedule 0, 1.5, 1.5, 0.2 s)', () => {
  let h: RunningHerald;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver(
      scripted({
        '/busy': [
          { status: 429, headers: { 'retry-after': '2' } },
          { status: 429, headers: { 'retry-after': '3600' } },
          { status: 200 },
        ],
      }),
    ).start();
    h = await startHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 1.5, 1.5, 0.2], timeoutMs: 1000 } });
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  it('waits as long as Retry-After asks, capped at twice the next scheduled delay', async () => {
    const jobId = await runOneTaskJob(h, 'busy', { result: `${rx.url}/busy` });
    const d = await deliveryReaching(h, jobId, 'exec.result', 'delivered', 20_000);
    expect(d.attemptLog.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 429, 'retrying'],
      [2, 429, 'retrying'],
      [3, 200, 'delivered'],
    ]);
    // Retry-After: 2 -> 2 s (the schedule alone would give 1.2-1.8 s); Retry-After: 3600 -> 2 x 1.5 s.
    expect(scheduledGap(d.attemptLog[0])).toBe(2000);
    expect(scheduledGap(d.attemptLog[1])).toBe(3000);
    expect(Date.parse(d.attemptLog[1].attemptedAt)).toBeGreaterThanOrEqual(Date.parse(d.attemptLog[0].nextAttemptAt!));
    expect(Date.parse(d.attemptLog[2].attemptedAt)).toBeGreaterThanOrEqual(Date.parse(d.attemptLog[1].nextAttemptAt!));
    const [r1, r2, r3] = requestsFor(rx, jobId, '/busy');
    expect(r2.at - r1.at).toBeGreaterThanOrEqual(1950);
    expect(r3.at - r2.at).toBeGreaterThanOrEqual(2950);
    expect(r3.at - r2.at).toBeLessThan(6000);
  });
});
