import { z } from 'zod';
import { requestSchema, responseSchema } from '../../common/openapi';
import { PipelineRequest } from '../../jobs/http/jobs.schemas';
import type { StoredPipeline as StoredPipelineType } from '../domain/stored-pipeline';

/**
 * Requests and answers of stored pipelines and webhook triggers. A stored pipeline is checked by
 * its domain validator (stored-pipeline.ts, with the exec/raw rules); a run by name is validated
 * by StoredRunRequest.
 */

const WebhookTrigger = z.strictObject({
  secret: z.string().optional().meta({ description: 'whsec_<base64, at least 16 bytes>: requests must carry a valid Standard Webhooks signature' }),
  flowInputPath: z.string().optional().meta({ description: 'JSONPath into the request body for flowInput (default: the whole body)', examples: ['$.data'] }),
});

const Triggers = z.strictObject({ webhook: WebhookTrigger.optional() }).meta({ description: 'How else it may be started: POST /api/v1/hooks/{name}' });

export const StoredPipelineRequest = requestSchema(
  'StoredPipelineRequest',
  PipelineRequest.extend({ triggers: Triggers.optional() }).meta({ description: 'An exec/raw body (validated the same way) plus optional triggers' }),
);

export const StoredPipelineReplace = requestSchema(
  'StoredPipelineReplace',
  StoredPipelineRequest.partial({ name: true }).meta({ description: 'As StoredPipelineRequest; a name, when given, must be the one in the path' }),
);

export const StoredRunRequest = requestSchema(
  'StoredRunRequest',
  z.strictObject({
    name: z.string({ error: 'is required: the name of a stored pipeline' }).min(1, { error: 'is required: the name of a stored pipeline' }),
    flowInput: z.unknown().optional().meta({ description: 'an object, merged (one level) over the stored flowInput' }),
    options: z.unknown().optional().meta({ description: 'an object, merged (one level) over the stored options' }),
    projectId: z.string({ error: 'must be a project id' }).optional().meta({ description: "an admin key: run that project's pipeline of this name" }),
  }),
);

export const HookRequestBody = requestSchema('HookRequestBody', z.unknown().meta({ description: "Any JSON: the run's flowInput is this body, or the object at the trigger's flowInputPath" }));

export const StoredPipelineListQuery = z.object({
  projectId: z.string({ error: 'must be one value' }).optional().meta({ description: "an admin key: one project's pipelines only" }),
});

export const StoredPipelineQuery = z.object({
  projectId: z.string({ error: 'must be one value' }).optional().meta({ description: "an admin key: the project whose pipeline it is (default: one stored with an admin key); a project key: its own, or left out" }),
});

export const StoredPipeline = responseSchema(
  'StoredPipeline',
  z.object({
    name: z.string(),
    projectId: z.string().optional().meta({ description: "the project whose key stored it (absent: stored with an admin key)" }),
    definition: z.record(z.string(), z.unknown()).meta({ description: 'the exec/raw body, as submitted, its secrets masked (webhooks.secret as "whsec_…", header values but their last 4 characters)' }),
    triggers: z.object({ webhook: z.object({ secret: z.string().optional().meta({ description: 'shown as "whsec_…"' }), flowInputPath: z.string().optional() }).optional() }).optional(),
    createdAt: z.string().optional().meta({ format: 'date-time' }),
    updatedAt: z.string().optional().meta({ format: 'date-time' }),
  }),
) satisfies z.ZodType<StoredPipelineType>;

export const StoredPipelineList = responseSchema('StoredPipelineList', z.object({ pipelines: z.array(StoredPipeline) }));

export const HookAnswer = responseSchema('HookAnswer', z.object({ jobId: z.string(), statusUrl: z.url() }).meta({ description: 'The run started (or, for a webhook-id seen within 24 h, the first run)' }));
