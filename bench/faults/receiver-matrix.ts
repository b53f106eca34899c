import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import { apiCall, sleep, until } from '../bench-util';
import { benchDatabase, freePort } from '../bench-database';
import { Pool as UndiciPool } from 'undici';
import { startInstance } from './instances';

/**
 * Fault: receivers that misbehave, each on its own origin (so one endpoint's circuit never
 * touches another's), with a fast retry schedule (0, 0.2, 0.4 s) and a 500 ms timeout. One result
 * webhook per receiver; BIG_COUNT more to the 10 MB receiver while Herald's RSS is sampled.
 * Each outcome is checked against the delivery policy (docs/DELIVERY.md) and the attempt log.
 */
const BIG_COUNT = 40;
const TEN_MB = Buffer.alloc(10 * 1024 * 1024, 'x');

type Behaviour = 'ok' | '500' | '429' | '503' | 'slow' | 'refused' | 'reset' | 'big' | '302' | '410' | 'tls';

interface Expect {
  status: 'delivered' | 'failed';
  attempts: number;
  /** Each attempt's status code, or error code. */
  codes: string[];
}

const EXPECT: Record<Behaviour, Expect> = {
  ok: { status: 'delivered', attempts: 1, codes: ['200'] },
  '500': { status: 'failed', attempts: 3, codes: ['500', '500', '500'] },
  '429': { status: 'failed', attempts: 3, codes: ['429', '429', '429'] },
  '503': { status: 'failed', attempts: 3, codes: ['503', '503', '503'] },
  slow: { status: 'failed', attempts: 3, codes: ['TIMEOUT', 'TIMEOUT', 'TIMEOUT'] },
  refused: { status: 'failed', attempts: 3, codes: ['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED'] },
  reset: { status: 'failed', attempts: 3, codes: ['ECONNRESET', 'ECONNRESET', 'ECONNRESET'] },
  big: { status: 'delivered', attempts: 1, codes: ['200'] },
  '302': { status: 'failed', attempts: 3, codes: ['302', '302', '302'] },
  '410': { status: 'failed', attempts: 1, codes: ['410'] },
  tls: { status: 'failed', attempts: 3, codes: ['TLS_ERROR', 'TLS_ERROR', 'TLS_ERROR'] },
};

function receiver(behaviour: Behaviour): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      switch (behaviour) {
        case 'ok':
          return res.writeHead(200).end('ok');
        case '500':
        case '503':
          return res.writeHead(Number(behaviour)).end('no');
        case '429':
          return res.writeHead(429, { 'retry-after': '1' }).end('slow down');
        case 'slow':
          return void setTimeout(() => res.writeHead(200).end('late'), 2000);
        case 'reset':
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial');
          return void setTimeout(() => res.socket?.destroy(), 10);
        case 'big':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end(TEN_MB);
        case '302':
          return res.writeHead(302, { location: '/elsewhere' }).end();
        case '410':
          return res.writeHead(410).end('gone');
        case 'refused':
        case 'tls':
          return res.writeHead(200).end('unexpected');
      }
    });
  });
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export async function receiverMatrixScenario(): Promise<Record<string, number | string>> {
  const db = await benchDatabase();
  const servers: Server[] = [];
  const urls = {} as Record<Behaviour, string>;
  for (const b of Object.keys(EXPECT) as Behaviour[]) {
    if (b === 'refused') {
      urls[b] = `http://127.0.0.1:${await freePort()}/hook`;
      continue;
    }
    const s = receiver(b);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    const port = (s.address() as { port: number }).port;
    // tls: an https URL to a plain HTTP server, so the TLS handshake fails.
    urls[b] = `${b === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}/hook`;
  }
  const herald = await startInstance(db.url, 'matrix', { HERALD_WEBHOOK_RETRY_SCHEDULE: '0,0.2,0.4', HERALD_WEBHOOK_TIMEOUT_MS: '500' });
  const api = new UndiciPool(herald.url, { connections: 8 });
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const broken: string[] = [];
  const out: Record<string, number | string> = { scenario: 'receiver matrix (retry schedule 0, 0.2, 0.4 s; timeout 500 ms)' };
  try {
    const jobOf = new Map<string, Behaviour>();
    const send = async (b: Behaviour) => {
      const res = await apiCall<{ jobId: string }>(api, 'POST', '/api/v1/exec/raw', { name: `matrix-${b}`, nodes: [{ nodeName: 'n', algorithmName: 'matrix-alg', input: [1] }], webhooks: { result: urls[b] } });
      if (res.status !== 201) throw new Error(`submit: HTTP ${res.status}`);
      jobOf.set(res.body.jobId, b);
      if ((await apiCall(api, 'POST', '/api/v1/exec/stop', { jobId: res.body.jobId })).status !== 200) throw new Error('stop failed');
    };
    for (const b of Object.keys(EXPECT) as Behaviour[]) await send(b);
    const rssStart = rssOf(herald.proc.pid!);
    let rssPeak = rssStart;
    for (let i = 0; i < BIG_COUNT; i++) await send('big');
    await until('every message settled', async () => {
      rssPeak = Math.max(rssPeak, rssOf(herald.proc.pid!));
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE status IN ('pending', 'retrying')`);
      return rows[0].n === 0;
    }, 60_000, 50);
    await sleep(200);
    const rssEnd = rssOf(herald.proc.pid!);
    const rows = (
      await sql.query<{ job_id: string; status: string; attempts: number; codes: string[]; gaps: number[]; body_max: number }>(
        `SELECT m.job_id, m.status, m.attempts,
                array_agg(coalesce(a.status_code::text, a.error_code) ORDER BY a.attempt) AS codes,
                array_agg(extract(epoch FROM a.attempted_at)::float8 ORDER BY a.attempt) AS gaps,
                max(length(coalesce(a.response_body, ''))) AS body_max
           FROM webhook_messages m JOIN webhook_attempts a ON a.message_id = m.id
          GROUP BY m.id`,
      )
    ).rows;
    const bigs = rows.filter((r) => jobOf.get(r.job_id) === 'big');
    const order = Object.keys(EXPECT);
    rows.sort((x, y) => order.indexOf(jobOf.get(x.job_id)!) - order.indexOf(jobOf.get(y.job_id)!));
    for (const r of rows) {
      const b = jobOf.get(r.job_id)!;
      const e = EXPECT[b];
      const got = { status: r.status, attempts: r.attempts, codes: r.codes };
      if (b === 'big') continue;
      out[b] = `${r.status}, ${r.attempts} attempt(s): ${r.codes.join(' ')}`;
      if (got.status !== e.status || got.attempts !== e.attempts || JSON.stringify(got.codes) !== JSON.stringify(e.codes)) broken.push(`${b}: ${JSON.stringify(got)}`);
      if (b === '429') {
        const gap = Math.min(...r.gaps.slice(1).map((t, i) => t - r.gaps[i]));
        out['429 shortest gap'] = `${gap.toFixed(2)} s (Retry-After: 1)`;
        if (gap < 0.95) broken.push(`429: retried after ${gap.toFixed(2)} s, before its Retry-After`);
      }
    }
    const [sub410] = (await sql.query<{ status: string }>(`SELECT status FROM webhook_subscriptions WHERE url = $1`, [urls['410']])).rows;
    out['410 subscription'] = sub410?.status ?? 'missing';
    if (sub410?.status !== 'disabled') broken.push('410 did not disable its subscription');
    const bigOk = bigs.filter((r) => r.status === 'delivered' && r.body_max <= 16 * 1024).length;
    out.big = `${bigOk}/${bigs.length} delivered, response kept ≤ 16 KiB (longest ${Math.max(...bigs.map((r) => r.body_max))} chars)`;
    if (bigOk !== BIG_COUNT + 1) broken.push(`big: ${bigOk} of ${BIG_COUNT + 1} delivered with a capped body`);
    out['RSS MiB start / peak / end'] = `${rssStart.toFixed(0)} / ${rssPeak.toFixed(0)} / ${rssEnd.toFixed(0)} (${BIG_COUNT + 1} answers of 10 MiB)`;
    if (rssPeak - rssStart > 100) broken.push(`RSS grew by ${(rssPeak - rssStart).toFixed(0)} MiB reading 10 MiB answers`);
    const [{ unlogged }] = (await sql.query<{ unlogged: number }>(`SELECT count(*)::int AS unlogged FROM webhook_messages m WHERE m.attempts <> (SELECT count(*) FROM webhook_attempts a WHERE a.message_id = m.id)`)).rows;
    out['messages whose attempts are not all logged'] = unlogged;
    if (unlogged !== 0) broken.push(`${unlogged} messages with attempts missing from the log`);
    out.lost = broken.length;
    if (broken.length) out.broken = broken.join('; ');
    return out;
  } finally {
    await api.close();
    await sql.end();
    herald.proc.kill('SIGTERM');
    await herald.exited;
    for (const s of servers) s.close();
    await db.dispose();
  }
}
