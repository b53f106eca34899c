import { RetentionRepository } from '../../src/maintenance/infrastructure/retention.repository';
import { RetentionService } from '../../src/maintenance/retention.service';
import { client } from '../support/e2e';
import { createTestDatabase } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { DAY_MS, NO_BACKGROUND_RETENTION, allSettled, ShiftedClock, backdate, removableRows, retentionOf, rowsOf } from '../support/retention';
import { FINAL_STATUSES, deliveries, delivery, deliveryReaching, fastWebhooks, runOneTaskJob, settled } from '../support/webhooks';

/**
 * Retention of webhook deliveries (docs/RETENTION.md) on a plain webhook_attempts table, with
 * real deliveries to real receivers, two Herald instances on one database, and a retention
 * runner whose clock is moved days ahead (or records moved days back).
 */
describe('retention of webhook deliveries', () => {
  const DAYS = 30;
  const later = new ShiftedClock((DAYS + 1) * DAY_MS);
  let database: { url: string; drop: () => Promise<void> };
  let a: RunningHerald;
  let b: RunningHerald;
  let ok: Receiver;
  let gone: Receiver;
  let flaky: Receiver;
  let flakyAnswer = 500;
  let hang: Receiver;
  let n = 0;
  /** A one-task job whose result webhook goes to `url` (its progress too with `progress`). */
  const job = (url: string, progress = false) => runOneTaskJob(a, `ret-${++n}`, progress ? { progress: `${url}/progress`, result: `${url}/result` } : { result: `${url}/result` });

  beforeAll(async () => {
    ok = await new Receiver().start();
    gone = await new Receiver(() => ({ status: 410, body: 'gone' })).start();
    flaky = await new Receiver(() => ({ status: flakyAnswer })).start();
    hang = await new Receiver(() => ({ status: 200, hang: true })).start();
    database = await createTestDatabase();
    // Third attempt an hour after the second: a failing message stays retrying for the test.
    // No circuit opening on the failing receiver (its messages stay retrying, not parked).
    const webhooks = fastWebhooks({ retrySchedule: [0, 0.2, 3600], timeoutMs: 60_000 }).webhooks!;
    const config = { webhooks: { ...webhooks, circuit: { ...webhooks.circuit, openAfter: 100_000 } }, ...NO_BACKGROUND_RETENTION };
    a = await startHerald(config, database);
    b = await startHerald(config, database);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
    for (const rx of [ok, gone, flaky, hang]) await rx?.stop();
  });

  it('removes messages final for longer than the retention with their attempts; keeps open and recent ones, and every event', async () => {
    const delivered = [await job(ok.url, true), await job(ok.url, true)];
    const failed = await job(gone.url);
    // Progress and result to a failing endpoint: older progress messages are superseded (final),
    // the latest one and the result retry in an hour (open), and their stream stays.
    const retrying = await job(flaky.url, true);
    const inFlight = await job(hang.url);
    for (const jobId of delivered) await allSettled(a, jobId);
    await deliveryReaching(a, failed, 'exec.result', 'failed');
    const open = await eventually(async () => (await deliveries(a, { jobId: retrying })).find((d) => d.kind === 'exec.result' && d.status === 'retrying' && d.attempts === 2));
    const inAnHour = Date.now() + 30 * 60_000;
    const openOnes = await eventually(async () => {
      const all = await deliveries(a, { jobId: retrying });
      const waiting = all.filter((d) => d.status === 'retrying' && Date.parse(d.nextAttemptAt!) > inAnHour);
      return all.every((d) => FINAL_STATUSES.includes(d.status) || waiting.includes(d)) && all.some((d) => d.kind === 'exec.progress' && d.status === 'superseded') && waiting;
    });
    expect(openOnes.map((d) => d.kind).sort()).toEqual(['exec.progress', 'exec.result']);
    const openAttempts = (await rowsOf(a.db, [retrying])).attempts;
    const openAttemptsKept = openOnes.reduce((n, d) => n + d.attempts, 0);
    await eventually(async () => hang.requests.length === 1);
    const removable = [...delivered, failed];
    const all = [...removable, retrying, inFlight];
    const before = await rowsOf(a.db, all);
    const gone0 = await rowsOf(a.db, removable);
    expect(gone0.messages).toBeGreaterThanOrEqual(5); // two results, their progress messages, one failure
    expect(gone0.attempts).toBeGreaterThanOrEqual(3);
    expect(gone0.streams).toBe(2);
    const expected = await removableRows(a.db);
    expect(expected).toEqual({
      messages: gone0.messages + (await deliveries(a, { jobId: retrying })).length - 2,
      attempts: gone0.attempts + openAttempts - openAttemptsKept,
      streams: 2,
    });
    const removedId = (await deliveries(a, { jobId: delivered[0] })).find((d) => d.kind === 'exec.result')!.id;

    // Nothing is older than the retention yet.
    const now = retentionOf(a, { days: DAYS });
    const quiet = await now.runOnce();
    expect(quiet).toMatchObject({ ran: true, complete: true });
    expect(quiet.removed).toEqual({});
    expect(await rowsOf(a.db, all)).toEqual(before);

    // 31 days on: the final messages go, with their attempts and their streams.
    const runner = retentionOf(a, { days: DAYS }, later);
    const run = await runner.runOnce();
    expect(run).toMatchObject({ ran: true, complete: true });
    expect(run.removed).toEqual({ webhook_messages: expected.messages, webhook_attempts: expected.attempts, webhook_streams: expected.streams });
    expect(runner.removedTotals()).toEqual(run.removed);
    // The same counts on GET /metrics (herald_retention_rows_removed_total{table}).
    const scraped = await (await fetch(`${a.baseUrl}/metrics`)).text();
    for (const [table, rows] of Object.entries(run.removed)) expect(scraped).toContain(`herald_retention_rows_removed_total{table="${table}"} ${rows}`);
    expect(await rowsOf(a.db, removable)).toEqual({ messages: 0, attempts: 0, streams: 0, events: before.events });
    // The retrying messages keep their (old) attempts and their stream; the one in flight is untouched; events all stay.
    expect(await rowsOf(a.db, [retrying])).toMatchObject({ messages: 2, attempts: openAttemptsKept, streams: 1 });
    expect(await rowsOf(a.db, [inFlight])).toMatchObject({ messages: 1, attempts: 0 });
    expect((await delivery(a, open.id)).attemptLog).toHaveLength(2);
    // A second run finds nothing more.
    expect((await runner.runOnce()).removed).toEqual({});

    // The API: a removed delivery is a 404, as is its resend; the job and its events are all there.
    const c = client(a.baseUrl);
    for (const [method, path] of [['GET', `/api/v1/deliveries/${removedId}`], ['POST', `/api/v1/deliveries/${removedId}/resend`]] as const) {
      const res = await api(a.baseUrl, method, path);
      expect({ method, status: res.status, code: res.body?.error?.code }).toEqual({ method, status: 404, code: 'DELIVERY_NOT_FOUND' });
    }
    expect(await deliveries(a, { jobId: delivered[0] })).toEqual([]);
    const record = await api(a.baseUrl, 'GET', `/api/v1/webhooks/results/${encodeURIComponent(delivered[0])}`);
    expect({ status: record.status, code: record.body?.error?.code }).toEqual({ status: 404, code: 'WEBHOOK_NOT_FOUND' });
    expect((await c.status(delivered[0])).status).toBe('completed');
    const events = await api(a.baseUrl, 'GET', `/api/v1/jobs/${encodeURIComponent(delivered[0])}/events`);
    expect(events.status).toBe(200);

    // The attempt in flight during the run is recorded as usual once its connection breaks.
    await hang.stop();
    await eventually(async () => (await rowsOf(a.db, [inFlight])).attempts >= 1 && (await deliveries(a, { jobId: inFlight }))[0]?.status === 'retrying');
  });

  it('removes older attempts of a message final since recently, and keeps the message with its recent attempt', async () => {
    const jobId = await job(flaky.url);
    const msg = await eventually(async () => (await deliveries(a, { jobId })).find((d) => d.status === 'retrying' && d.attempts === 2));
    await backdate(a.db, [jobId], (DAYS + 1) * DAY_MS, 'attempts');
    const runner = retentionOf(a, { days: DAYS });
    // Retrying: its attempts are kept however old.
    expect((await runner.runOnce()).removed).toEqual({});
    flakyAnswer = 200;
    expect((await api(a.baseUrl, 'POST', `/api/v1/deliveries/${msg.id}/resend`)).status).toBe(202);
    await deliveryReaching(a, jobId, 'exec.result', 'delivered');
    expect((await runner.runOnce()).removed).toEqual({ webhook_attempts: 2 });
    const d = await delivery(a, msg.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(d.attemptLog.map((x) => [x.attempt, x.outcome])).toEqual([[3, 'delivered']]);
  });

  it('removes more rows than one batch: in one run batch after batch, and run after run within a time budget', async () => {
    const first = [];
    for (let i = 0; i < 12; i++) first.push(await job(ok.url));
    for (const jobId of first) await settled(a, jobId, 'exec.result');
    const removable = await removableRows(a.db);
    expect(removable.messages).toBeGreaterThanOrEqual(12);
    const run = await retentionOf(a, { days: DAYS, batchSize: 5 }, later).runOnce();
    expect(run).toMatchObject({ ran: true, complete: true });
    expect(run.removed).toMatchObject({ webhook_messages: removable.messages, webhook_attempts: removable.attempts });
    expect(await rowsOf(a.db, first)).toMatchObject({ messages: 0, attempts: 0 });

    const second = [];
    for (let i = 0; i < 12; i++) second.push(await job(ok.url));
    for (const jobId of second) await settled(a, jobId, 'exec.result');
    // No time budget: each run sends one batch of each kind, the next run goes on.
    const runner = retentionOf(a, { days: DAYS, batchSize: 5, runBudgetMs: 0 }, later);
    const perRun: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await runner.runOnce();
      perRun.push(r.removed.webhook_messages ?? 0);
      if (r.complete && !r.removed.webhook_messages) break;
    }
    expect(perRun.filter((m) => m > 0)).toEqual([5, 5, 2]);
    expect(runner.removedTotals()).toMatchObject({ webhook_messages: 12, webhook_attempts: 12 });
    expect(await rowsOf(a.db, second)).toMatchObject({ messages: 0, attempts: 0 });
  });

  it('two instances running retention at once remove each row once and never fail', async () => {
    const jobs = [];
    for (let i = 0; i < 20; i++) jobs.push(await job(ok.url, i % 2 === 0));
    for (const jobId of jobs) await allSettled(a, jobId);
    const expected = await removableRows(a.db);
    expect(expected.messages).toBeGreaterThanOrEqual(20);
    const ra = retentionOf(a, { days: DAYS, batchSize: 4 }, later);
    const rb = retentionOf(b, { days: DAYS, batchSize: 4 }, later);
    const runs = await Promise.all([ra.runOnce(), rb.runOnce(), ra.runOnce(), rb.runOnce()]);
    const sum = (table: string) => runs.reduce((s, r) => s + (r.removed[table] ?? 0), 0);
    expect({ messages: sum('webhook_messages'), attempts: sum('webhook_attempts'), streams: sum('webhook_streams') }).toEqual({
      messages: expected.messages,
      attempts: expected.attempts,
      streams: expected.streams,
    });
    expect(runs.some((r) => r.ran)).toBe(true);
    expect(await rowsOf(a.db, jobs)).toMatchObject({ messages: 0, attempts: 0, streams: 0 });

    // Below the lock too: the batch statements of two instances, racing, never take a row twice.
    const more = [];
    for (let i = 0; i < 20; i++) more.push(await job(ok.url));
    for (const jobId of more) await settled(a, jobId, 'exec.result');
    const finalNow = (await removableRows(a.db)).messages;
    const repo = new RetentionRepository();
    const cutoff = later.now();
    const drain = async (h: RunningHerald) => {
      let removed = 0;
      for (;;) {
        const batch = await h.db.tx(async (tx) => {
          tx.defer(repo.allowAttemptDeletes(tx));
          return repo.deleteFinalMessages(tx, cutoff, 3, true);
        });
        removed += batch.messages;
        if (batch.messages === 0) return removed;
      }
    };
    const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
    expect(fromA + fromB).toBe(finalNow);
    expect(await rowsOf(a.db, more)).toMatchObject({ messages: 0, attempts: 0 });
  });

  it('webhook_attempts refuses updates always, and deletes outside retention', async () => {
    const jobId = await job(ok.url);
    await settled(a, jobId, 'exec.result');
    await expect(a.db.query(`DELETE FROM webhook_attempts WHERE job_id = $1`, [jobId])).rejects.toMatchObject({ code: '23001' });
    await expect(a.db.query(`UPDATE webhook_attempts SET url = 'x' WHERE job_id = $1`, [jobId])).rejects.toMatchObject({ code: '23001' });
    await expect(a.db.query(`DELETE FROM events WHERE stream_id = $1`, [jobId])).rejects.toMatchObject({ code: '23001' });
    expect((await rowsOf(a.db, [jobId])).attempts).toBe(1);
  });

  it('the instance runs retention itself: the service is wired, with its totals', async () => {
    const own = a.app.get(RetentionService);
    expect(own.removedTotals()).toEqual({ webhook_messages: 0, webhook_attempts: 0, webhook_streams: 0 });
    // Unset HERALD_RETENTION_DAYS: a run removes nothing, however old.
    const run = await own.runOnce();
    expect(run.ran).toBe(true);
    expect(run.removed).toEqual({});
  });
});
