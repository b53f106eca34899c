import { z } from 'zod';
import { requestSchema, responseSchema } from '../../common/openapi';
import { asOneField, summarised } from '../../common/zod-validation';
import { isHttpUrl, NAME } from '../../jobs/domain/pipeline.validate';
import { ROUTABLE_EVENTS } from '../../webhooks/domain/subscription.types';
import { PROJECT_LIST_DEFAULT_LIMIT, PROJECT_LIST_MAX_LIMIT, type ProjectListing as ProjectListingType } from '../domain/project-list';
import { UUID } from '../domain/project-webhooks';

/**
 * Requests and answers of the project routes: seed 003's project and batch webhooks, seed 002's
 * notification channels and routings, the listing of projects. ProjectsService validates the
 * bodies with these schemas (after the project id and, for a PATCH, the channel itself), the
 * listing's query by ProjectListQuery.
 */

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const SINGLE_LINE = /^[^\r\n]*$/;
const SECRET_RULE = 'must be whsec_ followed by at least 16 base64-encoded bytes';

const httpUrl = () =>
  z
    .string({ error: 'must be an http or https URL' })
    .max(2048)
    .refine(isHttpUrl, { error: 'must be an http or https URL' })
    .meta({ format: 'uri', description: 'http or https' });

const secret = () =>
  z
    .string({ error: SECRET_RULE })
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => Buffer.from(s.slice(6), 'base64').length >= 16, { error: SECRET_RULE })
    .meta({ description: 'whsec_<base64, at least 16 bytes>: Standard Webhooks signing secret (never shown back)' });

const headers = () =>
  asOneField(
    z.record(z.string(), z.string().regex(SINGLE_LINE)).superRefine((h, ctx) => {
      for (const name of Object.keys(h)) if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid header name' });
    }),
    'must be an object of single-line string values',
  ).meta({ description: 'sent with every notification' });

const channelName = () =>
  z
    .string({ error: 'is required: 1-200 characters' })
    .max(200)
    .refine((s) => s.trim().length > 0, { error: 'is required: 1-200 characters' })
    .transform((s) => s.trim());

export const ProjectWebhookRequest = requestSchema(
  'ProjectWebhookRequest',
  z.strictObject({
    url: httpUrl(),
    header: z
      .string({ error: 'must be a single-line string of at most 4096 characters' })
      .max(4096)
      .regex(SINGLE_LINE)
      .nullable()
      .optional()
      .meta({ description: 'sent as the Authorization header' }),
  }),
);

export const ChannelRequest = requestSchema('ChannelRequest', z.strictObject({ name: channelName(), url: httpUrl(), headers: headers().optional(), secret: secret().optional() }));

export const ChannelPatch = requestSchema(
  'ChannelPatch',
  z.strictObject({ name: channelName().optional(), url: httpUrl().optional(), headers: headers().optional(), secret: secret().optional() }).meta({ description: 'The fields to change' }),
);

export const RoutingRequest = requestSchema(
  'RoutingRequest',
  z.strictObject({
    event: z.enum(ROUTABLE_EVENTS, { error: `must be one of ${ROUTABLE_EVENTS.join(', ')}` }),
    channelId: z
      .string({ error: 'must be the id of a channel of this project' })
      .regex(UUID)
      .transform((s) => s.toLowerCase())
      .meta({ format: 'uuid' }),
  }),
);

const time = () => z.string().meta({ format: 'date-time' });

export const ProjectWebhookView = responseSchema(
  'ProjectWebhookView',
  z.object({
    url: z.string(),
    header: z.string().nullable().meta({ description: 'masked but for its last 4 characters' }),
    updatedAt: time(),
    lastCall: z.unknown().meta({ description: '{ statusCode, message, date } of the last call, or null' }),
    lastError: z.unknown().meta({ description: '{ statusCode, message, body, date } of the last failed call, or null' }),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().nullable(),
    disabledAt: time().nullable(),
    skippedEvents: z.int().meta({ description: 'events it missed while disabled' }),
    failingSince: time().nullable().meta({ description: 'every attempt has failed since then (disabled after HERALD_WEBHOOK_DISABLE_AFTER_DAYS); null after a 2xx or a PUT' }),
  }),
);

export const ChannelView = responseSchema(
  'ChannelView',
  z.object({
    id: z.string().meta({ format: 'uuid' }),
    projectId: z.string(),
    name: z.string().nullable(),
    url: z.string(),
    headers: z.record(z.string(), z.string()).meta({ description: 'values masked but for their last 4 characters' }),
    hasSecret: z.boolean(),
    events: z.array(z.string()).meta({ description: 'the event types routed to it' }),
    status: z.enum(['active', 'disabled']),
  }),
);

export const ChannelList = responseSchema('ChannelList', z.object({ channels: z.array(ChannelView) }));

export const ChannelTestAttempt = responseSchema(
  'ChannelTestAttempt',
  z.object({
    deliveryId: z.string(),
    attempt: z.int(),
    url: z.string(),
    statusCode: z.int().nullable(),
    statusMessage: z.string().nullable(),
    responseBody: z.string().nullable(),
    durationMs: z.number(),
    errorCode: z.string().nullable(),
    outcome: z.enum(['delivered', 'failed']),
    attemptedAt: time(),
  }),
);

export const RoutingView = responseSchema(
  'RoutingView',
  z.object({ id: z.string().meta({ format: 'uuid' }), projectId: z.string(), event: z.string(), channelId: z.string().meta({ format: 'uuid' }), createdAt: time() }),
);

export const RoutingList = responseSchema('RoutingList', z.object({ routings: z.array(RoutingView) }));

export const ProjectListQuery = z.object({
  limit: summarised(z.coerce.number({ error: 'out of range' }).int().min(1).max(PROJECT_LIST_MAX_LIMIT), `limit must be an integer from 1 to ${PROJECT_LIST_MAX_LIMIT}`)
    .default(PROJECT_LIST_DEFAULT_LIMIT)
    .meta({ description: `projects per page (default ${PROJECT_LIST_DEFAULT_LIMIT})` }),
  cursor: summarised(z.string({ error: 'not a cursor from a previous page' }).regex(NAME, { error: 'not a cursor from a previous page' }), 'cursor is not valid')
    .optional()
    .meta({ description: 'nextCursor of the previous page (the last projectId it listed)' }),
});

export const ProjectListing = responseSchema(
  'ProjectListing',
  z.object({
    projectId: z.string(),
    jobsInFlight: z.int().meta({ description: 'its unfinished (pending, active, paused) jobs and queue requests' }),
    webhooks: z.int().meta({ description: "its project webhook and its batches' webhooks (disabled ones too)" }),
    channels: z.int().meta({ description: 'its notification channels' }),
    keys: z.int().meta({ description: 'its API keys' }),
    lastJobAt: time().nullable().meta({ description: 'when its latest job or queue request was submitted; null: none' }),
  }),
) satisfies z.ZodType<ProjectListingType>;

export const ProjectList = responseSchema(
  'ProjectList',
  z.object({
    projects: z.array(ProjectListing).meta({ description: 'by projectId: every project with a key, a webhook, a channel, a routing, a stored pipeline or a job (a project key: its own)' }),
    nextCursor: z.string().nullable().meta({ description: 'pass it as cursor for the next page; null on the last page' }),
  }),
);
