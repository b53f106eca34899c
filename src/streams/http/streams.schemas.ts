import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { refTo, responseSchema } from '../../common/openapi';
import { summarised } from '../../common/zod-validation';
import { LEVELS } from '../../event-store/event.types';
import { EVENT_LEVEL } from '../../jobs/domain/job.events';
import { isStorableText } from '../../jobs/domain/storable';

/** Every job event type (the events stream's `types`). */
export const EVENT_TYPES = Object.keys(EVENT_LEVEL);

export const StatusStreamQuery = z.object({
  level: summarised(z.enum(LEVELS, { error: 'unknown level' }), `level must be one of ${LEVELS.join(', ')}`)
    .optional()
    .meta({ description: "lowest event level whose snapshot is sent, as a job's progressVerbosityLevel (default: the job's own); the final snapshot is always sent" }),
  token: z.string().optional().meta({ description: 'a stream token (POST …/stream-token) in place of the Authorization header, for EventSource' }),
});

const id = (what: string) =>
  summarised(
    z
      .string()
      .min(1)
      .max(512)
      .refine((v) => isStorableText(v)),
    `${what} must be a non-empty text of up to 512 characters`,
  ).optional();

export const EventsStreamQuery = z.object({
  projectId: id('projectId').meta({ description: "only this project's events (a project key: its own project, always)" }),
  jobId: id('jobId').meta({ description: "only this job's events" }),
  types: summarised(
    z
      .string()
      .max(2000)
      .transform((v, ctx) => {
        const types = v.split(',').map((t) => t.trim());
        const unknown = types.filter((t) => !EVENT_TYPES.includes(t));
        if (unknown.length > 0) {
          ctx.addIssue({ code: 'custom', message: `unknown event types: ${unknown.join(', ')}` });
          return z.NEVER;
        }
        return types;
      }),
    `types must be event types separated by commas (${EVENT_TYPES.join(', ')})`,
  )
    .optional()
    .meta({ description: 'comma-separated event types, e.g. task.succeeded,job.completed', examples: ['task.succeeded,job.completed'] }),
});

export const StreamTokenAnswer = responseSchema(
  'StreamTokenAnswer',
  z.object({
    token: z.string().meta({ description: 'send as ?token= on GET /api/v1/exec/status/{jobId}/stream (that job only)', examples: ['hst_3q2+…'] }),
    expiresAt: z.string().meta({ format: 'date-time', description: 'ten minutes after it was made' }),
  }),
);

export const StreamedEvent = responseSchema(
  'StreamedEvent',
  z
    .object({
      globalPosition: z.int().meta({ description: "the event's position in the log: the SSE id" }),
      streamId: z.string().meta({ description: 'the jobId' }),
      version: z.int(),
      type: z.string().meta({ examples: ['task.succeeded'] }),
      data: z.unknown(),
      metadata: z.record(z.string(), z.unknown()),
      createdAt: z.string().meta({ format: 'date-time' }),
    })
    .meta({ description: 'The data of one events-stream event (a request\'s secrets masked, as in GET /api/v1/jobs/{jobId}/events)' }),
);

/** The Last-Event-ID header (EventSource sends it when it reconnects). */
export const ApiLastEventId = (what: string) => ApiHeader({ name: 'Last-Event-ID', required: false, description: `resume right after this ${what} (the id of the last event received)` });

/**
 * A 200 answer of server-sent events: `text/event-stream`, each event's `data:` one JSON value
 * of `data` (named in x-herald-event-data), and 204 when a resumed stream has nothing left.
 */
export function ApiEventStream(description: string, data: z.ZodType, noContent?: string): MethodDecorator {
  const stream = {
    schema: { type: 'string', description: 'server-sent events: `id:`, `event:`, `data:` lines and a blank line per event; `: keep-alive` comments while idle' },
    'x-herald-event-data': refTo(data),
  };
  return applyDecorators(
    ApiResponse({ status: 200, description, content: { 'text/event-stream': stream } } as Parameters<typeof ApiResponse>[0]),
    ...(noContent ? [ApiResponse({ status: 204, description: noContent })] : []),
  );
}
