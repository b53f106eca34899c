import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'undici';
import type { AttemptResult } from '../domain/delivery-outcome';
import type { EgressGuard } from './egress-guard';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** A call of Herald's own (webhook stages): any method, an optional body, a larger body cap. */
export interface OutgoingCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Longest response body kept (`truncated` beyond it); reading stops at MAX_RESPONSE_READ at most. */
  maxBodyBytes: number;
}

export interface CallResult extends AttemptResult {
  truncated?: boolean;
}

/** The one seam through which Herald makes HTTP calls: webhook deliveries and webhook stages. */
export abstract class HttpSender {
  abstract send(req: OutgoingRequest): Promise<AttemptResult>;
  abstract call(req: OutgoingCall): Promise<CallResult>;
  abstract close(): Promise<void>;
  /** Shutdown past its grace period: every call in flight ends at once with SHUTDOWN. */
  abstract abortInFlight(): void;
}

/** A delivery's response body kept in the attempt log. */
export const MAX_RESPONSE_BODY = 16 * 1024;
/** No response body is read further than this: the connection is dropped instead. */
export const MAX_RESPONSE_READ = 64 * 1024;

const ERROR_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_ABORTED: 'TIMEOUT',
};

/** The reason calls in flight are aborted with when the instance stops. */
export class ShutdownAbort extends Error {
  constructor() {
    super('the instance stopped before the answer came (the attempt will be retried)');
    this.name = 'ShutdownAbort';
  }
}

export function errorCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  if (e instanceof ShutdownAbort || (e as { cause?: unknown })?.cause instanceof ShutdownAbort) return 'SHUTDOWN';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'TIMEOUT';
  const code = e?.cause?.code ?? e?.code;
  if (!code) return 'ERROR';
  // Every TLS failure (handshake, certificate) is one stable code; the message keeps OpenSSL's.
  if (/^ERR_(SSL|TLS)_|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'TLS_ERROR';
  return ERROR_CODES[code] ?? code;
}

/**
 * undici with keep-alive connections per origin. Measured here at ~7x less CPU per request than
 * axios (see docs/DELIVERY.md); redirects are never followed. Every new connection passes the
 * egress guard (the address dialled is checked; a refused one fails with TARGET_NOT_ALLOWED).
 */
export class UndiciHttpSender extends HttpSender {
  private readonly agent: Agent;
  /**
   * The calls in flight, each with its own controller: a stop aborts them all. (Not
   * AbortSignal.any over a signal as long-lived as the sender: on Node 20 every composite signal
   * leaves a WeakRef in its source's set of dependants that is never removed, about 40 bytes
   * per request for the life of the process.)
   */
  private readonly inFlight = new Set<AbortController>();
  private stopped = false;
  private closing?: Promise<void>;

  constructor(guard: EgressGuard) {
    super();
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1, connect: guard.connector() });
  }

  /** A webhook delivery: a POST keeping 16 KiB of the answer. */
  async send(req: OutgoingRequest): Promise<AttemptResult> {
    const { truncated: _truncated, ...result } = await this.call({ ...req, method: 'POST', maxBodyBytes: MAX_RESPONSE_BODY });
    return result;
  }

  async call(req: OutgoingCall): Promise<CallResult> {
    const started = performance.now();
    const controller = new AbortController();
    const { signal } = controller;
    if (this.stopped) controller.abort(new ShutdownAbort());
    const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), req.timeoutMs);
    this.inFlight.add(controller);
    try {
      const res = await request(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const body = await readCapped(res.body, req.maxBodyBytes);
      return {
        statusCode: res.statusCode,
        statusMessage: statusText(res.statusCode),
        headers: res.headers,
        body: body.text,
        truncated: body.truncated,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      // Aborted because the instance stops (not by the timeout): say so.
      const cause = signal.reason instanceof ShutdownAbort ? signal.reason : (err as Error);
      return { durationMs: Math.round(performance.now() - started), errorCode: errorCode(cause), errorMessage: cause.message };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  abortInFlight(): void {
    this.stopped = true;
    for (const controller of this.inFlight) controller.abort(new ShutdownAbort());
  }

  close(): Promise<void> {
    // Idempotent: a second stop (or a test stopping the worker first) finds it closed.
    this.closing ??= this.agent.close();
    return this.closing;
  }
}
/**
 * Reads a response body keeping its first `keep` bytes; stops after MAX_RESPONSE_READ (or
 * `keep`, if larger) and destroys the body, which drops the connection.
 */
async function readCapped(body: AsyncIterable<unknown> & { destroy(): unknown }, keep: number): Promise<{ text: string; truncated: boolean }> {
  const limit = Math.max(keep, MAX_RESPONSE_READ);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    if (size < keep) chunks.push(b.subarray(0, keep - size));
    size += b.length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: size > keep };
}

export function statusText(code: number): string {
  return STATUS_CODES[code] ?? '';
}
