import { randomUUID } from 'node:crypto';
import { client, type HeraldClient } from './e2e';
import { api, eventually, type RunningHerald } from './herald';
import { fillPath, type OperationTemplate } from './auth-walk';

/** Helpers of the tenant tests: project keys, one project's resources, and the requests a walk sends. */

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Creates a project key with an admin key; returns the key and its id. */
export async function createKey(h: RunningHerald, adminKey: string, projectId: string, body: Record<string, unknown> = { name: `${projectId}-key` }): Promise<{ key: string; id: string; prefix: string }> {
  const res = await api(h.baseUrl, 'POST', `/api/v1/projects/${encodeURIComponent(projectId)}/keys`, body, bearer(adminKey));
  if (res.status !== 201) throw new Error(`create key: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** What one project owns, made with its own key: ids to aim at, and strings that identify its data. */
export interface Resources {
  project: string;
  batch: string;
  key: string;
  keyId: string;
  keyPrefix: string;
  /** A job with webhooks (its deliveries, its job subscription). */
  jobId: string;
  /** A task of that job, held by `worker`. */
  taskId: string;
  worker: string;
  queue: string;
  requestId: string;
  subscriptionId: string;
  channelId: string;
  routingId: string;
  deliveryId: string;
  pipeline: string;
  /** A string in this project's flowInput, queue request body, channel name and stored pipeline. */
  marker: string;
}

export interface ProjectSetup {
  h: RunningHerald;
  adminKey: string;
  project: string;
  /** Receiver base URL for this project's webhooks (paths under /<project>-private/). */
  receiverUrl: string;
  /** Algorithm only this project's walk job uses. */
  algorithm: string;
  queue: string;
  /** Complete the job's tasks (else one stays held by the worker, the others pending). */
  finish: boolean;
}

/** Creates a project's key and one of each resource the API names by id, all with that key. */
export async function createResources(s: ProjectSetup): Promise<Resources & { c: HeraldClient }> {
  const { key, id: keyId, prefix: keyPrefix } = await createKey(s.h, s.adminKey, s.project);
  const c = client(s.h.baseUrl, bearer(key));
  const marker = `${s.project}-private-${randomUUID().slice(0, 8)}`;
  const batch = `${s.project}-batch`;
  const hook = (what: string) => `${s.receiverUrl}/${s.project}-private/${what}`;
  const expectStatus = <T>(res: { status: number; body: T }, status: number, what: string): T => {
    if (res.status !== status) throw new Error(`${s.project} ${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const jobId = await c.submit({
    name: `${s.project}-walk`,
    projectId: s.project,
    batchId: batch,
    flowInput: { marker },
    nodes: [{ nodeName: 'n', algorithmName: s.algorithm, input: ['#[1,2,3]', '@flowInput.marker'] }],
    webhooks: { progress: hook('progress'), result: hook('result') },
  });
  const worker = `${s.project}-worker`;
  const [held] = await c.acquire(worker, [s.algorithm], 1, 3600);
  if (s.finish) {
    for (let tasks = [held]; tasks.length > 0; tasks = await c.acquire(worker, [s.algorithm], 10, 3600)) {
      for (const t of tasks) expectStatus(await c.complete(t.taskId, worker, `${marker}:${t.taskId}`), 200, 'complete');
    }
  }
  const queued = expectStatus(await c.call('POST', `/queue/${encodeURIComponent(s.queue)}`, { marker }), 202, 'queue request');
  expectStatus(await c.call('PUT', `/api/v1/projects/${s.project}/webhook`, { url: hook('project'), header: `Bearer ${marker}-project-header` }), 200, 'project webhook');
  expectStatus(await c.call('PUT', `/api/v1/projects/${s.project}/batches/${batch}/webhook`, { url: hook('batch') }), 200, 'batch webhook');
  const channel = expectStatus(await c.call('POST', `/api/v1/projects/${s.project}/channels`, { name: `${marker} channel`, url: hook('channel') }), 201, 'channel');
  const routing = expectStatus(await c.call('POST', `/api/v1/projects/${s.project}/routings`, { event: 'job.completed', channelId: channel.id }), 201, 'routing');
  const pipeline = `${s.project}-nightly`;
  expectStatus(
    await c.call('POST', '/api/v1/store/pipelines', { name: pipeline, flowInput: { marker }, nodes: [{ nodeName: 'n', algorithmName: `${s.algorithm}-stored`, input: ['@flowInput.marker'] }], triggers: { webhook: {} } }),
    201,
    'stored pipeline',
  );
  const subs = expectStatus(await c.call('GET', `/api/v1/subscriptions?jobId=${encodeURIComponent(jobId)}`), 200, 'subscriptions').subscriptions as Array<{ id: string; scope: string }>;
  const subscriptionId = subs.find((x) => x.scope === 'job')!.id;
  const deliveryId = await eventually(async () => {
    const list = expectStatus(await c.call('GET', `/api/v1/deliveries?jobId=${encodeURIComponent(jobId)}`), 200, 'deliveries').deliveries as Array<{ id: string; status: string; kind: string }>;
    // A finished job's result webhook too (its webhook record routes answer 200).
    if (s.finish && !list.some((d) => d.kind === 'exec.result' && d.status === 'delivered')) return undefined;
    return list.find((d) => d.status === 'delivered')?.id;
  });
  return {
    c,
    project: s.project,
    batch,
    key,
    keyId,
    keyPrefix,
    jobId,
    taskId: held.taskId,
    worker,
    queue: s.queue,
    requestId: String(queued.jobId),
    subscriptionId,
    channelId: channel.id,
    routingId: routing.id,
    deliveryId,
    pipeline,
    marker,
  };
}

/** Resources nobody made: the answer to them is what "missing" looks like. */
export function missingResources(like: Resources): Resources {
  return {
    ...like,
    project: 'proj-nobody',
    batch: 'batch-nobody',
    keyId: randomUUID(),
    jobId: `${like.project}-walk:${randomUUID()}`,
    taskId: randomUUID(),
    requestId: '987654321',
    subscriptionId: randomUUID(),
    channelId: randomUUID(),
    routingId: randomUUID(),
    deliveryId: randomUUID(),
    pipeline: 'never-stored',
  };
}

/** The fields of Resources a walk puts into requests (what a "missing" twin replaces). */
export const AIMED: Array<keyof Resources> = ['project', 'batch', 'keyId', 'jobId', 'taskId', 'requestId', 'subscriptionId', 'channelId', 'routingId', 'deliveryId', 'pipeline'];

/** The value of a path parameter: the resource of `r` the template names. A template it does not know fails the walk. */
export function resourceFor(op: OperationTemplate, param: string, r: Resources): string {
  switch (param) {
    case 'projectId':
      return r.project;
    case 'batchId':
      return r.batch;
    case 'taskId':
      return r.taskId;
    case 'queueName':
      return r.queue;
    case 'jobId':
      return op.template.startsWith('/queue/') ? r.requestId : r.jobId;
    // The fal routes: the app is the queue's first two segments, the endpoint path the rest.
    case 'owner':
      return r.queue.split('/')[0];
    case 'app':
      return r.queue.split('/')[1];
    case 'path':
      return r.queue.split('/').slice(2).join('/') || 'walk';
    case 'requestId':
      return r.requestId;
    case 'name':
      return r.pipeline;
    case 'keyId':
      return r.keyId;
    // Herald's webhook signing keys (admin keys only) belong to no project.
    case 'kid':
      return 'walk-signing-key';
    case 'id':
      if (op.template.includes('/channels/')) return r.channelId;
      if (op.template.includes('/routings/')) return r.routingId;
      if (op.template.includes('/subscriptions/')) return r.subscriptionId;
      if (op.template.includes('/deliveries/')) return r.deliveryId;
  }
  throw new Error(`the walk does not know what {${param}} of ${op.method} ${op.template} names: map it in test/support/tenants.ts`);
}

export interface WalkRequest {
  path: string;
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * The request a walk sends for an operation, aimed at `target`'s resources: the path's
 * parameters, and a body valid enough to reach the resource it names (a body that failed
 * validation would prove nothing), naming `target`'s job, task, pipeline, channel or project
 * where the route takes them in the body.
 */
export function walkRequest(op: OperationTemplate, target: Resources, key: string): WalkRequest {
  // The events stream names B's project and job in its query.
  const query = op.method === 'GET' && op.template === '/api/v1/events/stream' ? `?projectId=${encodeURIComponent(target.project)}` : '';
  const path = fillPath(op.template, (p) => resourceFor(op, p, target)) + query;
  const headers: Record<string, string> = bearer(key);
  const node = { nodeName: 'n', algorithmName: 'walk-alg', input: [1] };
  const bodies: Record<string, unknown> = {
    'POST /api/v1/exec/raw': { name: 'walk', projectId: target.project, nodes: [node] },
    'POST /api/v1/exec/stop': { jobId: target.jobId, reason: 'walk' },
    'POST /api/v1/exec/pause': { jobId: target.jobId },
    'POST /api/v1/exec/resume': { jobId: target.jobId },
    'POST /api/v1/exec/stored': { name: target.pipeline },
    // B's pipeline names and statuses: a search answers A's jobs only.
    'POST /api/v1/exec/search': { query: { pipelineName: 'bulk', pipelineStatus: 'pending' }, limit: 100 },
    'POST /api/v1/tasks/acquire': { workerName: target.worker, algorithmNames: ['b-only-alg', 'walk-alg'], queues: ['walk-q'], max: 100 },
    'POST /api/v1/tasks/complete': { workerName: target.worker, tasks: [{ taskId: target.taskId, result: 'stolen' }] },
    'POST /api/v1/tasks/{taskId}/heartbeat': { workerName: target.worker, leaseSeconds: 60 },
    'POST /api/v1/tasks/{taskId}/complete': { workerName: target.worker, result: 'stolen' },
    'POST /api/v1/tasks/{taskId}/fail': { workerName: target.worker, error: 'stolen', retryable: false },
    'POST /api/v1/tasks/{taskId}/release': { workerName: target.worker },
    'PUT /api/v1/queues/{queueName}': { retryLimit: 1 },
    'POST /queue/{queueName}': { walk: true },
    'POST /fal/queue/{owner}/{app}': { walk: true },
    'POST /fal/queue/{owner}/{app}/{path}': { walk: true },
    'PUT /api/v1/projects/{projectId}/webhook': { url: 'https://example.com/walk' },
    'PUT /api/v1/projects/{projectId}/batches/{batchId}/webhook': { url: 'https://example.com/walk' },
    'POST /api/v1/projects/{projectId}/channels': { name: 'walk', url: 'https://example.com/walk' },
    'PATCH /api/v1/projects/{projectId}/channels/{id}': { name: 'walked' },
    'POST /api/v1/projects/{projectId}/routings': { event: 'job.failed', channelId: target.channelId },
    'POST /api/v1/projects/{projectId}/keys': { name: 'walk' },
    'POST /api/v1/store/pipelines': { name: target.pipeline, projectId: target.project, nodes: [node] },
    'PUT /api/v1/store/pipelines/{name}': { nodes: [node] },
    'POST /api/v1/deliveries/recover': { since: '2000-01-01T00:00:00.000Z' },
    'POST /api/v1/subscriptions/{id}/enable': { recoverSince: '2000-01-01T00:00:00.000Z' },
    'POST /api/v1/hooks/{name}': { walk: true },
    'POST /api/v1/projects/{projectId}/hooks/{name}': { walk: true },
  };
  const id = `${op.method} ${op.template}`;
  if (id === 'POST /queue/{queueName}' || id.startsWith('POST /fal/queue/')) headers['x-project-id'] = target.project;
  const body = Object.hasOwn(bodies, id) ? bodies[id] : ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined;
  return { path, body, headers };
}
