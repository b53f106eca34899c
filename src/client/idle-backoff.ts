/**
 * Bounded exponential backoff for an idle worker: `next()` gives the delay before the next
 * acquire (min, 2 × min, 4 × min … up to max, each with up to 20 % jitter taken off), `reset()`
 * starts over once work arrives.
 */
export class IdleBackoff {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(base * (1 - 0.2 * this.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}

/** A delay that `wake()` ends early (a worker that stops does not sit out its backoff). */
export class Pause {
  private wakeUp?: () => void;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeUp === done) self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
