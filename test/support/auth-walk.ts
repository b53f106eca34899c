import { request } from 'node:http';

/** One HTTP request with the path sent byte for byte as given (no client-side normalisation). */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, agent: false },
      (res) => {
        // A stream (server-sent events) never ends by itself: its answer is its status.
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Operation {
  method: string;
  /** Canonical path with sample values in place of its parameters. */
  path: string;
  /** The indexes of the path's segments that are parameters (left alone by the variants). */
  params: number[];
}

const SAMPLE: Record<string, string> = {
  jobId: 'walk:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  taskId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  id: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  messageId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  subscriptionId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  channelId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  routingId: '7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11',
  requestId: '1',
};

/** Every operation of an OpenAPI document, its parameters filled with sample values. */
export function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const segments = template.split('/');
      const params: number[] = [];
      const path = segments
        .map((s, i) => {
          const m = /^\{(.+)\}$/.exec(s);
          if (!m) return s;
          params.push(i);
          return SAMPLE[m[1]] ?? 'sample';
        })
        .join('/');
      ops.push({ method: method.toUpperCase(), path, params });
    }
  }
  return ops;
}

/**
 * Other spellings of an operation's path that a lenient router or a prefix check might treat as
 * the same route: letter case, a trailing slash, empty and dot segments, percent-encoded
 * letters, `..` segments and `;` parameters. Parameters are left as they are.
 */
export function pathVariants(op: Operation): string[] {
  const segs = op.path.split('/'); // ['', 'api', 'v1', ...]
  const statics = segs.map((_, i) => i).filter((i) => i > 0 && !op.params.includes(i) && segs[i] !== '');
  const first = statics[0];
  const last = statics[statics.length - 1];
  const edit = (i: number, f: (s: string) => string) => segs.map((s, j) => (j === i ? f(s) : s)).join('/');
  const mixed = (s: string) => s.replace(/[a-z]/, (c) => c.toUpperCase());
  const encodeFirst = (s: string) => s.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`);
  const encodeFirstUpper = (s: string) => s.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const out = new Set<string>([
    op.path.toUpperCase(),
    edit(first, (s) => s.toUpperCase()),
    edit(first, mixed),
    edit(last, mixed),
    `${op.path}/`,
    `/${op.path}`,
    edit(first, (s) => `${s}/`),
    `/.${op.path}`,
    edit(first, (s) => `${s}/.`),
    edit(first, encodeFirst),
    edit(first, encodeFirstUpper),
    edit(last, encodeFirst),
    `/x/..${op.path}`,
    `/${segs[first]}/x/..${op.path.slice(segs[first].length + 1)}`,
    `${op.path.replace(/^\//, '/%2e%2e/')}`,
    edit(first, (s) => `${s};x=1`),
    edit(last, (s) => `${s};jsessionid=1`),
    `${op.path.replace(/\//g, '%2f').replace(/^%2f/, '/')}`,
  ]);
  out.delete(op.path);
  return [...out];
}

/** An operation of an OpenAPI document as written: its path template and the names of its parameters, in order. */
export interface OperationTemplate {
  method: string;
  template: string;
  params: string[];
}

/** Every operation of an OpenAPI document, its path left as a template. */
export function operationTemplates(doc: { paths: Record<string, Record<string, unknown>> }): OperationTemplate[] {
  const out: OperationTemplate[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push({ method: method.toUpperCase(), template, params: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]) });
    }
  }
  return out;
}

/** The path of a template with each parameter's value (percent-encoded). */
export function fillPath(template: string, valueOf: (param: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(valueOf(name)));
}
