import { isFull, refill, take, type Bucket } from '../../src/limits/domain/token-bucket';

/** Takes `n` requests at `now` in a row; how many passed, and the bucket after them. */
function burst(bucket: Bucket | undefined, rate: number, now: number, n: number): { passed: number; bucket: Bucket | undefined } {
  let passed = 0;
  for (let i = 0; i < n; i++) {
    const t = take(bucket, rate, now);
    bucket = t.bucket;
    if (t.ok) passed++;
  }
  return { passed, bucket };
}

describe('token bucket (pure): a project rate with at most one second of burst', () => {
  it('given a new project, when it sends a burst, then one second of its rate passes and the next waits for one token', () => {
    const { passed, bucket } = burst(undefined, 10, 1_000, 40);
    expect(passed).toBe(10);
    const next = take(bucket, 10, 1_000);
    expect(next).toMatchObject({ ok: false, retryAfterMs: 100 });
  });

  it('given an empty bucket, when time passes, then tokens come back at the rate, never past one second of it', () => {
    const empty = burst(undefined, 10, 0, 10).bucket;
    expect(refill(empty, 10, 250).tokens).toBeCloseTo(2.5);
    expect(burst(empty, 10, 250, 10).passed).toBe(2);
    expect(refill(empty, 10, 60_000).tokens).toBe(10);
    expect(isFull(empty!, 10, 999)).toBe(false);
    expect(isFull(empty!, 10, 1_000)).toBe(true);
  });

  it('given bursts on both sides of a second boundary, then no more than the rate plus the refill pass (fixed windows let twice the rate through)', () => {
    // 10/s: a full bucket spent at 999 ms, then a burst at 1,001 ms: a fixed window would reset at 1,000.
    const first = burst(undefined, 10, 999, 10);
    const second = burst(first.bucket, 10, 1_001, 10);
    expect(first.passed + second.passed).toBe(10);
    // Over any interval of t seconds at most rate × (1 + t) pass: 10 steady requests per second for 5 s, then bursts.
    let bucket: Bucket | undefined;
    let passed = 0;
    for (let ms = 0; ms <= 5_000; ms += 7) {
      const t = take(bucket, 10, ms);
      bucket = t.bucket;
      if (t.ok) passed++;
    }
    expect(passed).toBeLessThanOrEqual(10 * (1 + 5));
    expect(passed).toBeGreaterThanOrEqual(10 * 5);
  });

  it('answers what the RateLimit headers say: the whole tokens left, and when the bucket is full again', () => {
    const t = take(undefined, 4, 0);
    expect(t).toMatchObject({ ok: true, remaining: 3, fullInMs: 250 });
    const t2 = take(t.bucket, 4, 0);
    expect(t2).toMatchObject({ ok: true, remaining: 2, fullInMs: 500 });
  });

  it('does not go back in time when a clock reading is older than the last one', () => {
    const { bucket } = burst(undefined, 10, 5_000, 10);
    expect(refill(bucket, 10, 4_000)).toEqual({ tokens: 0, at: 5_000 });
  });
});
