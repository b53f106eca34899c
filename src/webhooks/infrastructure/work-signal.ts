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

  notify(): void {
    if (this.waiters.length === 0) {
      this.pending = true;
      return;
    }
    for (const w of this.waiters.splice(0)) w();
  }
}
