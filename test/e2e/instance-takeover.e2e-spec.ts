import { loadConfig } from '../../src/config/config';
import { Child } from '../support/child-process';
import { createTestDatabase, queryOnce } from '../support/database';
import { api, eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';

/**
 * kill -9 of an instance holding deliveries: another instance takes its claims over within the
 * takeover delay (here 1 s; 10 s by default), not after the claim expiry (300 s), and every
 * message is delivered. The killed instance is a real process (src/main.ts) killed with SIGKILL.
 */
/** Below the per-endpoint limit (32): every one of them is an attempt in flight when the instance dies. */
const JOBS = 30;
const FAST = { HERALD_INSTANCE_HEARTBEAT_MS: '100', HERALD_TAKEOVER_AFTER_MS: '1000' };

describe('an instance killed with deliveries in flight', () => {
  let database: { url: string; drop: () => Promise<void> };
  let survivor: RunningHerald | undefined;
  let victim: Child | undefined;
  let hanging = true;
  const rx = new Receiver(() => (hanging ? { status: 200, hang: true } : { status: 200, body: 'ok' }));

  beforeAll(async () => {
    await rx.start();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await victim?.stop('SIGKILL');
    await survivor?.stop();
    await rx.stop();
    await database?.drop();
  });

  it('has its claims released by a live instance and every message delivered, within the takeover delay', async () => {
    victim = new Child('src/main.ts', [], {
      ...FAST,
      DATABASE_URL: database.url,
      PORT: '0',
      HERALD_LOG_LEVEL: 'log',
      HERALD_WEBHOOK_CLAIM_EXPIRY_SECONDS: '300',
      HERALD_WEBHOOK_TIMEOUT_MS: '60000',
    });
    const [, url] = await victim.waitFor(/listening on (http:\/\/[^\s"]+)/, 60_000);
    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const res = await api(url, 'POST', '/api/v1/exec/raw', { name: 'takeover', nodes: [{ nodeName: 'n', algorithmName: 'takeover-alg', input: [i] }], webhooks: { result: `${rx.url}/r` } });
      expect(res.status).toBe(201);
      jobIds.push(res.body.jobId);
    }
    // Stop each job: its result webhook goes out at once, to a receiver that never answers.
    for (const jobId of jobIds) expect((await api(url, 'POST', '/api/v1/exec/stop', { jobId, reason: 'takeover' })).status).toBe(200);
    await eventually(async () => rx.requests.length >= JOBS, 20_000);
    const [{ held }] = await queryOnce<{ held: number }>(database.url, `SELECT count(*)::int AS held FROM pgboss.job WHERE name = 'herald_deliver' AND state = 'active' AND output ? 'by'`);
    expect(held).toBe(JOBS);

    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    hanging = false;
    survivor = await startHerald({ webhooks: { ...loadConfig(FAST).webhooks, claimExpirySeconds: 300 } }, { url: database.url, drop: async () => undefined });

    // Every message delivered once the survivor took over (the killed instance's attempts never answered).
    await eventually(async () => {
      const [{ delivered }] = await survivor!.db.query<{ delivered: number }>(`SELECT count(*)::int AS delivered FROM webhook_messages WHERE status = 'delivered'`);
      return delivered === JOBS;
    }, 20_000);
    const tookMs = Date.now() - killedAt;
    // Within the takeover delay plus a heartbeat and the survivor's start (far below the 300 s claim expiry).
    expect(tookMs).toBeLessThan(15_000);
    const [{ instances }] = await survivor.db.query<{ instances: number }>('SELECT count(*)::int AS instances FROM herald_instances');
    expect(instances).toBe(1);
    // Each result reached the receiver twice: the killed instance's attempt (never answered) and the survivor's.
    const perJob = new Map<string, number>();
    for (const r of rx.requests) perJob.set(r.body.jobId, (perJob.get(r.body.jobId) ?? 0) + 1);
    expect([...perJob.keys()].sort()).toEqual([...jobIds].sort());
    expect([...new Set(perJob.values())]).toEqual([2]);
    console.log(`takeover: ${JOBS} deliveries held by a killed instance delivered ${tookMs} ms after kill -9 (takeover delay 1000 ms); receiver saw ${rx.requests.length} requests`);
  });
});
