import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { verifyWebhook } from '../client/verify-webhook';
import { numberOption, UsageError, type Command, type CommandContext } from './cli-context';

/** What `listen` answers, decided per request before anything is forwarded. */
export interface Rehearsal {
  /** Every request gets this status (with --fail-rate: the failing ones). */
  status?: number;
  /** The fraction of requests that fail (0–1). */
  failRate: number;
  random: () => number;
}

/** The status to answer without forwarding, or undefined to answer 200 (or the forward target's answer). */
export function rehearsedStatus(r: Rehearsal): number | undefined {
  if (r.failRate > 0) return r.random() < r.failRate ? (r.status ?? 500) : undefined;
  return r.status;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function pretty(raw: Buffer): string {
  const text = raw.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

async function forward(target: string, req: IncomingMessage, raw: Buffer): Promise<{ status: number; body: Buffer; contentType?: string }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'content-length', 'connection', 'transfer-encoding'].includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const res = await fetch(target, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? undefined };
}

async function handle(ctx: CommandContext, options: { secret?: string; forward?: string; rehearsal: Rehearsal }, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  const check = options.secret ? verifyWebhook(raw, req.headers, options.secret) : undefined;
  const signature = check === undefined ? 'unchecked' : check.ok ? 'valid' : 'invalid';
  let answer: { status: number; body: Buffer; contentType?: string };
  const rehearsed = rehearsedStatus(options.rehearsal);
  let forwardError: string | undefined;
  if (rehearsed !== undefined) answer = { status: rehearsed, body: Buffer.from(JSON.stringify({ rehearsed: true, status: rehearsed })), contentType: 'application/json' };
  else if (options.forward) {
    try {
      answer = await forward(options.forward, req, raw);
    } catch (err) {
      forwardError = err instanceof Error ? err.message : String(err);
      answer = { status: 502, body: Buffer.from(JSON.stringify({ error: 'forward failed' })), contentType: 'application/json' };
    }
  } else answer = { status: 200, body: Buffer.from('{"ok":true}'), contentType: 'application/json' };
  res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {});
  res.end(answer.body);

  const text = raw.toString('utf8');
  if (ctx.json) {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    ctx.printJson({ method: req.method, path: req.url, headers: req.headers, body, signature, ...(check && !check.ok ? { reason: check.reason } : {}), status: answer.status, ...(forwardError ? { forwardError } : {}) });
    return;
  }
  const c = ctx.colour;
  ctx.print(c('bold', `${new Date().toISOString()}  ${req.method} ${req.url}`));
  for (const [name, value] of Object.entries(req.headers)) ctx.print(`  ${c('grey', `${name}:`)} ${String(value)}`);
  ctx.print(pretty(raw));
  if (check) ctx.print(check.ok ? c('green', 'signature: valid') : c('red', `signature: invalid (${check.reason})`));
  ctx.print(`answered ${answer.status}${options.forward && rehearsed === undefined ? ` (from ${options.forward}${forwardError ? `: ${forwardError}` : ''})` : ''}`);
  ctx.print();
}

export const listenCommand: Command = {
  name: 'listen',
  usage: 'herald listen [--port 4000] [--host 127.0.0.1] [--secret whsec_…] [--forward <url>] [--status <code>] [--fail-rate <0-1>]',
  summary: 'a local webhook receiver: prints each delivery, checks its signature, answers 200 (or the forward target, or a rehearsed failure)',
  options: { port: { type: 'string' }, host: { type: 'string' }, secret: { type: 'string' }, forward: { type: 'string' }, status: { type: 'string' }, 'fail-rate': { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`usage: ${this.usage}`);
    const port = numberOption(ctx.values, 'port', 4000, 0, 65_535);
    const status = ctx.values.status === undefined ? undefined : numberOption(ctx.values, 'status', 200, 100, 599);
    const failRate = numberOption(ctx.values, 'fail-rate', 0, 0, 1);
    const forwardTo = ctx.values.forward as string | undefined;
    if (forwardTo !== undefined && !/^https?:\/\//.test(forwardTo)) throw new UsageError('--forward must be an http:// or https:// URL');
    const options = { secret: ctx.values.secret as string | undefined, forward: forwardTo, rehearsal: { status, failRate, random: Math.random } };
    const server = createServer((req, res) => {
      handle(ctx, options, req, res).catch((err: unknown) => {
        ctx.io.err.write(`herald listen: ${err instanceof Error ? err.message : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new UsageError(`cannot listen on port ${port}: ${err.message}`)));
      server.listen(port, (ctx.values.host as string | undefined) ?? '127.0.0.1', resolve);
    });
    const address = server.address() as { address: string; port: number };
    const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
    if (ctx.json) ctx.printJson({ listening: url });
    else ctx.print(`listening on ${url}${options.secret ? ' (checking signatures)' : ''}; Ctrl-C to stop`);
    await new Promise<void>((resolve) => (ctx.io.signal.aborted ? resolve() : ctx.io.signal.addEventListener('abort', () => resolve(), { once: true })));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  },
};
