import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * A server-sent events client for tests, over real HTTP (fetch), parsed by eventsource-parser:
 * what EventSource would see (events with their id and type, comments), plus the answer's
 * status and headers, and whether the server ended the stream. Waits are for conditions, with a
 * deadline; `close()` disconnects as a browser tab closing would.
 */
export class SseStream {
  readonly events: EventSourceMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly ac = new AbortController();
  private wakeups: Array<() => void> = [];

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    body: ReadableStream<Uint8Array> | null,
  ) {
    if (body) void this.pump(body);
    else this.ended = true;
  }

  /** Opens `url`; resolves once the answer's head arrived (a refusal is an ended stream holding its JSON body in `text`). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
    const ac = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
    if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      const s = new SseStream(res.status, res.headers, null);
      s.text = await res.text();
      return s;
    }
    const s = new SseStream(res.status, res.headers, res.body);
    s.ac.signal.addEventListener('abort', () => ac.abort());
    return s;
  }

  /** The body of an answer that was not a stream (an error's JSON). */
  text = '';

  get json(): any {
    return this.text ? JSON.parse(this.text) : undefined;
  }

  /** The data of each event, parsed as JSON. */
  data<T = any>(): T[] {
    return this.events.map((e) => JSON.parse(e.data) as T);
  }

  ids(): number[] {
    return this.events.map((e) => Number(e.id));
  }

  /** Resolves once `condition` holds (checked after each event or comment, and when the stream ends). */
  async until(condition: (s: SseStream) => boolean, timeoutMs = 20_000, what = 'the stream condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this)) {
      if (this.ended) throw new Error(`${what}: the stream ended first (${this.events.length} events: ${this.events.map((e) => e.id).join(',')})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: not met within ${timeoutMs} ms (${this.events.length} events: ${this.events.map((e) => e.id).join(',')})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wakeups.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server ended the stream. */
  closedByServer(timeoutMs = 20_000): Promise<void> {
    return this.until((s) => s.ended, timeoutMs, 'the end of the stream').catch((err: Error) => {
      if (!this.ended) throw err;
    });
  }

  close(): void {
    this.ac.abort();
  }

  private notify(): void {
    const w = this.wakeups;
    this.wakeups = [];
    for (const f of w) f();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (e) => {
        this.events.push(e);
        this.notify();
      },
      onComment: (c) => {
        this.comments.push(c.trim());
        this.notify();
      },
    });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const abort = () => void reader.cancel().catch(() => undefined);
    this.ac.signal.addEventListener('abort', abort);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      /* aborted by close(), or the connection broke */
    } finally {
      this.ended = true;
      this.notify();
    }
  }
}
