import { sseComment } from './domain/sse';
import type { SseSink } from './sse-sink';

const KEEP_ALIVE = sseComment('keep-alive');

/** One timer for all of a service's open streams: a comment every `everyMs` keeps proxies from closing an idle stream. */
export class KeepAlive {
  private readonly sinks = new Set<SseSink>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly everyMs: number) {}

  add(sink: SseSink): void {
    this.sinks.add(sink);
    this.timer ??= setInterval(() => {
      for (const s of this.sinks) s.write(KEEP_ALIVE);
    }, this.everyMs);
  }

  delete(sink: SseSink): void {
    this.sinks.delete(sink);
    if (this.sinks.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.sinks.size;
  }
}
