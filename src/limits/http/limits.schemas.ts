import { z } from 'zod';
import { requestSchema, responseSchema } from '../../common/openapi';
import { LIMIT_NAMES } from '../domain/project-limits';

/** Requests and answers of a project's limits. ProjectLimitsService validates the body with LimitsRequest. */

const override = (what: string) =>
  z
    .int({ error: 'must be an integer from 0 to 100000000, or null for the default' })
    .min(0, { error: 'must be an integer from 0 to 100000000, or null for the default' })
    .max(100_000_000, { error: 'must be an integer from 0 to 100000000, or null for the default' })
    .nullable()
    .optional()
    .meta({ description: `${what}; 0: no limit; null or absent: the configured default` });

export const LimitsRequest = requestSchema(
  'LimitsRequest',
  z.strictObject({
    requestsPerSecond: override('requests per second of the project, all instances together (each takes its share)'),
    maxJobsInFlight: override('unfinished jobs and queue requests'),
    maxSubscriptions: override('project and batch webhooks and channels'),
  }),
);

const values = z.object({ requestsPerSecond: z.int(), maxJobsInFlight: z.int(), maxSubscriptions: z.int() });

export const LimitsView = responseSchema(
  'LimitsView',
  z.object({
    projectId: z.string(),
    limits: values.meta({ description: 'what applies (0: no limit)' }),
    defaults: z.array(z.enum(LIMIT_NAMES)).meta({ description: 'which of them are the configured defaults' }),
    perInstance: z.object({ requestsPerSecond: z.int(), liveInstances: z.int() }).meta({ description: "this instance's share of the rate" }),
    usage: z.object({ jobsInFlight: z.int(), subscriptions: z.int() }).meta({ description: 'what the project uses now (counted up to its limit)' }),
  }),
);
