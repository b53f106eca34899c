import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { client, type HeraldClient } from '../support/e2e';
import { Receiver } from '../support/receiver';
import { finished, json, routedReceiver, type Answer } from '../support/stages';

describe('Webhook stages across stops, ttl, restarts and instances', () => {
  let remote: Receiver;
  let routes: Record<string, (seen: number) => Answer>;

  beforeAll(async () => {
    routes = {};
    remote = await routedReceiver(() => routes);
  });
  afterAll(() => remote.stop());

  const requests = (method: string, path: string) => remote.requests.filter((r) => r.method === method && r.path === path);
  const polling = (path: string, extra: Record<string, unknown> = {}) => ({
    nodeName: 'hook',
    kind: 'webhook',
    webhook: {
      url: `${remote.url}${path}`,
      waitForCompletion: true,
      statusJsonPath: '$.status',
      pollIntervalSeconds: 0.05,
      cancelEndpoint: `${remote.url}${path}/cancel`,
      cancelPayload: { reason: 'herald stopped it', job: '${ jobId }' },
      ...extra,
    },
  });

  describe('on one instance', () => {
    let h: RunningHerald;
    let c: HeraldClient;
    beforeAll(async () => {
      h = await startHerald({ stagePollMs: 20 });
      c = client(h.baseUrl);
    });
    afterAll(() => h.close());

    it('a job stopped while its stage polls sends the cancel request, records it, and the node ends stopped', async () => {
      routes['POST /s'] = () => json({});
      routes['GET /s'] = () => json({ status: 'RUNNING' });
      routes['POST /s/cancel'] = () => ({ status: 202 });
      const jobId = await c.submit({ name: 'stop-me', nodes: [polling('/s')] });
      await eventually(async () => requests('GET', '/s').length >= 2);
      expect((await c.stop(jobId, 'changed my mind')).status).toBe(200);
      await eventually(async () => requests('POST', '/s/cancel').length === 1);
      expect(requests('POST', '/s/cancel')[0].body).toEqual({ reason: 'herald stopped it', job: jobId });
      const sent = await eventually(async () => (await c.events(jobId)).find((e) => e.type === 'stage.cancel-sent'));
      expect(sent).toMatchObject({ level: 'info', data: { nodeName: 'hook', method: 'POST', statusCode: 202, error: null } });
      const s = await c.status(jobId);
      expect([s.status, s.data.states]).toEqual(['stopped', { stopped: 1 }]);
      const results = await c.results(jobId);
      expect(results.data.result[0]).toMatchObject({ nodeName: 'hook', error: 'task stopped' });
      // Polling ended with the job: no poll is recorded after the cancel.
      const events = await c.events(jobId);
      const cancelAt = events.findIndex((e) => e.type === 'stage.cancel-sent');
      expect(events.slice(cancelAt + 1).filter((e) => e.type === 'stage.called')).toEqual([]);
    });

    it("a job's ttl stops a polling stage the same way", async () => {
      routes['POST /ttl'] = () => json({});
      routes['GET /ttl'] = () => json({ status: 'RUNNING' });
      routes['POST /ttl/cancel'] = () => ({ status: 200 });
      const jobId = await c.submit({ name: 'ttl', nodes: [polling('/ttl')], options: { ttl: 1 } });
      const s = await finished(c, jobId);
      expect(s.status).toBe('stopped');
      await eventually(async () => requests('POST', '/ttl/cancel').length === 1);
      expect((await c.results(jobId)).reason).toBe('ttl expired');
    });

    it('a stage that never got an answer sends no cancel request', async () => {
      routes['POST /never'] = () => ({ status: 503 });
      const jobId = await c.submit({ name: 'no-cancel', nodes: [polling('/never')] });
      await eventually(async () => requests('POST', '/never').length >= 1);
      await c.stop(jobId);
      await eventually(async () => (await c.events(jobId)).some((e) => e.type === 'job.stopped'));
      const runDone = await eventually(async () => {
        const rows = await h.db.query<{ state: string }>('SELECT state FROM webhook_stage_runs WHERE job_id = $1', [jobId]);
        return rows[0]?.state === 'done' && rows;
      });
      expect(runDone).toHaveLength(1);
      expect(requests('POST', '/never/cancel')).toHaveLength(0);
    });
  });

  it('a restart while polling resumes the stage from its stored state (no second call)', async () => {
    let done = false;
    routes['POST /r'] = () => json({ id: 'r-1' });
    routes['GET /r'] = () => json({ status: done ? 'SUCCESS' : 'RUNNING' });
    const first = await startHerald({ stagePollMs: 20 });
    const jobId = await client(first.baseUrl).submit({ name: 'restart', nodes: [polling('/r')] });
    await eventually(async () => requests('GET', '/r').length >= 2);
    await first.stop();
    const second = await startHerald({ stagePollMs: 20 }, { url: first.databaseUrl, drop: async () => undefined });
    try {
      done = true;
      const c = client(second.baseUrl);
      expect((await finished(c, jobId)).status).toBe('completed');
      expect(requests('POST', '/r')).toHaveLength(1);
      expect((await c.results(jobId)).data.result[0].result).toEqual({ status: 'SUCCESS' });
    } finally {
      await second.stop();
      await first.close();
    }
  });

  it('two instances on one database never poll the same stage twice at once', async () => {
    routes['POST /two'] = () => json({});
    routes['GET /two'] = (n) => json({ status: n < 12 ? 'RUNNING' : 'SUCCESS' });
    const a = await startHerald({ stagePollMs: 10 });
    const b = await startHerald({ stagePollMs: 10 }, { url: a.databaseUrl, drop: async () => undefined });
    try {
      const c = client(a.baseUrl);
      const jobId = await c.submit({ name: 'two', nodes: [polling('/two', { pollIntervalSeconds: 0.1 })] });
      expect((await finished(c, jobId)).status).toBe('completed');
      const polls = requests('GET', '/two');
      expect(polls).toHaveLength(13);
      for (let i = 1; i < polls.length; i++) expect(polls[i].at - polls[i - 1].at).toBeGreaterThanOrEqual(80);
      expect((await c.events(jobId)).filter((e) => e.type === 'stage.called' && e.data.phase === 'monitor')).toHaveLength(13);
      expect(requests('POST', '/two')).toHaveLength(1);
    } finally {
      await b.stop();
      await a.close();
    }
  });
});
