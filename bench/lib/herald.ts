import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Pool as UndiciPool } from 'undici';
import { createApp } from '../../src/app.factory';
import { loadConfig, type HeraldConfig } from '../../src/config/config';
import { ReportTaskCommand } from '../../src/jobs/commands/report-task.command';
import { FANOUT_QUEUE, WorkQueue } from '../../src/webhooks/infrastructure/work-queue.service';
import { DeliveryWorker } from '../../src/webhooks/delivery.worker';
import { FanoutWorker } from '../../src/webhooks/fanout.worker';
import { apiCall, forEachLimit } from '../bench-util';
import { ALG_GROUPS, APPEND_CONCURRENCY, JOBS, LEASE_SECONDS, log, now, WORKER_NAME } from './knobs';
import type { Receiver } from './receiver';
import { round } from './stats';

/** Herald in this process, driven as the bench needs: set-up over its HTTP API, events through the CommandBus or HTTP. */
export interface HeraldBench {
  app: INestApplicationContext;
  /** Herald's HTTP API, http://127.0.0.1:<port>. */
  base: string;
  bus: CommandBus;
  queue: WorkQueue;
  fanout: FanoutWorker;
  delivery: DeliveryWorker;
  /** Set when a fan-out fetch comes back empty (the fan-out loop has nothing left). */
  fanoutIdle: { at: number | null };
  paths: FanoutPaths;
  taskIds: string[];
  jobIds: string[];
}

/** How the fan-out jobs of a phase were processed. */
export interface FanoutPaths {
  chained: number;
  handedOver: number;
  fetched: number;
}

/**
 * Observes Herald from outside without touching src/: the fan-out loop's fetches (WorkQueue.fetch; an
 * empty one means the fan-out backlog is done), and which way each fan-out went: chained behind
 * its append's COMMIT, handed over after the commit, or fetched by the loop. Pausing uses the
 * workers' own pause()/resume().
 */
function observe(queue: WorkQueue, fanout: FanoutWorker, fanoutIdle: { at: number | null }, paths: FanoutPaths): void {
  const q = queue as unknown as { fetch: (name: string, limit: number) => Promise<unknown[]> };
  const original = q.fetch.bind(q);
  q.fetch = async (name, limit) => {
    const jobs = await original(name, limit);
    if (name === FANOUT_QUEUE) {
      if (jobs.length === 0) fanoutIdle.at = now();
      paths.fetched += jobs.length;
    }
    return jobs;
  };
  // Decided in the committing instance: chained, unless handed over after the commit.
  const decide = fanout.fanOutAfterCommit.bind(fanout);
  fanout.fanOutAfterCommit = (...args) => {
    const local = decide(...args);
    if (local) paths.chained++;
    return local;
  };
  const handOff = fanout.handOff.bind(fanout);
  fanout.handOff = (job) => {
    const taken = handOff(job);
    if (taken) {
      paths.handedOver++;
      paths.chained--;
    }
    return taken;
  };
}

/** JSON over HTTP to Herald's API (job set-up uses the public contract, not internal classes); throws on a non-2xx answer. */
async function api<T>(pool: UndiciPool, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await apiCall<T>(pool, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

/** Acquires every pending task of `algorithms` for WORKER_NAME; task ids in the order of `jobIds`. */
async function acquireAll(client: UndiciPool, algorithms: string[], jobIds: string[]): Promise<string[]> {
  const index = new Map(jobIds.map((id, i) => [id, i]));
  const taskIds: string[] = new Array(jobIds.length);
  await forEachLimit(algorithms.length, algorithms.length, async (g) => {
    for (;;) {
      const { tasks } = await api<{ tasks: Array<{ taskId: string; jobId: string }> }>(client, 'POST', '/api/v1/tasks/acquire', {
        workerName: WORKER_NAME,
        algorithmNames: [algorithms[g]],
        leaseSeconds: LEASE_SECONDS,
        max: 1000,
      });
      if (tasks.length === 0) return;
      for (const t of tasks) taskIds[index.get(t.jobId)!] = t.taskId;
    }
  });
  const missing = taskIds.filter((t) => !t).length;
  if (missing) throw new Error(`${missing} jobs have no acquired task`);
  return taskIds;
}

export async function startHerald(url: string, rx: Receiver): Promise<HeraldBench> {
  const config: HeraldConfig = { ...loadConfig(), databaseUrl: url };
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const queue = app.get(WorkQueue);
  const fanout = app.get(FanoutWorker);
  const delivery = app.get(DeliveryWorker);
  const fanoutIdle = { at: null as number | null };
  const paths: FanoutPaths = { chained: 0, handedOver: 0, fetched: 0 };
  observe(queue, fanout, fanoutIdle, paths);
  const bus = app.get(CommandBus);
  const client = new UndiciPool(base, { connections: APPEND_CONCURRENCY });
  // Set-up events are fanned out and delivered in one go at the end: much faster than trickling.
  fanout.pause();

  try {
    const t0 = now();
    const jobIds: string[] = new Array(JOBS);
    await forEachLimit(JOBS, APPEND_CONCURRENCY, async (i) => {
      const submitted = await api<{ jobId: string }>(client, 'POST', '/api/v1/exec/raw', {
        name: 'bench',
        nodes: [{ nodeName: 'work', algorithmName: `bench-alg-${i % ALG_GROUPS}`, input: [i] }],
        webhooks: { progress: `${rx.url}/j/${i}` },
        options: { progressVerbosityLevel: 'debug' },
      });
      jobIds[i] = submitted.jobId;
    });
    const submitted = now();
    const taskIds = await acquireAll(client, Array.from({ length: ALG_GROUPS }, (_, g) => `bench-alg-${g}`), jobIds);
    fanout.resume();
    log(`herald: ${JOBS} jobs submitted in ${round((submitted - t0) / 1000, 1)} s, tasks acquired in ${round((now() - submitted) / 1000, 1)} s`);
    return { app, base, bus, queue, fanout, delivery, fanoutIdle, paths, taskIds, jobIds };
  } finally {
    await client.close();
  }
}

/** One progress event: a heartbeat through the CommandBus (one task.lease-extended event, one progress webhook). */
export function heartbeat(h: HeraldBench, i: number): Promise<unknown> {
  return h.bus.execute(new ReportTaskCommand(h.taskIds[i], WORKER_NAME, { kind: 'heartbeat', leaseSeconds: LEASE_SECONDS }));
}

export const RESULT_ALGORITHM = 'bench-result-alg';

/**
 * Jobs for the result phase: `count` one-task pipeline jobs whose only webhook is
 * webhooks.result = <receiver>/r/<n> (no progress webhook, so completing the task makes exactly
 * one message: the result webhook of job.completed), their tasks acquired by WORKER_NAME.
 * Task ids in job order.
 */
export async function prepareResultTasks(h: HeraldBench, rx: Receiver, count: number): Promise<string[]> {
  const client = new UndiciPool(h.base, { connections: APPEND_CONCURRENCY });
  try {
    const t0 = now();
    const jobIds: string[] = new Array(count);
    await forEachLimit(count, APPEND_CONCURRENCY, async (i) => {
      const submitted = await api<{ jobId: string }>(client, 'POST', '/api/v1/exec/raw', {
        name: 'bench-result',
        nodes: [{ nodeName: 'work', algorithmName: RESULT_ALGORITHM, input: [i] }],
        webhooks: { result: `${rx.url}/r/${i}` },
      });
      jobIds[i] = submitted.jobId;
    });
    const taskIds = await acquireAll(client, [RESULT_ALGORITHM], jobIds);
    log(`herald: ${count} result jobs submitted and their tasks acquired in ${round((now() - t0) / 1000, 1)} s`);
    return taskIds;
  } finally {
    await client.close();
  }
}

/** A worker's completion over HTTP, as a worker sends it: POST /api/v1/tasks/{taskId}/complete. */
export async function completeTask(pool: UndiciPool, taskId: string, k: number): Promise<void> {
  const res = await apiCall(pool, 'POST', `/api/v1/tasks/${taskId}/complete`, { workerName: WORKER_NAME, result: { k, ok: true } });
  if (res.status !== 200) throw new Error(`complete -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
}
