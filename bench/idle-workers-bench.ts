import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { runWorker, type Worker } from '../src/client/run-worker';
import { loadConfig } from '../src/config/config';
import { TaskWaits } from '../src/jobs/task-waits.service';
import { benchDatabase } from './bench-database';
import { quantile, sleep, until } from './bench-util';

/**
 * What idle workers cost, and how soon they start a task: 100 `runWorker`s with nothing to do,
 * long-polling (waitSeconds 20, the default) against short acquires with the idle backoff
 * (100 ms doubling to 5 s, the backoff runWorker had before long polls; the baseline).
 *
 * Method: Herald in this process on an embedded PostgreSQL with pg_stat_statements. Each mode:
 * 100 workers started, 10 s to settle (the short pollers reach their longest backoff), then
 * IDLE_SECONDS measured: the database's statements per second (pg_stat_statements calls, the
 * bench's own reads excluded), transactions per second (pg_stat_database) and HTTP requests per
 * second the workers sent; and a baseline window with no worker at all (Herald's own loops).
 * Then pickup: PICKUPS one-task jobs submitted one after the other, each timed from the
 * submission's HTTP answer to the handler starting on some worker.
 *
 *   npm run bench:idle            (IDLE_WORKERS=100 IDLE_SECONDS=20 PICKUPS=20)
 */
const WORKERS = Number(process.env.IDLE_WORKERS ?? 100);
const SECONDS = Number(process.env.IDLE_SECONDS ?? 20);
const PICKUPS = Number(process.env.PICKUPS ?? 20);
const SETTLE_MS = 10_000;

interface Load {
  statementsPerSecond: number;
  transactionsPerSecond: number;
  requestsPerSecond: number;
}

async function main(): Promise<void> {
  const database = await benchDatabase(false, { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all', max_connections: '200' });
  const config = { ...loadConfig(), databaseUrl: database.url };
  const app = await createApp(config, { logger: ['error'] });
  const admin = new Client({ connectionString: database.url });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');

    const counters = async () => {
      const s = await admin.query<{ calls: string }>(`SELECT coalesce(sum(calls), 0)::bigint AS calls FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_%'`);
      const t = await admin.query<{ xacts: string }>(`SELECT (xact_commit + xact_rollback)::bigint AS xacts FROM pg_stat_database WHERE datname = current_database()`);
      return { calls: Number(s.rows[0].calls), xacts: Number(t.rows[0].xacts) };
    };
    let requests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const measure = async (): Promise<Load> => {
      const a = await counters();
      const r0 = requests;
      await sleep(SECONDS * 1000);
      const b = await counters();
      // The bench's own two reads per window are transactions too.
      return { statementsPerSecond: (b.calls - a.calls) / SECONDS, transactionsPerSecond: (b.xacts - a.xacts - 2) / SECONDS, requestsPerSecond: (requests - r0) / SECONDS };
    };

    const submitTimes = new Map<string, number>();
    const pickups: number[] = [];
    const submit = async (algorithm: string, i: number) => {
      const res = await fetch(`${base}/api/v1/exec/raw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `idle-${algorithm}-${i}`, nodes: [{ nodeName: 'n', algorithmName: algorithm, input: [i] }] }),
      });
      const { jobId } = (await res.json()) as { jobId: string };
      submitTimes.set(jobId, performance.now());
    };

    const run = async (mode: 'long-poll' | 'short-poll'): Promise<{ load: Load; pickupP50: number; pickupP99: number }> => {
      const algorithm = `idle-${mode}`;
      const workers: Worker[] = [];
      for (let i = 0; i < WORKERS; i++) {
        workers.push(
          runWorker({
            url: base,
            workerName: `${mode}-${i}`,
            algorithmNames: [algorithm],
            waitSeconds: mode === 'long-poll' ? 20 : 0,
            fetch: countingFetch,
            onError: () => undefined,
            handler: (task) => {
              const at = submitTimes.get(task.jobId);
              if (at !== undefined) pickups.push(performance.now() - at);
              return null;
            },
          }),
        );
      }
      await sleep(SETTLE_MS);
      const load = await measure();
      pickups.length = 0;
      for (let i = 0; i < PICKUPS; i++) {
        await submit(algorithm, i);
        await until('picked up', () => pickups.length > i, 30_000);
        // Let the workers go idle again (the short pollers back off anew).
        await sleep(mode === 'long-poll' ? 50 : 1000);
      }
      await Promise.all(workers.map((w) => w.stop()));
      const sorted = [...pickups].sort((a, b) => a - b);
      return { load, pickupP50: quantile(sorted, 0.5), pickupP99: quantile(sorted, 0.99) };
    };

    const idle = await measure();
    const long = await run('long-poll');
    // The workers hung up: how soon Herald let go of their waits.
    const hungUp = performance.now();
    await until('waits ended', () => app.get(TaskWaits).waiting === 0, 10_000);
    const letGoMs = performance.now() - hungUp;
    const short = await run('short-poll');
    const r = (n: number) => Math.round(n * 10) / 10;
    console.log(`bench:idle — ${WORKERS} idle runWorkers, ${SECONDS} s windows, ${PICKUPS} pickups (${database.description})`);
    console.log(`no workers (Herald alone):   ${r(idle.statementsPerSecond)} statements/s, ${r(idle.transactionsPerSecond)} transactions/s`);
    for (const [name, x] of [['long poll (waitSeconds 20)', long], ['short poll (backoff to 5 s)', short]] as const) {
      console.log(
        `${name.padEnd(28)} ${r(x.load.statementsPerSecond - idle.statementsPerSecond)} statements/s and ${r(x.load.transactionsPerSecond - idle.transactionsPerSecond)} transactions/s over Herald alone, ${r(x.load.requestsPerSecond)} requests/s; pickup p50 ${r(x.pickupP50)} ms, p99 ${r(x.pickupP99)} ms`,
      );
    }
    const ratio = (a: number, b: number) => (b <= 0 ? 'n/a' : (a / b).toFixed(3));
    console.log(
      `long/short: statements ${ratio(long.load.statementsPerSecond - idle.statementsPerSecond, short.load.statementsPerSecond - idle.statementsPerSecond)}, requests ${ratio(long.load.requestsPerSecond, short.load.requestsPerSecond)}, pickup p50 ${ratio(long.pickupP50, short.pickupP50)}; the ${WORKERS} waits ended ${r(letGoMs)} ms after their workers stopped`,
    );
  } finally {
    await admin.end().catch(() => undefined);
    await app.close();
    await database.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
