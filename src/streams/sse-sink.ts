/** One server-sent events answer, as the streams write it (src/streams/http/sse-response.ts over express). */
export interface SseSink {
  /** Sends the 200 text/event-stream head now (once). */
  open(): void;
  /** Writes SSE text, opening the answer first if needed. A client that reads too slowly is cut off (it resumes with Last-Event-ID). */
  write(text: string): void;
  /** Ends the answer (an answer not opened yet ends as 204: nothing to send, and EventSource does not reconnect). */
  end(): void;
  readonly opened: boolean;
  readonly ended: boolean;
  /** Called once when the connection closes (the client went away, or end()). */
  onClose(fn: () => void): void;
}
