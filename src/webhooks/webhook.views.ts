import type { MessageStatus, PayloadFormat } from './domain/subscription.types';

/** What the API answers about webhook messages, attempts and subscriptions (tests use these types too). */

export interface MessageView {
  id: string;
  subscriptionId: string;
  jobId: string;
  eventPosition: number;
  eventType: string;
  kind: PayloadFormat;
  url: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  supersededBy: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

export interface AttemptView {
  attempt: number;
  url: string;
  statusCode: number | null;
  statusMessage: string | null;
  responseBody: string | null;
  durationMs: number;
  errorCode: string | null;
  outcome: string;
  attemptedAt: string;
  nextAttemptAt: string | null;
  /** healthy, degraded (made under a reduced limit) or probe (the one request testing an open endpoint). */
  endpointState: string;
}

export interface SubscriptionView {
  id: string;
  scope: string;
  scopeId: string;
  name: string | null;
  url: string;
  format: string;
  eventTypes: string[] | null;
  minLevel: string;
  status: string;
  disabledReason: string | null;
  disabledAt: string | null;
  headers: Record<string, string>;
  hasSecret: boolean;
  previousSecretExpiresAt: string | null;
  lastCall: unknown;
  lastError: unknown;
  /** The first failed attempt after its last successful one; null while its last attempt succeeded (auto-disable: docs/API.md). */
  failingSince: string | null;
  /** skipped: events it would have received while disabled. */
  counts: { delivered: number; failed: number; pending: number; skipped: number };
  createdAt: string;
  updatedAt: string;
}
