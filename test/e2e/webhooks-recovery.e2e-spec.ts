import { client, type HeraldClient } from '../support/e2e';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { closedPort, deliveries, delivery, deliveryReaching, fastWebhooks, requestsFor, runOneTaskJob, type Delivery } from '../support/webhooks';

/**
 * Manual resend, recovery of failed messages, and the delivery queries: GET /deliveries filters
 * and the pipeline engine's /webhooks/status|results|list records.
 */
describe('resend, recover and delivery queries', () => {
  let h: RunningHerald;
  let rx: Receiver;
  let c: HeraldClient;
  /** Paths answered 200; any other path gets 500 until it is added here. */
  const healthy = new Set<string>(['/ok/progress', '/ok/result']);

  beforeAll(async () => {
    rx = await new Receiver((req) => (healthy.has(req.path) ? { status: 200 } : { status: 500, body: 'down' })).start();
    h = await startHerald(fastWebhooks());
    c = client(h.baseUrl);
  });
  afterAll(async () => {
    await rx.stop();
    await h.close();
  });

  const recover = (body: unknown) => api(h.baseUrl, 'POST', '/api/v1/deliveries/recover', body);

  it('POST /deliveries/{id}/resend attempts a failed message again at once', async () => {
    const jobId = await runOneTaskJob(h, 'resend', { result: `${rx.url}/resend` });
    const failed = await deliveryReaching(h, jobId, 'exec.result', 'failed');
    expect(failed.attempts).toBe(3);
    healthy.add('/resend');
    const asked = Date.now();
    const res = await api(h.baseUrl, 'POST', `/api/v1/deliveries/${failed.id}/resend`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: failed.id, jobId, kind: 'exec.result', status: 'pending', attempts: 3 });
    const done = await eventually(async () => {
      const d = await delivery(h, failed.id);
      return d.status === 'delivered' && d;
    });
    expect(done.attempts).toBe(4);
    expect(done.attemptLog.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'retrying'],
      [2, 500, 'retrying'],
      [3, 500, 'failed'],
      [4, 200, 'delivered'],
    ]);
    expect(Date.parse(done.attemptLog[3].attemptedAt) - asked).toBeLessThan(2000);
    expect(requestsFor(rx, jobId)).toHaveLength(4);
    expect(requestsFor(rx, jobId)[3].body).toEqual(await c.results(jobId));
  });

  it('POST /deliveries/recover re-enqueues every message failed since a time (optionally of one job)', async () => {
    const start = new Date().toISOString();
    const early = await runOneTaskJob(h, 'early', { result: `${rx.url}/recover` });
    const earlyMsg = await deliveryReaching(h, early, 'exec.result', 'failed');
    const since = new Date(Date.parse(earlyMsg.updatedAt) + 1).toISOString();
    const late1 = await runOneTaskJob(h, 'late1', { result: `${rx.url}/recover` });
    const late2 = await runOneTaskJob(h, 'late2', { result: `${rx.url}/recover` });
    const fine = await runOneTaskJob(h, 'fine', { result: `${rx.url}/ok/result` });
    const late1Msg = await deliveryReaching(h, late1, 'exec.result', 'failed');
    const late2Msg = await deliveryReaching(h, late2, 'exec.result', 'failed');
    const fineMsg = await deliveryReaching(h, fine, 'exec.result', 'delivered');

    healthy.add('/recover');
    const res = await recover({ since });
    expect(res.status).toBe(202);
    expect(res.body.recovered).toBe(2);
    expect([...res.body.deliveryIds].sort()).toEqual([late1Msg.id, late2Msg.id].sort());
    for (const id of [late1Msg.id, late2Msg.id]) {
      await eventually(async () => (await delivery(h, id)).status === 'delivered');
      expect((await delivery(h, id)).attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
    }
    // Untouched: the one that failed before `since`, and the delivered one.
    expect((await delivery(h, earlyMsg.id)).status).toBe('failed');
    expect((await delivery(h, earlyMsg.id)).attempts).toBe(3);
    expect((await delivery(h, fineMsg.id)).attempts).toBe(1);

    // jobId narrows it down.
    const one = await recover({ since: start, jobId: early });
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ recovered: 1, deliveryIds: [earlyMsg.id] });
    await eventually(async () => (await delivery(h, earlyMsg.id)).status === 'delivered');
    expect(requestsFor(rx, early)).toHaveLength(4);

    // Nothing failed any more.
    expect((await recover({ since: start })).body).toEqual({ recovered: 0, deliveryIds: [] });
  });

  it.each<[string, unknown]>([
    ['no since', {}],
    ['a since that is not a date', { since: 'yesterday' }],
    ['a numeric since', { since: 42 }],
    ['a non-string jobId', { since: '2026-01-01T00:00:00Z', jobId: 5 }],
  ])('POST /deliveries/recover answers 400 for %s', async (_what, body) => {
    const res = await recover(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 DELIVERY_NOT_FOUND for unknown delivery ids', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/deliveries/8d0a8a5e-6b1f-4f7e-9d43-1f0c7a3b2c10'],
      ['GET', '/api/v1/deliveries/not-a-uuid'],
      ['POST', '/api/v1/deliveries/8d0a8a5e-6b1f-4f7e-9d43-1f0c7a3b2c10/resend'],
      ['POST', '/api/v1/deliveries/not-a-uuid/resend'],
    ]) {
      const res = await api(h.baseUrl, method, path);
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({ method, path, status: 404, code: 'DELIVERY_NOT_FOUND' });
    }
  });

  describe('queries', () => {
    let mixed: string; // progress delivered, result failed (500)
    let refused: string; // result to a closed port
    let silent: string; // no webhooks
    let all: Delivery[];

    beforeAll(async () => {
      mixed = await runOneTaskJob(h, 'mixed', { progress: `${rx.url}/ok/progress`, result: `${rx.url}/mixed/result` });
      refused = await runOneTaskJob(h, 'refused', { result: `http://127.0.0.1:${await closedPort()}/hook` });
      silent = await runOneTaskJob(h, 'silent', {});
      await deliveryReaching(h, mixed, 'exec.result', 'failed');
      await deliveryReaching(h, refused, 'exec.result', 'failed');
      await eventually(async () => (await deliveries(h, { jobId: mixed })).every((d) => ['delivered', 'failed', 'superseded'].includes(d.status)));
      all = await deliveries(h);
    });

    it('GET /deliveries filters by jobId and by status', async () => {
      const ofMixed = await deliveries(h, { jobId: mixed });
      expect(ofMixed.length).toBeGreaterThanOrEqual(2);
      expect(ofMixed).toEqual(all.filter((d) => d.jobId === mixed));
      const progress = ofMixed.filter((d) => d.kind === 'exec.progress');
      expect(progress.at(-1)!.status).toBe('delivered');
      for (const d of progress) expect(['delivered', 'superseded']).toContain(d.status);

      const failedOfMixed = await deliveries(h, { jobId: mixed, status: 'failed' });
      expect(failedOfMixed.map((d) => [d.jobId, d.kind, d.status, d.lastStatusCode])).toEqual([[mixed, 'exec.result', 'failed', 500]]);
      expect((await deliveries(h, { jobId: mixed, status: 'delivered' })).map((d) => d.id)).toEqual(
        ofMixed.filter((d) => d.status === 'delivered').map((d) => d.id),
      );

      const failed = await deliveries(h, { status: 'failed' });
      expect(failed.map((d) => d.id)).toEqual(all.filter((d) => d.status === 'failed').map((d) => d.id));
      expect(failed.map((d) => d.jobId)).toEqual(expect.arrayContaining([mixed, refused]));
      expect(await deliveries(h, { jobId: silent })).toEqual([]);
      expect((await deliveries(h, { jobId: mixed, status: 'superseded' })).map((d) => d.id)).toEqual(
        ofMixed.filter((d) => d.status === 'superseded').map((d) => d.id),
      );

      expect((await api(h.baseUrl, 'GET', '/api/v1/deliveries?status=lost')).status).toBe(400);
      expect((await api(h.baseUrl, 'GET', '/api/v1/deliveries?limit=0')).status).toBe(400);
    });

    it('GET /webhooks/status|results|list/{jobId} give the pipeline engine records', async () => {
      const ofMixed = await deliveries(h, { jobId: mixed });
      const lastProgress = ofMixed.filter((d) => d.kind === 'exec.progress').at(-1)!;
      const result = ofMixed.find((d) => d.kind === 'exec.result')!;
      const progressRecord = {
        jobId: mixed,
        type: 'progress',
        url: `${rx.url}/ok/progress`,
        pipelineStatus: 'completed',
        // status as HKube writes it (the request is over); Herald's own message state beside it.
        status: 'completed',
        responseStatus: 'succeed',
        httpResponse: { statusCode: 200, statusMessage: 'OK' },
        deliveryStatus: 'delivered',
        timestamp: lastProgress.updatedAt,
      };
      const resultRecord = {
        jobId: mixed,
        type: 'result',
        url: `${rx.url}/mixed/result`,
        pipelineStatus: 'completed',
        status: 'completed',
        responseStatus: 'failed',
        httpResponse: { statusCode: 500, statusMessage: 'Internal Server Error' },
        deliveryStatus: 'failed',
        timestamp: result.updatedAt,
      };
      const path = (kind: string, jobId: string) => `/api/v1/webhooks/${kind}/${encodeURIComponent(jobId)}`;
      expect(await api(h.baseUrl, 'GET', path('status', mixed))).toMatchObject({ status: 200, body: progressRecord });
      expect((await api(h.baseUrl, 'GET', path('status', mixed))).body).toEqual(progressRecord);
      expect((await api(h.baseUrl, 'GET', path('results', mixed))).body).toEqual(resultRecord);
      // HKube's shape: { jobId, result, progress }.
      expect((await api(h.baseUrl, 'GET', path('list', mixed))).body).toEqual({ jobId: mixed, result: resultRecord, progress: progressRecord });

      // No HTTP status at all: the error takes its place.
      const refusedRecord = (await api(h.baseUrl, 'GET', path('results', refused))).body;
      expect(refusedRecord).toMatchObject({ jobId: refused, pipelineStatus: 'completed', status: 'completed', responseStatus: 'failed', deliveryStatus: 'failed' });
      expect(refusedRecord.httpResponse.statusCode).toBeNull();
      expect(refusedRecord.httpResponse.statusMessage).toContain('ECONNREFUSED');
      // A kind never sent is absent (this job has a result webhook only).
      expect((await api(h.baseUrl, 'GET', path('list', refused))).body).toEqual({ jobId: refused, result: refusedRecord });

      // A job without webhooks has no records (404 WEBHOOK_NOT_FOUND, as HKube); an unknown job is a 404 too.
      const none = await api(h.baseUrl, 'GET', path('list', silent));
      expect([none.status, none.body.error.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
      expect((await api(h.baseUrl, 'GET', path('status', silent))).status).toBe(404);
      for (const kind of ['status', 'results', 'list']) {
        const res = await api(h.baseUrl, 'GET', path(kind, 'nope:8d0a8a5e-6b1f-4f7e-9d43-1f0c7a3b2c10'));
        expect({ kind, status: res.status, code: res.body?.error?.code }).toEqual({ kind, status: 404, code: 'JOB_NOT_FOUND' });
      }
    });
  });
});
