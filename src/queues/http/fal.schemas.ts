import { z } from 'zod';
import { responseSchema } from '../../common/openapi';

/** Answers of the fal queue routes (fal's field names; see domain/fal-request.ts). */

const links = {
  request_id: z.string().meta({ description: 'the Herald request id (the same as on /queue/{queueName})' }),
  response_url: z.url(),
  status_url: z.url(),
  cancel_url: z.url(),
};

export const FalSubmitQuery = z.object({
  fal_webhook: z.string().optional().meta({ description: "http(s) URL: the request's lifecycle webhooks, then fal's webhook body when it ends" }),
});

export const FalStatusQuery = z.object({
  logs: z.enum(['0', '1']).optional().meta({ description: '1: include the log lines (one per lifecycle event)' }),
});

export const FalQueued = responseSchema(
  'FalQueued',
  z.object({ status: z.literal('IN_QUEUE'), ...links, gateway_request_id: z.string(), queue_position: z.int().meta({ description: 'requests ahead of this one' }) }),
);

const FalLog = z.object({ message: z.string(), level: z.enum(['INFO', 'WARN', 'ERROR']), source: z.literal('herald'), timestamp: z.string().meta({ format: 'date-time' }) });

export const FalStatusView = responseSchema(
  'FalStatusView',
  z.object({
    status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']).meta({ description: 'a failed or cancelled request is COMPLETED too (its result is the error)' }),
    ...links,
    queue_position: z.int().optional().meta({ description: 'IN_QUEUE only' }),
    logs: z.array(FalLog).optional().meta({ description: 'with ?logs=1' }),
    metrics: z.object({ inference_time: z.number().nullable().meta({ description: 'seconds from acquisition to the end' }) }).optional().meta({ description: 'COMPLETED only' }),
    error: z.string().optional().meta({ description: 'COMPLETED without success: what went wrong' }),
    error_type: z.enum(['request_failed', 'request_cancelled']).optional(),
  }),
);

export const FalResult = responseSchema('FalResult', z.unknown().meta({ description: "The worker's result, as it sent it" }));

export const FalCancelled = responseSchema('FalCancelAnswer', z.object({ status: z.literal('CANCELLATION_REQUESTED') }));
