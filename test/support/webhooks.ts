import type { AttemptView, MessageView } from '../../src/webhooks/webhook.views';
import { randomBytes } from 'node:crypto';
import { loadConfig, type HeraldConfig, type WebhookConfig } from '../../src/config/config';
import { client, type HeraldClient } from './e2e';
import { api, eventually, type RunningHerald } from './herald';
import type { Received, Receiver } from './receiver';
import { freePort } from '../../src/common/free-port';

/** Shared helpers of the webhook delivery tests. */

/** Config overrides with a fast retry schedule (3 attempts: at once, 0.2 s, 0.4 s) and a 1 s timeout. */
export function fastWebhooks(extra: Partial<WebhookConfig> = {}): Partial<HeraldConfig> {
  return { webhooks: { ...loadConfig({}).webhooks, retrySchedule: [0, 0.2, 0.4], timeoutMs: 1000, ...extra } };
}

/** A Standard Webhooks secret: whsec_ + base64 of 24 random bytes. */
export function newSecret(): string {
  return 'whsec_' + randomBytes(24).toString('base64');
}

/** A port on 127.0.0.1 nobody listens on (connections are refused). */
export const closedPort = freePort;

export const FINAL_STATUSES = ['delivered', 'failed', 'superseded', 'cancelled'];

/** A delivery as GET /api/v1/deliveries shows it (the API's own view type; payload read freely by tests). */
export type Delivery = Omit<MessageView, 'payload'> & { payload: any };

/** An attempt as GET /api/v1/deliveries/{id} shows it (`attemptLog`). */
export type Attempt = AttemptView;

/** GET /api/v1/deliveries?jobId=&status= (sorted by event position, then kind). */
export async function deliveries(h: RunningHerald, query: { jobId?: string; status?: string } = {}): Promise<Delivery[]> {
  const qs = new URLSearchParams({ ...query, limit: '1000' }).toString();
  const res = await api<{ deliveries: Delivery[] }>(h.baseUrl, 'GET', `/api/v1/deliveries?${qs}`);
  if (res.status !== 200) throw new Error(`deliveries: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.deliveries.sort((a, b) => a.eventPosition - b.eventPosition || a.kind.localeCompare(b.kind));
}

/** GET /api/v1/deliveries/{id}. */
export async function delivery(h: RunningHerald, id: string): Promise<Delivery & { attemptLog: Attempt[] }> {
  const res = await api(h.baseUrl, 'GET', `/api/v1/deliveries/${id}`);
  if (res.status !== 200) throw new Error(`delivery ${id}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until the job has at least `min` deliveries of `kind` and all of them are in a final state. */
export async function settled(h: RunningHerald, jobId: string, kind?: string, min = 1, timeoutMs = 15_000): Promise<Delivery[]> {
  return eventually(async () => {
    const all = (await deliveries(h, { jobId })).filter((d) => kind === undefined || d.kind === kind);
    return all.length >= min && all.every((d) => FINAL_STATUSES.includes(d.status)) && all;
  }, timeoutMs);
}

/** The one delivery of `kind` for a job, once it reached `status`. */
export async function deliveryReaching(h: RunningHerald, jobId: string, kind: string, status: string, timeoutMs = 15_000): Promise<Delivery & { attemptLog: Attempt[] }> {
  const found = await eventually(async () => {
    const d = (await deliveries(h, { jobId })).filter((x) => x.kind === kind);
    return d.length === 1 && d[0].status === status && d[0];
  }, timeoutMs);
  return delivery(h, found.id);
}

/** Requests a receiver saw for one job (matched on the body's jobId). */
export function requestsFor(rx: Receiver, jobId: string, path?: string): Received[] {
  return rx.requests.filter((r) => r.body?.jobId === jobId && (path === undefined || r.path === path));
}

/**
 * Submits a one-task pipeline (algorithm `algorithm`, unique per test) and completes its task,
 * so the job ends and its result webhook fires. Returns the jobId.
 */
export async function runOneTaskJob(h: RunningHerald, algorithm: string, webhooks: Record<string, unknown>, result: unknown = 42): Promise<string> {
  const c = client(h.baseUrl);
  const jobId = await c.submit({ name: algorithm, nodes: [{ nodeName: 'only', algorithmName: algorithm, input: [1] }], webhooks });
  await completeAll(c, algorithm, result);
  return jobId;
}

/** Acquires and completes every task of `algorithm` until none is left. */
export async function completeAll(c: HeraldClient, algorithm: string, result: unknown = 42): Promise<void> {
  for (;;) {
    const tasks = await c.acquire(`w-${algorithm}`, [algorithm], 10);
    if (tasks.length === 0) return;
    for (const t of tasks) {
      const res = await c.complete(t.taskId, `w-${algorithm}`, result);
      if (res.status !== 200) throw new Error(`complete ${t.taskId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
}

/** Number of rows in webhook_attempts for a job (the SQL audit trail). */
export async function attemptRows(h: RunningHerald, jobId: string): Promise<number> {
  const [row] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_attempts WHERE job_id = $1', [jobId]);
  return row.n;
}
