import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool as UndiciPool } from 'undici';
import { sleep, until } from '../bench-util';
import { freePort } from '../bench-database';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../../src/database/embedded-postgres';
import { startInstance } from './instances';

/**
 * Fault: PostgreSQL stops under load and comes back. A PostgreSQL of the scenario's own (never
 * the shared server), one Herald process, a driver submitting jobs with a progress webhook
 * (4 at a time) before, during and after a 5 s outage. While it is down every answer must be a
 * 4xx/503 within the request timeout (never a 500, never a hang, never a crash); afterwards
 * submissions succeed again and every acknowledged job's webhook arrives, without restarting
 * Herald.
 */
const OUTAGE_MS = 5000;
const REQUEST_TIMEOUT_MS = 10_000;

export async function databaseRestartScenario(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-fault-pg-'));
  const port = await freePort();
  let pg: EmbeddedHandle = await startEmbeddedPostgres({ dataDir: dir, port, database: 'herald', fast: true });
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      try {
        seen.add((JSON.parse(body) as { jobId: string }).jobId);
      } catch {
        /* not ours */
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(server.address() as { port: number }).port}/progress`;
  const herald = await startInstance(pg.url, 'herald');
  let crashed = false;
  void herald.exited.then(() => (crashed = true));
  const api = new UndiciPool(herald.url, { connections: 8, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });

  type Phase = 'before' | 'down' | 'after';
  let phase: Phase = 'before';
  const answers: Record<Phase, Map<string, number>> = { before: new Map(), down: new Map(), after: new Map() };
  const slowest: Record<Phase, number> = { before: 0, down: 0, after: 0 };
  const acknowledged: string[] = [];
  let firstOkAfter = 0;
  let upAgainAt = 0;
  let readyDown = 'never asked';
  let running = true;
  const count = (p: Phase, key: string) => answers[p].set(key, (answers[p].get(key) ?? 0) + 1);
  const driver = async () => {
    let i = 0;
    while (running) {
      const p = phase;
      const started = Date.now();
      try {
        const res = await api.request({
          method: 'POST',
          path: '/api/v1/exec/raw',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'restart', nodes: [{ nodeName: 'n', algorithmName: 'restart-alg', input: [i++] }], webhooks: { progress: hook }, options: { progressVerbosityLevel: 'info' } }),
        });
        const text = await res.body.text();
        const code = res.statusCode === 201 ? '201' : `${res.statusCode} ${(JSON.parse(text) as { error?: { code?: string } }).error?.code ?? ''}`.trim();
        count(p, code);
        if (res.statusCode === 201) {
          acknowledged.push((JSON.parse(text) as { jobId: string }).jobId);
          if (p === 'after' && !firstOkAfter) firstOkAfter = Date.now();
        }
      } catch (err) {
        count(p, `no answer (${(err as { code?: string }).code ?? (err as Error).message})`);
      }
      slowest[p] = Math.max(slowest[p], Date.now() - started);
      if (phase !== 'before') await sleep(20);
    }
  };
  try {
    const drivers = Array.from({ length: 4 }, driver);
    await sleep(3000);
    phase = 'down';
    await pg.stop();
    await sleep(1000);
    const ready = await fetch(`${herald.url}/health/ready`).catch(() => undefined);
    readyDown = ready ? `${ready.status} ${JSON.stringify(((await ready.json()) as { checks?: unknown }).checks ?? null)}` : 'no answer';
    await sleep(OUTAGE_MS - 1000);
    pg = await startEmbeddedPostgres({ dataDir: dir, port, database: 'herald', fast: true });
    upAgainAt = Date.now();
    phase = 'after';
    await until('a submission accepted again', () => firstOkAfter > 0, 60_000, 20);
    await sleep(3000);
    running = false;
    await Promise.all(drivers);
    await until('every acknowledged job’s webhook', () => acknowledged.every((id) => seen.has(id)), 120_000, 100).catch(() => undefined);
    const readyAfter = (await fetch(`${herald.url}/health/ready`)).status;
    const show = (p: Phase) => [...answers[p].entries()].map(([k, v]) => `${v} × ${k}`).join(', ');
    const fiveHundreds = [...Object.values(answers)].flatMap((m) => [...m.entries()]).filter(([k]) => k.startsWith('500')).reduce((s, [, v]) => s + v, 0);
    const lost = acknowledged.filter((id) => !seen.has(id)).length;
    const hung = Object.values(slowest).some((ms) => ms > REQUEST_TIMEOUT_MS);
    return {
      scenario: `PostgreSQL stopped for ${OUTAGE_MS / 1000} s under load`,
      'answers before': show('before'),
      'answers while down': show('down'),
      'answers after': show('after'),
      'slowest answer while down (ms)': slowest.down,
      '/health/ready while down': readyDown,
      '/health/ready after': readyAfter,
      'first accepted submission after restart (ms)': firstOkAfter - upAgainAt,
      'acknowledged submissions': acknowledged.length,
      'HTTP 500 answers': fiveHundreds,
      'Herald crashed': crashed ? 'yes' : 'no',
      'webhooks of acknowledged jobs missing (lost)': lost,
      lost: lost + fiveHundreds + (crashed ? 1 : 0) + (hung ? 1 : 0),
    };
  } finally {
    running = false;
    await api.close();
    herald.proc.kill('SIGTERM');
    await herald.exited;
    server.close();
    await pg.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
