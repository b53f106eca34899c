import { api, startHerald, type RunningHerald } from '../support/herald';
import { client } from '../support/e2e';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every answer names its request (X-Request-Id), and the events a request appends carry that id. */
describe('request ids', () => {
  let h: RunningHerald;
  let locked: RunningHerald;

  beforeAll(async () => {
    h = await startHerald();
    locked = await startHerald({ apiKeys: ['k-request-id'] });
  });
  afterAll(async () => {
    await h.close();
    await locked.close();
  });

  it('answers the caller’s id, or one of its own when none or an unusable one was sent', async () => {
    const given = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { 'x-request-id': 'client-42.a/b' });
    expect(given.headers.get('x-request-id')).toBe('client-42.a/b');
    const none = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs');
    expect(none.headers.get('x-request-id')).toMatch(UUID);
    const other = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs');
    expect(other.headers.get('x-request-id')).not.toBe(none.headers.get('x-request-id'));
    for (const bad of ['has space', 'x'.repeat(201)]) {
      const res = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { 'x-request-id': bad });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    }
    // Errors too: a 404, and a 401 answered before anything else runs.
    const missing = await api(h.baseUrl, 'GET', '/api/v1/exec/status/nope', undefined, { 'x-request-id': 'r-404' });
    expect([missing.status, missing.headers.get('x-request-id')]).toEqual([404, 'r-404']);
    const denied = await api(locked.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { 'x-request-id': 'r-401' });
    expect([denied.status, denied.headers.get('x-request-id')]).toEqual([401, 'r-401']);
  });

  it('records each worker call’s id as the correlationId of the events it appended', async () => {
    const c = client(h.baseUrl);
    const jobId = await c.submit({ name: 'rid', nodes: [{ nodeName: 'n', algorithmName: 'rid-alg', input: ['#[1,2]'] }] }, { 'x-request-id': 'submit-1' });
    const acq = await c.call('POST', '/api/v1/tasks/acquire', { workerName: 'w', algorithmNames: ['rid-alg'], max: 2 }, { 'x-request-id': 'acquire-1' });
    const [t1, t2] = acq.body.tasks as Array<{ taskId: string }>;
    await c.call('POST', `/api/v1/tasks/${t1.taskId}/complete`, { workerName: 'w', result: 1 }, { 'x-request-id': 'complete-1' });
    const made = await c.call('POST', '/api/v1/tasks/complete', { workerName: 'w', tasks: [{ taskId: t2.taskId, result: 2 }] });
    const events = await c.events(jobId);
    const byType = (type: string) => events.filter((e) => e.type === type).map((e) => e.metadata.correlationId);
    expect(byType('job.submitted')).toEqual(['submit-1']);
    expect(byType('task.acquired')).toEqual(['acquire-1', 'acquire-1']);
    expect(byType('task.succeeded')).toEqual(['complete-1', made.headers.get('x-request-id')]);
    expect(made.headers.get('x-request-id')).toMatch(UUID);
  });
});
