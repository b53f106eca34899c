import { Client } from 'pg';
import { Pool as UndiciPool } from 'undici';
import { apiCall } from '../bench-util';
import { benchDatabase } from '../bench-database';
import { startInstance } from './instances';

/**
 * Fault: races, over HTTP, against two Herald processes on one PostgreSQL (each request goes to
 * one of them in turn):
 *  - 1,000 concurrent completions of one task: exactly one wins, one task.succeeded is recorded;
 *  - 200 concurrent lease extensions of one task (200 appends to one stream): every one is
 *    answered, the stream's versions have no gap and no duplicate;
 *  - 100 concurrent acquisitions (max 1 each) on a job of 50 tasks: 50 tasks handed out, none twice.
 * `lost` counts broken invariants (the runner fails unless it is 0).
 */
export async function concurrencyScenario(): Promise<Record<string, number | string>> {
  const db = await benchDatabase();
  const a = await startInstance(db.url, 'A');
  const b = await startInstance(db.url, 'B');
  const pools = [new UndiciPool(a.url, { connections: 64 }), new UndiciPool(b.url, { connections: 64 })];
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const pool = (i: number) => pools[i % 2];
  const broken: string[] = [];
  try {
    const submit = async (name: string, input: unknown[]) => {
      const res = await apiCall<{ jobId: string }>(pools[0], 'POST', '/api/v1/exec/raw', { name, nodes: [{ nodeName: 'n', algorithmName: `${name}-alg`, input }] });
      if (res.status !== 201) throw new Error(`submit: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.jobId;
    };
    const acquire = async (p: UndiciPool, worker: string, alg: string, max: number) =>
      (await apiCall<{ tasks: Array<{ taskId: string }> }>(p, 'POST', '/api/v1/tasks/acquire', { workerName: worker, algorithmNames: [alg], max, leaseSeconds: 600 })).body.tasks;

    // 1,000 completions of one task.
    const one = await submit('race-complete', [1]);
    const [task] = await acquire(pools[0], 'racer', 'race-complete-alg', 1);
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => apiCall(pool(i), 'POST', `/api/v1/tasks/${task.taskId}/complete`, { workerName: 'racer', result: i })));
    const won = answers.filter((r) => r.status === 200).length;
    const refused = answers.filter((r) => r.status === 409).length;
    const other = answers.length - won - refused;
    const succeeded = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND event_type = 'task.succeeded'`, [one])).rows[0].n;
    if (won !== 1 || succeeded !== 1 || other !== 0) broken.push(`completions: ${won} won, ${succeeded} recorded, ${other} neither 200 nor 409`);

    // 200 lease extensions of one task: 200 appends to one stream.
    const two = await submit('race-extend', [1]);
    const [held] = await acquire(pools[1], 'extender', 'race-extend-alg', 1);
    const beats = await Promise.all(Array.from({ length: 200 }, (_, i) => apiCall(pool(i), 'POST', `/api/v1/tasks/${held.taskId}/heartbeat`, { workerName: 'extender', leaseSeconds: 600 })));
    const beatOk = beats.filter((r) => r.status === 200).length;
    const versions = (await sql.query<{ version: number }>('SELECT version FROM events WHERE stream_id = $1 ORDER BY version', [two])).rows.map((r) => r.version);
    const gapless = versions.every((v, i) => v === i + 1);
    const extensions = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND event_type = 'task.lease-extended'`, [two])).rows[0].n;
    if (beatOk !== 200 || !gapless || extensions !== 200) broken.push(`extensions: ${beatOk} answered 200, ${extensions} recorded, versions gapless ${gapless}`);

    // 100 acquisitions on 50 tasks.
    await submit('race-acquire', ['#[1...50]']);
    const got = await Promise.all(Array.from({ length: 100 }, (_, i) => acquire(pool(i), `acq-${i}`, 'race-acquire-alg', 1)));
    const ids = got.flat().map((t) => t.taskId);
    const distinct = new Set(ids).size;
    if (ids.length !== 50 || distinct !== 50) broken.push(`acquisitions: ${ids.length} handed out, ${distinct} distinct`);

    return {
      scenario: 'races over two instances',
      completionsWon: won,
      completionsRefused409: refused,
      completionsRecorded: succeeded,
      extensionsAnswered: beatOk,
      extensionsRecorded: extensions,
      streamVersions: `${versions.length}, gapless: ${gapless}`,
      acquisitionsHandedOut: ids.length,
      acquisitionsDistinct: distinct,
      lost: broken.length,
      ...(broken.length ? { broken: broken.join('; ') } : {}),
    };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
    await sql.end();
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
    await db.dispose();
  }
}
