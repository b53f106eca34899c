import type { Level } from '../../event-store/event.types';
import type { PayloadFormat, Subscription, SubscriptionScope } from '../domain/subscription.types';

/** A webhook_subscriptions row as delivery reads it (SUB_COLUMNS), and its mapping. */
export interface SubscriptionRow {
  id: string;
  name: string | null;
  scope: SubscriptionScope;
  scope_id: string;
  url: string;
  headers: Record<string, string>;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  format: PayloadFormat;
  event_types: string[] | null;
  min_level: Level;
  status: 'active' | 'disabled';
  failing_since: Date | null;
}

export const SUB_COLUMNS = `s.id, s.name, s.scope, s.scope_id, s.url, s.headers, s.secret, s.previous_secret,
  s.previous_secret_expires_at, s.format, s.event_types, s.min_level, s.status, s.failing_since`;

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    scopeId: r.scope_id,
    url: r.url,
    headers: r.headers,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at?.toISOString() ?? null,
    format: r.format,
    eventTypes: r.event_types,
    minLevel: r.min_level,
    status: r.status,
    failingSince: r.failing_since?.toISOString() ?? null,
  };
}
