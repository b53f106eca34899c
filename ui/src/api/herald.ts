import { createHeraldClient, type HeraldClient, type Schema } from '../../../src/client/herald-client';
import { currentKey } from './session';

export type { Schema };

let cached: { key: string | null; client: HeraldClient } | undefined;

/** Herald's typed client (src/client, openapi-fetch) for this origin, with this tab's key. */
export function herald(): HeraldClient {
  const key = currentKey();
  if (cached?.key !== key) cached = { key, client: createHeraldClient({ url: location.origin, ...(key ? { key } : {}) }) };
  return cached.client;
}

export type StatusView = Schema<'StatusView'>;
export type SearchHit = Schema<'SearchHit'>;
export type DeliveryView = Schema<'DeliveryView'>;
export type DeliveryDetail = Schema<'DeliveryDetail'>;
export type AttemptView = Schema<'AttemptView'>;
export type SubscriptionView = Schema<'SubscriptionView'>;
export type JobEvent = Schema<'JobEvents'>['events'][number];
export type ChannelView = Schema<'ChannelView'>;
export type RoutingView = Schema<'RoutingView'>;
export type ProjectWebhookView = Schema<'ProjectWebhookView'>;
export type QueueSettings = Schema<'QueueSettings'>;
export type ChannelTestAttempt = Schema<'ChannelTestAttempt'>;

export const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'stopped']);
