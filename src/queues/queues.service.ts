import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../common/domain-error';
import { projectForWrite, projectOf, type Caller } from '../auth/domain/caller';
import { StopJobCommand } from '../jobs/commands/stop-job.command';
import { decideSubmit } from '../jobs/domain/job.decide';
import type { JobSummary } from '../jobs/domain/job.state';
import { JobQueries } from '../jobs/job-queries.service';
import { JobStore, type CommandMeta } from '../jobs/job-store.service';
import {
  alreadyCompleted,
  assertQueueName,
  defaultSettings,
  queueRequestSpec,
  renderRequestStatus,
  requestNotFound,
  requestStatus,
  type QueueSettings,
  type RequestDialect,
} from './domain/queue-request';
import { queueListPage, type QueueListPage } from './domain/queue-list';
import { QueuesRepository } from './infrastructure/queues.repository';
import { QueueSettingsRequest } from './http/queues.schemas';
import { parseBody } from '../common/zod-validation';
import { TargetCheck } from '../webhooks/target-check.service';

/** Named queues on the job model: a request is a job of one task. */
@Injectable()
export class QueuesService {
  constructor(
    private readonly store: JobStore,
    private readonly jobs: JobQueries,
    private readonly repo: QueuesRepository,
    private readonly commands: CommandBus,
    private readonly targets: TargetCheck,
  ) {}

  /** A project key's request is its project's: an X-Project-Id must name it (else 400). */
  async submit(
    caller: Caller,
    queueName: string,
    body: unknown,
    webhook: { url?: string; secret?: string },
    requested: { projectId?: string; batchId?: string },
    meta: CommandMeta,
    dialect: RequestDialect = {},
  ): Promise<string> {
    assertQueueName(queueName);
    const projectId = projectForWrite(caller, requested.projectId, 'x-project-id');
    const group = { ...requested, ...(projectId !== undefined ? { projectId } : {}) };
    await this.targets.assertAllowed([{ path: 'webhook', url: webhook.url }]);
    return this.store.db.tx(async (tx) => {
      const settings = (await this.repo.settings(tx, queueName)) ?? defaultSettings(queueName);
      const jobId = await this.repo.nextRequestId(tx);
      const ctx = this.store.context();
      await this.store.commit(tx, undefined, decideSubmit(queueRequestSpec(queueName, body, settings, webhook, group, dialect), jobId, ctx), ctx, meta);
      return jobId;
    });
  }

  /** A request of the queue as the caller may see it (another project's is the same 404 as a missing one). */
  private request(caller: Caller, queueName: string, id: string): Promise<JobSummary> {
    return this.find(caller, id, (q) => q === queueName, () => requestNotFound(queueName, id));
  }

  /**
   * A queue request as the caller may see it, if its queue passes `ofQueue`; otherwise, like a
   * missing one or another project's, `notFound()` is thrown.
   */
  async find(caller: Caller, id: string, ofQueue: (queueName: string) => boolean, notFound: () => Error): Promise<JobSummary> {
    if (!/^\d{1,18}$/.test(id)) throw notFound();
    try {
      const job = await this.jobs.summaryFor(caller, id);
      if (job.kind !== 'queue' || !ofQueue(job.pipeline)) throw notFound();
      return job;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'JOB_NOT_FOUND') throw notFound();
      throw err;
    }
  }

  /** Requests ahead of a queued one (same queue, same project scope). */
  position(job: JobSummary, task: { priority: number; availableAt: string }): Promise<number> {
    return this.store.repo.queuePosition(this.store.db, job.pipeline, task, job.jobId, job.projectId ?? null);
  }

  async status(caller: Caller, queueName: string, id: string) {
    const job = await this.request(caller, queueName, id);
    const task = await this.jobs.requestTask(id);
    const position = task && requestStatus(job, task) === 'queued' ? await this.store.repo.queuePosition(this.store.db, queueName, task, id, job.projectId ?? null) : undefined;
    return renderRequestStatus(job, task, position);
  }

  /** 200 with the worker's result; 202 with the status while unfinished; 4xx when failed or cancelled. */
  async result(caller: Caller, queueName: string, id: string): Promise<{ status: number; body: unknown }> {
    const job = await this.request(caller, queueName, id);
    const task = await this.jobs.requestTask(id);
    const status = requestStatus(job, task);
    if (status === 'completed') return { status: 200, body: task?.result ?? null };
    if (status === 'failed') {
      throw new DomainError('REQUEST_FAILED', `request ${id} failed`, 422, { jobId: Number(id), error: task?.error ?? job.error ?? null });
    }
    if (status === 'cancelled') {
      throw new DomainError('REQUEST_CANCELLED', `request ${id} was cancelled${job.reason && job.reason !== 'cancelled' ? ` (${job.reason})` : ''}`, 409, { jobId: Number(id), reason: job.reason });
    }
    // The same body as GET .../status, with the request's real queue position.
    const position = task && status === 'queued' ? await this.store.repo.queuePosition(this.store.db, queueName, task, id, job.projectId ?? null) : undefined;
    return { status: 202, body: renderRequestStatus(job, task, position) };
  }

  async cancel(caller: Caller, queueName: string, id: string, meta: CommandMeta) {
    const job = await this.request(caller, queueName, id);
    try {
      await this.commands.execute(new StopJobCommand(id, 'cancelled', meta, caller));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'JOB_NOT_RUNNING') throw alreadyCompleted(id, requestStatus(job, await this.jobs.requestTask(id)));
      throw err;
    }
    return { jobId: Number(id), queueName, status: 'cancelled' as const };
  }

  /**
   * GET /api/v1/queues, the query validated by QueueListQuery: every queue with settings (they
   * are every project's) or with an unfinished request the caller may see, with the counts of
   * the caller's requests (a project key: its project's; an admin: all).
   */
  async list(caller: Caller, query: { limit: number; cursor?: string }): Promise<QueueListPage> {
    const { rows, more } = await this.repo.list(this.store.db, { after: query.cursor ?? '', limit: query.limit, projectId: projectOf(caller) });
    return queueListPage(rows, more);
  }

  async settings(queueName: string): Promise<QueueSettings> {
    assertQueueName(queueName);
    return (await this.repo.settings(this.store.db, queueName)) ?? defaultSettings(queueName);
  }

  /** The queue name is checked first, then the body (QueueSettingsRequest); absent fields keep their value. */
  async saveSettings(queueName: string, body: unknown): Promise<QueueSettings> {
    const current = await this.settings(queueName);
    const change = parseBody(QueueSettingsRequest, body, { what: 'queue settings' });
    const next: QueueSettings = { ...current, queueName, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
    await this.repo.saveSettings(this.store.db, next);
    return next;
  }
}
