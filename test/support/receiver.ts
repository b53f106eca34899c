import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  at: number;
}

export type Responder = (req: Received, index: number) => { status: number; body?: string; headers?: Record<string, string>; delayMs?: number; hang?: boolean };

/** A real HTTP receiver on 127.0.0.1 that records every request (webhook endpoint stand-in). */
export class Receiver {
  readonly requests: Received[] = [];
  private server?: Server;
  private hanging: Array<() => void> = [];
  url = '';

  constructor(public respond: Responder = () => ({ status: 200, body: 'ok' })) {}

  /** Listens on `host` (a loopback address: 127.0.0.1, or e.g. 127.0.0.2 for egress tests). */
  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          /* keep raw */
        }
        const r: Received = { path: req.url ?? '/', method: req.method ?? '', headers: req.headers, raw, body, at: Date.now() };
        const index = this.requests.length;
        this.requests.push(r);
        const answer = this.respond(r, index);
        if (answer.hang) {
          this.hanging.push(() => res.destroy());
          return;
        }
        const send = () => res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    this.url = `http://${host}:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  bodies(path?: string): any[] {
    return this.requests.filter((r) => path === undefined || r.path === path).map((r) => r.body);
  }

  async stop(): Promise<void> {
    for (const h of this.hanging.splice(0)) h();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
