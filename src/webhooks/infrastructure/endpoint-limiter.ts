/**
 * Bounded concurrency per endpoint (origin): a slow or dead endpoint holds at most `limit`
 * requests; beyond `maxWaiting` queued behind it, acquire() answers false and the caller defers
 * the message, so one endpoint never starves the others.
 */
export class EndpointLimiter {
  private readonly endpoints = new Map<string, { active: number; waiting: Array<() => void> }>();

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  async acquire(origin: string): Promise<boolean> {
    let e = this.endpoints.get(origin);
    if (!e) this.endpoints.set(origin, (e = { active: 0, waiting: [] }));
    if (e.active < this.limit) {
      e.active++;
      return true;
    }
    if (e.waiting.length >= this.maxWaiting) return false;
    await new Promise<void>((resolve) => e!.waiting.push(resolve));
    return true;
  }

  release(origin: string): void {
    const e = this.endpoints.get(origin);
    if (!e) return;
    const next = e.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else if (--e.active === 0) this.endpoints.delete(origin);
  }
}
