import { randomBytes } from 'node:crypto';
import { Tracing } from '../../src/tracing/tracing.service';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { OtlpReceiver, parseTraceparent, type ExportedSpan } from '../support/otlp-receiver';
import { Receiver, type Received } from '../support/receiver';
import { deliveries, delivery, fastWebhooks, newSecret, requestsFor, runOneTaskJob, settled } from '../support/webhooks';

/**
 * OpenTelemetry traces (docs/TRACING.md) against a real OTLP/HTTP receiver and real webhook
 * receivers: a job submitted over HTTP is one trace, from the request's server span through the
 * append and the fan-out to every delivery attempt, whose traceparent the webhook request carries.
 */

const SPAN_KIND = { internal: 1, server: 2, client: 3, consumer: 5 };
const ERROR = 2;

function tracingTo(otlp: OtlpReceiver, serviceName: string, exportDelayMs = 20) {
  return { tracing: { tracesUrl: `${otlp.url}/v1/traces`, serviceName, exportDelayMs } };
}

function pipeline(algorithm: string, webhooks: Record<string, unknown>) {
  return { name: algorithm, nodes: [{ nodeName: 'only', algorithmName: algorithm, input: [1] }], webhooks };
}

/** A pipeline of one webhook stage: a POST to `url` with a JSON payload and a header of its own. */
function stagePipeline(name: string, url: string) {
  return { name, nodes: [{ nodeName: 'call', kind: 'webhook', webhook: { url, customHeaders: { 'X-Stage': name }, payload: { job: '${ jobId }' } } }] };
}

/** The span with this id, once exported (spans are exported in batches, 20 ms after they end). */
function exported(otlp: OtlpReceiver, spanId: string | undefined): Promise<ExportedSpan> {
  if (!spanId) throw new Error('no span id (the span has no parent)');
  return eventually(async () => otlp.span(spanId));
}

/**
 * The webhook request's span and its ancestors, up to the trace's root (or up to `callerSpan`, a
 * parent of the caller's that Herald did not export): [attempt, fan-out, append, HTTP].
 */
async function chainOf(otlp: OtlpReceiver, hook: Received, callerSpan?: string): Promise<ExportedSpan[]> {
  const parent = parseTraceparent(hook.headers.traceparent);
  if (!parent) throw new Error(`the webhook request has no valid traceparent: ${String(hook.headers.traceparent)}`);
  const chain = [await exported(otlp, parent.spanId)];
  for (let up = chain[0].parentSpanId; up && up !== callerSpan; up = chain[chain.length - 1].parentSpanId) chain.push(await exported(otlp, up));
  return chain;
}

describe('tracing on, beside a Herald with tracing off in the same process', () => {
  const otlp = new OtlpReceiver();
  const rx = new Receiver((r) => (r.path.startsWith('/fail') ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }));
  let traced: RunningHerald;
  let plain: RunningHerald;

  beforeAll(async () => {
    await Promise.all([otlp.start(), rx.start()]);
    // Two applications, two tracer providers (or none): nothing is registered process-wide.
    [traced, plain] = await Promise.all([startHerald({ ...fastWebhooks(), ...tracingTo(otlp, 'herald-traced'), fastPaths: 'required' }), startHerald(fastWebhooks())]);
  });
  afterAll(async () => {
    await Promise.all([traced?.close(), plain?.close()]);
    await Promise.all([rx.stop(), otlp.stop()]);
  });
  afterEach(() => expect(otlp.refused).toEqual([]));

  it('makes the submission one trace: HTTP request -> append -> fan-out (chained) -> attempt, and the webhook carries the attempt as traceparent', async () => {
    const requestId = `trace-${randomBytes(4).toString('hex')}`;
    const res = await api(traced.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('traced-submit', { progress: `${rx.url}/progress` }), { 'x-request-id': requestId });
    expect(res.status).toBe(201);
    const jobId: string = res.body.jobId;
    const hook = await eventually(async () => requestsFor(rx, jobId, '/progress')[0]);
    const [attempt, fanout, append, http, ...more] = await chainOf(otlp, hook);
    expect(more).toEqual([]);

    // One trace, the one the webhook request names.
    const { traceId } = parseTraceparent(hook.headers.traceparent)!;
    expect([attempt, fanout, append, http].map((s) => s.traceId)).toEqual([traceId, traceId, traceId, traceId]);
    expect([attempt, fanout, append, http].map((s) => s.service)).toEqual(['herald-traced', 'herald-traced', 'herald-traced', 'herald-traced']);

    expect(http).toMatchObject({ name: 'POST /api/v1/exec/raw', kind: SPAN_KIND.server, status: { code: 0 } });
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/v1/exec/raw', 'url.path': '/api/v1/exec/raw', 'http.response.status_code': 201, 'herald.request.id': requestId });

    const message = (await deliveries(traced, { jobId })).find((d) => d.id === attempt.attributes['herald.message.id'])!;
    expect(message).toBeDefined();
    expect(append).toMatchObject({ name: 'append job', kind: SPAN_KIND.internal });
    expect(append.attributes).toMatchObject({ 'herald.job.id': jobId, 'herald.stream.type': 'job' });
    expect(append.attributes['herald.event.types']).toContain(message.eventType);

    expect(fanout).toMatchObject({ name: 'fan-out herald_fanout', kind: SPAN_KIND.consumer });
    expect(fanout.attributes).toMatchObject({ 'herald.job.id': jobId, 'herald.fanout.path': 'chained', 'messaging.destination.name': 'herald_fanout', 'messaging.operation.type': 'process' });
    expect(fanout.attributes['herald.event.types']).toContain(message.eventType);

    expect(attempt).toMatchObject({ name: 'POST', kind: SPAN_KIND.client, status: { code: 0 } });
    expect(attempt.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(rx.url).port),
      'herald.message.id': message.id,
      'herald.subscription.id': message.subscriptionId,
      'herald.attempt': 1,
      'herald.job.id': jobId,
      'herald.event.type': message.eventType,
    });
  });

  it('continues a trace the caller started (its traceparent header is the request span parent)', async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await api(traced.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('traced-caller', { progress: `${rx.url}/progress` }), { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(res.status).toBe(201);
    const hook = await eventually(async () => requestsFor(rx, res.body.jobId, '/progress')[0]);
    const chain = await chainOf(otlp, hook, callerSpan);
    expect(parseTraceparent(hook.headers.traceparent)!.traceId).toBe(callerTrace);
    expect(chain.map((s) => s.name)).toEqual(['POST', 'fan-out herald_fanout', 'append job', 'POST /api/v1/exec/raw']);
    expect(chain[3]).toMatchObject({ traceId: callerTrace, parentSpanId: callerSpan });
  });

  it('traces a result webhook to the worker request that completed the job (fan-out handed over after the commit)', async () => {
    const jobId = await runOneTaskJob(traced, 'traced-result', { result: `${rx.url}/result` });
    const hook = await eventually(async () => requestsFor(rx, jobId, '/result')[0]);
    const [attempt, fanout, append, http, ...more] = await chainOf(otlp, hook);
    expect(more).toEqual([]);
    expect(attempt.attributes).toMatchObject({ 'herald.job.id': jobId, 'http.response.status_code': 200 });
    expect(fanout.attributes).toMatchObject({ 'herald.job.id': jobId, 'herald.fanout.path': 'handoff' });
    expect(append.attributes['herald.event.types']).toContain('job.completed');
    expect(http).toMatchObject({ name: 'POST /api/v1/tasks/:taskId/complete', kind: SPAN_KIND.server });
  });

  it('gives a failing receiver (500) one error span per attempt, each the traceparent of its own request', async () => {
    const res = await api(traced.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('traced-fail', { progress: `${rx.url}/fail`, secret: newSecret() }));
    expect(res.status).toBe(201);
    const jobId: string = res.body.jobId;
    // Every attempt of the schedule (3) made and failed, for at least one message.
    const all = await settled(traced, jobId, 'exec.progress');
    const failed = all.find((d) => d.status === 'failed' && d.attempts === 3);
    expect(failed).toBeDefined();
    const log = (await delivery(traced, failed!.id)).attemptLog;
    expect(log.map((a) => a.statusCode)).toEqual([500, 500, 500]);

    const requests = rx.requests.filter((r) => r.headers['webhook-id'] === `msg_${failed!.id}`);
    expect(requests).toHaveLength(3);
    const spans = await Promise.all(requests.map((r) => exported(otlp, parseTraceparent(r.headers.traceparent)?.spanId)));
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(3);
    expect(otlp.spans.filter((s) => s.attributes['herald.message.id'] === failed!.id)).toHaveLength(3);
    expect(spans.map((s) => s.attributes['herald.attempt'])).toEqual([1, 2, 3]);
    for (const span of spans) {
      expect(span).toMatchObject({ name: 'POST', kind: SPAN_KIND.client, status: { code: ERROR } });
      expect(span.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500', 'herald.message.id': failed!.id });
    }
    expect(spans[1].attributes['http.request.resend_count']).toBe(1);
    // Retries come back through the queue, later: still children of the fan-out that wrote the message.
    const parents = new Set(spans.map((s) => s.parentSpanId));
    expect(parents.size).toBe(1);
    const fanout = await exported(otlp, spans[0].parentSpanId);
    expect(fanout.attributes).toMatchObject({ 'herald.job.id': jobId });
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([fanout.traceId]));
  });

  it('traces a webhook stage call as a child of the append that expanded its node, and the call carries its traceparent', async () => {
    const path = `/stage/${randomBytes(4).toString('hex')}`;
    const res = await api(traced.baseUrl, 'POST', '/api/v1/exec/raw', stagePipeline('traced-stage', `${rx.url}${path}?secret=1`));
    expect(res.status).toBe(201);
    const jobId: string = res.body.jobId;
    const call = await eventually(async () => rx.requests.find((r) => r.path.startsWith(path)));
    // The stage's own headers, and traceparent.
    expect(Object.keys(call.headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host', 'traceparent', 'x-stage']);
    const [span, append, http, ...more] = await chainOf(otlp, call);
    expect(more).toEqual([]);
    const { traceId } = parseTraceparent(call.headers.traceparent)!;
    expect([span, append, http].map((s) => s.traceId)).toEqual([traceId, traceId, traceId]);

    expect(span).toMatchObject({ name: 'POST', kind: SPAN_KIND.client, status: { code: 0 }, service: 'herald-traced' });
    expect(span.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(rx.url).port),
      'herald.job.id': jobId,
      'herald.node.name': 'call',
      'herald.stage.phase': 'create',
      'herald.stage.call': 1,
    });
    const [run] = await traced.db.query<{ task_id: string; trace_parent: string | null }>('SELECT task_id, trace_parent FROM webhook_stage_runs WHERE job_id = $1', [jobId]);
    expect(span.attributes['herald.task.id']).toBe(run.task_id);
    // Never the URL's path or query.
    expect(Object.values(span.attributes).filter((v) => String(v).includes('/stage') || String(v).includes('secret'))).toEqual([]);
    // The run keeps the span of the append that expanded its node: its calls are children of it.
    expect(parseTraceparent(run.trace_parent ?? undefined)?.spanId).toBe(append.spanId);
    expect(append).toMatchObject({ name: 'append job', kind: SPAN_KIND.internal });
    expect(append.attributes['herald.event.types']).toContain('node.expanded');
    expect(http).toMatchObject({ name: 'POST /api/v1/exec/raw', kind: SPAN_KIND.server });
  });

  it('traces a channel test as a child of its request span, and the test notification carries its traceparent', async () => {
    const path = `/channel/${randomBytes(4).toString('hex')}`;
    const channel = await api(traced.baseUrl, 'POST', '/api/v1/projects/traced-p/channels', { name: 'traced', url: `${rx.url}${path}` });
    expect(channel.status).toBe(201);
    const tested = await api(traced.baseUrl, 'POST', `/api/v1/projects/traced-p/channels/${channel.body.id}/test`);
    expect([tested.status, tested.body.outcome]).toEqual([200, 'delivered']);
    // Sent before the answer.
    const sent = rx.requests.filter((r) => r.path === path);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0].headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host', 'traceparent', 'user-agent']);
    const [span, http, ...more] = await chainOf(otlp, sent[0]);
    expect(more).toEqual([]);
    expect(span.traceId).toBe(http.traceId);
    expect(span).toMatchObject({ name: 'POST', kind: SPAN_KIND.client, status: { code: 0 } });
    expect(span.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'server.port': Number(new URL(rx.url).port),
      'herald.subscription.id': channel.body.id,
      'herald.project.id': 'traced-p',
      'herald.message.id': tested.body.deliveryId,
      'herald.event.type': 'test',
    });
    expect(http).toMatchObject({ name: 'POST /api/v1/projects/:projectId/channels/:id/test', kind: SPAN_KIND.server });
  });

  it('sends the stage calls and channel tests of a Herald without tracing as before: no traceparent, no stored context', async () => {
    const path = `/stage/${randomBytes(4).toString('hex')}`;
    const res = await api(plain.baseUrl, 'POST', '/api/v1/exec/raw', stagePipeline('untraced-stage', `${rx.url}${path}`));
    expect(res.status).toBe(201);
    const call = await eventually(async () => rx.requests.find((r) => r.path === path));
    expect(Object.keys(call.headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host', 'x-stage']);
    expect(await plain.db.query('SELECT trace_parent FROM webhook_stage_runs WHERE job_id = $1', [res.body.jobId])).toEqual([{ trace_parent: null }]);

    const channelPath = `/channel/${randomBytes(4).toString('hex')}`;
    const channel = await api(plain.baseUrl, 'POST', '/api/v1/projects/plain-p/channels', { name: 'plain', url: `${rx.url}${channelPath}` });
    expect(channel.status).toBe(201);
    expect((await api(plain.baseUrl, 'POST', `/api/v1/projects/plain-p/channels/${channel.body.id}/test`)).status).toBe(200);
    const [sent] = rx.requests.filter((r) => r.path === channelPath);
    expect(Object.keys(sent.headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host', 'user-agent']);
  });

  it('leaves a Herald without tracing as it was: no traceparent header, none stored', async () => {
    expect([traced.app.get(Tracing).enabled, plain.app.get(Tracing).enabled]).toEqual([true, false]);
    const res = await api(plain.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('untraced', { progress: `${rx.url}/progress` }));
    expect(res.status).toBe(201);
    const jobId: string = res.body.jobId;
    const hook = await eventually(async () => requestsFor(rx, jobId, '/progress')[0]);
    expect(hook.headers.traceparent).toBeUndefined();
    expect(Object.keys(hook.headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host', 'user-agent']);
    const events = await plain.db.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM events WHERE stream_id = $1', [jobId]);
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => 'traceparent' in e.metadata)).toEqual([]);
    const messages = await plain.db.query<{ trace_parent: string | null }>('SELECT trace_parent FROM webhook_messages WHERE job_id = $1', [jobId]);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.filter((m) => m.trace_parent !== null)).toEqual([]);
  });
});

describe('tracing across instances: the fan-out fetched from the queue by another instance', () => {
  const otlp = new OtlpReceiver();
  const rx = new Receiver();
  let front: RunningHerald;
  let worker: RunningHerald;

  beforeAll(async () => {
    await Promise.all([otlp.start(), rx.start()]);
    // An API-only instance appends; the only instance with workers fans out and delivers.
    const base = fastWebhooks();
    front = await startHerald({ ...tracingTo(otlp, 'herald-front'), webhooks: { ...base.webhooks!, workers: false } });
    worker = await startHerald({ ...base, ...tracingTo(otlp, 'herald-worker') }, { url: front.databaseUrl, drop: async () => undefined });
  });
  afterAll(async () => {
    await worker?.stop();
    await front?.close();
    await Promise.all([rx.stop(), otlp.stop()]);
  });

  it('continues the trace of the request made to the other instance', async () => {
    const res = await api(front.baseUrl, 'POST', '/api/v1/exec/raw', pipeline('traced-queue', { progress: `${rx.url}/progress` }));
    expect(res.status).toBe(201);
    const hook = await eventually(async () => requestsFor(rx, res.body.jobId, '/progress')[0]);
    const [attempt, fanout, append, http, ...more] = await chainOf(otlp, hook);
    expect(more).toEqual([]);
    expect([attempt.service, fanout.service, append.service, http.service]).toEqual(['herald-worker', 'herald-worker', 'herald-front', 'herald-front']);
    expect(fanout.attributes).toMatchObject({ 'herald.job.id': res.body.jobId, 'herald.fanout.path': 'queue' });
    expect(http.name).toBe('POST /api/v1/exec/raw');
    expect(otlp.refused).toEqual([]);
  });
});

describe('tracing shutdown', () => {
  it('exports the spans still waiting when the application stops', async () => {
    const otlp = await new OtlpReceiver().start();
    // Spans would wait 10 minutes for their batch: only the shutdown's flush sends them.
    const h = await startHerald(tracingTo(otlp, 'herald-stopping', 600_000));
    try {
      const requestId = `stop-${randomBytes(4).toString('hex')}`;
      expect((await api(h.baseUrl, 'GET', '/health', undefined, { 'x-request-id': requestId })).status).toBe(200);
      await h.stop();
      expect(otlp.spans.filter((s) => s.attributes['herald.request.id'] === requestId).map((s) => s.name)).toEqual(['GET /health']);
    } finally {
      await h.close();
      await otlp.stop();
    }
  });
});
