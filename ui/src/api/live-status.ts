import { asFailure, failureOf, type ApiFailure } from './failure';
import { FINAL_STATUSES, type StatusView } from './herald';
import { authHeaders } from './session';
import { streamDecision } from '../lib/stream-decision';

/**
 * A job's status, live. Herald's status stream (`GET /api/v1/exec/status/{jobId}/stream`,
 * server-sent events with the body of GET status, `id:` its version) is opened with a token from
 * `POST /api/v1/exec/status/{jobId}/stream-token` (an EventSource cannot send the key); a Herald
 * without these routes (404 NOT_FOUND: no such route) is polled instead, GET status every second.
 */
export type LiveMode = 'connecting' | 'stream' | 'polling' | 'done';

export interface WatchHandlers {
  onStatus: (status: StatusView) => void;
  onError: (failure: ApiFailure) => void;
  onMode: (mode: LiveMode) => void;
}

export interface WatchOptions {
  pollMs?: number;
  /** Refused streams in a row before polling takes over. */
  streamTries?: number;
}

const enc = encodeURIComponent;

async function json(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

/** Follows one job's status until it ends or `stop()`. */
export function watchStatus(jobId: string, on: WatchHandlers, options: WatchOptions = {}): { stop: () => void } {
  const pollMs = options.pollMs ?? 1000;
  const streamTries = options.streamTries ?? 3;
  let stopped = false;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refusedStreams = 0;

  const finish = () => {
    stopped = true;
    source?.close();
    clearTimeout(timer);
    on.onMode('done');
  };
  const deliver = (status: StatusView) => {
    if (stopped) return;
    on.onStatus(status);
    if (FINAL_STATUSES.has(status.status)) finish();
  };

  /** One GET status; false when it failed. */
  const readOnce = async (): Promise<boolean> => {
    try {
      const res = await fetch(`/api/v1/exec/status/${enc(jobId)}`, { headers: authHeaders() });
      const body = await json(res);
      if (!res.ok) throw failureOf(res.status, body, res.statusText);
      deliver(body as StatusView);
      return true;
    } catch (err) {
      if (!stopped) on.onError(asFailure(err));
      return false;
    }
  };

  const poll = () => {
    if (stopped) return;
    on.onMode('polling');
    const tick = async () => {
      await readOnce();
      if (!stopped) timer = setTimeout(() => void tick(), pollMs);
    };
    timer = setTimeout(() => void tick(), pollMs);
  };

  const stream = async () => {
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(`/api/v1/exec/status/${enc(jobId)}/stream-token`, { method: 'POST', headers: authHeaders() });
      body = await json(res);
    } catch (err) {
      on.onError(asFailure(err));
      return poll();
    }
    if (stopped) return;
    const decision = streamDecision(res.status, body);
    if (decision === 'poll') return poll();
    if (decision === 'fail') return on.onError(failureOf(res.status, body, res.statusText));
    // level=debug: a snapshot after every task's change, not only the job's own (info) events.
    const es = new EventSource(`/api/v1/exec/status/${enc(jobId)}/stream?level=debug&token=${enc((body as { token: string }).token)}`);
    source = es;
    on.onMode('stream');
    const onMessage = (ev: MessageEvent<string>) => {
      refusedStreams = 0;
      try {
        deliver(JSON.parse(ev.data) as StatusView);
      } catch {
        /* not a status: a comment or another event */
      }
    };
    es.addEventListener('message', onMessage);
    es.addEventListener('status', onMessage as EventListener);
    es.onerror = () => {
      if (stopped) return es.close();
      // CONNECTING: the browser reconnects by itself (Last-Event-ID: the version it saw last).
      if (es.readyState !== EventSource.CLOSED) return;
      // Refused (an expired token, no such stream): a new token, or polling after a few tries.
      es.close();
      refusedStreams += 1;
      if (refusedStreams >= streamTries) return poll();
      timer = setTimeout(() => void stream(), 500 * refusedStreams);
    };
  };

  void (async () => {
    on.onMode('connecting');
    await readOnce();
    if (!stopped) await stream();
  })();

  return {
    stop: () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    },
  };
}
