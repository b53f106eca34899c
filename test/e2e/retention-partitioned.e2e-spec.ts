import { monthOf } from '../../src/maintenance/domain/retention-policy';
import { createTestDatabase } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { DAY_MS, NO_BACKGROUND_RETENTION, allSettled, ShiftedClock, attemptPartitions, backdate, partitionAttempts, retentionOf, rowsOf } from '../support/retention';
import { deliveries, delivery, deliveryReaching, fastWebhooks, runOneTaskJob, settled } from '../support/webhooks';

/**
 * A database where deploy/sql/partition-attempts.sql was run (on a table with attempts months
 * old): deliveries go on and are listed with their attempt logs, Herald makes the next months'
 * partitions, and retention drops whole partitions instead of deleting their rows.
 */
describe('retention on a partitioned webhook_attempts (deploy/sql/partition-attempts.sql)', () => {
  const DAYS = 30;
  const config = { ...fastWebhooks({ retrySchedule: [0, 0.2, 3600] }), ...NO_BACKGROUND_RETENTION };
  let database: { url: string; drop: () => Promise<void> };
  let h: RunningHerald;
  let ok: Receiver;
  let flaky: Receiver;
  let flakyAnswer = 500;
  let n = 0;
  const job = (url: string, progress = false) => runOneTaskJob(h, `part-${++n}`, progress ? { progress: `${url}/progress`, result: `${url}/result` } : { result: `${url}/result` });
  // Made before the table was partitioned, then moved 95 days back.
  let oldJobs: string[] = [];
  let openJob = '';
  let openId = '';

  beforeAll(async () => {
    ok = await new Receiver().start();
    flaky = await new Receiver(() => ({ status: flakyAnswer })).start();
    database = await createTestDatabase();
    h = await startHerald(config, database);
  });
  afterAll(async () => {
    await h?.stop();
    await database?.drop();
    await ok?.stop();
    await flaky?.stop();
  });

  it('partitions a table in use: every row kept, deliveries go on and are listed with their attempt logs', async () => {
    oldJobs = [await job(ok.url, true), await job(ok.url)];
    for (const jobId of oldJobs) await allSettled(h, jobId);
    openJob = await job(flaky.url);
    openId = (await eventually(async () => (await deliveries(h, { jobId: openJob })).find((d) => d.status === 'retrying' && d.attempts === 2))).id;
    await backdate(h.db, [...oldJobs, openJob], 95 * DAY_MS);
    const oldResult = (await deliveries(h, { jobId: oldJobs[1] }))[0];
    const oldLog = (await delivery(h, oldResult.id)).attemptLog;
    const before = await rowsOf(h.db, [...oldJobs, openJob]);
    const [{ max }] = await h.db.query<{ max: number }>(`SELECT max(id)::int AS max FROM webhook_attempts`);
    const indexNames = `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'webhook_attempts'::regclass ORDER BY 1`;
    const indexesBefore = (await h.db.query<{ name: string }>(indexNames)).map((i) => i.name);

    await h.stop();
    const notices = await partitionAttempts(database.url);
    expect(notices.join('\n')).toContain('webhook_attempts is partitioned by month');
    h = await startHerald(config, database);

    const [{ kind }] = await h.db.query<{ kind: string }>(`SELECT relkind::text AS kind FROM pg_class WHERE oid = 'webhook_attempts'::regclass`);
    expect(kind).toBe('p');
    const now = new Date();
    const oldMonth = monthOf(new Date(now.getTime() - 95 * DAY_MS));
    const partitions = await attemptPartitions(h.db);
    const months: string[] = [];
    for (let i = 0; monthOf(oldMonth.from, i).from <= monthOf(now, 2).from; i++) months.push(monthOf(oldMonth.from, i).name);
    expect(Object.keys(partitions).sort()).toEqual([...months, 'webhook_attempts_default'].sort());
    expect(partitions[oldMonth.name]).toBe(before.attempts);
    expect(await rowsOf(h.db, [...oldJobs, openJob])).toEqual(before);
    // Keys, indexes and the append-only guard came along.
    expect((await h.db.query<{ name: string }>(indexNames)).map((i) => i.name)).toEqual(indexesBefore);
    expect(indexesBefore).toEqual(expect.arrayContaining(['webhook_attempts_job_idx', 'webhook_attempts_message_idx', 'webhook_attempts_pkey']));
    await expect(h.db.query(`DELETE FROM webhook_attempts WHERE job_id = $1`, [oldJobs[0]])).rejects.toMatchObject({ code: '23001' });
    await expect(h.db.query(`UPDATE webhook_attempts SET url = 'x' WHERE job_id = $1`, [oldJobs[0]])).rejects.toMatchObject({ code: '23001' });

    // The API lists the old attempt log as it was, and new deliveries with theirs.
    expect((await delivery(h, oldResult.id)).attemptLog).toEqual(oldLog);
    const fresh = await job(ok.url, true);
    const done = await allSettled(h, fresh);
    const result = done.find((d) => d.kind === 'exec.result')!;
    const log = (await delivery(h, result.id)).attemptLog;
    expect(log.map((x) => [x.attempt, x.statusCode, x.outcome])).toEqual([[1, 200, 'delivered']]);
    const [{ min }] = await h.db.query<{ min: number }>(`SELECT min(id)::int AS min FROM webhook_attempts WHERE job_id = $1`, [fresh]);
    expect(min).toBeGreaterThan(max);
    expect((await attemptPartitions(h.db))[monthOf(now).name]).toBeGreaterThanOrEqual(2);
  });

  it('drops partitions past the retention, keeps one holding an open message’s attempts, and deletes rows only there and in the default partition', async () => {
    // A recent delivery whose attempt is moved two years back: into the default partition.
    const stray = await job(ok.url);
    await settled(h, stray, 'exec.result');
    await backdate(h.db, [stray], 730 * DAY_MS, 'attempts');
    expect((await attemptPartitions(h.db)).webhook_attempts_default).toBe(1);
    const old = await rowsOf(h.db, oldJobs);
    const now = new Date();
    const cutoff = new Date(now.getTime() - DAYS * DAY_MS);
    const oldMonth = monthOf(new Date(now.getTime() - 95 * DAY_MS));
    const emptyPast = Object.keys(await attemptPartitions(h.db)).filter((name) => {
      if (name === 'webhook_attempts_default' || name === oldMonth.name) return false;
      const [, y, m] = /_p(\d{4})_(\d{2})$/.exec(name)!;
      return monthOf(new Date(Date.UTC(Number(y), Number(m) - 1, 1))).to <= cutoff;
    });
    expect(emptyPast.length).toBeGreaterThanOrEqual(1);

    const runner = retentionOf(h, { days: DAYS });
    const run = await runner.runOnce();
    expect(run).toMatchObject({ ran: true, complete: true, partitionsCreated: [] });
    expect(run.partitionsDropped.sort()).toEqual(emptyPast.sort());
    // The old partition stays for the open message; its other rows go one by one, as does the default partition's.
    expect(run.removed).toEqual({ webhook_messages: old.messages, webhook_attempts: old.attempts + 1, webhook_streams: old.streams });
    const after = await attemptPartitions(h.db);
    expect(after[oldMonth.name]).toBe(2);
    expect(after.webhook_attempts_default).toBe(0);
    for (const name of emptyPast) expect(after[name]).toBeUndefined();
    expect(await rowsOf(h.db, oldJobs)).toMatchObject({ messages: 0, attempts: 0, streams: 0 });
    expect(await rowsOf(h.db, [stray])).toMatchObject({ messages: 1, attempts: 0 });
    expect((await delivery(h, openId)).attemptLog).toHaveLength(2);

    // Once the open message is final (its resend delivered now), its old partition goes whole.
    flakyAnswer = 200;
    expect((await api(h.baseUrl, 'POST', `/api/v1/deliveries/${openId}/resend`)).status).toBe(202);
    await deliveryReaching(h, openJob, 'exec.result', 'delivered');
    const second = await runner.runOnce();
    expect(second.partitionsDropped).toEqual([oldMonth.name]);
    expect(second.removed).toEqual({ webhook_attempts: 2 });
    expect((await attemptPartitions(h.db))[oldMonth.name]).toBeUndefined();
    const d = await delivery(h, openId);
    expect(d.attemptLog.map((x) => [x.attempt, x.outcome])).toEqual([[3, 'delivered']]);
    expect(runner.removedTotals()).toEqual({ webhook_messages: old.messages, webhook_attempts: old.attempts + 3, webhook_streams: old.streams });
  });

  it('makes the next months’ partitions as time goes on, whatever the retention, counting any partition that covers a month', async () => {
    const at = new ShiftedClock(200 * DAY_MS);
    const ahead = retentionOf(h, {}, at);
    const run = await ahead.runOnce();
    const expected = [0, 1, 2].map((i) => monthOf(at.now(), i).name);
    expect(run.partitionsCreated).toEqual(expected);
    expect(run.removed).toEqual({});
    expect(Object.keys(await attemptPartitions(h.db))).toEqual(expect.arrayContaining(expected));
    expect((await ahead.runOnce()).partitionsCreated).toEqual([]);

    // A month covered by a partition of another name (pg_partman's, an operator's) is left to it.
    const far = new ShiftedClock(400 * DAY_MS);
    const taken = monthOf(far.now(), 1);
    await h.db.query(`CREATE TABLE webhook_attempts_by_hand PARTITION OF webhook_attempts FOR VALUES FROM ('${taken.from.toISOString()}') TO ('${taken.to.toISOString()}')`);
    expect((await retentionOf(h, {}, far).runOnce()).partitionsCreated).toEqual([monthOf(far.now(), 0).name, monthOf(far.now(), 2).name]);

    // Deliveries still go in.
    const jobId = await job(ok.url);
    await settled(h, jobId, 'exec.result');
    expect((await rowsOf(h.db, [jobId])).attempts).toBe(1);
  });
});
