import type { FanoutJob } from './fanout.types';
import { wants, type FanoutEvent, type JobRef } from './payload-renderers';
import { batchScopeId, type Subscription } from './subscription.types';

/**
 * Who hears a job's events: its own subscriptions; its batch's webhook, or else its project's
 * (a batch webhook overrides the project one, seed 003); and its project's channels.
 */
export function subscribersOf(subs: Subscription[], jobId: string, projectId?: string, batchId?: string): Subscription[] {
  const own = subs.filter((s) => s.scope === 'job' && s.scopeId === jobId);
  if (!projectId) return own;
  const batch = batchId ? subs.find((s) => s.scope === 'batch' && s.scopeId === batchScopeId(projectId, batchId)) : undefined;
  const project = subs.find((s) => s.scope === 'project' && s.scopeId === projectId);
  const channels = subs.filter((s) => s.scope === 'channel' && s.scopeId === projectId);
  return [...own, ...(batch ? [batch] : project ? [project] : []), ...channels];
}

/** Each (subscription, event) of a fan-out job that makes a message: who hears it (active subscriptions), and wants it. */
export function deliveriesOf(job: FanoutJob, subs: Subscription[]): Array<{ sub: Subscription; event: FanoutEvent; ref: JobRef }> {
  const { jobId, projectId, batchId } = job;
  const mine = subscribersOf(
    subs.filter((s) => s.status === 'active'),
    jobId,
    projectId,
    batchId,
  );
  return job.events.flatMap((event) =>
    mine.filter((sub) => wants(sub, event)).map((sub) => ({ sub, event, ref: { jobId, pipeline: event.status.pipeline, projectId, batchId } })),
  );
}

/**
 * What disabled subscriptions (a 410 Gone) would have received of these fan-out jobs, per
 * subscription: counted as skipped rather than silently absent.
 */
export function skippedOf(jobs: FanoutJob[], subs: Subscription[]): Map<string, number> {
  const disabled = subs.filter((s) => s.status === 'disabled');
  const counts = new Map<string, number>();
  if (disabled.length === 0) return counts;
  for (const job of jobs) {
    for (const { sub } of deliveriesOf(job, disabled.map((s) => ({ ...s, status: 'active' as const })))) counts.set(sub.id, (counts.get(sub.id) ?? 0) + 1);
  }
  return counts;
}

/**
 * Whether a job's events make any message or any skipped count (deliveriesOf, skippedOf) for
 * these subscriptions: judged on event type and level alone, before anything is rendered.
 */
export function heardBy(job: { jobId: string; projectId?: string; batchId?: string }, events: Array<Pick<FanoutEvent, 'type' | 'level'>>, subs: Subscription[]): boolean {
  const hears = (among: Subscription[]) =>
    subscribersOf(among, job.jobId, job.projectId, job.batchId).some((sub) => events.some((e) => wants(sub, e as FanoutEvent)));
  return hears(subs.filter((s) => s.status === 'active')) || hears(subs.filter((s) => s.status === 'disabled'));
}
