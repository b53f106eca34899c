import type { Level } from '../../event-store/event.types';

/**
 * What a subscription covers: one job (its exec request's webhooks), a project (scope_id =
 * projectId), one batch of a project (scope_id = "<projectId>/<batchId>"), or a notification
 * channel of a project (scope_id = projectId; its routings set the event types).
 */
export type SubscriptionScope = 'job' | 'project' | 'batch' | 'channel';

/**
 * How a subscription's payload is rendered. Each format names its renderer and how its
 * messages are ordered per (subscription, job):
 *  - latest-wins: attempts follow event order, one at a time; an older message that is retrying,
 *    or has waited longer than `webhooks.staleMs` (a backlog), is dropped as superseded when a
 *    newer one exists (progress: a slow endpoint catches up on the latest state, a healthy one
 *    gets every event);
 *  - ordered: first attempts follow event order (a message waits for older ones' first attempt);
 *    an older message that is still retrying when a newer one was attempted is superseded;
 *  - always: every message is delivered; it waits until earlier latest-wins or ordered messages
 *    of the same job have had their first attempt (a result comes after the last progress).
 */
export type PayloadFormat = 'exec.progress' | 'exec.result' | 'queue.lifecycle' | 'fal.result' | 'project.task' | 'notification';
export const PAYLOAD_FORMATS = ['exec.progress', 'exec.result', 'queue.lifecycle', 'fal.result', 'project.task', 'notification'] as const satisfies readonly PayloadFormat[];
export type Ordering = 'latest-wins' | 'ordered' | 'always';

export const FORMAT_ORDERING: Record<PayloadFormat, Ordering> = {
  'exec.progress': 'latest-wins',
  'exec.result': 'always',
  'queue.lifecycle': 'ordered',
  'fal.result': 'always',
  'project.task': 'always',
  notification: 'always',
};

/**
 * Events a notification routing may name (seed 002); delivery.exhausted and subscription.disabled
 * (issue 13: a 410 Gone, or every attempt failed for HERALD_WEBHOOK_DISABLE_AFTER_DAYS) come from the engine.
 */
export const ROUTABLE_EVENTS = ['job.submitted', 'job.completed', 'job.failed', 'job.stopped', 'task.failed', 'task.retried', 'delivery.exhausted', 'subscription.disabled'] as const;
export type RoutableEvent = (typeof ROUTABLE_EVENTS)[number];

export function batchScopeId(projectId: string, batchId: string): string {
  return `${projectId}/${batchId}`;
}

export interface Subscription {
  id: string;
  /** Channels have a name. */
  name?: string | null;
  scope: SubscriptionScope;
  scopeId: string;
  url: string;
  headers: Record<string, string>;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  format: PayloadFormat;
  /** Event types wanted; null = every type the format renders. */
  eventTypes: string[] | null;
  minLevel: Level;
  status: 'active' | 'disabled';
  /** The first failed attempt after its last successful one (ISO); null while its last attempt succeeded (domain/auto-disable.ts). */
  failingSince?: string | null;
}

export type MessageStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'superseded' | 'cancelled';
export const MESSAGE_STATUSES: MessageStatus[] = ['pending', 'retrying', 'delivered', 'failed', 'superseded', 'cancelled'];
