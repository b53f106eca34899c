import type { PathItemObject } from '@nestjs/swagger';
import { z } from 'zod';
import { refTo, responseSchema } from '../../common/openapi';
import { ResultsView, StatusView } from '../../jobs/http/jobs.schemas';
import { FAL_TIMESTAMP_TOLERANCE_SECONDS } from '../domain/fal-signature';

/**
 * The requests Herald sends (domain/payload-renderers.ts), as OpenAPI 3.1 `webhooks`: one per
 * payload format a subscription can have. Every delivery is a POST of JSON with the
 * subscription's own headers, User-Agent Herald/<version> and, when it has a secret, a
 * Standard Webhooks signature; fal's result webhook also carries fal's ED25519 signature.
 */

const epochMs = () => z.number().nullable().meta({ description: 'epoch milliseconds' });

export const LifecyclePayload = responseSchema(
  'LifecyclePayload',
  z
    .looseObject({
      eventType: z.enum(['acquired', 'retried', 'completed', 'failed', 'cancelled']),
      queueName: z.string(),
      jobId: z.union([z.int(), z.string()]).meta({ description: 'the request id' }),
      workerName: z.string().nullable(),
      leaseExpiry: epochMs(),
      acquiredAt: epochMs(),
      updatedAt: epochMs(),
      webhookUrl: z.string(),
      error: z.unknown().optional().meta({ description: 'failed' }),
      result: z.unknown().optional().meta({ description: 'completed with a result that is not an object' }),
    })
    .meta({ description: "A queue request's lifecycle (seed 001). completed also carries the result's top-level fields (the lifecycle fields win)." }),
);

export const FalResultPayload = responseSchema(
  'FalResultPayload',
  z
    .object({
      request_id: z.string(),
      gateway_request_id: z.string().meta({ description: 'the same as request_id' }),
      status: z.enum(['OK', 'ERROR']),
      payload: z.unknown().meta({ description: "OK: the worker's result; ERROR: { detail: <the worker's error> }, or null when cancelled" }),
      error: z.string().nullable().meta({ description: 'ERROR: what went wrong' }),
    })
    .meta({ description: "fal's webhook body, once, when a request submitted on /fal/queue/... with ?fal_webhook= ends (after its lifecycle events)." }),
);

export const ProjectTaskPayload = responseSchema(
  'ProjectTaskPayload',
  z
    .object({
      workflowId: z.string().meta({ description: 'the jobId' }),
      type: z.string().nullable().meta({ description: "the task's node name" }),
      taskId: z.string().nullable(),
      batchId: z.string().nullable(),
      projectId: z.string().nullable(),
    })
    .meta({ description: 'A task of a job in the project or batch completed (seed 003)' }),
);

export const NotificationPayload = responseSchema(
  'NotificationPayload',
  z
    .object({
      project: z.string().nullable(),
      title: z.string().meta({ examples: ['Job finished: batch/batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10 (failed)'] }),
      type: z.string().meta({ description: 'the event with an underscore: job_completed, task_failed, delivery_exhausted, subscription_disabled, test', examples: ['job_failed'] }),
      body: z.string().meta({ description: 'Markdown with a link to the job' }),
      url: z.string().meta({ description: "the job's status path (a delivery's path for delivery_exhausted, the project's disabled subscriptions for subscription_disabled)" }),
      data: z.record(z.string(), z.unknown()).meta({ description: 'flat herald.-prefixed keys: herald.event-type, herald.job-id, herald.status, herald.count-<state>, …' }),
    })
    .meta({ description: 'A notification routed to a channel (seed 002)' }),
);

const signatureHeaders = [
  { name: 'webhook-id', in: 'header', required: false, description: 'Standard Webhooks message id (msg_<uuid>), when the subscription has a secret', schema: { type: 'string' } },
  { name: 'webhook-timestamp', in: 'header', required: false, description: 'epoch seconds of the attempt, when signed', schema: { type: 'string' } },
  {
    name: 'webhook-signature',
    in: 'header',
    required: false,
    description: 'space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation',
    schema: { type: 'string' },
  },
];

/** fal's webhook signature (domain/fal-signature.ts), on every attempt of a fal.result webhook. */
const FAL_SIGNED_MESSAGE = 'request_id "\\n" user_id "\\n" timestamp "\\n" hex(sha256(raw body))';
const falSignatureHeaders = [
  { name: 'X-Fal-Webhook-Request-Id', in: 'header', required: true, description: "the request's id: the body's request_id", schema: { type: 'string' } },
  { name: 'X-Fal-Webhook-User-Id', in: 'header', required: true, description: "whose request it is: the request's project id, or herald when it has none", schema: { type: 'string' } },
  {
    name: 'X-Fal-Webhook-Timestamp',
    in: 'header',
    required: true,
    description: `unix seconds of the attempt (a retry is signed again); fal's receiver accepts ±${FAL_TIMESTAMP_TOLERANCE_SECONDS} s around its clock`,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  {
    name: 'X-Fal-Webhook-Signature',
    in: 'header',
    required: true,
    description: `hex of the ED25519 signature (64 bytes) of the UTF-8 message ${FAL_SIGNED_MESSAGE}, by a key of the JWKS at /fal/.well-known/jwks.json (or /.well-known/jwks.json); any key of the set may verify it`,
    schema: { type: 'string', pattern: '^[0-9a-f]{128}$' },
  },
];

function webhook(summary: string, description: string, schema: z.ZodType, moreHeaders: typeof signatureHeaders = []): PathItemObject {
  return {
    post: {
      summary,
      description,
      parameters: [...signatureHeaders, ...moreHeaders] as PathItemObject['parameters'],
      requestBody: { required: true, content: { 'application/json': { schema: refTo(schema) } } },
      responses: {
        '2XX': { description: 'Delivered' },
        '410': { description: 'Gone: the subscription is disabled and gets nothing more' },
        default: { description: 'Any other answer, a timeout or a network error: the attempt is retried on the retry schedule' },
      },
    },
  };
}

export const HERALD_WEBHOOKS: Record<string, PathItemObject> = {
  'exec.progress': webhook('Progress of a job', 'To webhooks.progress of an exec request, on each event at or above its progressVerbosityLevel; an older progress message may give way to a newer one.', StatusView),
  'exec.result': webhook('Results of a finished job', 'To webhooks.result of an exec request, once, when the job completes, fails or stops.', ResultsView),
  'queue.lifecycle': webhook('Lifecycle of a queue request', 'To the ?webhook= / X-Webhook-Url of a queue request: acquired, retried, completed, failed, cancelled, in order.', LifecyclePayload),
  'fal.result': webhook(
    'A fal request ended',
    'To the ?fal_webhook= of a request submitted on the fal routes, once it completes, fails or is cancelled (its lifecycle events go to the same URL first). ' +
      `Signed as fal signs it: X-Fal-Webhook-Signature is the hex ED25519 signature of ${FAL_SIGNED_MESSAGE} (the other three X-Fal-Webhook-* headers, one a line), ` +
      "verifiable with any key of Herald's JWKS (/fal/.well-known/jwks.json). The JWKS publishes the next key before it signs: a copy cached up to 24 h, or up to the time between two rotations if less, keeps verifying.",
    FalResultPayload,
    falSignatureHeaders,
  ),
  'project.task': webhook('A task of a project or batch completed', 'To the webhook of the project (or of the batch) of the job.', ProjectTaskPayload),
  notification: webhook('A notification', 'To a notification channel, for the event types routed to it.', NotificationPayload),
};
