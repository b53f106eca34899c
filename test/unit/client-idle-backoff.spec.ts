import { IdleBackoff, Pause } from '../../src/client/idle-backoff';

describe('IdleBackoff (client worker)', () => {
  it('doubles from the minimum up to the maximum, and starts over on reset', () => {
    const b = new IdleBackoff(100, 1000, () => 0);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });
  it('takes at most 20 % off as jitter', () => {
    const b = new IdleBackoff(100, 1000, () => 0.999);
    expect(b.next()).toBe(80);
  });
  it('a pause ends early on wake', async () => {
    const p = new Pause();
    const started = Date.now();
    const sleeping = p.sleep(10_000);
    p.wake();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
