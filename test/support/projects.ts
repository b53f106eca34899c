import { Webhook } from 'standardwebhooks';
import { client, type HeraldClient } from './e2e';
import { api, eventually, type RunningHerald } from './herald';
import type { Received, Receiver } from './receiver';
import { deliveries, FINAL_STATUSES, type Delivery } from './webhooks';
import type { EndpointHealthView } from '../../src/webhooks/subscriptions.service';
import type { SubscriptionView as ApiSubscriptionView } from '../../src/webhooks/webhook.views';

/** Shared helpers of the project / batch webhook, channel and routing tests (seeds 002 and 003). */

export interface WebhookView {
  url: string;
  header: string | null;
  updatedAt: string;
  lastCall: { statusCode: number | null; message: string; date: string } | null;
  lastError: { statusCode: number | null; message: string; body: unknown; date: string } | null;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  disabledAt: string | null;
  skippedEvents: number;
  failingSince: string | null;
}

export interface ChannelView {
  id: string;
  projectId: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  hasSecret: boolean;
  events: string[];
  status: string;
}

export interface RoutingView {
  id: string;
  projectId: string;
  event: string;
  channelId: string;
  createdAt: string;
}

/** A subscription as GET /api/v1/subscriptions lists it (the API's own view type, with the recorded calls typed). */
export type SubscriptionView = Omit<ApiSubscriptionView, 'lastCall' | 'lastError'> & {
  lastCall: WebhookView['lastCall'];
  lastError: WebhookView['lastError'];
  health: EndpointHealthView;
};

/** Paths of the project API. */
const hookPath = (projectId: string, batchId?: string) =>
  `/api/v1/projects/${encodeURIComponent(projectId)}${batchId === undefined ? '' : `/batches/${encodeURIComponent(batchId)}`}/webhook`;

/** A client of the project API of one running Herald, plus the job client of test/support/e2e. */
export function projects(h: RunningHerald) {
  const call = <T = any>(method: string, path: string, body?: unknown) => api<T>(h.baseUrl, method, path, body);
  const expect = <T>(res: { status: number; body: T }, status: number, what: string): T => {
    if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const jobs: HeraldClient = client(h.baseUrl);
  const p = (projectId: string) => `/api/v1/projects/${encodeURIComponent(projectId)}`;

  return {
    call,
    jobs,

    putWebhookRaw: (projectId: string, batchId: string | undefined, body: unknown) => call<WebhookView>('PUT', hookPath(projectId, batchId), body),
    async putWebhook(projectId: string, batchId: string | undefined, body: unknown): Promise<WebhookView> {
      return expect(await call<WebhookView>('PUT', hookPath(projectId, batchId), body), 200, 'PUT webhook');
    },
    getWebhookRaw: (projectId: string, batchId?: string) => call<WebhookView>('GET', hookPath(projectId, batchId)),
    async getWebhook(projectId: string, batchId?: string): Promise<WebhookView> {
      return expect(await call<WebhookView>('GET', hookPath(projectId, batchId)), 200, 'GET webhook');
    },
    deleteWebhook: (projectId: string, batchId?: string) => call('DELETE', hookPath(projectId, batchId)),

    createChannelRaw: (projectId: string, body: unknown) => call<ChannelView>('POST', `${p(projectId)}/channels`, body),
    async createChannel(projectId: string, body: unknown): Promise<ChannelView> {
      return expect(await call<ChannelView>('POST', `${p(projectId)}/channels`, body), 201, 'create channel');
    },
    listChannels: (projectId: string) => call<{ channels: ChannelView[] }>('GET', `${p(projectId)}/channels`),
    getChannel: (projectId: string, id: string) => call<ChannelView>('GET', `${p(projectId)}/channels/${id}`),
    patchChannel: (projectId: string, id: string, body: unknown) => call<ChannelView>('PATCH', `${p(projectId)}/channels/${id}`, body),
    deleteChannel: (projectId: string, id: string) => call('DELETE', `${p(projectId)}/channels/${id}`),
    testChannel: (projectId: string, id: string) => call('POST', `${p(projectId)}/channels/${id}/test`),

    createRoutingRaw: (projectId: string, body: unknown) => call<RoutingView>('POST', `${p(projectId)}/routings`, body),
    async route(projectId: string, event: string, channelId: string): Promise<RoutingView> {
      return expect(await call<RoutingView>('POST', `${p(projectId)}/routings`, { event, channelId }), 201, `routing ${event}`);
    },
    listRoutings: (projectId: string) => call<{ routings: RoutingView[] }>('GET', `${p(projectId)}/routings`),
    deleteRouting: (projectId: string, id: string) => call('DELETE', `${p(projectId)}/routings/${id}`),

    /** GET /api/v1/subscriptions with a filter, expecting 200. */
    async subscriptions(query: { projectId?: string; jobId?: string }): Promise<SubscriptionView[]> {
      const qs = new URLSearchParams(query as Record<string, string>).toString();
      return expect(await call<{ subscriptions: SubscriptionView[] }>('GET', `/api/v1/subscriptions?${qs}`), 200, 'subscriptions').subscriptions;
    },
    rotate: (id: string, body?: unknown) => call<{ id: string; secret: string; previousSecretExpiresAt: string | null }>('POST', `/api/v1/subscriptions/${id}/rotate-secret`, body),
  };
}

export type ProjectsClient = ReturnType<typeof projects>;

/** The raw text of a GET (to check that something never appears in a response). */
export async function rawText(h: RunningHerald, path: string): Promise<string> {
  const res = await fetch(h.baseUrl + path);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return res.text();
}

/** Acquires and completes, as worker `w-<algorithm>`, every task of `algorithm`; returns the tasks. */
export async function completeTasks(c: HeraldClient, algorithm: string, result: unknown = 1) {
  const done = [];
  for (;;) {
    const tasks = await c.acquire(`w-${algorithm}`, [algorithm], 10);
    if (tasks.length === 0) return done;
    for (const t of tasks) {
      const res = await c.complete(t.taskId, `w-${algorithm}`, result);
      if (res.status !== 200) throw new Error(`complete ${t.taskId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      done.push(t);
    }
  }
}

/** Waits until the job has exactly `count` messages of `kind` (more is an error) and all are final. */
export async function settledExactly(h: RunningHerald, jobId: string, kind: string, count: number, timeoutMs = 15_000): Promise<Delivery[]> {
  return eventually(async () => {
    const all = (await deliveries(h, { jobId })).filter((d) => d.kind === kind);
    if (all.length > count) throw new Error(`${jobId} has ${all.length} ${kind} messages, expected ${count}`);
    return all.length === count && all.every((d) => FINAL_STATUSES.includes(d.status)) && all;
  }, timeoutMs);
}

/** Waits until every message of the job is final (none pending or retrying). */
export async function allSettled(h: RunningHerald, jobId: string, timeoutMs = 15_000): Promise<Delivery[]> {
  return eventually(async () => {
    const all = await deliveries(h, { jobId });
    return all.every((d) => FINAL_STATUSES.includes(d.status)) && all;
  }, timeoutMs);
}

/** Requests a receiver got on one path. */
export function at(rx: Receiver, path: string): Received[] {
  return rx.requests.filter((r) => r.path === path);
}

/** The Standard Webhooks headers of a received request, as standardwebhooks wants them. */
export function signedHeaders(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

/** Whether the standardwebhooks package accepts the request as signed with `secret`. */
export function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.raw, signedHeaders(r));
    return true;
  } catch {
    return false;
  }
}

/** The job's summary row as stored (creation / end times for exact notification data). */
export async function summaryOf(h: RunningHerald, jobId: string): Promise<{ createdAt: string; finishedAt?: string; pipeline: string }> {
  const [row] = await h.db.query<{ summary: { createdAt: string; finishedAt?: string; pipeline: string } }>('SELECT summary FROM jobs WHERE job_id = $1', [jobId]);
  if (!row) throw new Error(`no job ${jobId}`);
  return row.summary;
}
