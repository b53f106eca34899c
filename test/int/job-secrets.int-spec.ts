import { createPool, Db } from '../../src/database/db';
import { JobsRepository } from '../../src/jobs/infrastructure/jobs.repository';
import { rebuildJobProjections } from '../../src/jobs/infrastructure/projection-rebuilder';
import { client } from '../support/e2e';
import { eventually, startHerald, type RunningHerald } from '../support/herald';
import { Receiver } from '../support/receiver';
import { newSecret } from '../support/webhooks';

/**
 * A job request's secrets (webhook signing secret and header values, webhook stage headers) are
 * kept apart from its events (job_secrets): the job.submitted event and the jobs read model hold
 * them masked, the code that sends requests gets them whole, and a projection rebuild, which
 * replays the masked events, loses none of them.
 */
describe('job secrets', () => {
  const SECRET = newSecret();
  const STAGE_HEADER = 'Bearer stage-secret-for-rebuild-31337';
  let rx: Receiver;
  let h: RunningHerald;
  let db: Db | undefined;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startHerald({ stagePollMs: 20 });
  });
  afterAll(async () => {
    await db?.end();
    await h.close();
    await rx.stop();
  });

  it('are masked in events and read models, whole where requests are sent, also after a rebuild', async () => {
    const c = client(h.baseUrl);
    const jobId = await c.submit({
      name: 'kept-apart',
      nodes: [
        { nodeName: 'build', algorithmName: 'kept-alg', input: [1] },
        { nodeName: 'hook', kind: 'webhook', input: ['@build'], webhook: { url: `${rx.url}/stage`, customHeaders: { Authorization: STAGE_HEADER } } },
      ],
      webhooks: { result: `${rx.url}/result`, secret: SECRET, headers: { Authorization: 'Bearer result-header-4242' } },
    });
    await h.stop();
    db = new Db(createPool(h.databaseUrl, 2));
    const stored = async () => (await db!.query<{ t: string }>(`SELECT (SELECT string_agg(e.data::text, '') FROM events e) || (SELECT string_agg(j::text, '') FROM jobs j) AS t`))[0].t;
    const hidden = (text: string) => ['stage-secret-for-rebuild', 'result-header-4242', SECRET.slice(6)].filter((s) => text.includes(s));
    expect(hidden(await stored())).toEqual([]);
    expect(await stored()).toContain(`${rx.url}/stage`);
    const whole = await new JobsRepository().getSpec(db, jobId);
    expect([whole.webhooks?.secret, whole.webhooks?.headers, whole.nodes[1].webhook?.customHeaders]).toEqual([SECRET, { Authorization: 'Bearer result-header-4242' }, { Authorization: STAGE_HEADER }]);

    await rebuildJobProjections(db);
    expect(hidden(await stored())).toEqual([]);
    expect(await new JobsRepository().getSpec(db, jobId)).toEqual(whole);

    // After the rebuild the stage still sends its header, and the result is still signed with the secret.
    h = await startHerald({ stagePollMs: 20 }, { url: h.databaseUrl, drop: async () => undefined });
    const c2 = client(h.baseUrl);
    const [t] = await c2.acquire('w', ['kept-alg']);
    expect((await c2.complete(t.taskId, 'w', 'built')).status).toBe(200);
    await eventually(async () => rx.requests.some((r) => r.path === '/result'), 15_000);
    expect(rx.requests.filter((r) => r.path === '/stage').map((r) => r.headers.authorization)).toEqual([STAGE_HEADER]);
    const result = rx.requests.find((r) => r.path === '/result')!;
    expect(result.headers.authorization).toBe('Bearer result-header-4242');
    const { Webhook } = await import('standardwebhooks');
    expect(() => new Webhook(SECRET).verify(result.raw, { 'webhook-id': String(result.headers['webhook-id']), 'webhook-timestamp': String(result.headers['webhook-timestamp']), 'webhook-signature': String(result.headers['webhook-signature']) })).not.toThrow();
  }, 60_000);
});
