import type { HeraldClient } from './e2e';
import { eventually } from './herald';
import { Receiver } from './receiver';

/** Shared helpers of the webhook stage tests: a remote service with scripted answers per route. */
export type Answer = { status: number; body?: string; headers?: Record<string, string> };

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json', ...headers },
});

/** Waits until the job has ended (completed, failed or stopped); its status. */
export const finished = (c: HeraldClient, jobId: string, timeoutMs = 10_000) =>
  eventually(async () => {
    const s = await c.status(jobId);
    return ['completed', 'failed', 'stopped'].includes(s.status) && s;
  }, timeoutMs);

/**
 * A receiver answering from `routes()` by method and path (`"GET /status"`); `seen` counts the
 * earlier requests to the same route; 404 for a route with no answer.
 */
export function routedReceiver(routes: () => Record<string, (seen: number) => Answer>): Promise<Receiver> {
  const remote: Receiver = new Receiver((req) => {
    const key = `${req.method} ${req.path}`;
    const seen = remote.requests.filter((r) => `${r.method} ${r.path}` === key).length - 1;
    return routes()[key]?.(seen) ?? { status: 404 };
  });
  return remote.start();
}
