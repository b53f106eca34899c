import { createServer, type Server } from 'node:http';

/** An OTLP attribute value as OTLP/JSON encodes it. */
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

/** One exported span, flattened (OTLP/JSON: ids are hex, attributes key/value lists). */
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
  /** The resource's service.name. */
  service: string;
}

function valueOf(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributes(list: Array<{ key: string; value: AnyValue }> | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
}

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (collector stand-in): takes the JSON export requests
 * POSTed to /v1/traces, answers 200, and keeps every span.
 */
export class OtlpReceiver {
  readonly spans: ExportedSpan[] = [];
  /** Export requests that were not OTLP/JSON (content type, parse error), kept to fail on. */
  readonly refused: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
            throw new Error(`${req.method} ${req.url} (${req.headers['content-type']})`);
          }
          this.collect(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch (err) {
          this.refused.push((err as Error).message);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  private collect(body: {
    resourceSpans?: Array<{
      resource?: { attributes?: Array<{ key: string; value: AnyValue }> };
      scopeSpans?: Array<{ spans?: Array<Record<string, any>> }>;
    }>;
  }): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)['service.name']);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: s.kind,
            status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
            attributes: attributes(s.attributes),
            links: (s.links ?? []).map((l: { traceId: string; spanId: string }) => ({ traceId: l.traceId, spanId: l.spanId })),
            service,
          });
        }
      }
    }
  }

  /** The exported span with this id, if any yet. */
  span(spanId: string): ExportedSpan | undefined {
    return this.spans.find((s) => s.spanId === spanId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A W3C traceparent header split: version, trace id, parent (span) id, flags. */
export function parseTraceparent(header: string | string[] | undefined): { traceId: string; spanId: string; flags: string } | undefined {
  const m = typeof header === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header) : null;
  return m ? { traceId: m[1], spanId: m[2], flags: m[3] } : undefined;
}
