import { loadConfig } from '../../src/config/config';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { LogCapture, type LogLine } from '../support/log-capture';
import { Receiver } from '../support/receiver';
import { bearer } from '../support/tenants';
import { FINAL_STATUSES } from '../support/webhooks';

const ADMIN = 'logging-admin-key-0123456789';
const JOB_HEADER = 'Bearer job-header-value-0123456789';

/** Request lines (pino-http's): they have a status and a duration. */
const requestLines = (capture: LogCapture, reqId: string) => capture.where((l) => l.reqId === reqId && l.status !== undefined && l.durationMs !== undefined);

/**
 * A Herald whose every line (trace up) is kept in memory, as JSON: one line per request with
 * the caller's request id, a warn line per failed delivery attempt that names the request
 * that caused it, errors with their stack, and the lines of a stop. No secret in any of them.
 */
describe('structured logs', () => {
  const capture = new LogCapture();
  const failing = new Receiver(() => ({ status: 500, body: 'down' }));
  const gone = new Receiver(() => ({ status: 410, body: 'gone' }));
  let h: RunningHerald;
  const admin = bearer(ADMIN);

  /** Submits a one-node job whose progress webhook goes to `url`, with this request id. */
  async function submit(url: string, requestId: string): Promise<string> {
    const res = await api(
      h.baseUrl,
      'POST',
      '/api/v1/exec/raw',
      { name: 'logged', nodes: [{ nodeName: 'n', algorithmName: 'logged-alg', input: [1] }], webhooks: { progress: url, headers: { Authorization: JOB_HEADER } } },
      { ...admin, 'x-request-id': requestId },
    );
    expect(res.status).toBe(201);
    return res.body.jobId;
  }

  /** Waits until every message of the job is final; answers its attempts as recorded. */
  async function attemptsOf(jobId: string): Promise<Array<{ message_id: string; attempt: number; status_code: number }>> {
    await eventually(async () => {
      const rows = await h.db.query<{ status: string }>('SELECT status FROM webhook_messages WHERE job_id = $1', [jobId]);
      return rows.length > 0 && rows.every((r) => FINAL_STATUSES.includes(r.status));
    }, 20_000);
    return h.db.query('SELECT message_id::text, attempt, status_code FROM webhook_attempts WHERE job_id = $1 ORDER BY message_id, attempt', [jobId]);
  }

  beforeAll(async () => {
    await failing.start();
    await gone.start();
    // Three attempts (at once, 0.2 s, 0.4 s); no circuit opens on the way (it would park the retries).
    const webhooks = { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4], timeoutMs: 1000, circuit: { openAfter: 1000, openSeconds: 30, openMaxSeconds: 600 } };
    h = await startHerald({ adminKey: ADMIN, log: capture.log('trace'), webhooks });
  });
  afterAll(async () => {
    await h?.close();
    await failing.stop();
    await gone.stop();
  });

  it("logs one JSON line per request, with the caller's request id, the route, status, duration and caller kind", async () => {
    const jobId = await submit(`${failing.url}/progress`, 'abc-123');
    const lines = requestLines(capture, 'abc-123');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', reqId: 'abc-123', method: 'POST', route: '/api/v1/exec/raw', path: '/api/v1/exec/raw', status: 201, caller: 'admin', msg: 'POST /api/v1/exec/raw 201' });
    expect(lines[0].durationMs).toEqual(expect.any(Number));
    // The id the answer carried and the events recorded are the same one.
    const events = await api(h.baseUrl, 'GET', `/api/v1/jobs/${encodeURIComponent(jobId)}/events`, undefined, admin);
    expect(events.body.events[0].metadata.correlationId).toBe('abc-123');

    // Herald's own id when the caller sends none: the one it answered with.
    const made = await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, admin);
    const id = made.headers.get('x-request-id')!;
    expect(requestLines(capture, id).map((l) => [l.status, l.route])).toEqual([[200, '/api/v1/exec/jobs']]);
  });

  it('logs a warn line per failed delivery attempt, naming the request that caused the message (correlationId)', async () => {
    const jobId = (await h.db.query<{ stream_id: string }>(`SELECT stream_id FROM events WHERE metadata->>'correlationId' = 'abc-123' LIMIT 1`))[0].stream_id;
    const attempts = await attemptsOf(jobId);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    const lines = capture.where((l) => l.context === 'Delivery' && l.jobId === jobId && l.attempt !== undefined);
    // One line per attempt on record, and no other.
    expect(lines.map((l) => `${l.messageId}#${l.attempt}`).sort()).toEqual(attempts.map((a) => `${a.message_id}#${a.attempt}`).sort());
    const port = new URL(failing.url).port;
    for (const line of lines) {
      expect(line).toMatchObject({ level: 'warn', correlationId: 'abc-123', status: 500, endpoint: `http://127.0.0.1:${port}`, subscriptionId: expect.any(String), messageId: expect.any(String) });
      // The endpoint only: never the path of the webhook URL.
      expect(JSON.stringify(line)).not.toContain('/progress');
      if (line.attempt < 3) expect([line.retryAt, line.retryInMs, line.gaveUp]).toEqual([expect.any(String), expect.any(Number), undefined]);
      else expect([line.retryAt, line.gaveUp, line.msg]).toEqual([undefined, true, expect.stringMatching(/failed \(HTTP 500\); gave up after 3 attempts$/)]);
    }
    // The last message of the stream is never superseded: it used up its three attempts.
    expect(lines.some((l) => l.attempt === 3 && l.gaveUp)).toBe(true);
  });

  it('logs a subscription disabled by its endpoint (410 Gone)', async () => {
    const jobId = await submit(`${gone.url}/progress`, 'gone-1');
    const attempts = await attemptsOf(jobId);
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([[1, 410]]);
    const lines = capture.where((l) => l.context === 'Delivery' && l.jobId === jobId);
    expect(lines.map((l) => [l.level, l.correlationId, l.attempt, l.status, l.gaveUp])).toEqual([
      ['warn', 'gone-1', 1, 410, true],
      ['warn', 'gone-1', undefined, undefined, undefined],
    ]);
    expect(lines[1]).toMatchObject({ subscriptionId: lines[0].subscriptionId, reason: 'endpoint answered 410 Gone', msg: `subscription ${lines[0].subscriptionId} disabled: endpoint answered 410 Gone` });
  });

  it('logs no query string, health probes at debug, and a 4xx as the request line only', async () => {
    await api(h.baseUrl, 'GET', '/api/v1/exec/status/nope?webhook=http%3A%2F%2Fhidden.example%2Fqs-token-42', undefined, { ...admin, 'x-request-id': 'qs-1' });
    expect(requestLines(capture, 'qs-1').map((l) => [l.level, l.status, l.route, l.path])).toEqual([['info', 404, '/api/v1/exec/status/:jobId', '/api/v1/exec/status/nope']]);
    expect(capture.text.join('\n')).not.toContain('qs-token-42');
    expect(capture.where((l) => l.reqId === 'qs-1' && l.level === 'error')).toEqual([]);

    for (const [path, id] of [['/health', 'probe-1'], ['/health/live', 'probe-2']]) {
      await api(h.baseUrl, 'GET', path, undefined, { 'x-request-id': id });
      expect(requestLines(capture, id).map((l) => [l.level, l.status, l.path])).toEqual([['debug', 200, path]]);
    }
    // A refused key: the line says 401 and names no caller.
    await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, { ...bearer('not-the-admin-key-0123456789'), 'x-request-id': 'denied-1' });
    expect(requestLines(capture, 'denied-1').map((l) => [l.status, l.caller])).toEqual([[401, undefined]]);
  });

  it('logs an unexpected error (500) with its type, message, stack and request id', async () => {
    // A real failure of the statement behind a read: its table is gone for a moment.
    await h.db.query('ALTER TABLE jobs RENAME TO jobs_away');
    let res;
    try {
      res = await api(h.baseUrl, 'GET', '/api/v1/exec/status/some-job', undefined, { ...admin, 'x-request-id': 'boom-1' });
    } finally {
      await h.db.query('ALTER TABLE jobs_away RENAME TO jobs');
    }
    expect(res.status).toBe(500);
    const errors = capture.where((l) => l.reqId === 'boom-1' && l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ context: 'Errors', err: { type: 'DatabaseError', message: expect.stringContaining('jobs'), stack: expect.stringContaining('\n    at '), code: '42P01' } });
    expect(requestLines(capture, 'boom-1').map((l) => [l.level, l.status])).toEqual([['info', 500]]);
  });

  it('writes no Authorization value, key or header secret in any line', () => {
    const text = capture.text.join('\n');
    expect(capture.text.length).toBeGreaterThan(20);
    for (const secret of [ADMIN, JOB_HEADER, JOB_HEADER.slice(7), 'not-the-admin-key-0123456789']) expect(text).not.toContain(secret);
    expect(capture.lines.every((l: LogLine) => typeof l.msg === 'string' && typeof l.level === 'string')).toBe(true);
  });

  it('logs the start and the end of a stop', async () => {
    await h.stop();
    const herald = capture.where((l) => l.context === 'Herald').map((l) => l.msg);
    const start = herald.findIndex((m) => m.startsWith('shutting down'));
    const end = herald.findIndex((m) => /^stopped in \d+ ms$/.test(m));
    expect([start >= 0, end > start]).toEqual([true, true]);
  });
});
