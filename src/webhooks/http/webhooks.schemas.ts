import { z } from 'zod';
import { requestSchema, responseSchema } from '../../common/openapi';
import { summarised } from '../../common/zod-validation';
import { MESSAGE_STATUSES, PAYLOAD_FORMATS } from '../domain/subscription.types';

/**
 * Requests and answers of the subscription and delivery routes. The controllers validate the
 * queries and the recover body with these schemas before the services read them.
 */

const time = () => z.string().meta({ format: 'date-time' });

export const SubscriptionListQuery = z.object({
  projectId: z.string({ error: 'must be one value' }).optional(),
  jobId: z.string({ error: 'must be one value' }).optional().meta({ description: 'who would hear this job now (and the disabled ones that would)' }),
  status: summarised(z.enum(['active', 'disabled'], { error: 'must be active or disabled' }), 'status must be active or disabled').optional(),
  limit: summarised(z.coerce.number({ error: 'out of range' }).int().min(1).max(5000), 'limit must be an integer from 1 to 5000').default(500),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DeliveryListQuery = z.object({
  jobId: z.string({ error: 'must be one value' }).optional(),
  subscriptionId: summarised(z.string({ error: 'must be a UUID' }).regex(UUID, { error: 'must be a UUID' }), 'subscriptionId must be a UUID')
    .optional()
    .meta({ format: 'uuid', description: "only this subscription's messages (a project key: none of another project's subscription)" }),
  status: summarised(z.enum(MESSAGE_STATUSES as [string, ...string[]], { error: 'unknown status' }), `status must be one of ${MESSAGE_STATUSES.join(', ')}`).optional(),
  limit: summarised(z.coerce.number({ error: 'out of range' }).int().min(1).max(1000), 'limit must be an integer from 1 to 1000').default(100),
  cursor: summarised(z.string({ error: 'not a cursor from a previous page' }), 'cursor is not valid').optional().meta({ description: 'nextCursor of the previous page' }),
});

export const RecoverRequest = requestSchema(
  'RecoverRequest',
  z.object({
    since: summarised(
      z.string({ error: 'required ISO date-time' }).refine((s) => !Number.isNaN(new Date(s).getTime()), { error: 'required ISO date-time' }).meta({ format: 'date-time' }),
      'since must be an ISO date-time',
    ),
    jobId: summarised(z.string({ error: 'must be a string' }), 'jobId must be a string').optional().meta({ description: "only this job's messages" }),
  }),
);

const EndpointHealth = z.object({
  state: z.enum(['healthy', 'degraded', 'open']).meta({ description: 'degraded: fewer attempts at once; open: paused until retryAt' }),
  concurrency: z.int().nullable(),
  consecutiveFailures: z.int(),
  retryAt: time().nullable(),
  lastError: z.string().nullable(),
  lastHour: z
    .object({
      attempts: z.int(),
      succeeded: z.int().meta({ description: 'answered 2xx' }),
      successRate: z.number().nullable().meta({ description: 'succeeded / attempts, from 0 to 1; null without attempts' }),
    })
    .meta({ description: "the subscription's own attempts of the last hour (not the endpoint's)" }),
});

export const SubscriptionView = responseSchema(
  'SubscriptionView',
  z.object({
    id: z.string().meta({ format: 'uuid' }),
    scope: z.enum(['job', 'project', 'batch', 'channel']),
    scopeId: z.string().meta({ description: 'jobId, projectId, "<projectId>/<batchId>", or the projectId of a channel' }),
    name: z.string().nullable(),
    url: z.string(),
    format: z.enum(PAYLOAD_FORMATS).meta({ description: 'the payload it receives (see webhooks)' }),
    eventTypes: z.array(z.string()).nullable(),
    minLevel: z.string(),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().nullable(),
    disabledAt: time().nullable(),
    headers: z.record(z.string(), z.string()).meta({ description: 'values masked but for their last 4 characters' }),
    hasSecret: z.boolean(),
    previousSecretExpiresAt: time().nullable(),
    lastCall: z.unknown(),
    lastError: z.unknown(),
    failingSince: time()
      .nullable()
      .meta({ description: 'the first failed attempt after its last successful one (null while its last attempt succeeded); a failed attempt HERALD_WEBHOOK_DISABLE_AFTER_DAYS after it disables the subscription' }),
    counts: z.object({ delivered: z.int(), failed: z.int(), pending: z.int(), skipped: z.int().meta({ description: 'events it missed while disabled' }) }),
    createdAt: time(),
    updatedAt: time(),
    health: EndpointHealth,
  }),
);

export const EnableRequest = requestSchema(
  'EnableRequest',
  z.object({
    recoverSince: summarised(
      z.string({ error: 'must be an ISO date-time' }).refine((s) => !Number.isNaN(new Date(s).getTime()), { error: 'must be an ISO date-time' }).meta({ format: 'date-time' }),
      'recoverSince must be an ISO date-time',
    )
      .optional()
      .meta({ description: 'also send again its messages that failed, or were cancelled by the disabling, since then (needs deliveries:write)' }),
  }),
);

export const SubscriptionList = responseSchema('SubscriptionList', z.object({ subscriptions: z.array(SubscriptionView) }));

export const EnabledSubscription = responseSchema(
  'EnabledSubscription',
  SubscriptionView.extend({
    recovered: z
      .object({ recovered: z.int(), deliveryIds: z.array(z.string()) })
      .nullable()
      .meta({ description: 'with recoverSince: the messages queued again (as POST /api/v1/deliveries/recover answers); else null' }),
  }),
);

/** Longest overlap of a rotated secret (a week); the default is a day. */
export const MAX_PREVIOUS_SECRET_SECONDS = 7 * 24 * 3600;

export const RotateSecretRequest = requestSchema(
  'RotateSecretRequest',
  // Strict: a misspelt field must not leave a leaked secret signing for a day.
  z.strictObject({
    previousSecretValidSeconds: summarised(
      z.number({ error: 'must be a whole number of seconds' }).int().min(0).max(MAX_PREVIOUS_SECRET_SECONDS),
      `previousSecretValidSeconds must be a whole number of seconds from 0 to ${MAX_PREVIOUS_SECRET_SECONDS}`,
    )
      .optional()
      .meta({ description: 'how long the old secret also signs (default 86400: a day); 0 revokes it at once (a leaked secret)' }),
  }),
);

export const RotatedSecret = responseSchema(
  'RotatedSecret',
  z.object({ id: z.string(), secret: z.string().meta({ description: 'whsec_…, shown once' }), previousSecretExpiresAt: time().nullable().meta({ description: 'the old secret also signs until then' }) }),
);

const messageFields = {
  id: z.string().meta({ format: 'uuid' }),
  subscriptionId: z.string(),
  jobId: z.string(),
  eventPosition: z.int(),
  eventType: z.string(),
  kind: z.enum(PAYLOAD_FORMATS),
  url: z.string(),
  status: z.enum(MESSAGE_STATUSES as [string, ...string[]]),
  attempts: z.int(),
  nextAttemptAt: time().nullable(),
  lastStatusCode: z.int().nullable(),
  lastError: z.string().nullable(),
  supersededBy: z.string().nullable(),
  createdAt: time(),
  updatedAt: time(),
  deliveredAt: time().nullable(),
  payload: z.unknown().meta({ description: 'the body sent' }),
};

export const DeliveryView = responseSchema('DeliveryView', z.object(messageFields));

export const DeliveryList = responseSchema(
  'DeliveryList',
  z.object({
    deliveries: z.array(DeliveryView),
    nextCursor: z.string().nullable().meta({ description: 'pass it as cursor for the next page (opaque); null on the last page' }),
  }),
);

export const AttemptView = responseSchema(
  'AttemptView',
  z.object({
    attempt: z.int(),
    url: z.string(),
    statusCode: z.int().nullable(),
    statusMessage: z.string().nullable(),
    responseBody: z.string().nullable(),
    durationMs: z.number(),
    errorCode: z.string().nullable(),
    outcome: z.string(),
    attemptedAt: time(),
    nextAttemptAt: time().nullable(),
    endpointState: z.string().meta({ description: 'healthy, degraded (made under a reduced limit) or probe (the one request testing an open endpoint)' }),
  }),
);

export const DeliveryDetail = responseSchema('DeliveryDetail', z.object({ ...messageFields, attemptLog: z.array(AttemptView) }));

export const RecoverAnswer = responseSchema('RecoverAnswer', z.object({ recovered: z.int(), deliveryIds: z.array(z.string()) }));

export const WebhookRecord = responseSchema(
  'WebhookRecord',
  z
    .object({
      jobId: z.string(),
      type: z.enum(['progress', 'result']),
      url: z.string(),
      pipelineStatus: z.string().nullable(),
      status: z.enum(['pending', 'completed']).meta({ description: "the engine's: completed once the request is over, whatever its answer" }),
      responseStatus: z.enum(['succeed', 'failed']),
      httpResponse: z.object({ statusCode: z.int().nullable(), statusMessage: z.string().nullable() }),
      deliveryStatus: z.enum(MESSAGE_STATUSES as [string, ...string[]]).meta({ description: "Herald's state of the message (GET /api/v1/deliveries)" }),
      timestamp: time(),
    })
    .meta({ description: "The pipeline engine's record of a progress or result webhook delivery" }),
);

export const WebhookRecords = responseSchema(
  'WebhookRecords',
  z
    .object({ jobId: z.string(), result: WebhookRecord.optional(), progress: WebhookRecord.optional() })
    .meta({ description: 'The latest result and progress deliveries of a job; a kind never sent is absent' }),
);
