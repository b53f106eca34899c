import 'reflect-metadata';
import { fork } from 'node:child_process';
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import type { Tx } from '../src/database/db';
import { JobEventsListeners, type AppendedJobEvent } from '../src/jobs/job-events.listener';
import { EventFeed } from '../src/streams/event-feed.service';
import { StatusStreams } from '../src/streams/status-streams.service';
import { benchDatabase } from './bench-database';
import { apiCall, quantile, until } from './bench-util';

/**
 * `npm run bench:streams`: many watchers of one job's status stream on one instance, while a
 * worker completes the job's tasks one by one over HTTP.
 *
 * Herald runs in this process on a fresh database (DATABASE_URL's server when set, else an
 * embedded PostgreSQL). Each round submits a job of BENCH_TASKS tasks (default 200), opens
 * its watchers (GET /api/v1/exec/status/{jobId}/stream?level=debug, real HTTP on 127.0.0.1,
 * parsed with eventsource-parser), waits for every watcher's first snapshot, then acquires all
 * tasks and completes them one at a time. Rounds: 1 watcher, then BENCH_WATCHERS (default
 * 1000). Reported per round: reads of the event log by the instance's feed per append
 * transaction (must not grow with watchers), the lag from each append's commit (the
 * transaction's afterCommit, in this process) to each watcher's receipt of its snapshot, p50 /
 * p99 / max (epoch clock, `performance.timeOrigin + now()`, in both processes), the feed's own
 * share of it (commit to the events handed to the streams), and Herald's RSS with the watchers
 * open. The watchers run in a child process (this file with `--watchers`), so that parsing 1000
 * streams does not share Herald's event loop.
 */
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
const TASKS = Number(process.env.BENCH_TASKS ?? 200);

interface Round {
  watchers: number;
  transactions: number;
  events: number;
  feedReads: number;
  readsPerTransaction: number;
  notifies: number;
  snapshotsReceived: number;
  lagMs: { p50: number; p99: number; max: number };
  /** Commit to the feed handing a batch to the streams (the server's share of the lag), per batch. */
  feedLagMs: { p50: number; p99: number; samples: number };
  rssMiB: { before: number; withWatchers: number };
  seconds: number;
}

/** Milliseconds on a clock both processes share. */
const epochNow = () => performance.timeOrigin + performance.now();

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const database = await benchDatabase();
  const config = { ...loadConfig(), databaseUrl: database.url, poolSize: 10 };
  const app = await createApp(config, { logger: ['error'] });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const api = new Pool(base, { connections: 4 });
    const feed = app.get(EventFeed);

    // When each event was committed (ms, this process's clock), and the append transactions of the watched job.
    const commitAt = new Map<number, number>();
    let watchedJob = '';
    const transactions = new WeakSet<Tx>();
    let committed = 0;
    app.get(JobEventsListeners).register({
      onJobEvents(tx: Tx, appended: AppendedJobEvent[]) {
        if (appended[0].event.streamId !== watchedJob) return;
        const versions = appended.map((a) => a.event.version);
        if (!transactions.has(tx)) {
          transactions.add(tx);
          tx.afterCommit(() => (committed += 1));
        }
        tx.afterCommit(() => {
          const now = epochNow();
          for (const v of versions) commitAt.set(v, now);
        });
      },
    });

    const runRound = async (watchers: number, index: number): Promise<Round> => {
      const started = Date.now();
      const submitted = await apiCall<{ jobId: string }>(api, 'POST', '/api/v1/exec/raw', {
        name: `bench-streams-${index}`,
        nodes: [{ nodeName: 'items', algorithmName: `bench-streams-alg-${index}`, input: [`#[1...${TASKS}]`] }],
      });
      const jobId = submitted.body.jobId;
      watchedJob = jobId;
      commitAt.clear();
      committed = 0;
      const rssBefore = process.memoryUsage().rss;
      const lags: number[] = [];
      const feedLags: number[] = [];
      // One sample per batch the feed hands out (an acquisition of all tasks is one transaction of many events).
      const probe = feed.subscribeStream(jobId, (events) => {
        const at = epochNow();
        const commits = events.map((e) => commitAt.get(e.version)).filter((c): c is number => c !== undefined);
        if (commits.length > 0) feedLags.push(at - Math.max(...commits));
      });
      const child = fork(__filename, ['--watchers', `${base}/api/v1/exec/status/${encodeURIComponent(jobId)}/stream?level=debug`, String(watchers)], { stdio: 'inherit' });
      let firsts = 0;
      let ended = 0;
      let received = 0;
      child.on('exit', (code, signal) => {
        if (ended !== watchers) console.error(`the watchers' process exited early (${code ?? signal}) with ${ended} of ${watchers} streams ended`);
      });
      child.on('message', (m: { firsts?: number; ended?: number; receipts?: Array<[number, number]> }) => {
        if (m.firsts !== undefined) firsts = m.firsts;
        if (m.ended !== undefined) ended = m.ended;
        for (const [id, at] of m.receipts ?? []) {
          received += 1;
          const c = commitAt.get(id);
          if (c !== undefined) lags.push(at - c);
        }
      });
      await until('every watcher’s first snapshot', () => firsts === watchers, 120_000);
      const rssWithWatchers = process.memoryUsage().rss;
      const readsBefore = feed.stats.reads;
      const eventsBefore = feed.stats.events;
      const notifiesBefore = feed.notifiesSent;

      const acquired = await apiCall<{ tasks: Array<{ taskId: string }> }>(api, 'POST', '/api/v1/tasks/acquire', {
        workerName: 'bench-worker',
        algorithmNames: [`bench-streams-alg-${index}`],
        max: TASKS,
        leaseSeconds: 3600,
      });
      for (const t of acquired.body.tasks) {
        const r = await apiCall(api, 'POST', `/api/v1/tasks/${t.taskId}/complete`, { workerName: 'bench-worker', result: { ok: true } });
        if (r.status !== 200) throw new Error(`complete answered ${r.status}`);
      }
      await until('every watcher’s stream to end after the final snapshot', () => ended === watchers, 300_000).catch((err: Error) => {
        throw new Error(`${err.message} (${ended} of ${watchers} ended, ${received} snapshots received, ${feed.stats.events - eventsBefore} events read, server: ${JSON.stringify(app.get(StatusStreams).counts)})`);
      });
      await new Promise<void>((resolve) => (child.connected ? child.once('exit', () => resolve()) : resolve()));
      const feedReads = feed.stats.reads - readsBefore;
      const sorted = lags.sort((a, b) => a - b);
      const feedSorted = feedLags.sort((a, b) => a - b);
      probe.close();
      return {
        watchers,
        transactions: committed,
        events: feed.stats.events - eventsBefore,
        feedReads,
        readsPerTransaction: round2(feedReads / Math.max(1, committed)),
        notifies: feed.notifiesSent - notifiesBefore,
        snapshotsReceived: received,
        lagMs: { p50: round2(quantile(sorted, 0.5)), p99: round2(quantile(sorted, 0.99)), max: round2(sorted[sorted.length - 1] ?? NaN) },
        feedLagMs: { p50: round2(quantile(feedSorted, 0.5)), p99: round2(quantile(feedSorted, 0.99)), samples: feedSorted.length },
        rssMiB: { before: mib(rssBefore), withWatchers: mib(rssWithWatchers) },
        seconds: round2((Date.now() - started) / 1000),
      };
    };

    const rounds = [await runRound(1, 1), await runRound(WATCHERS, 2)];
    console.log(
      `\nmethod: one Herald in this process on ${database.description}; per round a job of ${TASKS} tasks, its watchers on ` +
        'GET /api/v1/exec/status/{jobId}/stream?level=debug (HTTP on 127.0.0.1, eventsource-parser), a worker acquiring all tasks then completing them one by one over HTTP; ' +
        'lag = append transaction committed (afterCommit) to a watcher parsing that version’s snapshot; reads = the instance feed’s reads of the event log\n',
    );
    console.table(
      Object.fromEntries(
        rounds.map((r) => [
          `${r.watchers} watcher(s)`,
          {
            transactions: r.transactions,
            'feed reads': r.feedReads,
            'reads / tx': r.readsPerTransaction,
            NOTIFYs: r.notifies,
            snapshots: r.snapshotsReceived,
            'lag p50 ms': r.lagMs.p50,
            'lag p99 ms': r.lagMs.p99,
            'lag max ms': r.lagMs.max,
            'feed lag p50 / p99 ms': `${r.feedLagMs.p50} / ${r.feedLagMs.p99}`,
            'RSS MiB': r.rssMiB.withWatchers,
          },
        ]),
      ),
    );
    console.log(JSON.stringify({ node: process.version, tasks: TASKS, rounds }));
    await api.close();
  } finally {
    await app.close();
    await database.dispose();
  }
}

/** The child: `watchers` streams of `url`, each event's receipt time sent to the parent (the first, the status at once, is not timed). */
async function watchersMain(url: string, watchers: number): Promise<void> {
  let firsts = 0;
  let ended = 0;
  let receipts: Array<[number, number]> = [];
  const flush = () => {
    if (receipts.length > 0) process.send!({ receipts });
    receipts = [];
  };
  const timer = setInterval(flush, 200);
  await Promise.all(
    Array.from({ length: watchers }, async () => {
      const res = await fetch(url);
      if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
      let first = true;
      const parser = createParser({
        onEvent: (e) => {
          const at = epochNow();
          if (first) {
            first = false;
            firsts += 1;
            process.send!({ firsts });
            return;
          }
          receipts.push([Number(e.id), at]);
        },
      });
      const decoder = new TextDecoder();
      void (async () => {
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
        } catch (err) {
          console.error(`a watcher's stream broke: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`);
        }
        ended += 1;
        if (ended === watchers) {
          clearInterval(timer);
          flush();
        }
        // The last message, once written, lets the process go (a disconnect at once could drop queued ones).
        if (ended === watchers) process.send!({ ended }, () => process.disconnect());
        else process.send!({ ended });
      })();
    }),
  );
}

const isChild = process.argv[2] === '--watchers';
(isChild ? watchersMain(process.argv[3], Number(process.argv[4])) : main()).then(
  () => (isChild ? undefined : process.exit(0)),
  (err) => {
    console.error('bench:streams failed:', err);
    process.exit(1);
  },
);
