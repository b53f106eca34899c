import { createServer } from 'node:http';
import { Client } from 'pg';
import { Pool as UndiciPool } from 'undici';
import { apiCall, forEachLimit, sleep, until } from '../bench-util';
import { benchDatabase } from '../bench-database';
import { startInstance } from './instances';

/**
 * Fault: kill -9 of one of two instances during a run of DELIVERIES webhook deliveries.
 *
 * Two Herald processes (dist/src/main.js, default heartbeat and takeover settings) share one
 * PostgreSQL; both fan out and deliver. The driver submits JOBS jobs of a 10-item batch in a
 * project with a project webhook (one delivery per task completion) and completes their tasks
 * through instance B's worker API. Once the receiver has seen a third of the deliveries,
 * instance A is killed with SIGKILL and started again 5 s later. Printed: acknowledged events,
 * deliveries lost (must be 0), duplicates (bounded by what A had in flight), and how long A's
 * claimed deliveries took to be delivered after the kill.
 */

const JOBS = Number(process.env.FAULT_JOBS ?? 1000);
const ITEMS = 10;
const DELIVERIES = JOBS * ITEMS;
const RECEIVER_DELAY_MS = Number(process.env.FAULT_RECEIVER_DELAY_MS ?? 20);

export async function killInstanceScenario(): Promise<Record<string, number | string>> {
  const db = await benchDatabase();
  // The receiver: answers 200 after a short delay (so deliveries are in flight), counts every request per task.
  const perTask = new Map<string, number>();
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      requests++;
      try {
        const taskId = (JSON.parse(body) as { taskId: string }).taskId;
        perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
      } catch {
        /* not one of ours */
      }
      setTimeout(() => res.writeHead(200).end('ok'), RECEIVER_DELAY_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;

  let a = await startInstance(db.url, 'A');
  const b = await startInstance(db.url, 'B');
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const api = new UndiciPool(b.url, { connections: 16, pipelining: 1 });
  try {
    const put = await fetch(`${b.url}/api/v1/projects/faults/webhook`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: receiverUrl }) });
    if (!put.ok) throw new Error(`project webhook: HTTP ${put.status} ${await put.text()}`);
    await forEachLimit(JOBS, 16, async (i) => {
      const res = await apiCall(api, 'POST', '/api/v1/exec/raw', { name: 'fault', projectId: 'faults', nodes: [{ nodeName: 'n', algorithmName: 'fault-alg', input: [`#[1...${ITEMS}]`, i] }] });
      if (res.status !== 201) throw new Error(`submit: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    });

    // Workers: acquire and complete in batches, one through each instance (so each commits, fans
    // out and delivers); an acknowledged completion is an event that must reach the receiver. The
    // one on A stops when A dies (what it had acquired goes back to pending when the lease ends,
    // and B's worker completes it); B's runs until every task is done.
    const acked = new Set<string>();
    let acknowledged = 0;
    let killedAt = 0;
    let heldByA: string[] = [];
    let restarted = false;
    const apiA = new UndiciPool(a.url, { connections: 4, pipelining: 1 });
    const work = async (pool: UndiciPool, name: string, untilDone: boolean) => {
      for (;;) {
        const got = await apiCall<{ tasks: Array<{ taskId: string }> }>(pool, 'POST', '/api/v1/tasks/acquire', { workerName: name, algorithmNames: ['fault-alg'], max: 200, leaseSeconds: 5 });
        if (got.body.tasks.length === 0) {
          // Done when no task is left to run (a completion A committed but could not answer counts as done, unacknowledged).
          const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE state IN ('pending', 'active')`);
          if (!untilDone || rows[0].n === 0) return;
          await sleep(20);
          continue;
        }
        const done = await apiCall<{ tasks: Array<{ taskId: string; state?: string }> }>(pool, 'POST', '/api/v1/tasks/complete', { workerName: name, tasks: got.body.tasks.map((t) => ({ taskId: t.taskId, result: 1 })) });
        for (const t of done.body.tasks) if (t.state === 'succeed') acked.add(t.taskId);
        acknowledged = acked.size;
      }
    };
    const ticker = setInterval(() => process.stderr.write(`  … received ${requests}, acknowledged ${acknowledged}${killedAt ? `, ${Date.now() - killedAt} ms after the kill` : ''}\n`), 5000);
    const workerA = work(apiA, 'worker-a', true).catch(() => undefined);
    const worker = work(api, 'worker-b', true);

    // Kill A once a third of the deliveries arrived; note what it held; restart it 5 s later.
    await until('a third of the deliveries', () => requests >= DELIVERIES / 3, 300_000, 5);
    const [row] = (await sql.query<{ id: string }>('SELECT instance_id::text AS id FROM herald_instances WHERE pid = $1', [a.proc.pid])).rows;
    a.proc.kill('SIGKILL');
    killedAt = Date.now();
    await a.exited;
    heldByA = (await sql.query<{ m: string }>(`SELECT data->>'m' AS m FROM pgboss.job WHERE name = 'herald_deliver' AND state = 'active' AND output->>'by' = $1`, [row.id])).rows.map((r) => r.m);
    const heldFanouts = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'herald_fanout' AND state = 'active' AND output->>'by' = $1`, [row.id])).rows[0].n;
    const restart = sleep(5000).then(async () => {
      a = await startInstance(db.url, 'A again');
      restarted = true;
    });

    // A's claimed deliveries: delivered when?
    let takenOverMs = -1;
    const watchTakeover = (async () => {
      if (heldByA.length === 0) return (takenOverMs = 0);
      await until('the killed instance’s deliveries', async () => {
        const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE id = ANY($1::uuid[]) AND status IN ('delivered', 'failed')`, [heldByA]);
        return rows[0].n === heldByA.length;
      }, 120_000, 50);
      takenOverMs = Date.now() - killedAt;
    })();

    await worker;
    await workerA;
    await apiA.close();
    await watchTakeover;
    await restart;
    const started = Date.now();
    // Every completed task's event (acknowledged or not) has its message; wait until all are settled.
    const counted = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE state = 'succeed'`)).rows[0].n;
    await until('every delivery', async () => {
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_messages WHERE status IN ('delivered', 'failed')`);
      return rows[0].n >= counted;
    }, 180_000, 100);
    const drainMs = Date.now() - started;
    clearInterval(ticker);
    const [counts] = (
      await sql.query<{ messages: number; delivered: number; failed: number; attempts: number }>(
        `SELECT (SELECT count(*)::int FROM webhook_messages) AS messages,
                (SELECT count(*)::int FROM webhook_messages WHERE status = 'delivered') AS delivered,
                (SELECT count(*)::int FROM webhook_messages WHERE status = 'failed') AS failed,
                (SELECT count(*)::int FROM webhook_attempts) AS attempts`,
      )
    ).rows;
    const received = perTask.size;
    const duplicates = [...perTask.values()].reduce((s, n) => s + n - 1, 0);
    return {
      scenario: 'kill -9 of one of two instances',
      deliveries: DELIVERIES,
      acknowledgedEvents: acknowledged,
      messages: counts.messages,
      delivered: counts.delivered,
      failed: counts.failed,
      receivedDistinct: received,
      completedUnacknowledged: counted - acknowledged,
      lost: [...acked].filter((id) => !perTask.has(id)).length,
      duplicates,
      heldByKilledInstance: heldByA.length,
      fanoutsHeldByKilledInstance: heldFanouts,
      takenOverWithinMs: takenOverMs,
      drainAfterRestartMs: drainMs,
      restarted: restarted ? 'yes' : 'no',
      attemptsLogged: counts.attempts,
    };
  } finally {
    await api.close();
    await sql.end();
    a.proc.kill('SIGKILL');
    b.proc.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
    server.close();
    await db.dispose();
  }
}
