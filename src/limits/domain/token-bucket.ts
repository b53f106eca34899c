/**
 * A token bucket (pure): a project's requests per second as a steady rate with a burst of at most
 * one second's worth. The bucket holds up to `rate` tokens and gains `rate` per second; a request
 * takes one. Unlike one-second fixed windows, a burst across a window's edge cannot pass twice the
 * rate: over any interval of t seconds at most rate × (1 + t) requests pass.
 *
 * Time is the caller's clock in milliseconds; nothing here reads a clock.
 */
export interface Bucket {
  /** Tokens left at `at` (fractional: refilled continuously). */
  tokens: number;
  at: number;
}

export type Take =
  | { ok: true; bucket: Bucket; remaining: number; /** ms until the bucket is full again */ fullInMs: number }
  | { ok: false; bucket: Bucket; /** ms until one token is there */ retryAfterMs: number };

/** The bucket at `now`: refilled for the time since it was last seen, never past `rate`. */
export function refill(bucket: Bucket | undefined, rate: number, now: number): Bucket {
  if (!bucket) return { tokens: rate, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(rate, bucket.tokens + (elapsed * rate) / 1000), at: Math.max(now, bucket.at) };
}

/** One request at `now` against a bucket of `rate` tokens per second (rate ≥ 1). */
export function take(bucket: Bucket | undefined, rate: number, now: number): Take {
  const current = refill(bucket, rate, now);
  if (current.tokens >= 1) {
    const next = { tokens: current.tokens - 1, at: current.at };
    return { ok: true, bucket: next, remaining: Math.floor(next.tokens), fullInMs: Math.ceil(((rate - next.tokens) * 1000) / rate) };
  }
  return { ok: false, bucket: current, retryAfterMs: Math.max(1, Math.ceil(((1 - current.tokens) * 1000) / rate)) };
}

/** Whether a bucket is full at `now` (a full bucket is the same as none: it can be forgotten). */
export function isFull(bucket: Bucket, rate: number, now: number): boolean {
  return refill(bucket, rate, now).tokens >= rate;
}
