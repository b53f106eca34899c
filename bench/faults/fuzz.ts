import fc from 'fast-check';
import { Pool as UndiciPool } from 'undici';
import { forEachLimit } from '../bench-util';
import { benchDatabase } from '../bench-database';
import { startInstance } from './instances';

/**
 * Fault: every route of the OpenAPI document (/docs-json) driven with REQUESTS generated
 * requests (fast-check): bodies from each route's own schema, mutated (fields dropped, wrong
 * types, junk values) or replaced by arbitrary JSON and broken text; path parameters real ids,
 * random text or hostile spellings; query parameters and headers likewise; some without a key.
 * Every answer must be below 500, and every 4xx must carry { error: { code, message } }.
 * The status stream route is left out (it stays open by design).
 */
const REQUESTS = Number(process.env.FAULT_FUZZ_REQUESTS ?? 10_000);
const KEY = 'fuzz-admin-key-0123456789abcdef';
const SEED = Number(process.env.FAULT_FUZZ_SEED ?? 20261203);

type Json = any;

interface Operation {
  method: string;
  template: string;
  params: Array<{ name: string; in: 'path' | 'query' | 'header'; schema?: Json }>;
  body?: Json;
}

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      if (template.endsWith('/status/stream')) continue;
      out.push({ method: method.toUpperCase(), template, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return out;
}

/** Values shaped by a JSON schema (resolving $ref), often valid, sometimes not. */
function fromSchema(doc: Json, schema: Json, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 5) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return fromSchema(doc, schema.$ref.split('/').slice(1).reduce((o: Json, k: string) => o?.[k], doc), depth + 1);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return fc.oneof(...variants.map((v: Json) => fromSchema(doc, v, depth + 1)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('http://127.0.0.1:1/x', 'http://10.0.0.5/hook', 'https://[::1]/x', 'whsec_MDEyMzQ1Njc4OWFiY2RlZg==', '#[1...3]', '@flowInput.x', 'a', '', '\u0000', 'x'.repeat(300), '2026-01-01T00:00:00Z'));
    case 'integer':
      return fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, 1, 2 ** 31, -(2 ** 53)));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom(0, 0.5, 1e308));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(doc, schema.items, depth + 1), { maxLength: 4 });
    case 'object': {
      const props = Object.entries<Json>(schema.properties ?? {});
      if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(doc, v, depth + 1)])), { requiredKeys: [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const hostile = fc.constantFrom('..', '%2e%2e', '%00', 'x'.repeat(2000), '%E2%9C%93', 'a%2Fb', '%25', '-1', '0', '99999999999999999999', 'null', "'; DROP TABLE jobs; --");

export async function fuzzScenario(): Promise<Record<string, number | string>> {
  const db = await benchDatabase();
  const herald = await startInstance(db.url, 'fuzz', { HERALD_ADMIN_KEY: KEY, HERALD_WEBHOOK_TIMEOUT_MS: '1000', HERALD_EGRESS: 'guarded' });
  const api = new UndiciPool(herald.url, { connections: 8, headersTimeout: 15_000, bodyTimeout: 15_000 });
  const auth = { authorization: `Bearer ${KEY}` };
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = auth) => {
    const t0 = Date.now();
    const res = await api.request({ method: method as 'GET', path, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body });
    // A live stream (SSE) that opened is an answer: its headers say so; it never ends by itself.
    if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
      res.body.destroy();
      return { status: res.statusCode, text: '' };
    }
    const text = await res.body.text();
    if (Date.now() - t0 > 3000) process.stderr.write(`  slow (${Date.now() - t0} ms): ${method} ${path.slice(0, 100)}\n`);
    return { status: res.statusCode, text };
  };
  try {
    // Real resources, so that some generated requests reach deep into the handlers.
    const job = JSON.parse((await call('POST', '/api/v1/exec/raw', JSON.stringify({ name: 'fz', projectId: 'fz', nodes: [{ nodeName: 'n', algorithmName: 'fz-alg', input: ['#[1...3]'] }] }))).text).jobId as string;
    const task = JSON.parse((await call('POST', '/api/v1/tasks/acquire', JSON.stringify({ workerName: 'fz-w', algorithmNames: ['fz-alg'], max: 1 }))).text).tasks[0]?.taskId as string;
    const request = String(JSON.parse((await call('POST', '/queue/fz-q', '{"p":1}')).text).jobId);
    const real: Record<string, string[]> = {
      jobId: [job, request],
      taskId: [task],
      projectId: ['fz'],
      queueName: ['fz-q', 'fal-ai%2Fflux'],
      requestId: [request],
      owner: ['fz'],
      app: ['q'],
      name: ['fz'],
    };
    const doc = JSON.parse((await call('GET', '/docs-json')).text);
    const ops = operations(doc);
    const request$ = fc
      .record({
        op: fc.constantFrom(...ops),
        pathMode: fc.constantFrom('real', 'random', 'hostile'),
        pathText: fc.string({ minLength: 1, maxLength: 30 }),
        hostileText: hostile,
        bodyMode: fc.constantFrom('schema', 'schema', 'schema', 'json', 'text', 'none'),
        text: fc.constantFrom('{', '[1,', 'null', '"x"', '\u0000', '{"a":'.repeat(50), ''),
        json: fc.jsonValue({ maxDepth: 3 }),
        query: fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'projectId', 'jobId', 'level', 'logs', 'raw', 'next', 'since', 'x'), fc.oneof(fc.string({ maxLength: 12 }), hostile), { maxKeys: 3 }),
        keyMode: fc.constantFrom('admin', 'admin', 'admin', 'admin', 'none', 'bogus', 'hk'),
        seed: fc.integer(),
      })
      .chain((r) => (r.op.body ? fromSchema(doc, r.op.body).map((body) => ({ ...r, body })) : fc.constant({ ...r, body: undefined as unknown })));
    const samples = fc.sample(request$, { numRuns: REQUESTS, seed: SEED });
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let noEnvelope = 0;
    const started = Date.now();
    let done = 0;
    const inFlight = new Set<string>();
    let last = -1;
    const ticker = setInterval(() => {
      process.stderr.write(`  … ${done}/${samples.length} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      if (done === last) for (const r of inFlight) process.stderr.write(`    waiting: ${r}\n`);
      last = done;
    }, 10_000);
    await forEachLimit(samples.length, 8, async (i) => {
      done++;
      const s = samples[i];
      const path = s.op.template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        if (s.pathMode === 'real' && real[name]) return real[name][Math.abs(s.seed) % real[name].length];
        // Hostile spellings go as they are, but for what no HTTP request line may hold (spaces, quotes, non-ASCII).
        return s.pathMode === 'hostile' ? s.hostileText.replace(/[^A-Za-z0-9\-._~%!$&'()*+,;=:@]/g, (c) => encodeURIComponent(c)) : encodeURIComponent(s.pathText);
      });
      const qs = Object.entries(s.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
      const body = s.op.method === 'GET' || s.op.method === 'DELETE' || s.bodyMode === 'none' ? undefined : s.bodyMode === 'text' ? s.text : JSON.stringify(s.bodyMode === 'json' ? s.json : s.body);
      const headers: Record<string, string> = s.keyMode === 'admin' ? auth : s.keyMode === 'bogus' ? { authorization: 'Bearer nope' } : s.keyMode === 'hk' ? { authorization: `Bearer hk_${'x'.repeat(43)}` } : {};
      let res;
      const label = `${s.op.method} ${path.slice(0, 150)}${qs ? `?${qs.slice(0, 80)}` : ''} ${body?.slice(0, 300) ?? ''} [${s.keyMode}]`;
      inFlight.add(label);
      try {
        res = await call(s.op.method, `${path}${qs ? `?${qs}` : ''}`, body, headers);
      } catch (err) {
        bad.push(`${s.op.method} ${path}: no answer (${(err as Error).message})`);
        return;
      }
      inFlight.delete(label);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) bad.push(`${s.op.method} ${path.slice(0, 120)} ${body?.slice(0, 200) ?? ''} → ${res.status} ${res.text.slice(0, 200)}`);
      else if (res.status >= 400) {
        try {
          const e = JSON.parse(res.text).error;
          if (typeof e?.code !== 'string' || typeof e?.message !== 'string') noEnvelope++;
        } catch {
          noEnvelope++;
        }
      }
    });
    clearInterval(ticker);
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`).join(', ');
    return {
      scenario: `OpenAPI fuzzing: ${REQUESTS} generated requests over ${ops.length} operations (seed ${SEED})`,
      answers: byStatus,
      '5xx or no answer': bad.length,
      '4xx without the error envelope': noEnvelope,
      ...(bad.length ? { first: bad.slice(0, 5).join(' | ') } : {}),
      lost: bad.length + noEnvelope,
    };
  } finally {
    await api.close();
    herald.proc.kill('SIGTERM');
    await herald.exited;
    await db.dispose();
  }
}
