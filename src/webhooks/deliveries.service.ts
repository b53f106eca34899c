import { STATUS_CODES as STATUS_TEXT } from 'node:http';
import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { projectOf, type Caller } from '../auth/domain/caller';
import { Clock } from '../common/clock';
import { Db, type Tx } from '../database/db';
import { JobQueries } from '../jobs/job-queries.service';
import { decodeDeliveryCursor, FIRST_PAGE, pageOf } from './domain/delivery-cursor';
import type { DeliverJob } from './domain/fanout.types';
import { MESSAGE_STATUSES, type MessageStatus } from './domain/subscription.types';
import { DeliveryViewsRepository } from './infrastructure/delivery-views.repository';
import { MessagesRepository } from './infrastructure/messages.repository';
import type { AttemptView, MessageView } from './webhook.views';
import { DELIVER_QUEUE, txExecutor, WorkQueue } from './infrastructure/work-queue.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The pipeline engine's webhook delivery record (seed 000's engine: /api/v1/webhooks/...). */
export interface WebhookRecord {
  jobId: string;
  type: 'progress' | 'result';
  url: string;
  pipelineStatus: string | null;
  /** As the engine writes it: completed once the request is over (whatever its answer), pending before. */
  status: 'pending' | 'completed';
  responseStatus: 'succeed' | 'failed';
  httpResponse: { statusCode: number | null; statusMessage: string | null };
  /** Herald's own state of the message (GET /api/v1/deliveries). */
  deliveryStatus: MessageStatus;
  timestamp: string;
}

/** GET /api/v1/webhooks/list/{jobId}: the latest of each kind; a kind never sent is absent. */
export interface WebhookRecords {
  jobId: string;
  result?: WebhookRecord;
  progress?: WebhookRecord;
}

/** Messages still to be sent (or sent again) are pending; every other one is over. */
const UNSENT: ReadonlySet<MessageStatus> = new Set<MessageStatus>(['pending', 'retrying']);

@Injectable()
export class DeliveriesService {
  constructor(
    private readonly db: Db,
    private readonly repo: DeliveryViewsRepository,
    private readonly messages: MessagesRepository,
    private readonly queue: WorkQueue,
    private readonly jobs: JobQueries,
    private readonly clock: Clock,
  ) {}

  /**
   * A project key sees its project's messages only: the project is in every statement here
   * (another project's subscription matches none). Pages by keyset: `cursor` is the previous
   * page's `nextCursor` (domain/delivery-cursor.ts).
   */
  async list(
    caller: Caller,
    query: { jobId?: string; status?: string; subscriptionId?: string; cursor?: string; limit?: string },
  ): Promise<{ deliveries: MessageView[]; nextCursor: string | null }> {
    if (query.status !== undefined && !MESSAGE_STATUSES.includes(query.status as MessageStatus)) {
      throw new ValidationError(`status must be one of ${MESSAGE_STATUSES.join(', ')}`, [{ path: 'status', message: 'unknown status' }]);
    }
    if (query.subscriptionId !== undefined && !UUID.test(query.subscriptionId)) {
      throw new ValidationError('subscriptionId must be a UUID', [{ path: 'subscriptionId', message: 'must be a UUID' }]);
    }
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit must be an integer from 1 to 1000', [{ path: 'limit', message: 'out of range' }]);
    const after = query.cursor === undefined ? FIRST_PAGE : decodeDeliveryCursor(query.cursor);
    const rows = await this.repo.listMessages(this.db, {
      jobId: query.jobId,
      status: query.status as MessageStatus | undefined,
      subscriptionId: query.subscriptionId,
      after,
      limit: limit + 1,
      projectId: projectOf(caller),
    });
    const { page, nextCursor } = pageOf(rows, limit, (r) => r.key);
    return { deliveries: page.map((r) => r.view), nextCursor };
  }

  async get(caller: Caller, id: string): Promise<MessageView & { attemptLog: AttemptView[] }> {
    const msg = await this.find(caller, id);
    return { ...msg, attemptLog: await this.repo.attemptsOf(this.db, msg.id) };
  }

  private async find(caller: Caller, id: string): Promise<MessageView> {
    if (!UUID.test(id)) throw new NotFoundError('DELIVERY_NOT_FOUND', `delivery ${id} does not exist`);
    const msg = await this.repo.getMessage(this.db, id, projectOf(caller));
    if (!msg) throw new NotFoundError('DELIVERY_NOT_FOUND', `delivery ${id} does not exist`);
    return msg;
  }

  /** Attempts one message again now, whatever its state (a manual resend is never superseded). */
  async resend(caller: Caller, id: string): Promise<MessageView> {
    const msg = await this.find(caller, id);
    await this.enqueue({ ids: [msg.id], projectId: projectOf(caller) });
    return this.find(caller, id);
  }

  /** Re-enqueues every message that failed for good since `since` (optionally of one job; a project key's: of its project). */
  async recover(caller: Caller, body: unknown): Promise<{ recovered: number; deliveryIds: string[] }> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as { since?: unknown; jobId?: unknown };
    const since = typeof b.since === 'string' ? new Date(b.since) : undefined;
    if (!since || Number.isNaN(since.getTime())) throw new ValidationError('since must be an ISO date-time', [{ path: 'since', message: 'required ISO date-time' }]);
    if (b.jobId !== undefined && typeof b.jobId !== 'string') throw new ValidationError('jobId must be a string', [{ path: 'jobId', message: 'must be a string' }]);
    const ids = await this.enqueue({ failedSince: since, jobId: b.jobId as string | undefined, projectId: projectOf(caller) });
    return { recovered: ids.length, deliveryIds: ids };
  }

  private enqueue(filter: { ids?: string[]; failedSince?: Date; jobId?: string; projectId: string | null }): Promise<string[]> {
    return this.db.tx((tx) => this.enqueueIn(tx, filter));
  }

  /**
   * Resets these messages for an attempt now and queues them (forced: never superseded), in the
   * caller's transaction: a resend, a recover, or a subscription's enable + recover. An empty
   * `ids` list resets nothing. Returns the ids reset.
   */
  async enqueueIn(tx: Tx, filter: { ids?: string[]; failedSince?: Date; jobId?: string; projectId: string | null }): Promise<string[]> {
    if (filter.ids?.length === 0) return [];
    const rows = await this.messages.resetForResend(tx, filter, this.clock.now());
    if (rows.length) {
      await this.queue.boss.insert(
        rows.map((r) => ({ name: DELIVER_QUEUE, data: { m: r.id, t: r.jobToken, force: true } satisfies DeliverJob })),
        { db: txExecutor(tx) },
      );
      tx.afterCommit(() => this.queue.wake(DELIVER_QUEUE));
    }
    return rows.map((r) => r.id);
  }

  async record(caller: Caller, jobId: string, type: 'progress' | 'result'): Promise<WebhookRecord> {
    await this.jobs.summaryFor(caller, jobId);
    const msg = await this.repo.latestOfKind(this.db, jobId, type === 'progress' ? 'exec.progress' : 'exec.result');
    if (!msg) throw new NotFoundError('WEBHOOK_NOT_FOUND', `job ${jobId} has no ${type} webhook delivery`);
    return toRecord(msg, type);
  }

  /** Like the engine: `{ jobId, result, progress }`, and 404 when the job has neither. */
  async records(caller: Caller, jobId: string): Promise<WebhookRecords> {
    await this.jobs.summaryFor(caller, jobId);
    const result = await this.repo.latestOfKind(this.db, jobId, 'exec.result');
    const progress = await this.repo.latestOfKind(this.db, jobId, 'exec.progress');
    if (!result && !progress) throw new NotFoundError('WEBHOOK_NOT_FOUND', `job ${jobId} has no webhook delivery`);
    return {
      jobId,
      ...(result ? { result: toRecord(result, 'result') } : {}),
      ...(progress ? { progress: toRecord(progress, 'progress') } : {}),
    };
  }
}

function toRecord(msg: MessageView, type: 'progress' | 'result'): WebhookRecord {
  const payload = msg.payload as { status?: string };
  return {
    jobId: msg.jobId,
    type,
    url: msg.url,
    pipelineStatus: payload?.status ?? null,
    status: UNSENT.has(msg.status) ? 'pending' : 'completed',
    responseStatus: msg.status === 'delivered' ? 'succeed' : 'failed',
    httpResponse: { statusCode: msg.lastStatusCode, statusMessage: msg.lastStatusCode ? (STATUS_TEXT[msg.lastStatusCode] ?? null) : msg.lastError },
    deliveryStatus: msg.status,
    timestamp: msg.updatedAt,
  };
}

