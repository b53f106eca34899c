import { admit, afterOutcome, freshHealth, probeSent, verdictOf, type EndpointHealth, type HealthPolicy } from '../../src/webhooks/domain/endpoint-health';
import { EndpointScheduler, type Waiter } from '../../src/webhooks/infrastructure/endpoint-scheduler';

const policy: HealthPolicy = { maxLimit: 8, openAfter: 3, firstCooldownMs: 10_000, maxCooldownMs: 40_000 };

describe('endpoint health rules', () => {
  const failN = (h: EndpointHealth, n: number, now = 0) => {
    for (let i = 0; i < n; i++) h = afterOutcome(h, 'fail', 1000, false, now, policy, 'TIMEOUT');
    return h;
  };

  it('reads an answer: 2xx ok, 429 and 503 throttle, any other answer alive, no answer a failure', () => {
    expect([200, 204, 429, 503, 500, 404, 410, 302, undefined].map(verdictOf)).toEqual(['ok', 'ok', 'throttle', 'throttle', 'alive', 'alive', 'alive', 'alive', 'fail']);
  });

  it('halves the limit on each failure and raises it by one per answer until healthy again', () => {
    let h = failN(freshHealth(policy), 2);
    expect([h.state, h.limit, h.consecutiveFailures]).toEqual(['degraded', 2, 2]);
    h = afterOutcome(h, 'ok', 5, false, 0, policy);
    expect([h.state, h.limit, h.consecutiveFailures]).toEqual(['degraded', 3, 0]);
    for (let i = 0; i < 4; i++) h = afterOutcome(h, 'alive', 5, false, 0, policy);
    expect([h.state, h.limit]).toEqual(['degraded', 7]);
    h = afterOutcome(h, 'ok', 5, false, 0, policy);
    expect([h.state, h.limit]).toEqual(['healthy', 8]);
  });

  it('throttles on 429/503 without counting towards the circuit', () => {
    let h = failN(freshHealth(policy), 2);
    h = afterOutcome(h, 'throttle', 5, false, 0, policy);
    expect([h.state, h.limit, h.consecutiveFailures]).toEqual(['degraded', 1, 0]);
  });

  it('opens after openAfter consecutive failures, admits one probe when the pause is over, and doubles the pause when the probe fails', () => {
    let h = failN(freshHealth(policy), 3, 1000);
    expect([h.state, h.retryAt]).toEqual(['open', 11_000]);
    expect(admit(h, 5000)).toEqual({ kind: 'closed', until: 11_000 });
    expect(admit(h, 11_000)).toEqual({ kind: 'probe' });
    h = probeSent(h);
    expect(admit(h, 11_000)).toEqual({ kind: 'closed', until: 12_000 }); // one probe at a time
    h = afterOutcome(h, 'fail', 1000, true, 12_000, policy, 'TIMEOUT');
    expect([h.state, h.retryAt, h.cooldownMs, h.probing]).toEqual(['open', 32_000, 20_000, false]);
    // Twice more: capped at maxCooldownMs.
    h = afterOutcome(probeSent(h), 'fail', 1000, true, 32_000, policy);
    h = afterOutcome(probeSent(h), 'fail', 1000, true, 72_000, policy);
    expect([h.cooldownMs, h.retryAt]).toEqual([40_000, 112_000]);
  });

  it('a late failure of an earlier attempt does not move an open circuit', () => {
    const open = failN(freshHealth(policy), 3, 0);
    const later = afterOutcome(open, 'fail', 1000, false, 5000, policy);
    expect([later.state, later.retryAt, later.cooldownMs]).toEqual(['open', open.retryAt, open.cooldownMs]);
  });

  it('closes on an answer to the probe: degraded at a quarter of the limit, pause reset', () => {
    let h = probeSent(failN(freshHealth(policy), 3, 0));
    h = afterOutcome(h, 'ok', 5, true, 10_000, policy);
    expect([h.state, h.limit, h.retryAt, h.cooldownMs, h.consecutiveFailures]).toEqual(['degraded', 2, null, 10_000, 0]);
    expect(admit(h, 10_000)).toEqual({ kind: 'go' });
  });
});

describe('endpoint scheduler', () => {
  let now = 0;
  const changes: string[] = [];
  const make = (over: Partial<ConstructorParameters<typeof EndpointScheduler>[0]> = {}) =>
    new EndpointScheduler({
      policy,
      maxOpen: 4,
      maxWaiting: 100,
      waitBudgetMs: 10_000,
      timeoutMs: 1250,
      minDeferMs: 200,
      maxDeferMs: 11_000,
      parkMs: 600_000,
      now: () => now,
      onChange: (o, b, a) => changes.push(`${o}:${b.state}->${a.state}/${a.limit}`),
      ...over,
    });
  const log: string[] = [];
  const waiter = (name: string): Waiter => ({ go: (probe) => log.push(`go ${name}${probe ? ' probe' : ''}`), defer: (until, reason) => log.push(`defer ${name} ${reason} ${until}`) });

  beforeEach(() => {
    now = 0;
    log.length = 0;
    changes.length = 0;
  });

  const prove = (s: EndpointScheduler, origin: string) => {
    for (let i = 0; i < 8; i++) {
      s.offer(origin, waiter(`${origin}-warm${i}`));
      s.done(origin, 'ok', 5, false);
    }
    log.length = 0;
  };

  it('shares the instance slots round-robin: a busy endpoint never takes the slots of another', () => {
    const s = make();
    prove(s, 'A');
    prove(s, 'B');
    // Endpoint A fills its limit (8) beyond the instance's 4 slots; B's first waits its turn.
    const offers = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((n) => s.offer('A', waiter(n)).kind);
    expect(offers).toEqual(['started', 'started', 'started', 'started', 'queued', 'queued']);
    expect(s.offer('B', waiter('b1')).kind).toBe('queued');
    s.done('A', 'ok', 5, false);
    s.done('A', 'ok', 5, false);
    // The freed slots went to A, then B, in turn.
    expect(log.slice(4)).toEqual(['go a5', 'go b1']);
    expect(s.counts()).toEqual({ open: 4, waiting: 1, unproven: 0 });
  });

  it('gives endpoints without a record of answers at most half of the slots together', () => {
    const s = make({ maxOpen: 8 });
    prove(s, 'P');
    // Ten new endpoints that hang: together they get 4 of the 8 slots, the rest of theirs wait.
    const kinds = Array.from({ length: 10 }, (_, i) => s.offer(`N${i}`, waiter(`n${i}`)).kind);
    expect(kinds).toEqual([...Array(4).fill('started'), ...Array(6).fill('queued')]);
    // A proven endpoint still starts at once.
    expect(s.offer('P', waiter('p1')).kind).toBe('started');
    expect(s.counts()).toEqual({ open: 5, waiting: 6, unproven: 4 });
    // When an unproven attempt ends, the next unproven one takes its place, not more.
    s.done('N0', 'fail', 1000, false);
    expect(s.counts()).toEqual({ open: 5, waiting: 5, unproven: 4 });
  });

  it('gives back what an endpoint cannot serve within the wait budget, spread one service time apart', () => {
    const s = make({ maxOpen: 100, policy: { ...policy, maxLimit: 1 } });
    // Until its pace is known, as if each attempt took the whole timeout: 10 s / 1.25 s = 8 per slot.
    expect(s.offer('S', waiter('s0')).kind).toBe('started');
    expect(Array.from({ length: 9 }, (_, i) => s.offer('S', waiter(`early${i}`)).kind)).toEqual([...Array(8).fill('queued'), 'defer']);
    // Eight answers of 1 s each (mean 50 -> 841 ms): now paced by them.
    s.done('S', 'ok', 1000, false);
    for (let i = 0; i < 7; i++) s.done('S', 'ok', 1000, false);
    expect(s.counts()).toEqual({ open: 1, waiting: 0, unproven: 0 });
    const offers = Array.from({ length: 15 }, (_, i) => s.offer('S', waiter(`s${i}`)));
    // One at a time, 841 ms each: 11 fit in the 10 s budget; the rest go back to the queue.
    expect(offers.map((o) => o.kind)).toEqual([...Array(11).fill('queued'), 'defer', 'defer', 'defer', 'defer']);
    const untils = offers.flatMap((o) => (o.kind === 'defer' ? [o.until] : []));
    // The first after what is queued here (11 x 841 ms), then one service time apart, never
    // further than maxDeferMs (11 s) ahead.
    expect(untils).toEqual([9251, 10_092, 10_933, 11_000]);
    // Another endpoint is not affected.
    expect(s.offer('T', waiter('t1')).kind).toBe('started');
  });

  it('parks everything waiting when the circuit opens, probes once after the pause, and closes on an answer', () => {
    const s = make({ maxOpen: 100, policy: { ...policy, maxLimit: 2 } });
    ['a1', 'a2', 'a3', 'a4'].forEach((n) => s.offer('A', waiter(n)));
    now = 1000;
    s.done('A', 'fail', 1000, false, 'TIMEOUT'); // limit 1; a3 waits (a2 still out)
    s.done('A', 'fail', 1000, false, 'TIMEOUT');
    s.done('A', 'fail', 1000, false, 'TIMEOUT'); // a3's answer: third failure, open until 11,000
    expect(changes).toEqual(['A:healthy->degraded/1', 'A:degraded->open/1']);
    // Parked (the worker releases them when the circuit closes), not back in a few seconds.
    expect(log).toEqual(['go a1', 'go a2', 'go a3', 'defer a4 open 601000']);
    expect(s.offer('A', waiter('a5'))).toEqual({ kind: 'defer', until: 601_000, reason: 'open' });
    now = 11_000;
    expect(s.offer('A', waiter('a6')).kind).toBe('started');
    expect(log.at(-1)).toBe('go a6 probe');
    expect(s.offer('A', waiter('a7'))).toEqual({ kind: 'defer', until: 611_000, reason: 'open' });
    // A failed probe: open again, for twice as long (the worker is told: it arms the next probe).
    s.done('A', 'fail', 1000, true, 'TIMEOUT');
    expect(changes.at(-1)).toBe('A:open->open/1');
    expect(s.health('A')?.retryAt).toBe(31_000);
    now = 31_000;
    expect(s.offer('A', waiter('a8')).kind).toBe('started');
    s.done('A', 'ok', 5, true);
    expect(changes.at(-1)).toBe('A:open->degraded/1');
    expect(s.offer('A', waiter('a9')).kind).toBe('started');
  });
});
