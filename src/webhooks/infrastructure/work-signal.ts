/** Wakes a sleeping worker loop at once when work is committed; the timeout is the polling fallback. */
export class WorkSignal {
  private waiters: Array<() => void> = [];
  private pending = false;

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Wakes one sleeping loop (it fetches everything there is); with none asleep, the next wait returns at once. */
  notify(): void {
    const next = this.waiters[0];
    if (next) next();
    else this.pending = true;
  }

  notifyAll(): void {
    for (const w of this.waiters.slice()) w();
    this.pending = true;
  }
}
