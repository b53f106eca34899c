import { z } from 'zod';
import { requestSchema, responseSchema } from '../../common/openapi';
import { summarised } from '../../common/zod-validation';
import { QUEUE_LIST_DEFAULT_LIMIT, QUEUE_LIST_MAX_LIMIT, type QueueListing as QueueListingType } from '../domain/queue-list';
import { QUEUE_NAME, type QueueSettings as QueueSettingsType, type renderRequestStatus } from '../domain/queue-request';

/**
 * Requests and answers of the named-queue routes (seed 001). Queue settings are validated by
 * QueueSettingsRequest and the listing's query by QueueListQuery; a queued request's body is
 * any JSON value, and its webhook and group headers are checked by queue-request.ts (webhookOf,
 * groupOf).
 */

const epochMs = () => z.number().nullable().meta({ description: 'epoch milliseconds' });

export const QueueSettingsRequest = requestSchema(
  'QueueSettingsRequest',
  z
    .strictObject({
      retryLimit: z.int({ error: 'must be an integer from 0 to 100' }).min(0).max(100).optional().meta({ description: 'retries after the first attempt (default 3)' }),
      leaseSeconds: z.number({ error: 'must be a number from 0.1 to 86400' }).min(0.1).max(86_400).optional().meta({ description: 'the lease of a task when the worker asks for none (default 30)' }),
      retryDelaySeconds: z.number({ error: 'must be a number from 0 to 86400' }).min(0).max(86_400).optional().meta({ description: 'default 0' }),
      retryBackoff: z.boolean({ error: 'must be a boolean' }).optional().meta({ description: 'doubles the delay per attempt (default false)' }),
    })
    .meta({ description: 'The fields to change; they apply to requests submitted afterwards' }),
);

export const QueueSubmitQuery = z.object({
  webhook: z.string().optional().meta({ description: 'http(s) URL for lifecycle webhooks (also: header X-Webhook-Url)' }),
  fal_webhook: z.string().optional().meta({ description: 'the same, as fal.ai names it (also: header x-pipelet-webhook)' }),
});

/** Any JSON value: the task's input, as the worker gets it. */
export const QueueRequestBody = requestSchema('QueueRequestBody', z.unknown().meta({ description: 'Any JSON value (up to 1 MiB): the input of the task', examples: [{ prompt: 'a lighthouse at dusk' }] }));

export const QueueSettings = responseSchema(
  'QueueSettings',
  z.object({ queueName: z.string(), retryLimit: z.int(), retryDelaySeconds: z.number(), retryBackoff: z.boolean(), leaseSeconds: z.number() }),
) satisfies z.ZodType<QueueSettingsType>;

export const QueuedRequest = responseSchema(
  'QueuedRequest',
  z.object({ jobId: z.int(), queueName: z.string(), status: z.literal('queued'), statusUrl: z.url(), resultUrl: z.url(), cancelUrl: z.url() }),
);

const REQUEST_STATUSES = ['queued', 'acquired', 'completed', 'failed', 'cancelled'] as const;

export const RequestStatusView = responseSchema(
  'RequestStatusView',
  z.object({
    jobId: z.int(),
    queueName: z.string(),
    status: z.enum(REQUEST_STATUSES),
    position: z.int().optional().meta({ description: 'queued only: requests ahead of this one' }),
    workerName: z.string().nullable(),
    leaseExpiry: epochMs(),
    acquiredAt: epochMs(),
    updatedAt: epochMs(),
    attempts: z.int(),
    projectId: z.string().optional(),
    batchId: z.string().optional(),
  }),
) satisfies z.ZodType<ReturnType<typeof renderRequestStatus>>;

export const RequestResult = responseSchema('RequestResult', z.unknown().meta({ description: "The worker's result, as it sent it" }));

export const CancelledRequest = responseSchema('CancelledRequest', z.object({ jobId: z.int(), queueName: z.string(), status: z.literal('cancelled') }));

export const QueueListQuery = z.object({
  limit: summarised(z.coerce.number({ error: 'out of range' }).int().min(1).max(QUEUE_LIST_MAX_LIMIT), `limit must be an integer from 1 to ${QUEUE_LIST_MAX_LIMIT}`)
    .default(QUEUE_LIST_DEFAULT_LIMIT)
    .meta({ description: `queues per page (default ${QUEUE_LIST_DEFAULT_LIMIT})` }),
  cursor: summarised(z.string({ error: 'not a cursor from a previous page' }).regex(QUEUE_NAME, { error: 'not a cursor from a previous page' }), 'cursor is not valid')
    .optional()
    .meta({ description: 'nextCursor of the previous page (the last queueName it listed)' }),
});

export const QueueListing = responseSchema(
  'QueueListing',
  z.object({
    queueName: z.string(),
    retryLimit: z.int(),
    leaseSeconds: z.number(),
    retryDelaySeconds: z.number(),
    retryBackoff: z.boolean(),
    pending: z.int().meta({ description: "requests waiting for a worker (a project key: its project's only)" }),
    active: z.int().meta({ description: "requests held by a worker (a project key: its project's only)" }),
  }),
) satisfies z.ZodType<QueueListingType>;

export const QueueList = responseSchema(
  'QueueList',
  z.object({
    queues: z.array(QueueListing).meta({ description: 'by queueName: every queue with settings or with an unfinished request (the defaults shown until set)' }),
    nextCursor: z.string().nullable().meta({ description: 'pass it as cursor for the next page; null on the last page' }),
  }),
);
