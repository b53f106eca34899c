import { createServer } from 'node:http';
import { parentPort } from 'node:worker_threads';

/**
 * Webhook receiver for `npm run bench:delivery`, run in its own worker thread so that parsing
 * the incoming requests does not take event-loop time from the senders being measured.
 *
 * Plain node:http with keep-alive; answers 200 "ok" once the body is fully read and records,
 * per request, the path and the receipt time (process.hrtime, a monotonic clock shared by all
 * threads of the process, in ms). Receipts go to the main thread in batches every few ms, and at
 * once on a { type: 'flush' } request (answered with { type: 'flushed', seq } after the batch).
 */
if (!parentPort) throw new Error('delivery-receiver must run as a worker thread');
const port = parentPort;

let paths: string[] = [];
let times: number[] = [];

function flush(): void {
  if (paths.length === 0) return;
  port.postMessage({ type: 'receipts', paths, times });
  paths = [];
  times = [];
}

const server = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    times.push(Number(process.hrtime.bigint()) / 1e6);
    paths.push(req.url ?? '/');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;

const timer = setInterval(flush, 5);

port.on('message', (msg: { type: string; seq?: number }) => {
  if (msg.type === 'flush') {
    flush();
    port.postMessage({ type: 'flushed', seq: msg.seq });
  } else if (msg.type === 'stop') {
    clearInterval(timer);
    flush();
    server.closeAllConnections();
    server.close(() => port.postMessage({ type: 'stopped' }));
  }
});

server.listen(0, '127.0.0.1', () => {
  port.postMessage({ type: 'ready', port: (server.address() as { port: number }).port });
});
