import type { Response } from 'express';
import type { SseSink } from '../sse-sink';

/** What a client may leave unread before it is cut off (it resumes with Last-Event-ID). */
const MAX_UNREAD_BYTES = 1 << 20;

/** An express answer as server-sent events: nothing is sent until the stream opens (or ends as 204). */
export function sseResponse(res: Response): SseSink {
  let opened = false;
  let ended = false;
  const sink: SseSink = {
    get opened() {
      return opened;
    },
    get ended() {
      return ended;
    },
    open() {
      if (opened || ended) return;
      opened = true;
      res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
    },
    write(text) {
      if (ended) return;
      sink.open();
      res.write(text);
      if (res.writableLength > MAX_UNREAD_BYTES) sink.end();
    },
    end() {
      if (ended) return;
      ended = true;
      if (!opened) res.status(204);
      res.end();
    },
    onClose(fn) {
      if (res.destroyed || res.writableFinished || res.socket?.destroyed) queueMicrotask(fn);
      else res.once('close', fn);
    },
  };
  return sink;
}
