import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Agent, request } from 'undici';
import { HERALD_VERSION } from '../../src/version';
import { profileStart, profileStop } from './diagnostics';
import { measureDrain, type DrainResult } from './drain';
import { JOBS, log, now } from './knobs';
import { pacedPhase, type PacedResult } from './pacing';
import type { Receiver } from './receiver';
import { round } from './stats';

/**
 * The second baseline: BullMQ on the machine's Redis (127.0.0.1:6379), a Worker whose processor
 * POSTs the body with undici (an Agent, as Herald's sender uses) and returns the status, the time
 * and the start of the answer, which BullMQ stores with the completed job: its record of the
 * attempt. Herald itself never uses Redis.
 */

export const BULLMQ_CONCURRENCIES = [16, 64] as const;
export const BULLMQ_REDIS = { host: '127.0.0.1', port: 6379 };
const PREFIX = 'herald-bench';
const QUEUE = 'delivery';
/** As the pg-boss baseline's queue: 3 retries after the first attempt, from 5 s, doubling. */
const JOB_OPTIONS: JobsOptions = { attempts: 4, backoff: { type: 'exponential', delay: 5000 } };
const MAX_RESPONSE_BODY = 16 * 1024;
const HEADERS = { 'content-type': 'application/json', 'user-agent': `baseline-bullmq/${HERALD_VERSION}` };

type Data = { url: string; body: string };
type Attempt = { status: number; durationMs: number; body: string };

/** Undefined when Redis answers PING within timeoutMs, else why not. */
function probeRedis(timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(BULLMQ_REDIS);
    const done = (why?: string) => (socket.destroy(), clearTimeout(timer), resolve(why));
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (err) => done((err as NodeJS.ErrnoException).code ?? err.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG') ? undefined : `unexpected answer ${JSON.stringify(d.toString().slice(0, 40))}`));
  });
}

/** BullMQ's Redis client: ioredis (BullMQ's own default driver, a devDependency for this baseline). */
function chooseRedisClient(): string {
  const version = (require('ioredis/package.json') as { version: string }).version;
  return `ioredis ${version}`;
}

async function deliver(agent: Agent, job: Job<Data>): Promise<Attempt> {
  const started = performance.now();
  const res = await request(job.data.url, { method: 'POST', headers: HEADERS, body: job.data.body, dispatcher: agent, headersTimeout: 15_000, bodyTimeout: 15_000 });
  const text = await res.body.text();
  if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`delivery failed: HTTP ${res.statusCode}`);
  return { status: res.statusCode, durationMs: Math.round(performance.now() - started), body: text.slice(0, MAX_RESPONSE_BODY) };
}

export class BullBaseline {
  /** Worker errors and failed jobs seen (there should be none). */
  errors = 0;
  private readonly agents = new Map<number, Agent>();

  private constructor(
    readonly redisClient: string,
    readonly bullmqVersion: string,
    private readonly queue: Queue<Data, Attempt>,
    private readonly body: string,
  ) {}

  /** Connects and empties the queue (obliterate); a reason instead when there is no usable Redis or the queue is in use. */
  static async start(body: string): Promise<BullBaseline | string> {
    const unreachable = await probeRedis();
    if (unreachable) return `Redis at ${BULLMQ_REDIS.host}:${BULLMQ_REDIS.port} is not reachable (${unreachable})`;
    const redisClient = chooseRedisClient();
    const queue = new Queue<Data, Attempt>(QUEUE, { connection: BULLMQ_REDIS, prefix: PREFIX });
    queue.on('error', (err) => log(`bullmq queue: ${err.message}`));
    try {
      await queue.waitUntilReady();
      const workers = await queue.getWorkersCount();
      if (workers > 0) throw new Error(`queue ${PREFIX}:${QUEUE} has ${workers} workers of another process`);
      await queue.obliterate({ force: true });
    } catch (err) {
      await queue.close().catch(() => undefined);
      return (err as Error).message;
    }
    const version = (require('bullmq/package.json') as { version: string }).version;
    return new BullBaseline(redisClient, version, queue, body);
  }

  private error(what: string, err: Error): void {
    if (++this.errors <= 3) log(`bullmq ${what}: ${err.message}`);
  }

  /** A Worker of `concurrency` with its undici Agent (one per concurrency, kept for the whole run, as pg-boss's axios agent and Herald's are), connected and not yet running. */
  private async worker(concurrency: number): Promise<{ run: () => void; close: () => Promise<void> }> {
    let agent = this.agents.get(concurrency);
    if (!agent) this.agents.set(concurrency, (agent = new Agent({ keepAliveTimeout: 30_000, connections: concurrency, pipelining: 1 })));
    const a = agent;
    const worker = new Worker<Data, Attempt>(QUEUE, (job) => deliver(a, job), { connection: BULLMQ_REDIS, prefix: PREFIX, concurrency, autorun: false });
    worker.on('error', (err) => this.error('worker', err));
    worker.on('failed', (_job, err) => this.error('job failed', err));
    await worker.waitUntilReady();
    return { run: () => void worker.run().catch((err: Error) => this.error('worker run', err)), close: () => worker.close() };
  }

  private completed(): Promise<number> {
    return this.queue.getCompletedCount();
  }

  /** Paced phase: queue.add of one job per arrival, a Worker of `concurrency` running. */
  async paced(rx: Receiver, concurrency: number): Promise<PacedResult> {
    await this.queue.obliterate({ force: true });
    const w = await this.worker(concurrency);
    w.run();
    await profileStart();
    const runId = randomBytes(3).toString('hex');
    const r = await pacedPhase(
      rx,
      (k) => `/q/${runId}/${k}`,
      async (k) => void (await this.queue.add('deliver', { url: `${rx.url}/q/${runId}/${k}`, body: this.body }, JOB_OPTIONS)),
    );
    await profileStop(`bullmq-paced-${concurrency}`);
    await w.close();
    return r;
  }

  /** One drain trial: BENCH_JOBS jobs added (addBulk) with no worker, then a Worker of `concurrency` run; done when every job is completed. */
  async drain(rx: Receiver, concurrency: number, trial: number): Promise<DrainResult> {
    await this.queue.obliterate({ force: true });
    const t0 = now();
    const prefix = `/q/d${trial}c${concurrency}/`;
    const jobs = Array.from({ length: JOBS }, (_, k) => ({ name: 'deliver', data: { url: `${rx.url}${prefix}${k}`, body: this.body }, opts: JOB_OPTIONS }));
    for (let i = 0; i < jobs.length; i += 1000) await this.queue.addBulk(jobs.slice(i, i + 1000));
    const w = await this.worker(concurrency);
    log(`bullmq x${concurrency} drain ${trial}: ${JOBS} jobs queued in ${round((now() - t0) / 1000, 2)} s; draining`);
    if (trial === 1) await profileStart();
    const r = await measureDrain(rx, prefix, JOBS, w.run, () => this.completed());
    if (trial === 1) await profileStop(`bullmq-drain-${concurrency}-1`);
    await w.close();
    log(`bullmq x${concurrency} drain ${trial}: ${r.deliveriesPerSec} deliveries/s (steady ${r.steadyPerSec}/s), cpu ${JSON.stringify(r.cpu)}`);
    return r;
  }

  /** Empties the queue (obliterate) and closes the connections. */
  async close(): Promise<void> {
    try {
      await this.queue.obliterate({ force: true });
    } finally {
      await this.queue.close();
      for (const a of this.agents.values()) await a.close();
      this.agents.clear();
    }
  }
}
