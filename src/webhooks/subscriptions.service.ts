import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { ValidationError } from '../common/domain-error';
import { assertAccess, projectOf, type Caller } from '../auth/domain/caller';
import { Db } from '../database/db';
import { JobQueries } from '../jobs/job-queries.service';
import { subscribersOf } from './domain/subscribers';
import { batchScopeId } from './domain/subscription.types';
import { endpointOf } from './domain/endpoint-health';
import { maskValue } from './domain/mask';
import { RECENT_WINDOW_MS, recentSuccess, type RecentSuccess } from './domain/recent-success';
import type { EndpointRow } from './domain/delivery-records';
import { AttemptsRepository } from './infrastructure/attempts.repository';
import { SubscriptionViewsRepository } from './infrastructure/subscription-views.repository';
import { SubscriptionsRepository } from './infrastructure/subscriptions.repository';
import { DeliveriesService } from './deliveries.service';
import { subscriptionAlreadyActive, subscriptionNotFound } from './subscriptions.errors';
import type { SubscriptionView } from './webhook.views';

/**
 * An endpoint's health on a subscription: `healthy`, `degraded` (fewer attempts at once) or
 * `open` (paused until `retryAt`); and the subscription's own attempts of the last hour.
 */
export interface EndpointHealthView {
  state: 'healthy' | 'degraded' | 'open';
  concurrency: number | null;
  consecutiveFailures: number;
  retryAt: string | null;
  lastError: string | null;
  lastHour: RecentSuccess;
}

function healthView(row: EndpointRow | undefined, lastHour: RecentSuccess): EndpointHealthView {
  if (!row) return { state: 'healthy', concurrency: null, consecutiveFailures: 0, retryAt: null, lastError: null, lastHour };
  return { state: row.state, concurrency: row.concurrency, consecutiveFailures: row.consecutiveFailures, retryAt: row.retryAt?.toISOString() ?? null, lastError: row.lastError, lastHour };
}

const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


/** Webhook management across every scope: what Herald would deliver to, and secret rotation. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly db: Db,
    private readonly repo: SubscriptionViewsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly attempts: AttemptsRepository,
    private readonly jobs: JobQueries,
    private readonly clock: Clock,
    private readonly deliveries: DeliveriesService,
  ) {}

  /** A project key sees its project's subscriptions only (another project's job is JOB_NOT_FOUND, another projectId lists none). */
  async list(caller: Caller, query: { projectId?: string; jobId?: string; status?: string; limit?: string }): Promise<{ subscriptions: Array<SubscriptionView & { health: EndpointHealthView }> }> {
    if (query.status !== undefined && query.status !== 'active' && query.status !== 'disabled') {
      throw new ValidationError('status must be active or disabled', [{ path: 'status', message: 'must be active or disabled' }]);
    }
    const views = (await this.views(caller, query)).subscriptions.filter((s) => query.status === undefined || s.status === query.status);
    return { subscriptions: await this.withHealth(views) };
  }

  /**
   * Each subscription with its endpoint's health as the delivery workers last recorded it, and
   * its attempts of the hour up to now (Herald's clock): one statement for each, whatever the
   * number of subscriptions.
   */
  async withHealth<T extends { id: string; url: string }>(subs: T[]): Promise<Array<T & { health: EndpointHealthView }>> {
    const now = this.clock.now();
    const [rows, recent] = await Promise.all([
      this.attempts.endpoints(this.db, [...new Set(subs.map((s) => endpointOf(s.url)))]),
      this.repo.recentAttempts(this.db, subs.map((s) => s.id), new Date(now.getTime() - RECENT_WINDOW_MS), now),
    ]);
    return subs.map((s) => {
      const r = recent.get(s.id);
      return { ...s, health: healthView(rows.get(endpointOf(s.url)), recentSuccess(r?.attempts ?? 0, r?.succeeded ?? 0)) };
    });
  }

  private async views(caller: Caller, query: { projectId?: string; jobId?: string; limit?: string }): Promise<{ subscriptions: SubscriptionView[] }> {
    const limit = query.limit === undefined ? 500 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new ValidationError('limit must be an integer from 1 to 5000', [{ path: 'limit', message: 'out of range' }]);
    const own = projectOf(caller);
    if (query.jobId !== undefined) {
      const job = await this.jobs.summaryFor(caller, query.jobId);
      const subs = await this.subscriptions.subscriptionsFor(
        this.db,
        {
          jobIds: [job.jobId],
          projectIds: job.projectId ? [job.projectId] : [],
          batchScopeIds: job.projectId && job.batchId ? [batchScopeId(job.projectId, job.batchId)] : [],
        },
        ['active', 'disabled'],
      );
      // Who hears the job now, and the disabled ones that would (a 410 Gone turned them off).
      const hearing = [...subscribersOf(subs.filter((s) => s.status === 'active'), job.jobId, job.projectId, job.batchId), ...subscribersOf(subs.filter((s) => s.status === 'disabled'), job.jobId, job.projectId, job.batchId)];
      const ids = hearing
        // A channel without routings would deliver nothing.
        .filter((s) => s.scope !== 'channel' || (s.eventTypes?.length ?? 0) > 0)
        .filter((s) => query.projectId === undefined || s.scope === 'job' || s.scopeId.split('/')[0] === query.projectId)
        .map((s) => s.id);
      return { subscriptions: await this.repo.byIds(this.db, ids, maskValue) };
    }
    if (own !== null) return { subscriptions: query.projectId === undefined || query.projectId === own ? await this.repo.ofProject(this.db, own, limit, maskValue) : [] };
    if (query.projectId !== undefined) return { subscriptions: await this.repo.ofProject(this.db, query.projectId, limit, maskValue) };
    return { subscriptions: await this.repo.all(this.db, limit, maskValue) };
  }

  /**
   * Turns a disabled subscription on again: active, failingSince and disabledReason cleared.
   * With `recoverSince`, in the same transaction, its messages that failed or were cancelled by
   * the disabling since then are queued again (Svix's "enable + recover"; the deliveries:write
   * scope of recover is needed for it). 404 for one that is not there or another project's,
   * 409 SUBSCRIPTION_ALREADY_ACTIVE for one that is on.
   */
  async enable(caller: Caller, id: string, body: { recoverSince?: string }): Promise<SubscriptionView & { health: EndpointHealthView; recovered: { recovered: number; deliveryIds: string[] } | null }> {
    const since = body.recoverSince === undefined ? undefined : new Date(body.recoverSince);
    if (since) assertAccess(caller, 'deliveries:write');
    const projectId = projectOf(caller);
    if (!UUID.test(id)) throw subscriptionNotFound(id);
    const recovered = await this.db.tx(async (tx) => {
      const row = await this.repo.enable(tx, id, this.clock.now(), projectId);
      if (!row) throw subscriptionNotFound(id);
      if (!row.enabled) throw subscriptionAlreadyActive(id);
      if (!since) return null;
      const ids = await this.deliveries.enqueueIn(tx, { ids: await this.repo.recoverable(tx, id, since), projectId });
      return { recovered: ids.length, deliveryIds: ids };
    });
    const [view] = await this.withHealth(await this.repo.byIds(this.db, [id], maskValue));
    return { ...view, recovered };
  }

  /**
   * A new signing secret; the old one also signs for `previousValidSeconds` (a day by default).
   * 0 revokes it: from the next attempt on, only the new secret signs.
   */
  async rotateSecret(caller: Caller, id: string, previousValidSeconds = ROTATION_OVERLAP_MS / 1000): Promise<{ id: string; secret: string; previousSecretExpiresAt: string | null }> {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const overlapUntil = previousValidSeconds > 0 ? new Date(this.clock.now().getTime() + previousValidSeconds * 1000) : null;
    const rotated = UUID.test(id) ? await this.repo.rotateSecret(this.db, id, secret, overlapUntil, projectOf(caller)) : undefined;
    if (!rotated) throw subscriptionNotFound(id);
    return { id, secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt };
  }

}
