import { z } from 'zod';
import { AcquireAnswer, JobEvents, JobList, ResultsView, StatusView, SubmitAnswer } from '../../src/jobs/http/jobs.schemas';
import { QueuedRequest, RequestStatusView } from '../../src/queues/http/queues.schemas';
import { api, startHerald, type RunningHerald } from '../support/herald';

type Json = any;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const KEY = { authorization: 'Bearer openapi-key' };

/** Every operation of the document as [method, path, operation]. */
function operations(doc: Json): Array<[string, string, Json]> {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m): [string, string, Json] => [m, path, item[m]]));
}

/** The schema a `$ref` names (`#/components/schemas/X`). */
function resolve(doc: Json, schema: Json): Json {
  if (!schema?.$ref) return schema;
  const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
  return name ? doc.components.schemas[name] : undefined;
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k === '$ref' && typeof v === 'string') out.push(v);
    else refsIn(v, out);
  }
  return out;
}

describe('The OpenAPI document at /docs-json', () => {
  let h: RunningHerald;
  let doc: Json;

  beforeAll(async () => {
    h = await startHerald({ apiKeys: ['openapi-key'] });
    const res = await api(h.baseUrl, 'GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => h.close());

  it('is OpenAPI 3.1 and describes every route Herald serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(operations(doc).length).toBeGreaterThanOrEqual(45);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/exec/raw', '/api/v1/tasks/acquire', '/queue/{queueName}', '/api/v1/projects/{projectId}/channels', '/api/v1/deliveries', '/api/v1/subscriptions', '/api/v1/store/pipelines', '/api/v1/hooks/{name}', '/health']));
  });

  it('gives every operation a described 2xx answer with a schema (204 has no body)', () => {
    const missing: string[] = [];
    for (const [method, path, op] of operations(doc)) {
      const ok = Object.entries(op.responses as Record<string, Json>).filter(([status]) => /^2\d\d$/.test(status));
      if (ok.length === 0) missing.push(`${method} ${path}: no 2xx`);
      for (const [status, answer] of ok) {
        if (!answer.description) missing.push(`${method} ${path} ${status}: no description`);
        // A stream (server-sent events) is described as text/event-stream.
        const schema = answer.content?.['application/json']?.schema ?? answer.content?.['text/event-stream']?.schema;
        if (status === '204') {
          if (answer.content) missing.push(`${method} ${path} 204: has a body`);
        } else if (!resolve(doc, schema)) missing.push(`${method} ${path} ${status}: no schema`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists the 4xx answers of each route with the error envelope and an example of each code', () => {
    const envelope = doc.components.schemas.ErrorEnvelope;
    expect(envelope.properties.error.required).toEqual(expect.arrayContaining(['code', 'message']));
    const wrong: string[] = [];
    for (const [method, path, op] of operations(doc)) {
      const errors = Object.entries(op.responses as Record<string, Json>).filter(([status]) => /^4\d\d$/.test(status));
      const statuses = errors.map(([s]) => s);
      const required = [...(op.requestBody ? ['400', '413'] : []), ...(op.security?.length === 0 ? [] : ['401'])];
      for (const s of required) if (!statuses.includes(s)) wrong.push(`${method} ${path}: no ${s}`);
      for (const [status, answer] of errors) {
        const content = answer.content?.['application/json'];
        if (content?.schema?.$ref !== '#/components/schemas/ErrorEnvelope') wrong.push(`${method} ${path} ${status}: not the error envelope`);
        const examples = Object.values((content?.examples ?? {}) as Record<string, Json>);
        if (examples.length === 0 || examples.some((e) => typeof e.value?.error?.code !== 'string' || typeof e.value.error.message !== 'string')) wrong.push(`${method} ${path} ${status}: no examples`);
        if (!answer.description) wrong.push(`${method} ${path} ${status}: no description`);
      }
    }
    expect(wrong).toEqual([]);
    // Routes that can be found missing, and refusals of a stale worker, are listed.
    expect(Object.keys(doc.paths['/api/v1/exec/status/{jobId}'].get.responses)).toContain('404');
    const heartbeat409 = doc.paths['/api/v1/tasks/{taskId}/heartbeat'].post.responses['409'];
    expect(Object.keys(heartbeat409.content['application/json'].examples)).toEqual(['TASK_NOT_ACTIVE', 'LEASE_NOT_HELD', 'LEASE_EXPIRED']);
  });

  it('describes the live streams as text/event-stream, with their query and Last-Event-ID', () => {
    const status = doc.paths['/api/v1/exec/status/{jobId}/stream'].get;
    expect(Object.keys(status.responses['200'].content)).toEqual(['text/event-stream']);
    expect(status.responses['200'].content['text/event-stream']['x-herald-event-data']).toEqual({ $ref: '#/components/schemas/StatusView' });
    expect((status.parameters as Json[]).map((p) => `${p.in}:${p.name}`).sort()).toEqual(['header:Last-Event-ID', 'path:jobId', 'query:level', 'query:token']);
    expect((status.parameters as Json[]).find((p) => p.name === 'level').schema.enum).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'critical']);
    const events = doc.paths['/api/v1/events/stream'].get;
    expect(events.responses['200'].content['text/event-stream']['x-herald-event-data']).toEqual({ $ref: '#/components/schemas/StreamedEvent' });
    expect((events.parameters as Json[]).map((p) => p.name).sort()).toEqual(['Last-Event-ID', 'jobId', 'projectId', 'types']);
    expect(resolve(doc, doc.paths['/api/v1/exec/status/{jobId}/stream-token'].post.responses['201'].content['application/json'].schema).required).toEqual(['token', 'expiresAt']);
  });

  it('registers the schemas as components, and every reference resolves', () => {
    const names = Object.keys(doc.components.schemas);
    expect(names.length).toBeGreaterThan(20);
    expect(names).toEqual(expect.arrayContaining(['PipelineRequest', 'AcquireRequest', 'AcquireAnswer', 'StatusView', 'ResultsView', 'ErrorEnvelope', 'SubscriptionView', 'DeliveryDetail', 'RequestStatusView']));
    const dangling = refsIn(doc).filter((ref) => !resolve(doc, { $ref: ref }));
    expect(dangling).toEqual([]);
  });

  it('documents the acquire limits the validator applies', () => {
    const body = resolve(doc, doc.paths['/api/v1/tasks/acquire'].post.requestBody.content['application/json'].schema);
    expect(body.required).toEqual(['workerName']);
    expect(body.properties.max).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 1 });
    expect(body.properties.leaseSeconds).toMatchObject({ type: 'number', minimum: 0.1, maximum: 86400 });
    const heartbeat = resolve(doc, doc.paths['/api/v1/tasks/{taskId}/heartbeat'].post.requestBody.content['application/json'].schema);
    expect(heartbeat.properties.leaseSeconds).toMatchObject({ minimum: 0.1, maximum: 86400 });
    const limit = (doc.paths['/api/v1/exec/jobs'].get.parameters as Json[]).find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } });
  });

  it('requires the API key (Authorization: Bearer) everywhere but on the public routes', async () => {
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const open = operations(doc).filter(([, , op]) => op.security !== undefined);
    expect(open.map(([method, path, op]) => [method, path, op.security])).toEqual([
      ['get', '/health', []],
      ['get', '/health/live', []],
      ['get', '/health/ready', []],
      ['get', '/.well-known/jwks.json', []],
      ['get', '/fal/.well-known/jwks.json', []],
      ['post', '/api/v1/hooks/{name}', []],
      ['post', '/api/v1/projects/{projectId}/hooks/{name}', []],
    ]);
    // What the document says is what Herald does.
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs')).status).toBe(401);
    expect((await api(h.baseUrl, 'GET', '/api/v1/exec/jobs', undefined, KEY)).status).toBe(200);
    for (const probe of ['/health', '/health/live', '/health/ready', '/.well-known/jwks.json', '/fal/.well-known/jwks.json']) expect((await api(h.baseUrl, 'GET', probe)).status).toBe(200);
  });

  it('names what each route needs of a key (a scope, or an admin key) and lists its 403 FORBIDDEN_SCOPE', () => {
    const scopes = ['jobs:write', 'jobs:read', 'workers', 'webhooks:manage', 'deliveries:read', 'deliveries:write', 'admin'];
    const wrong: string[] = [];
    for (const [method, path, op] of operations(doc)) {
      if (op.security?.length === 0) continue;
      if (!scopes.includes(op['x-herald-access'])) wrong.push(`${method} ${path}: no x-herald-access`);
      const examples = Object.values((op.responses['403']?.content?.['application/json']?.examples ?? {}) as Record<string, Json>);
      if (examples.map((e) => e.value.error.code).join() !== 'FORBIDDEN_SCOPE') wrong.push(`${method} ${path}: no 403 FORBIDDEN_SCOPE`);
    }
    expect(wrong).toEqual([]);
    const access = (method: string, path: string) => doc.paths[path][method]['x-herald-access'];
    expect([access('post', '/api/v1/exec/raw'), access('get', '/api/v1/exec/status/{jobId}'), access('post', '/api/v1/tasks/acquire'), access('post', '/api/v1/projects/{projectId}/keys'), access('put', '/api/v1/queues/{queueName}')]).toEqual([
      'jobs:write',
      'jobs:read',
      'workers',
      'admin',
      'admin',
    ]);
  });

  it('describes the webhooks Herald sends', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual(['exec.progress', 'exec.result', 'fal.result', 'notification', 'project.task', 'queue.lifecycle']);
    for (const [name, item] of Object.entries(doc.webhooks as Record<string, Json>)) {
      const schema = resolve(doc, item.post.requestBody.content['application/json'].schema);
      expect([name, typeof schema?.type]).toEqual([name, 'string']);
      // fal's result webhook carries fal's ED25519 signature too (fal-webhook-signature.e2e-spec.ts).
      const fal = name === 'fal.result' ? ['X-Fal-Webhook-Request-Id', 'X-Fal-Webhook-User-Id', 'X-Fal-Webhook-Timestamp', 'X-Fal-Webhook-Signature'] : [];
      expect([name, (item.post.parameters as Json[]).map((p) => p.name)]).toEqual([name, ['webhook-id', 'webhook-timestamp', 'webhook-signature', ...fal]]);
    }
    expect(doc.webhooks['exec.progress'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/StatusView' });
  });

  it('matches what Herald answers: the answer schemas parse real answers', async () => {
    const call = (method: string, path: string, body?: unknown) => api(h.baseUrl, method, path, body, KEY);
    const submitted = await call('POST', '/api/v1/exec/raw', { name: 'doc', nodes: [{ nodeName: 'a', algorithmName: 'doc-alg', input: ['#[1,2]'] }] });
    const { jobId } = SubmitAnswer.parse(submitted.body);
    const acquired = AcquireAnswer.parse((await call('POST', '/api/v1/tasks/acquire', { workerName: 'w', algorithmNames: ['doc-alg'], max: 2 })).body);
    expect(acquired.tasks).toHaveLength(2);
    for (const t of acquired.tasks) expect((await call('POST', `/api/v1/tasks/${t.taskId}/complete`, { workerName: 'w', result: t.input })).status).toBe(200);
    const conforms = <T extends z.ZodType>(schema: T, value: unknown) => expect(schema.safeParse(value).error?.issues).toBeUndefined();
    conforms(StatusView, (await call('GET', `/api/v1/exec/status/${jobId}`)).body);
    conforms(ResultsView, (await call('GET', `/api/v1/exec/results/${jobId}`)).body);
    conforms(JobList, (await call('GET', '/api/v1/exec/jobs')).body);
    conforms(JobEvents, (await call('GET', `/api/v1/jobs/${jobId}/events`)).body);
    const queued = (await call('POST', '/queue/doc-q', { n: 1 })).body;
    conforms(QueuedRequest, queued);
    conforms(RequestStatusView, (await call('GET', `/queue/doc-q/requests/${queued.jobId}/status`)).body);
  });
});

describe('Requests are validated by the schemas the document shows', () => {
  let h: RunningHerald;
  let doc: Json;

  beforeAll(async () => {
    h = await startHerald({ apiKeys: ['openapi-key'] });
    doc = (await api(h.baseUrl, 'GET', '/docs-json')).body;
  });
  afterAll(() => h.close());

  const TASK = '00000000-0000-4000-8000-000000000001';
  const cases: Array<[string, string, string, unknown, string]> = [
    ['post', '/api/v1/exec/raw', '/api/v1/exec/raw', { name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'b' }], priority: 9 }, 'priority'],
    ['post', '/api/v1/exec/stop', '/api/v1/exec/stop', { jobId: '' }, 'jobId'],
    ['get', '/api/v1/exec/jobs', '/api/v1/exec/jobs?limit=1001', undefined, 'limit'],
    ['get', '/api/v1/jobs/{jobId}/events', '/api/v1/jobs/x/events?fromVersion=0', undefined, 'fromVersion'],
    ['post', '/api/v1/tasks/acquire', '/api/v1/tasks/acquire', { workerName: 'w', max: 1001 }, 'max'],
    ['post', '/api/v1/tasks/complete', '/api/v1/tasks/complete', { workerName: 'w', tasks: [] }, 'tasks'],
    ['post', '/api/v1/tasks/{taskId}/heartbeat', `/api/v1/tasks/${TASK}/heartbeat`, { workerName: 'w', leaseSeconds: 0 }, 'leaseSeconds'],
    ['post', '/api/v1/tasks/{taskId}/complete', `/api/v1/tasks/${TASK}/complete?next=maybe`, { workerName: 'w' }, 'next'],
    ['post', '/api/v1/tasks/{taskId}/fail', `/api/v1/tasks/${TASK}/fail`, { workerName: 'w' }, 'error'],
    ['put', '/api/v1/queues/{queueName}', '/api/v1/queues/q1', { retryLimit: 101 }, 'retryLimit'],
    ['post', '/queue/{queueName}', '/queue/q1?webhook=ftp://example.com/x', { n: 1 }, 'webhook'],
    ['put', '/api/v1/projects/{projectId}/webhook', '/api/v1/projects/p1/webhook', { url: 'ftp://example.com/x' }, 'url'],
    ['post', '/api/v1/projects/{projectId}/channels', '/api/v1/projects/p1/channels', { name: 'n', url: 'https://example.com/x', secret: 'nope' }, 'secret'],
    ['post', '/api/v1/projects/{projectId}/routings', '/api/v1/projects/p1/routings', { event: 'job.exploded', channelId: TASK }, 'event'],
    ['get', '/api/v1/subscriptions', '/api/v1/subscriptions?status=paused', undefined, 'status'],
    ['get', '/api/v1/deliveries', '/api/v1/deliveries?limit=0', undefined, 'limit'],
    ['post', '/api/v1/deliveries/recover', '/api/v1/deliveries/recover', { since: 'yesterday' }, 'since'],
    ['post', '/api/v1/store/pipelines', '/api/v1/store/pipelines', { name: 'p', nodes: [{ nodeName: 'a', algorithmName: 'b', colour: 'red' }] }, 'nodes[0].colour'],
    ['post', '/api/v1/exec/stored', '/api/v1/exec/stored', { flowInput: {} }, 'name'],
  ];

  it.each(cases)('%s %s: 400 VALIDATION_FAILED naming the field, as documented', async (method, template, path, body, field) => {
    const res = await api(h.baseUrl, method.toUpperCase(), path, body, KEY);
    expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((res.body.error.details as Array<{ path: string; message: string }>).map((d) => d.path)).toContain(field);
    expect(res.body.error.message).toContain(field);
    expect(Object.keys(doc.paths[template][method].responses)).toContain('400');
  });
});
