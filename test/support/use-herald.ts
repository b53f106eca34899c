import type { HeraldConfig } from '../../src/config/config';
import { client, type HeraldClient } from './e2e';
import { startHerald, type RunningHerald } from './herald';

/**
 * The usual set-up of an e2e suite: one Herald on its own database for the `describe` it is
 * called in (started before its tests, closed after them), and a client of it.
 *
 *   const { h, c } = useHerald();
 *
 * `h` and `c` stand for the instance and client that beforeAll creates: reading a property
 * before then throws (a test cannot run against a Herald that is not there).
 */
export function useHerald(overrides: Parameters<typeof startHerald>[0] & Partial<HeraldConfig> = {}): { h: RunningHerald; c: HeraldClient } {
  let h: RunningHerald | undefined;
  let c: HeraldClient | undefined;
  beforeAll(async () => {
    h = await startHerald(overrides);
    c = client(h.baseUrl);
  });
  afterAll(() => h?.close());
  return { h: standIn(() => h, 'Herald'), c: standIn(() => c, 'client') };
}

/** An object that forwards every property read to what `current()` gives once it exists. */
function standIn<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      const target = current();
      if (!target) throw new Error(`useHerald: the ${what} is not started yet (used outside a test?)`);
      return Reflect.get(target, prop, target);
    },
  });
}
