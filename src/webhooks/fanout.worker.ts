import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { Clock, IdGenerator } from '../common/clock';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { Db } from '../database/db';
import { JobQueries } from '../jobs/job-queries.service';
import type { DeliverJob, FanoutJob } from './domain/fanout.types';
import { render, wants, type RenderSources, type RequestTask } from './domain/payload-renderers';
import { subscribersOf } from './domain/subscribers';
import { batchScopeId, FORMAT_ORDERING } from './domain/subscription.types';
import { QueueLoop } from './infrastructure/queue-loop';
import { WebhooksRepository, type NewMessage } from './infrastructure/webhooks.repository';
import { DELIVER_QUEUE, FANOUT_QUEUE, txExecutor, WorkQueue } from './infrastructure/work-queue.service';

/**
 * Fan-out: for a batch of appended events, resolves the subscriptions that want each one
 * (scope, event type, level), renders the payload, and enqueues one delivery per subscription
 * and event, completing the fan-out jobs in the same transaction (exactly once).
 */
@Injectable()
export class FanoutWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Fanout');
  private loop?: QueueLoop<FanoutJob>;

  constructor(
    private readonly queue: WorkQueue,
    private readonly db: Db,
    private readonly repo: WebhooksRepository,
    private readonly queries: JobQueries,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.webhooks.workers) return;
    this.loop = new QueueLoop<FanoutJob>(
      this.queue.boss,
      FANOUT_QUEUE,
      { batchSize: 250, pollMs: this.config.webhooks.pollMs, loops: 1, onError: (e) => this.log.error(`fan-out failed: ${(e as Error).message}`) },
      (jobs) => this.fanOut(jobs),
    );
    this.queue.onWake(FANOUT_QUEUE, () => this.loop?.signal.notify());
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }

  async fanOut(jobs: PgBoss.Job<FanoutJob>[]): Promise<void> {
    const now = this.clock.now();
    const jobIds = [...new Set(jobs.map((j) => j.data.jobId))];
    const results = new Map<string, Promise<unknown>>();
    const tasks = new Map<string, Promise<RequestTask | undefined>>();
    const times = new Map<string, Promise<{ createdAt: string; finishedAt?: string }>>();
    const sources: RenderSources = {
      results: (jobId) => {
        if (!results.has(jobId)) results.set(jobId, this.queries.summary(jobId).then((s) => this.queries.renderResults(s)));
        return results.get(jobId)!;
      },
      task: (jobId) => {
        if (!tasks.has(jobId)) tasks.set(jobId, this.queries.requestTask(jobId));
        return tasks.get(jobId)!;
      },
      times: (jobId) => {
        if (!times.has(jobId)) times.set(jobId, this.queries.summary(jobId).then((s) => ({ createdAt: s.createdAt, finishedAt: s.finishedAt })));
        return times.get(jobId)!;
      },
      publicUrl: this.config.publicUrl,
    };
    await this.db.tx(async (tx) => {
      const subs = await this.repo.subscriptionsFor(tx, {
        jobIds,
        projectIds: [...new Set(jobs.flatMap((j) => (j.data.projectId ? [j.data.projectId] : [])))],
        batchScopeIds: [...new Set(jobs.flatMap((j) => (j.data.projectId && j.data.batchId ? [batchScopeId(j.data.projectId, j.data.batchId)] : [])))],
      });
      const messages: NewMessage[] = [];
      for (const job of jobs) {
        const { jobId, projectId, batchId } = job.data;
        const mine = subscribersOf(subs, jobId, projectId, batchId);
        for (const event of job.data.events) {
          for (const sub of mine) {
            if (!wants(sub, event)) continue;
            messages.push({
              id: this.ids.newId(),
              subscriptionId: sub.id,
              jobId,
              eventPosition: event.position,
              eventType: event.type,
              kind: sub.format,
              ordering: FORMAT_ORDERING[sub.format],
              body: await render(sub, { jobId, pipeline: event.status.pipeline, projectId, batchId }, event, sources),
              jobToken: this.ids.newId(),
              projectId: projectId ?? null,
            });
          }
        }
      }
      await this.repo.insertMessages(tx, messages, now);
      if (messages.length > 0) {
        await this.queue.boss.insert(
          messages.map((m) => ({ name: DELIVER_QUEUE, data: { m: m.id, t: m.jobToken } satisfies DeliverJob })),
          { db: txExecutor(tx) },
        );
        tx.afterCommit(() => this.queue.wake(DELIVER_QUEUE));
      }
      await this.queue.boss.complete(FANOUT_QUEUE, jobs.map((j) => j.id), { db: txExecutor(tx) });
    });
  }
}

