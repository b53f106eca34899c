import { DeliveryWorker } from '../../src/webhooks/delivery.worker';
import { api, startHerald, type RunningHerald } from '../support/herald';

describe('Herald over HTTP', () => {
  let h: RunningHerald;
  beforeAll(async () => {
    h = await startHerald();
  });
  afterAll(() => h.close());

  it('answers /health with 200 when the database answers', async () => {
    const res = await api(h.baseUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers the probes: /health/live always, /health/ready once the database, its schema and the loops are there', async () => {
    expect(await api(h.baseUrl, 'GET', '/health/live').then((r) => [r.status, r.body])).toEqual([200, { status: 'ok' }]);
    const ready = await api(h.baseUrl, 'GET', '/health/ready');
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready', checks: { database: 'up', migrations: { current: true, pending: [] }, loops: 'running' } }]);
    // A migration this build has and the database lacks: not ready (live still), and says which.
    const [last] = await h.db.query<{ id: number; timestamp: string; name: string }>('DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING id, timestamp::text, name');
    try {
      const stale = await api(h.baseUrl, 'GET', '/health/ready');
      expect([stale.status, stale.body.status, stale.body.checks.migrations]).toEqual([503, 'unavailable', { current: false, pending: [last.name] }]);
      expect((await api(h.baseUrl, 'GET', '/health/live')).status).toBe(200);
    } finally {
      await h.db.query('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2::bigint, $3)', [last.id, last.timestamp, last.name]);
    }
    expect((await api(h.baseUrl, 'GET', '/health/ready')).status).toBe(200);
  });

  it('is not ready while its loops are stopped (an instance shutting down)', async () => {
    const other = await startHerald();
    try {
      expect((await api(other.baseUrl, 'GET', '/health/ready')).body.checks.loops).toBe('running');
      await other.app.get(DeliveryWorker).onModuleDestroy();
      const res = await api(other.baseUrl, 'GET', '/health/ready');
      expect([res.status, res.body.checks.loops]).toEqual([503, 'stopped']);
    } finally {
      await other.close();
    }
  });

  it('serves the OpenAPI document at /docs-json', async () => {
    const res = await api(h.baseUrl, 'GET', '/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/exec/raw', '/api/v1/tasks/acquire', '/api/v1/exec/status/{jobId}']));
  });
});
