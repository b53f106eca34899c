import { createTestDatabase } from '../support/database';
import { startHerald, type RunningHerald } from '../support/herald';

/**
 * Instances started at the same moment on one empty database (a deployment's replicas): every one
 * comes up. Herald's migrations take an advisory lock; pg-boss's queue set-up (create or update of
 * Herald's two queues) takes one too, else two creations of a queue's partition can deadlock.
 */
describe('several instances starting at once', () => {
  it('brings up three instances started together on a fresh database, eight times over', async () => {
    for (let round = 0; round < 8; round++) {
      const database = await createTestDatabase();
      const shared = { url: database.url, drop: async () => undefined };
      const started = await Promise.allSettled([startHerald({}, shared), startHerald({}, shared), startHerald({}, shared)]);
      const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        expect(started.map((s) => (s.status === 'rejected' ? String((s.reason as Error).message) : 'up'))).toEqual(['up', 'up', 'up']);
        const queues = await up[0].db.query<{ name: string }>(`SELECT name FROM pgboss.queue WHERE name LIKE 'herald_%' ORDER BY name`);
        expect(queues.map((q) => q.name)).toEqual(['herald_deliver', 'herald_fanout']);
      } finally {
        await Promise.all(up.map((h: RunningHerald) => h.stop()));
        await database.drop();
      }
    }
  });
});
