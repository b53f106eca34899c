import { Child, run } from '../support/child-process';
import { eventually } from '../support/herald';
import { useHerald } from '../support/use-herald';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The examples/ folder, each run as a consumer would run it (importing `herald/client`). */
describe('examples', () => {
  const { h, c } = useHerald();
  const children: Child[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  });
  function start(file: string, env: Record<string, string>): Child {
    const child = new Child(file, [], env);
    children.push(child);
    return child;
  }

  it('submit-and-wait prints the results the worker example computed; the worker stops on SIGTERM', async () => {
    const worker = start('examples/worker.ts', { HERALD_URL: h.baseUrl });
    await worker.waitFor(/worker \S+ started/);
    const submitted = await run('examples/submit-and-wait.ts', [], { HERALD_URL: h.baseUrl });
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/^submitted example:[0-9a-f-]{36}\n/);
    expect(submitted.stdout.trim().split('\n').slice(-3)).toEqual(['double#1: 2', 'double#2: 4', 'double#3: 6']);
    expect(worker.stdout).toMatch(/double#3: 3 -> 6/);
    const stopped = await worker.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/worker \S+ stopped\n$/);
  });

  it('the Express receiver accepts a webhook Herald signed and rejects a tampered one', async () => {
    const receiver = start('examples/receiver.ts', { WEBHOOK_SECRET: SECRET, PORT: '0' });
    const [, url] = await receiver.waitFor(/listening on (http:\S+)/);
    const worker = start('examples/worker.ts', { HERALD_URL: h.baseUrl });
    await worker.waitFor(/started/);
    const jobId = await c.submit({ name: 'example-hook', nodes: [{ nodeName: 'double', algorithmName: 'double', input: [21] }], webhooks: { result: url, secret: SECRET } });
    await receiver.waitFor(new RegExp(`verified msg_\\S+: ${jobId} completed`));
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
      body: JSON.stringify({ jobId, status: 'completed' }),
    });
    expect(res.status).toBe(401);
    await receiver.waitFor(/rejected: no matching webhook-signature/);
    await eventually(async () => (await c.status(jobId)).status === 'completed');
  });
});
