import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { parseEgressPolicy } from '../../src/webhooks/domain/egress-policy';
import { EgressGuard, type Resolver } from '../../src/webhooks/infrastructure/egress-guard';
import { MAX_RESPONSE_BODY, UndiciHttpSender } from '../../src/webhooks/infrastructure/http-sender';
import { eventually } from '../support/herald';
import { Receiver } from '../support/receiver';

// Real HTTP on loopback only: 127.0.0.2 is allowed by CIDR, 127.0.0.1 stays refused.
const policy = parseEgressPolicy({ egress: 'guarded', allowedTargets: '127.0.0.2/32' });
const post = { headers: {}, body: '{}', timeoutMs: 2000 };

/** Answers each lookup with the next address of `answers` (the last one repeats), counting the calls. */
function flipping(...answers: string[]): Resolver & { calls: number } {
  const r = Object.assign(async (): Promise<LookupAddress[]> => [{ address: answers[Math.min(r.calls++, answers.length - 1)], family: 4 }], { calls: 0 });
  return r;
}

describe('egress guard in the HTTP sender (connect time)', () => {
  let rx1: Receiver;
  let rx2: Receiver;
  let sender: UndiciHttpSender;
  let resolver: ReturnType<typeof flipping>;

  beforeAll(async () => {
    rx1 = await new Receiver().start('127.0.0.1');
    // Connection: close, so that every request opens a new connection (and looks the name up).
    rx2 = await new Receiver(() => ({ status: 200, body: 'ok', headers: { connection: 'close' } })).start('127.0.0.2');
  });
  afterAll(async () => {
    await rx1.stop();
    await rx2.stop();
  });
  beforeEach(() => {
    resolver = flipping('127.0.0.2', '127.0.0.1');
    sender = new UndiciHttpSender(new EgressGuard(policy, resolver));
  });
  afterEach(() => sender.close());

  it('refuses IP literals in every spelling, without connecting', async () => {
    const port = new URL(rx1.url).port;
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '0177.0.0.1', '[::ffff:127.0.0.1]']) {
      const res = await sender.send({ ...post, url: `http://${host}:${port}/hook` });
      expect(res).toMatchObject({ errorCode: 'TARGET_NOT_ALLOWED' });
      expect(res.statusCode).toBeUndefined();
    }
    const call = await sender.call({ url: `${rx1.url}/stage`, method: 'GET', headers: {}, timeoutMs: 2000, maxBodyBytes: 1024 });
    expect(call).toMatchObject({ errorCode: 'TARGET_NOT_ALLOWED' });
    expect(call.errorMessage).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(rx1.requests).toHaveLength(0);
    // An allowed literal goes through.
    expect(await sender.send({ ...post, url: `${rx2.url}/hook` })).toMatchObject({ statusCode: 200 });
  });

  it('checks the address actually dialled: a name that rebinds to a refused address is refused at connect', async () => {
    const url = `http://rebind.test:${new URL(rx2.url).port}/hook`;
    const before = rx2.requests.length;
    expect(await sender.send({ ...post, url })).toMatchObject({ statusCode: 200 });
    const second = await sender.send({ ...post, url });
    expect(second).toMatchObject({ errorCode: 'TARGET_NOT_ALLOWED' });
    expect(second.errorMessage).toMatch(/rebind\.test \(127\.0\.0\.1\) is a loopback address/);
    expect(await sender.call({ url, method: 'POST', headers: {}, body: '{}', timeoutMs: 2000, maxBodyBytes: 1024 })).toMatchObject({ errorCode: 'TARGET_NOT_ALLOWED' });
    expect(resolver.calls).toBe(3);
    expect(rx2.requests.length - before).toBe(1);
  });

  it('refuses .localhost names as loopback, at creation and at connect, whatever the resolver answers', async () => {
    const port = new URL(rx2.url).port;
    // A resolver that sends every name to an allowed address: a .localhost name is still refused.
    const guard = new EgressGuard(policy, async () => [{ address: '127.0.0.2', family: 4 }]);
    const s = new UndiciHttpSender(guard);
    try {
      for (const host of ['localhost', 'foo.localhost', 'A.B.LOCALHOST']) {
        expect([host, (await guard.check(`http://${host}:${port}/hook`))?.message]).toEqual([host, expect.stringMatching(/is a loopback address/)]);
        expect(await s.send({ ...post, url: `http://${host}:${port}/hook` })).toMatchObject({ errorCode: 'TARGET_NOT_ALLOWED' });
      }
      // Any other name goes where it resolves.
      expect(await guard.check(`http://hooks.test:${port}/hook`)).toBeUndefined();
      expect(await s.send({ ...post, url: `http://hooks.test:${port}/hook` })).toMatchObject({ statusCode: 200 });
    } finally {
      await s.close();
    }
  });

  it('refuses the whole DNS answer when any address in it is refused', async () => {
    const mixed: Resolver = async () => [{ address: '127.0.0.2', family: 4 }, { address: '10.0.0.1', family: 4 }];
    const s = new UndiciHttpSender(new EgressGuard(policy, mixed));
    try {
      expect(await s.send({ ...post, url: `http://mixed.test:${new URL(rx2.url).port}/` })).toMatchObject({ errorCode: 'TARGET_NOT_ALLOWED' });
    } finally {
      await s.close();
    }
  });
});

describe('response bodies', () => {
  let server: Server;
  let url = '';
  const closed: boolean[] = [];

  beforeAll(async () => {
    // Streams 4 MiB, honouring backpressure; records whether the client dropped it before the end.
    server = createServer((_req, res) => {
      const chunk = Buffer.alloc(16 * 1024, 'a');
      let left = 256;
      res.on('close', () => closed.push(res.writableFinished));
      res.writeHead(200, { 'content-type': 'text/plain' });
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps 16 KiB of a delivery answer (64 KiB of a stage answer) and drops the connection after 64 KiB', async () => {
    const sender = new UndiciHttpSender(new EgressGuard(parseEgressPolicy({})));
    try {
      const sent = await sender.send({ ...post, url });
      expect(sent.statusCode).toBe(200);
      expect(sent.body).toHaveLength(MAX_RESPONSE_BODY);
      await eventually(async () => closed.length === 1);
      expect(closed[0]).toBe(false);
      const called = await sender.call({ url, method: 'GET', headers: {}, timeoutMs: 2000, maxBodyBytes: 64 * 1024 });
      expect(called).toMatchObject({ statusCode: 200, truncated: true });
      expect(called.body).toHaveLength(64 * 1024);
      await eventually(async () => closed.length === 2);
      expect(closed[1]).toBe(false);
    } finally {
      await sender.close();
    }
  });
});
