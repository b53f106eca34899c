import { loadConfig } from '../../src/config/config';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';

describe('progress and result webhooks', () => {
  let h: RunningHerald;
  let rx: Receiver;
  beforeAll(async () => {
    h = await startHerald({ webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4] } });
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await h.close();
    await rx.stop();
  });

  it('posts progress bodies equal to the status endpoint and the result once', async () => {
    const { body } = await api(h.baseUrl, 'POST', '/api/v1/exec/raw', {
      name: 'hooks',
      nodes: [{ nodeName: 'green', algorithmName: 'g', input: ['#[1,2]'] }],
      webhooks: { progress: `${rx.url}/progress`, result: `${rx.url}/result` },
    });
    const jobId = body.jobId;
    const { body: acq } = await api(h.baseUrl, 'POST', '/api/v1/tasks/acquire', { workerName: 'w', max: 2 });
    for (const t of acq.tasks) await api(h.baseUrl, 'POST', `/api/v1/tasks/${t.taskId}/complete`, { workerName: 'w', result: t.input[0] * 10 });
    await eventually(async () => rx.bodies('/result').length === 1 && rx.bodies('/progress').some((b) => b.status === 'completed'));
    const status = await api(h.baseUrl, 'GET', `/api/v1/exec/status/${jobId}`);
    const lastProgress = rx.bodies('/progress').at(-1);
    expect(lastProgress).toEqual(status.body);
    const results = await api(h.baseUrl, 'GET', `/api/v1/exec/results/${jobId}`);
    expect(rx.bodies('/result')[0]).toEqual(results.body);
    expect(rx.requests[0].headers['user-agent']).toMatch(/^Herald\//);
    const deliveries = await api(h.baseUrl, 'GET', `/api/v1/deliveries?jobId=${encodeURIComponent(jobId)}`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.deliveries.length).toBeGreaterThanOrEqual(2);
  });
});
