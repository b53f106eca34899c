import { Pool } from 'pg';
import PgBoss from 'pg-boss';
import { DELIVER_QUEUE, FANOUT_QUEUE } from './work-queue.service';

export interface QueueSchemaChange {
  /** pg-boss's schema version before (null: not installed) and after. */
  from: number | null;
  to: number;
  /** Herald's queues this run created. */
  createdQueues: string[];
}

/**
 * pg-boss's schema, installed or upgraded to this pg-boss's version, and Herald's two queues: what
 * the migration command does besides Herald's migrations, so that an instance's start-up then
 * changes no schema. pg-boss serialises its installs and upgrades with an advisory lock of its
 * own, and `create_queue` skips a queue that exists. The queues get pg-boss's default settings
 * here; every instance sets its own (retry limit, claim expiry) on them as it starts.
 */
export async function prepareQueueSchema(url: string): Promise<QueueSchemaChange> {
  const pool = new Pool({ connectionString: url, max: 2, application_name: 'herald-migrate' });
  let failure: Error | undefined;
  pool.on('error', (err) => (failure ??= err));
  const boss = new PgBoss({
    db: { executeSql: async (text, values) => ({ rows: (await pool.query(text, values?.length ? values : undefined)).rows }) },
    migrate: true,
    supervise: false,
    schedule: false,
  });
  boss.on('error', (err: Error) => (failure ??= err));
  try {
    const from = (await boss.isInstalled()) ? Number(await boss.schemaVersion()) : null;
    await boss.start();
    const to = Number(await boss.schemaVersion());
    const createdQueues: string[] = [];
    for (const queue of [FANOUT_QUEUE, DELIVER_QUEUE]) {
      if (await boss.getQueue(queue)) continue;
      await boss.createQueue(queue);
      createdQueues.push(queue);
    }
    if (failure) throw failure;
    return { from, to, createdQueues };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await pool.end();
  }
}
