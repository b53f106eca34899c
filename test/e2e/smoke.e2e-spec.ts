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

  it('serves the OpenAPI document at /docs-json', async () => {
    const res = await api(h.baseUrl, 'GET', '/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/exec/raw', '/api/v1/tasks/acquire', '/api/v1/exec/status/{jobId}']));
  });
});
