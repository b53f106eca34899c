import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DeliveryWorker } from '../../src/webhooks/delivery.worker';
import { client, type HeraldClient } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { rawRequest } from '../support/auth-walk';
import { Scrape } from '../support/prometheus';
import { Receiver } from '../support/receiver';
import { bearer, createKey } from '../support/tenants';
import { fastWebhooks, FINAL_STATUSES } from '../support/webhooks';

const ADMIN = 'metrics-admin-key-000000001';
const TOKEN = 'metrics-scrape-token-00000001';

type Delivery = { id: string; kind: string; status: string };

/** What GET /metrics answers, parsed (asserting 200 and the exposition's content type). */
async function scrape(h: RunningHerald, headers: Record<string, string> = bearer(TOKEN)): Promise<Scrape> {
  const res = await fetch(`${h.baseUrl}/metrics`, { headers });
  const text = await res.text();
  expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
  return Scrape.of(text);
}

/** Completed fan-out jobs in pg-boss (its job table and its archive): what herald_fanout_total counts. */
async function fanoutsDone(h: RunningHerald): Promise<number> {
  const [row] = await h.db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM pgboss.job WHERE name = 'herald_fanout' AND state = 'completed')
          + (SELECT count(*) FROM pgboss.archive WHERE name = 'herald_fanout' AND state = 'completed') AS n`,
  );
  return Number(row.n);
}

describe('GET /metrics', () => {
  let h: RunningHerald;
  let c: HeraldClient;
  let ok: Receiver;
  let failing: Receiver;

  const deliveriesOf = async (jobId: string): Promise<Delivery[]> => {
    const res = await c.call<{ deliveries: Delivery[] }>('GET', `/api/v1/deliveries?jobId=${encodeURIComponent(jobId)}&limit=1000`);
    expect(res.status).toBe(200);
    return res.body.deliveries;
  };
  const jobStatus = async (jobId: string) => (await h.db.query<{ status: string }>('SELECT status FROM jobs WHERE job_id = $1', [jobId]))[0].status;

  beforeAll(async () => {
    ok = await new Receiver(() => ({ status: 200, body: 'ok' })).start();
    failing = await new Receiver(() => ({ status: 500, body: 'down' })).start();
    h = await startHerald({ adminKey: ADMIN, metricsToken: TOKEN, ...fastWebhooks() });
    c = client(h.baseUrl, bearer(ADMIN));
  });
  afterAll(async () => {
    await h?.close();
    await ok?.stop();
    await failing?.stop();
  });

  it('counts the requests, events, fan-outs and webhook attempts of real work, and reads the jobs and tasks gauges', async () => {
    const before = await scrape(h);
    const fanoutsBefore = await fanoutsDone(h);
    const jobId = await c.submit({
      name: 'metrics',
      nodes: [{ nodeName: 'n', algorithmName: 'metrics-alg', input: [7] }],
      webhooks: { progress: `${ok.url}/progress`, result: `${failing.url}/result` },
    });
    const submitted = await scrape(h);
    expect(submitted.delta(before, 'herald_jobs', { status: await jobStatus(jobId) })).toBe(1);
    expect([submitted.delta(before, 'herald_tasks', { state: 'pending' }), submitted.delta(before, 'herald_tasks', { state: 'active' })]).toEqual([1, 0]);

    const [task] = await c.acquire('metrics-worker', ['metrics-alg']);
    const acquired = await scrape(h);
    expect([acquired.delta(before, 'herald_tasks', { state: 'pending' }), acquired.delta(before, 'herald_tasks', { state: 'active' })]).toEqual([0, 1]);
    expect((await c.complete(task.taskId, 'metrics-worker', { y: 14 })).status).toBe(200);

    // Done: the job completed, the result webhook (answered 500) failed for good after its 3 attempts, every progress message is final.
    const all = await eventually(async () => {
      const ds = await deliveriesOf(jobId);
      return ds.some((d) => d.kind === 'exec.result' && d.status === 'failed') && ds.every((d) => FINAL_STATUSES.includes(d.status)) && ds;
    }, 20_000);
    expect(await jobStatus(jobId)).toBe('completed');
    const after = await scrape(h);

    // Requests, by the route that answered them.
    const requests = (method: string, route: string, status: string) => after.delta(before, 'herald_http_requests_total', { method, route, status });
    expect([requests('POST', '/api/v1/exec/raw', '201'), requests('POST', '/api/v1/tasks/acquire', '200'), requests('POST', '/api/v1/tasks/:taskId/complete', '200')]).toEqual([1, 1, 1]);
    // A scrape counts once answered: the first one, and the two in between.
    expect(requests('GET', '/metrics', '200')).toBe(3);
    expect(after.delta(before, 'herald_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/exec/raw' })).toBe(1);
    expect(after.delta(before, 'herald_http_request_duration_seconds_sum', { method: 'POST', route: '/api/v1/exec/raw' })).toBeGreaterThan(0);

    // Events, by type: exactly the job's history.
    const history = await c.events(jobId);
    const byType = new Map<string, number>();
    for (const e of history) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    expect([...byType.keys()]).toEqual(expect.arrayContaining(['job.submitted', 'task.acquired', 'task.succeeded', 'job.completed']));
    for (const [type, n] of byType) expect([type, after.delta(before, 'herald_events_appended_total', { type })]).toEqual([type, n]);
    expect(after.delta(before, 'herald_events_appended_total')).toBe(history.length);

    // Fan-out: every fan-out job pg-boss completed, counted once, by the path that did it.
    const paths = ['chained', 'handoff', 'queue'].map((path) => after.delta(before, 'herald_fanout_total', { path }));
    expect(paths.reduce((a, b) => a + b, 0)).toBe((await fanoutsDone(h)) - fanoutsBefore);
    if (process.env.HERALD_TEST_FAST_PATHS === 'off') expect(paths.slice(0, 2)).toEqual([0, 0]);
    else expect(paths[0] + paths[1]).toBeGreaterThan(0);

    // Deliveries: every attempt the receivers got, by outcome and status class.
    const delivered = ok.requests.length;
    expect(delivered).toBe(all.filter((d) => d.kind === 'exec.progress' && d.status === 'delivered').length);
    expect(failing.requests.length).toBe(3);
    const deliveries = (outcome: string, status_class: string) => after.delta(before, 'herald_deliveries_total', { outcome, status_class });
    expect([deliveries('delivered', '2xx'), deliveries('retrying', '5xx'), deliveries('failed', '5xx')]).toEqual([delivered, 2, 1]);
    expect(after.delta(before, 'herald_deliveries_total')).toBe(delivered + 3);
    expect(after.delta(before, 'herald_delivery_attempt_duration_seconds_count', { status_class: '2xx' })).toBe(delivered);
    expect(after.delta(before, 'herald_delivery_attempt_duration_seconds_count', { status_class: '5xx' })).toBe(3);
    // Send lag: one first attempt per message attempted (the progress ones and the result), two retries.
    expect(after.delta(before, 'herald_delivery_send_lag_seconds_count', { attempt: 'first' })).toBe(delivered + 1);
    expect(after.delta(before, 'herald_delivery_send_lag_seconds_count', { attempt: 'retry' })).toBe(2);
    // Retries are due 0.2 s and 0.4 s (±20 %) after their attempts: sent within a few seconds of that.
    const retryLag = after.delta(before, 'herald_delivery_send_lag_seconds_sum', { attempt: 'retry' });
    expect(retryLag).toBeGreaterThanOrEqual(0);
    expect(retryLag).toBeLessThan(5);
    expect(after.delta(before, 'herald_delivery_send_lag_seconds_bucket', { attempt: 'first', le: '+Inf' })).toBe(delivered + 1);

    // Gauges read at scrape time: the job is completed, no task is left.
    expect(after.delta(before, 'herald_jobs', { status: 'completed' })).toBe(1);
    expect([after.value('herald_tasks', { state: 'pending' }), after.value('herald_tasks', { state: 'active' })]).toEqual([0, 0]);
    expect(after.value('herald_queue_depth', { queue: 'herald_deliver' })).toBe(0);
    expect(after.value('herald_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    // process_* / nodejs_* from prom-client's defaults.
    expect(after.value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.exposition.types.get('herald_delivery_send_lag_seconds')).toBe('histogram');
  });

  it('reads the delivery queue, its oldest waiting job and the webhook backlog at scrape time, and they return to 0 once drained', async () => {
    const delivery = h.app.get(DeliveryWorker);
    delivery.pause();
    let jobId = '';
    let waiting = 0;
    try {
      jobId = await c.submit({ name: 'metrics-backlog', nodes: [{ nodeName: 'n', algorithmName: 'backlog-alg', input: [1] }], webhooks: { progress: `${ok.url}/backlog` } });
      // The fan-out ran: its deliveries wait in the queue for the paused worker.
      waiting = await eventually(async () => {
        const [row] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE job_id = $1 AND status = 'pending'`, [jobId]);
        return row.n > 0 && row.n;
      });
      const backlog = await eventually(async () => {
        const s = await scrape(h);
        return s.value('herald_queue_oldest_pending_seconds', { queue: 'herald_deliver' }) > 0.05 && s;
      });
      expect(backlog.value('herald_queue_depth', { queue: 'herald_deliver' })).toBe(waiting);
      expect(backlog.value('herald_endpoint_messages_waiting', { endpoint: ok.url })).toBe(waiting);
      expect(backlog.labelValues('herald_endpoint_messages_waiting', 'endpoint')).toEqual([ok.url]);
      // The totals over every endpoint: this one alone has a backlog.
      expect([backlog.value('herald_messages_waiting'), backlog.value('herald_endpoints_backlogged')]).toEqual([waiting, 1]);
      expect(backlog.value('herald_messages_oldest_waiting_seconds')).toBeGreaterThan(0);
    } finally {
      delivery.resume();
    }
    const drained = await eventually(async () => {
      const s = await scrape(h);
      return s.value('herald_queue_depth', { queue: 'herald_deliver' }) === 0 && !s.has('herald_endpoint_messages_waiting') && s;
    });
    expect(drained.value('herald_queue_oldest_pending_seconds', { queue: 'herald_deliver' })).toBe(0);
    expect(['herald_messages_waiting', 'herald_endpoints_backlogged', 'herald_messages_oldest_waiting_seconds'].map((m) => drained.value(m))).toEqual([0, 0, 0]);
    expect([drained.value('herald_queue_depth', { queue: 'herald_fanout' }), drained.value('herald_queue_oldest_pending_seconds', { queue: 'herald_fanout' })]).toEqual([0, 0]);
    expect(ok.requests.filter((r) => r.path === '/backlog').length).toBeGreaterThanOrEqual(1);
    expect((await c.stop(jobId)).status).toBe(200);
    // The stop's own webhook is delivered and recorded before the next case counts deliveries.
    await eventually(async () => ok.requests.some((r) => r.path === '/backlog' && (r.body as { status?: string })?.status === 'stopped'));
    await eventually(async () => {
      const [row] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE job_id = $1 AND status IN ('pending', 'retrying')`, [jobId]);
      return row.n === 0;
    });
  });

  it('counts webhook stage calls and channel tests against a real receiver, apart from webhook deliveries', async () => {
    const remote = await new Receiver((r) => (r.path.startsWith('/ok') ? { status: 200, body: '{"done":true}', headers: { 'content-type': 'application/json' } } : r.path.startsWith('/missing') ? { status: 404, body: 'no' } : { status: 503, body: 'busy' })).start();
    try {
      const before = await scrape(h);
      const stage = (name: string, path: string) => ({ name, nodes: [{ nodeName: 'call', kind: 'webhook', webhook: { url: `${remote.url}${path}` } }] });
      const done = await c.submit(stage('metrics-stage-ok', '/ok/stage'));
      const refused = await c.submit(stage('metrics-stage-missing', '/missing/stage'));
      await eventually(async () => (await jobStatus(done)) === 'completed' && (await jobStatus(refused)) === 'failed', 20_000);
      expect(remote.requests.filter((r) => r.path.endsWith('/stage')).map((r) => r.path).sort()).toEqual(['/missing/stage', '/ok/stage']);

      const P = 'metrics-channels';
      const channel = async (path: string) => {
        const res = await c.call<{ id: string }>('POST', `/api/v1/projects/${P}/channels`, { name: path, url: `${remote.url}${path}` });
        expect(res.status).toBe(201);
        const tested = await c.call<{ outcome: string }>('POST', `/api/v1/projects/${P}/channels/${res.body.id}/test`);
        expect(tested.status).toBe(200);
        return tested.body.outcome;
      };
      expect([await channel('/ok/channel'), await channel('/busy/channel')]).toEqual(['delivered', 'failed']);
      const after = await scrape(h);

      const calls = (phase: string, outcome: string, status_class: string) => after.delta(before, 'herald_stage_calls_total', { phase, outcome, status_class });
      // The create call answered 200 (the stage succeeded) and the one answered 404 (not retried: the stage failed).
      expect([calls('create', 'succeeded', '2xx'), calls('create', 'failed', '4xx')]).toEqual([1, 1]);
      expect(after.delta(before, 'herald_stage_calls_total')).toBe(2);
      expect(after.delta(before, 'herald_stage_call_duration_seconds_count', { phase: 'create' })).toBe(2);
      expect(after.delta(before, 'herald_stage_call_duration_seconds_sum', { phase: 'create' })).toBeGreaterThan(0);
      expect(after.exposition.types.get('herald_stage_call_duration_seconds')).toBe('histogram');
      // Every series of a fixed label set is there from the start.
      expect(after.has('herald_stage_calls_total', { phase: 'monitor', outcome: 'polling', status_class: '5xx' })).toBe(true);
      expect(after.has('herald_stage_calls_total', { phase: 'cancel', outcome: 'sent', status_class: 'none' })).toBe(true);

      expect([after.delta(before, 'herald_channel_tests_total', { outcome: 'delivered', status_class: '2xx' }), after.delta(before, 'herald_channel_tests_total', { outcome: 'failed', status_class: '5xx' })]).toEqual([1, 1]);
      expect(after.delta(before, 'herald_channel_tests_total')).toBe(2);
      // Neither is a webhook delivery.
      expect(after.delta(before, 'herald_deliveries_total')).toBe(0);
      expect(after.delta(before, 'herald_delivery_attempt_duration_seconds_count')).toBe(0);
    } finally {
      await remote.stop();
    }
  });

  it('counts appended events once committed: an append whose transaction rolls back counts nothing', async () => {
    // A fault in the append's transaction: its jobs row is refused, after the events were inserted.
    await h.db.query(`CREATE FUNCTION metrics_refuse_job() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await h.db.query(`CREATE TRIGGER metrics_refuse_job BEFORE INSERT ON jobs FOR EACH ROW WHEN (NEW.pipeline = 'metrics-rollback') EXECUTE FUNCTION metrics_refuse_job()`);
    try {
      const before = await scrape(h);
      const res = await c.call('POST', '/api/v1/exec/raw', { name: 'metrics-rollback', nodes: [{ nodeName: 'n', algorithmName: 'rollback-alg', input: [1] }] });
      expect(res.status).toBe(500);
      const after = await scrape(h);
      expect(after.delta(before, 'herald_events_appended_total')).toBe(0);
      expect(after.delta(before, 'herald_http_requests_total', { method: 'POST', route: '/api/v1/exec/raw', status: '500' })).toBe(1);
    } finally {
      await h.db.query('DROP TRIGGER metrics_refuse_job ON jobs');
      await h.db.query('DROP FUNCTION metrics_refuse_job()');
    }
    // The same request once the fault is gone: its events count.
    const before = await scrape(h);
    const jobId = await c.submit({ name: 'metrics-rollback', nodes: [{ nodeName: 'n', algorithmName: 'rollback-alg', input: [1] }] });
    const after = await scrape(h);
    expect(after.delta(before, 'herald_events_appended_total')).toBe((await c.events(jobId)).length);
    expect((await c.stop(jobId)).status).toBe(200);
  });

  it('answers the other metrics when a read takes too long: its gauges are left out of that scrape, not shown stale', async () => {
    const blocker = new Client({ connectionString: h.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE');
      const s = await scrape(h);
      expect(s.has('herald_jobs')).toBe(false);
      expect(s.has('herald_tasks', { state: 'pending' })).toBe(true);
      expect(s.has('herald_queue_depth', { queue: 'herald_deliver' })).toBe(true);
      expect(s.has('herald_http_requests_total')).toBe(true);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    expect((await scrape(h)).has('herald_jobs', { status: 'completed' })).toBe(true);
  });

  it('labels requests by route pattern: 100 job ids add one route, 100 unknown paths are all `unmatched`', async () => {
    await scrape(h);
    const before = await scrape(h);
    for (let i = 0; i < 100; i++) expect((await c.call('GET', `/api/v1/exec/status/card:${randomUUID()}`)).status).toBe(404);
    for (let i = 0; i < 100; i++) expect((await c.call('GET', `/nowhere/${randomUUID()}`)).status).toBe(404);
    const after = await scrape(h);
    const routes = (s: Scrape) => s.labelValues('herald_http_requests_total', 'route');
    // Two route values at most (the status route, new here, and `unmatched`, if it was not there yet), not 200.
    expect(routes(before)).not.toContain('/api/v1/exec/status/:jobId');
    expect(routes(after).filter((r) => !routes(before).includes(r))).toEqual(['/api/v1/exec/status/:jobId', 'unmatched'].filter((r) => !routes(before).includes(r)));
    expect(after.delta(before, 'herald_http_requests_total', { method: 'GET', route: '/api/v1/exec/status/:jobId', status: '404' })).toBe(100);
    expect(after.delta(before, 'herald_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(100);
    // One series each, however many ids: a counter series per status, a histogram per route.
    expect(after.samples('herald_http_requests_total', { route: '/api/v1/exec/status/:jobId' }).length).toBe(1);
    expect(after.samples('herald_http_request_duration_seconds_count', { route: '/api/v1/exec/status/:jobId' }).length).toBe(1);
    expect(after.exposition.samples.filter((s) => Object.values(s.labels).some((v) => v.includes('card:') || v.includes('nowhere')))).toEqual([]);
  });

  it('is read with the metrics token or an admin key; a project key is 403 FORBIDDEN_SCOPE, no key or a wrong one 401', async () => {
    expect((await scrape(h, bearer(TOKEN))).has('herald_http_requests_total')).toBe(true);
    expect((await scrape(h, bearer(ADMIN))).has('herald_http_requests_total')).toBe(true);
    const project = await createKey(h, ADMIN, 'metrics-project');
    const refused = await api(h.baseUrl, 'GET', '/metrics', undefined, bearer(project.key));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN_SCOPE']);
    for (const headers of [{}, bearer('wrong-token-0000000000000'), bearer(`${TOKEN}x`), { authorization: TOKEN }, bearer(`hk_${'x'.repeat(43)}`)]) {
      const res = await api(h.baseUrl, 'GET', '/metrics', undefined, headers);
      expect([headers, res.status, res.body.error.code]).toEqual([headers, 401, 'UNAUTHORIZED']);
    }
    // The token reads /metrics and nothing else: it is no API key.
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, bearer(TOKEN))).status).toBe(401);
    // One spelling: the others need a key like any path, and are 404 with one.
    for (const path of ['/metrics/', '/Metrics', '/METRICS', '/%6detrics', '/metrics;x=1']) {
      expect([path, (await rawRequest(h.baseUrl, 'GET', path)).status]).toEqual([path, 401]);
      expect([path, (await rawRequest(h.baseUrl, 'GET', path, bearer(ADMIN))).status]).toEqual([path, 404]);
    }
    expect((await rawRequest(h.baseUrl, 'POST', '/metrics', bearer(TOKEN), '{}')).status).toBe(401);
  });

  it('throttles unknown project keys per address as the API does: each is a database lookup', async () => {
    // From an address of its own (127.0.0.2), so the other tests' unknown keys do not count.
    const fromOwnAddress = (key: string) =>
      new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
        const port = Number(new URL(h.baseUrl).port);
        const req = request({ host: '127.0.0.1', port, path: '/metrics', localAddress: '127.0.0.2', headers: bearer(key) }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
        });
        req.on('error', reject);
        req.end();
      });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 25; i++) {
      const res = await fromOwnAddress(`hk_${String(i).padStart(43, 'q')}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.retryAfter;
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The metrics token is no key lookup: still read at once.
    expect((await scrape(h, bearer(TOKEN))).has('herald_http_requests_total')).toBe(true);
  });

  it('is kept out of the OpenAPI document', async () => {
    const doc = await api(h.baseUrl, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths).filter((p) => p.includes('metrics'))).toEqual([]);
  });
});

describe('GET /metrics with no admin key configured', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald({});
  });
  afterAll(() => h?.close());

  it('is open like every other route, a project key still 403; and it is this application registry alone', async () => {
    const s = await scrape(h, {});
    // Several Heralds in one process: this one counts none of the other's requests.
    expect(s.value('herald_http_requests_total', { route: '/api/v1/exec/raw' })).toBe(0);
    expect(s.value('herald_events_appended_total')).toBe(0);
    const project = await createKey(h, 'unused-admin-key', 'metrics-open');
    const refused = await api(h.baseUrl, 'GET', '/metrics', undefined, bearer(project.key));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN_SCOPE']);
  });
});
