import { RequestWatch } from '../../src/queues/request-watch.service';
import { createTestDatabase } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { queues, queueTestConfig } from '../support/queues';

/**
 * The fal routes over raw HTTP: what fal's client does not show (status codes, headers, the
 * error bodies, keep-alives), the same request on the native queue routes, and a status stream
 * woken by another instance's commit.
 */
const KEY = 'fal-raw-admin-key-0123456789';
const key = { authorization: `Key ${KEY}` };

/** Reads a server-sent event stream until `until` holds (or the stream ends); returns the frames. */
async function readStream(url: string, headers: Record<string, string>, until: (frames: string[]) => boolean, onFrame?: (frames: string[]) => void | Promise<void>) {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  const frames: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  while (!until(frames)) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      frames.push(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      await onFrame?.(frames);
    }
  }
  if (!ended) ac.abort();
  return { res, frames, ended };
}

const dataOf = (frames: string[]) => frames.filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice(6)));

describe('fal queue routes over HTTP', () => {
  let h: RunningHerald;
  let other: RunningHerald;
  let drop: () => Promise<void>;
  const q = () => queues(h.baseUrl, key);

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const shared = { url: database.url, drop: async () => undefined };
    h = await startHerald({ ...queueTestConfig(), apiKeys: [KEY], streams: { pollMs: 50, keepAliveMs: 100 } }, shared);
    other = await startHerald({ ...queueTestConfig(), apiKeys: [KEY] }, shared);
  });
  afterAll(async () => {
    await other?.stop();
    await h?.stop();
    await drop?.();
  });

  it('takes Key or Bearer, refuses no key, and answers in fal’s shapes with x-fal-request-id', async () => {
    expect((await api(h.baseUrl, 'POST', '/fal/queue/acme/raw', { a: 1 })).status).toBe(401);
    const sub = await api(h.baseUrl, 'POST', '/fal/queue/acme/raw', { a: 1 }, key);
    expect(sub.status).toBe(200);
    const id = sub.body.request_id;
    expect(sub.headers.get('x-fal-request-id')).toBe(id);
    const status = await api(h.baseUrl, 'GET', `/fal/queue/acme/raw/requests/${id}/status`, undefined, { authorization: `Bearer ${KEY}` });
    expect([status.status, status.body.status, status.headers.get('x-fal-request-id')]).toEqual([202, 'IN_QUEUE', id]);
    const early = await api(h.baseUrl, 'GET', `/fal/queue/acme/raw/requests/${id}`, undefined, key);
    expect([early.status, early.body]).toEqual([400, { error: { code: 'REQUEST_IN_PROGRESS', message: `request ${id} is still in progress`, details: { request_id: id } }, detail: `request ${id} is still in progress` }]);
    const [task] = await q().acquire('raw-w', ['acme/raw']);
    expect((await q().complete(task.taskId, 'raw-w', 'plain text')).status).toBe(200);
    expect((await api(h.baseUrl, 'GET', `/fal/queue/acme/raw/requests/${id}/status`, undefined, key)).status).toBe(200);
    const result = await api(h.baseUrl, 'GET', `/fal/queue/acme/raw/requests/${id}`, undefined, key);
    expect([result.status, result.body, result.headers.get('content-type')]).toEqual([200, 'plain text', expect.stringMatching(/^application\/json/)]);
  });

  it('is one queue request underneath: the native routes see it under the endpoint’s queue name', async () => {
    const { body } = await api(h.baseUrl, 'POST', '/fal/queue/fal-ai/flux/dev?fal_webhook=', { prompt: 'x' }, key);
    const native = await q().status('fal-ai/flux/dev', body.request_id);
    expect([native.status, native.body.queueName, native.body.status, native.body.position]).toEqual([200, 'fal-ai/flux/dev', 'queued', 0]);
    // A request submitted natively to a "/" queue is found on the fal routes of its app.
    const nat = await q().submit('acme/native/v2', { n: 1 });
    expect((await api(h.baseUrl, 'GET', `/fal/queue/acme/native/requests/${nat.jobId}/status`, undefined, key)).body).toMatchObject({ status: 'IN_QUEUE', request_id: String(nat.jobId) });
    expect(nat.statusUrl).toBe(`${h.baseUrl}/queue/acme%2Fnative%2Fv2/requests/${nat.jobId}/status`);
  });

  it('refuses bad input with 400, a stable code and fal’s detail, and stores nothing', async () => {
    const [before] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs');
    const cases: Array<[string, Record<string, string>, string]> = [
      ['/fal/queue/acme/raw', { 'x-fal-queue-priority': 'urgent' }, 'VALIDATION_FAILED'],
      ['/fal/queue/acme/raw/-dev', {}, 'VALIDATION_FAILED'],
      ['/fal/queue/acme/raw?fal_webhook=ftp://x', {}, 'VALIDATION_FAILED'],
    ];
    for (const [path, headers, code] of cases) {
      const res = await api(h.baseUrl, 'POST', path, { a: 1 }, { ...key, ...headers });
      expect([path, res.status, res.body.error?.code, typeof res.body.detail]).toEqual([path, 400, code, 'string']);
    }
    const broken = await api(h.baseUrl, 'POST', '/fal/queue/acme/raw', '{"a":', key);
    expect([broken.status, broken.body.error.code, broken.body.detail]).toEqual([400, 'INVALID_JSON', 'the request body is not valid JSON']);
    const [after] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs');
    expect(after.n).toBe(before.n);
    // Unknown and malformed ids are the same 404 on every route.
    for (const id of ['424242', 'abc']) {
      expect((await api(h.baseUrl, 'GET', `/fal/queue/acme/raw/requests/${id}/status`, undefined, key)).status).toBe(404);
      expect((await api(h.baseUrl, 'GET', `/fal/queue/acme/raw/requests/${id}/status/stream`, undefined, key)).body.error.code).toBe('REQUEST_NOT_FOUND');
    }
  });

  it('streams the status with keep-alives while idle, woken by a commit of another instance, and ends after COMPLETED', async () => {
    const { body } = await api(h.baseUrl, 'POST', '/fal/queue/acme/streamed', { a: 1 }, key);
    const id = body.request_id;
    const otherQ = queues(other.baseUrl, key);
    let acted = 0;
    const { res, frames, ended } = await readStream(
      `${h.baseUrl}/fal/queue/acme/streamed/requests/${id}/status/stream?logs=1`,
      key,
      () => false,
      async (seen) => {
        // Once a keep-alive came, the other instance takes the task; once IN_PROGRESS is seen, it completes it.
        if (acted === 0 && seen.includes(': keep-alive')) {
          acted = 1;
          await otherQ.acquire('other-w', ['acme/streamed']);
        } else if (acted === 1 && dataOf(seen).some((d) => d.status === 'IN_PROGRESS')) {
          acted = 2;
          const [row] = await other.db.query<{ task_id: string }>('SELECT task_id FROM tasks WHERE job_id = $1', [id]);
          expect((await otherQ.complete(row.task_id, 'other-w', { done: true })).status).toBe(200);
        }
      },
    );
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(ended).toBe(true);
    const statuses = dataOf(frames).map((d) => d.status);
    expect(statuses).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
    expect(dataOf(frames)[2].logs.map((l: { message: string }) => l.message)).toEqual(['request queued', 'acquired by other-w (attempt 1)', 'completed']);
    // A finished request's stream is its final status, at once.
    const again = await readStream(`${h.baseUrl}/fal/queue/acme/streamed/requests/${id}/status/stream`, key, () => false);
    expect([again.ended, dataOf(again.frames).map((d) => d.status)]).toEqual([true, ['COMPLETED']]);
  });

  it('a stream the client closes stops being watched', async () => {
    const { body } = await api(h.baseUrl, 'POST', '/fal/queue/acme/closed', { a: 1 }, key);
    const { frames } = await readStream(`${h.baseUrl}/fal/queue/acme/closed/requests/${body.request_id}/status/stream`, key, (f) => f.length >= 1);
    expect(dataOf(frames)[0].status).toBe('IN_QUEUE');
    const watch = h.app.get(RequestWatch);
    await eventually(async () => !watch.isWatching(body.request_id));
  });
});
