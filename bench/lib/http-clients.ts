import http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { Pool as UndiciPool } from 'undici';
import { parseEgressPolicy } from '../../src/webhooks/domain/egress-policy';
import { EgressGuard } from '../../src/webhooks/infrastructure/egress-guard';
import { UndiciHttpSender } from '../../src/webhooks/infrastructure/http-sender';
import { HERALD_VERSION } from '../../src/version';
import { now } from './knobs';
import type { Receiver } from './receiver';
import { round } from './stats';

export interface ClientResult {
  client: string;
  concurrency: number;
  requestsPerSec: number;
  mainThreadMsPerRequest: number;
}

/** POSTs of the same body to the same receiver with each HTTP client, 1 s each after 0.3 s warm-up, at 16 and 64 at once. */
export async function httpClients(rx: Receiver, body: string): Promise<ClientResult[]> {
  const url = `${rx.url}/h/x`;
  const headers = { 'content-type': 'application/json', 'user-agent': `Herald/${HERALD_VERSION}` };
  const results: ClientResult[] = [];
  const run = async (name: string, concurrency: number, post: () => Promise<void>, close: () => Promise<void>) => {
    const warmEnd = now() + 300;
    await Promise.all(Array.from({ length: concurrency }, async () => { while (now() < warmEnd) await post(); }));
    let count = 0;
    const elu0 = performance.eventLoopUtilization();
    const t0 = now();
    const end = t0 + 1000;
    await Promise.all(Array.from({ length: concurrency }, async () => { while (now() < end) { await post(); count++; } }));
    const secs = (now() - t0) / 1000;
    const elu = performance.eventLoopUtilization(elu0);
    await close();
    results.push({ client: name, concurrency, requestsPerSec: Math.round(count / secs), mainThreadMsPerRequest: round((elu.active) / count, 3) });
  };
  for (const concurrency of [16, 64]) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const ax = axios.create({ httpAgent: agent, maxRedirects: 0, validateStatus: () => true, responseType: 'text', transformResponse: (d: unknown) => d, headers });
    await run('axios (http adapter, keep-alive agent)', concurrency, async () => void (await ax.post(url, body)), async () => agent.destroy());

    const axf = axios.create({ adapter: 'fetch', maxRedirects: 0, validateStatus: () => true, responseType: 'text', headers });
    await run('axios (fetch adapter)', concurrency, async () => void (await axf.post(url, body)), async () => undefined);

    const pool = new UndiciPool(rx.url, { connections: concurrency, keepAliveTimeout: 30_000 });
    await run('undici Pool', concurrency, async () => {
      const res = await pool.request({ path: '/h/x', method: 'POST', headers, body });
      await res.body.text();
    }, () => pool.close());

    const sender = new UndiciHttpSender(new EgressGuard(parseEgressPolicy({})));
    await run("Herald's UndiciHttpSender (undici Agent)", concurrency, async () => void (await sender.send({ url, headers, body, timeoutMs: 15_000 })), () => sender.close());
  }
  return results;
}
