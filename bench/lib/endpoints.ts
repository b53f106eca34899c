import { createServer, type Server, type ServerResponse } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { sleep } from '../bench-util';
import { now } from './knobs';

/**
 * Webhook endpoints on 127.0.0.1 in a worker thread of this process (bench:isolation and the
 * backpressure and soak fault scenarios): `healthy` servers, one origin each, answering 200 at
 * once and stamping every request when its body is read (process.hrtime, the clock of every
 * thread), and `bad` servers, one origin each, that read each request and never answer until told
 * to come back (then they answer the held requests and every later one 200). Receipts carry the
 * body's jobId, eventType and taskId.
 */

interface ReceiverSetup {
  role: 'isolation-receiver';
  healthy: number;
  bad: number;
}

export interface Receipt {
  ep: number;
  jobId: string;
  eventType: string;
  /** The body's taskId ('' when it has none). */
  taskId: string;
  at: number;
}

/**
 * The receivers, in a worker thread: `healthy` servers answering 200 at once, `bad` servers
 * holding every request open until { type: 'recover' }. Healthy receipts go to the main thread
 * in batches every 5 ms, and at once on { type: 'flush', seq }.
 */
function runReceivers(setup: ReceiverSetup): void {
  const port = parentPort!;
  const servers: Server[] = [];
  let batch: Receipt[] = [];
  let recovered = false;
  const held = new Set<ServerResponse>();
  const bad = { received: 0, answered: 0, closedByClient: 0, maxHeld: 0 };

  const flush = () => {
    if (batch.length === 0) return;
    port.postMessage({ type: 'receipts', receipts: batch });
    batch = [];
  };
  const listen = (srv: Server) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port));
    });

  const healthy = Array.from({ length: setup.healthy }, (_, ep) => {
    const srv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = now();
        let jobId = '';
        let eventType = '';
        let taskId = '';
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { jobId?: unknown; eventType?: unknown; taskId?: unknown };
          jobId = String(body.jobId);
          eventType = String(body.eventType);
          taskId = typeof body.taskId === 'string' ? body.taskId : '';
        } catch {
          /* not JSON: recorded with empty fields */
        }
        batch.push({ ep, jobId, eventType, taskId, at });
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
        res.end('ok');
      });
    });
    srv.keepAliveTimeout = 120_000;
    srv.headersTimeout = 125_000;
    srv.requestTimeout = 0;
    return srv;
  });

  const badServers = Array.from({ length: setup.bad }, () => {
    const srv = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        bad.received++;
        if (recovered) {
          bad.answered++;
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
          res.end('ok');
          return;
        }
        held.add(res);
        bad.maxHeld = Math.max(bad.maxHeld, held.size);
        res.on('close', () => {
          if (held.delete(res)) bad.closedByClient++;
        });
      });
    });
    // Never time a held request out on this side: the sender's timeout must end it.
    srv.keepAliveTimeout = 120_000;
    srv.headersTimeout = 125_000;
    srv.requestTimeout = 0;
    return srv;
  });

  const timer = setInterval(flush, 5);

  port.on('message', (msg: { type: string; seq?: number }) => {
    if (msg.type === 'flush') {
      flush();
      port.postMessage({ type: 'flushed', seq: msg.seq });
    } else if (msg.type === 'stats') {
      port.postMessage({ type: 'stats', seq: msg.seq, stats: { ...bad, heldNow: held.size } });
    } else if (msg.type === 'recover') {
      recovered = true;
      const holding = [...held];
      held.clear();
      for (const res of holding) {
        bad.answered++;
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
      }
      port.postMessage({ type: 'recovered', seq: msg.seq, answeredHeld: holding.length });
    } else if (msg.type === 'stop') {
      clearInterval(timer);
      flush();
      for (const res of held) res.destroy();
      held.clear();
      for (const srv of servers) srv.closeAllConnections();
      void Promise.all(servers.map((srv) => new Promise<void>((r) => srv.close(() => r())))).then(() => port.postMessage({ type: 'stopped' }));
    }
  });

  servers.push(...healthy, ...badServers);
  void Promise.all([Promise.all(healthy.map(listen)), Promise.all(badServers.map(listen))]).then(
    ([healthyPorts, badPorts]) => port.postMessage({ type: 'ready', healthyPorts, badPorts }),
    (err: Error) => port.postMessage({ type: 'failed', message: err.message }),
  );
}

export interface BadStats {
  received: number;
  answered: number;
  closedByClient: number;
  maxHeld: number;
  heldNow: number;
}

export class Receivers {
  healthyUrls: string[] = [];
  badUrls: string[] = [];
  onReceipt: (r: Receipt) => void = () => undefined;
  private seq = 0;
  private waiting = new Map<number, (msg: any) => void>();
  private stopped?: () => void;

  private constructor(private readonly worker: Worker) {}

  static async start(healthy: number, bad: number): Promise<Receivers> {
    const setup: ReceiverSetup = { role: 'isolation-receiver', healthy, bad };
    const worker = new Worker(__filename, { workerData: setup });
    const rx = new Receivers(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (msg: any) => {
        if (msg.type === 'ready') {
          rx.healthyUrls = (msg.healthyPorts as number[]).map((p, i) => `http://127.0.0.1:${p}/healthy/${i}`);
          rx.badUrls = (msg.badPorts as number[]).map((p, i) => `http://127.0.0.1:${p}/bad/${i}`);
          resolve();
        } else if (msg.type === 'failed') reject(new Error(`receivers: ${msg.message}`));
        else if (msg.type === 'receipts') for (const r of msg.receipts as Receipt[]) rx.onReceipt(r);
        else if (msg.type === 'stopped') rx.stopped?.();
        else if (msg.seq !== undefined) {
          rx.waiting.get(msg.seq)?.(msg);
          rx.waiting.delete(msg.seq);
        }
      });
    });
    return rx;
  }

  private ask(type: string): Promise<any> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.worker.postMessage({ type, seq });
    });
  }

  /** Resolves once every request received so far has been passed to onReceipt. */
  async sync(): Promise<void> {
    await this.ask('flush');
  }

  async badStats(): Promise<BadStats> {
    return (await this.ask('stats')).stats as BadStats;
  }

  /** The bad endpoints answer their held requests and every later one 200. */
  async recover(): Promise<number> {
    return (await this.ask('recover')).answeredHeld as number;
  }

  async stop(): Promise<void> {
    await Promise.race([new Promise<void>((r) => ((this.stopped = r), this.worker.postMessage({ type: 'stop' }))), sleep(3000)]);
    await this.worker.terminate();
  }
}

// The worker thread's entry: this same file, started by Receivers.start.
if (!isMainThread && (workerData as ReceiverSetup | undefined)?.role === 'isolation-receiver') {
  runReceivers(workerData as ReceiverSetup);
}
