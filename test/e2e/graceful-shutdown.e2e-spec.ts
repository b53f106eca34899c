import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { createTestDatabase } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';

/**
 * A clean stop (SIGTERM: Nest's close) with an attempt in flight to an endpoint that never
 * answers: the instance stops within its grace period, the cut-off attempt is on record
 * (SHUTDOWN), nothing stays claimed by it, and the next instance delivers the message.
 */
describe('a graceful stop with a delivery in flight', () => {
  let database: { url: string; drop: () => Promise<void> };
  let next: RunningHerald | undefined;
  let hanging = true;
  const rx = new Receiver(() => (hanging ? { status: 200, hang: true } : { status: 200, body: 'ok' }));
  const keep = async () => undefined;

  beforeAll(async () => {
    await rx.start();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await next?.stop();
    await rx.stop();
    await database?.drop();
  });

  it('stops within the grace period, records the cut-off attempt, leaves no claim, and the next instance delivers', async () => {
    const webhooks = { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4], timeoutMs: 60_000 };
    const first = await startHerald({ webhooks, shutdownGraceMs: 300 }, { url: database.url, drop: keep });
    const submitted = await api(first.baseUrl, 'POST', '/api/v1/exec/raw', { name: 'graceful', nodes: [{ nodeName: 'n', algorithmName: 'graceful-alg', input: [1] }], webhooks: { result: `${rx.url}/r` } });
    const jobId = submitted.body.jobId;
    expect((await api(first.baseUrl, 'POST', '/api/v1/exec/stop', { jobId })).status).toBe(200);
    await eventually(async () => rx.requests.length === 1);

    const stopping = Date.now();
    await first.stop();
    const tookMs = Date.now() - stopping;
    // The grace period (300 ms), the abort and its record; far below the 60 s request timeout.
    expect(tookMs).toBeLessThan(5000);

    const sql = new Client({ connectionString: database.url });
    await sql.connect();
    try {
      const attempts = (await sql.query(`SELECT error_code, outcome FROM webhook_attempts WHERE job_id = $1 ORDER BY attempted_at`, [jobId])).rows;
      expect(attempts).toEqual([{ error_code: 'SHUTDOWN', outcome: expect.any(String) }]);
      const claimed = (await sql.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'herald_deliver' AND state = 'active'`)).rows[0].n;
      expect(claimed).toBe(0);
      expect((await sql.query('SELECT count(*)::int AS n FROM herald_instances')).rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }

    hanging = false;
    next = await startHerald({ webhooks }, { url: database.url, drop: keep });
    await eventually(async () => {
      const [row] = await next!.db.query<{ status: string }>('SELECT status FROM webhook_messages WHERE job_id = $1', [jobId]);
      return row?.status === 'delivered';
    }, 15_000);
    expect(rx.requests.length).toBe(2);
  });
});
