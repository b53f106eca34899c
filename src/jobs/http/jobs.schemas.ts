import { z } from 'zod';
import { ValidationError } from '../../common/domain-error';
import { requestSchema, responseSchema } from '../../common/openapi';
import { asOneField, parseBody, summarised } from '../../common/zod-validation';
import { LEVELS } from '../../event-store/event.types';
import { WEBHOOK_DEFAULTS } from '../../stages/domain/webhook-stage.types';
import type { AcquiredTask as AcquiredTaskType } from '../commands/acquire-tasks.command';
import type { CompletedItem } from '../commands/complete-tasks.command';
import type { ResultsView as ResultsViewType, StatusView as StatusViewType } from '../domain/job-status.view';
import type { JobStatus } from '../domain/job.state';
import { DEFAULT_OPTIONS, DEFAULT_PRIORITY, DEFAULT_RETRY, PIPELINE_LIMITS as L, type JobKind } from '../domain/pipeline.types';
import { ALGORITHM_NAME, NAME, NODE_NAME, PIPELINE_NAME } from '../domain/pipeline.validate';
import { BATCH_OPERATIONS } from '../domain/input-expand';
import { isStorableText, UNSTORABLE_TEXT } from '../domain/storable';
import type { JobEventView } from '../job-queries.service';

/**
 * The exec, worker and audit routes' requests and answers. Worker bodies, stop and the list
 * queries are validated by these schemas; a pipeline is validated by its domain validator
 * (pipeline.validate.ts, webhook-stage.validate.ts), and PipelineRequest only describes it.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,254}$/;
const JOB_STATUSES = ['pending', 'active', 'paused', 'completed', 'failed', 'stopped'] as const satisfies readonly JobStatus[];
const TASK_STATES = ['pending', 'active', 'succeed', 'failed', 'skipped', 'stopped'] as const;

/** Most results in one POST /tasks/complete. */
export const MAX_BATCH_RESULTS = 1000;

// ------------------------------------------------------------------ pipelines (described; pipeline.validate.ts decides)

const Retry = z.strictObject({
  limit: z.int().min(L.retryLimit.min).max(L.retryLimit.max).default(DEFAULT_RETRY.limit).meta({ description: 'retries after the first attempt' }),
  delaySeconds: z.number().min(L.retryDelaySeconds.min).max(L.retryDelaySeconds.max).default(DEFAULT_RETRY.delaySeconds),
  backoff: z.boolean().default(DEFAULT_RETRY.backoff).meta({ description: 'doubles the delay per attempt' }),
});

const Input = z.array(z.unknown()).meta({
  description:
    'literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays',
  examples: [['#[1,2,3]'], ['@green'], [{ a: '@flowInput.x', b: ['#@flowInput.list'] }]],
});

const Headers = z.record(z.string(), z.string());
const StatusList = z.string().meta({ description: 'comma-separated, case-insensitive' });
const HttpCodes = z.array(z.int().min(100).max(599));

/** A webhook stage's call (docs/API.md, "Webhook stages"); `${ … }` expressions are allowed in url, headers, payloads. */
export const WebhookStage = requestSchema(
  'WebhookStage',
  z.strictObject({
    url: z.string().meta({ examples: ['https://ci.example/deploy?env=${ flowInput.env }'] }),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default(WEBHOOK_DEFAULTS.method as 'POST'),
    customHeaders: Headers.optional(),
    payload: z.unknown().optional(),
    waitForCompletion: z.boolean().default(WEBHOOK_DEFAULTS.waitForCompletion),
    statusUrlResolution: z.enum(['getMethod', 'locationHeader', 'webhookResponse']).default(WEBHOOK_DEFAULTS.statusUrlResolution),
    statusUrlJsonPath: z.string().optional().meta({ description: 'JSONPath; required with statusUrlResolution webhookResponse' }),
    statusJsonPath: z.string().optional().meta({ description: 'JSONPath; required when waitForCompletion', examples: ['$.status'] }),
    progressJsonPath: z.string().optional(),
    successStatuses: StatusList.default(WEBHOOK_DEFAULTS.successStatuses.join(',')),
    canceledStatuses: StatusList.optional(),
    terminalStatuses: StatusList.optional(),
    failFastStatusCodes: HttpCodes.default(WEBHOOK_DEFAULTS.failFastStatusCodes),
    retryStatusCodes: HttpCodes.default(WEBHOOK_DEFAULTS.retryStatusCodes).meta({ description: 'retried too (every 5xx is)' }),
    retries: z.record(z.string().regex(/^[1-5]\d\d$/), z.strictObject({ maxAttempts: z.int().min(1).max(1000) })).optional(),
    waitBeforeMonitorSeconds: z.number().min(0).max(86_400).default(WEBHOOK_DEFAULTS.waitBeforeMonitorSeconds),
    monitorOnly: z.boolean().default(WEBHOOK_DEFAULTS.monitorOnly),
    cancelEndpoint: z.string().optional(),
    cancelMethod: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default(WEBHOOK_DEFAULTS.cancelMethod as 'POST'),
    cancelPayload: z.unknown().optional(),
    timeoutSeconds: z.number().min(0.1).max(30 * 86_400).default(WEBHOOK_DEFAULTS.timeoutSeconds).meta({ description: 'the whole stage' }),
    callTimeoutSeconds: z.number().min(0.1).max(300).default(WEBHOOK_DEFAULTS.callTimeoutSeconds).meta({ description: 'one request' }),
    createRetryBudgetSeconds: z.number().min(0).max(86_400).default(WEBHOOK_DEFAULTS.createRetryBudgetSeconds),
    pollIntervalSeconds: z.number().min(0.01).max(3600).optional().meta({ description: 'default: 1 s for the first minute of polling, then 15 s' }),
  }),
);

const BatchOperation = z.enum(BATCH_OPERATIONS as ['indexed', 'cartesian']).optional().meta({ description: 'how batch inputs combine: indexed (zipped, default) or cartesian' });
/** HKube's node fields Herald accepts and ignores. */
const IgnoredNodeFields = {
  ttl: z.unknown().optional().meta({ description: 'HKube field, accepted and ignored' }),
  includeInResult: z.unknown().optional().meta({ description: 'HKube field, accepted and ignored' }),
  metrics: z.unknown().optional().meta({ description: 'HKube field, accepted and ignored' }),
};

const WorkerNode = z
  .strictObject({
    nodeName: z.string().regex(NODE_NAME).meta({ examples: ['green'] }),
    kind: z.literal('algorithm').optional().meta({ description: "HKube's default node kind" }),
    algorithmName: z.string().max(L.algorithmName).regex(ALGORITHM_NAME).meta({ examples: ['green-alg'] }),
    input: Input.optional(),
    batchOperation: BatchOperation,
    retry: Retry.optional(),
    ...IgnoredNodeFields,
  })
  .meta({ title: 'worker node', description: 'Run by the workers that acquire its algorithm' });

const StageNode = z
  .strictObject({
    nodeName: z.string().regex(NODE_NAME).meta({ examples: ['hook'] }),
    kind: z.literal('webhook'),
    input: Input.optional(),
    batchOperation: BatchOperation,
    webhook: WebhookStage,
    ...IgnoredNodeFields,
  })
  .meta({ title: 'webhook stage', description: 'Run by Herald itself once the nodes it reads have finished' });

const ExecWebhooks = z.strictObject({
  progress: z.url().optional().meta({ description: 'http(s); receives the status view on every event at or above progressVerbosityLevel' }),
  result: z.url().optional().meta({ description: 'http(s); receives the results view once' }),
  secret: z.string().optional().meta({ description: 'whsec_<base64, at least 16 bytes>: sign deliveries (Standard Webhooks)' }),
  headers: Headers.optional(),
});

export const PipelineRequest = requestSchema(
  'PipelineRequest',
  z
    .strictObject({
      name: z.string().regex(PIPELINE_NAME).meta({ examples: ['batch'] }),
      kind: z.literal('batch').optional().meta({ description: '"stream" is refused (STREAMING_NOT_SUPPORTED)' }),
      description: z.string().optional().meta({ description: 'HKube field, accepted and ignored' }),
      experimentName: z.string().optional().meta({ description: 'HKube field, accepted and ignored' }),
      tags: z.array(z.string()).optional().meta({ description: 'HKube field, accepted and ignored' }),
      nodes: z.array(z.union([WorkerNode, StageNode])).min(1).max(L.nodes),
      flowInput: z.record(z.string(), z.unknown()).nullable().optional(),
      webhooks: ExecWebhooks.optional(),
      options: z
        .strictObject({
          progressVerbosityLevel: z.enum(LEVELS).default(DEFAULT_OPTIONS.progressVerbosityLevel),
          batchTolerance: z.number().min(L.batchTolerance.min).max(L.batchTolerance.max).default(DEFAULT_OPTIONS.batchTolerance).meta({ description: '% of failed items of a batch node at which the job fails' }),
          ttl: z.int().min(L.ttlSeconds.min).max(L.ttlSeconds.max).default(DEFAULT_OPTIONS.ttl).meta({ description: 'seconds until an unfinished job is stopped (0: the longest, 30 days)' }),
          activeTtl: z
            .int()
            .min(L.activeTtlSeconds.min)
            .max(L.activeTtlSeconds.max)
            .nullable()
            .optional()
            .meta({ description: 'seconds a started job may run before it is stopped ("pipeline active TTL expired"); null: none' }),
          concurrentPipelines: z
            .strictObject({
              amount: z.int().min(L.concurrentPipelines.min).max(L.concurrentPipelines.max).optional().meta({ description: 'unfinished jobs of this pipeline name in the project at most (absent: no limit)' }),
              rejectOnFailure: z.boolean().default(true).meta({ description: 'true: refused over the limit (400 CONCURRENT_PIPELINES_LIMIT); false: accepted, waits until a job of the pipeline ends' }),
            })
            .optional(),
        })
        .optional(),
      priority: z.int().min(L.priority.min).max(L.priority.max).default(DEFAULT_PRIORITY).meta({ description: '1 is the most urgent' }),
      projectId: z.string().regex(NAME).optional(),
      batchId: z.string().regex(NAME).optional().meta({ description: 'needs projectId' }),
    })
    .meta({
      description:
        "A pipeline of nodes (HKube's exec/raw format). Validated by HKube's rules (docs/API.md): bad names, expressions, unknown or cyclic references are 400, `message` in HKube's wording and each path in details; unknown fields are 400 too. Numeric strings are coerced to numbers where HKube coerces.",
      examples: [{ name: 'batch', nodes: [{ nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...10]'] }, { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] }] }],
    }),
);

// ------------------------------------------------------------------ exec requests

/** HKube's time bounds ("2021-03-11T14:30:00"): a date-time, read as UTC unless it names a zone. */
const HKUBE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const hkubeTime = () =>
  z
    .string({ error: 'must be a date-time such as 2021-03-11T14:30:00' })
    .regex(HKUBE_TIME, { error: 'must be a date-time such as 2021-03-11T14:30:00' })
    .refine((t) => !Number.isNaN(Date.parse(toUtc(t))), { error: 'must be a date-time such as 2021-03-11T14:30:00' })
    .meta({ description: 'UTC unless it names a zone', examples: ['2021-03-11T14:30:00'] });

/** The instant an HKube time bound names (a time without a zone is UTC). */
export function toUtc(time: string): string {
  const withTime = time.includes('T') ? time : `${time}T00:00:00`;
  return /(Z|[+-]\d{2}:?\d{2})$/.test(withTime) ? withTime : `${withTime}Z`;
}

const TimeRange = z.object({ from: hkubeTime().optional(), to: hkubeTime().optional() }, { error: 'must be an object { from?, to? }' });
const hasRange = (r: { from?: string; to?: string } | undefined) => r !== undefined && (r.from !== undefined || r.to !== undefined);
const statusNames = z.string().min(1).max(64).refine(isStorableText);

export const StopRequest = requestSchema(
  'StopRequest',
  z
    .object({
      jobId: z.string({ error: 'is required' }).min(1, { error: 'is required' }).optional().meta({ description: 'one job (404 JOB_NOT_FOUND, 409 when finished); without it: every unfinished job of the key\'s project(s) that the other fields match' }),
      pipelineName: z.string({ error: 'must be a pipeline name' }).min(1, { error: 'must be a pipeline name' }).max(L.name).refine(isStorableText, { error: 'must be a pipeline name' }).optional(),
      startTime: TimeRange.optional().meta({ description: 'submitted within [from, to]' }),
      statusToStop: asOneField(z.union([statusNames, z.array(statusNames).min(1).max(20)]), 'must be a status, "s1,s2", or an array of statuses').optional().meta({ description: 'default active, pending, paused' }),
      reason: z.string({ error: 'must be a string of at most 1000 characters' }).max(1000).optional(),
    })
    .superRefine((b, ctx) => {
      // Stopping "everything" must be asked for by some criterion (HKube stops every job on {}).
      if (b.jobId === undefined && b.pipelineName === undefined && !hasRange(b.startTime) && b.statusToStop === undefined) ctx.addIssue({ code: 'custom', path: ['jobId'], message: 'is required' });
    })
    .meta({ description: 'HKube\'s stop: a jobId, or criteria (pipelineName, startTime, statusToStop) naming the unfinished jobs to stop; at least one of them' }),
);

/** HKube's pause and resume: one job by id. */
const pauseOrResume = (name: string, what: string) =>
  requestSchema(
    name,
    z
      .object({ jobId: z.string({ error: 'is required' }).min(1, { error: 'is required' }).meta({ description: 'the job (404 JOB_NOT_FOUND, 409 when it cannot be ' + what + ')' }) })
      .meta({ description: `HKube's ${what}` }),
  );
export const PauseRequest = pauseOrResume('PauseRequest', 'paused');
export const ResumeRequest = pauseOrResume('ResumeRequest', 'resumed');

/** The statuses a stop without statusToStop stops (HKube's list). */
export const DEFAULT_STATUSES_TO_STOP = ['active', 'pending', 'paused'];

/** statusToStop as HKube reads it: an array, "a,b", or one status. */
export function statusesToStop(statusToStop: string | string[] | undefined): string[] {
  if (Array.isArray(statusToStop)) return statusToStop;
  if (typeof statusToStop === 'string') return statusToStop.split(',').map((s) => s.trim()).filter(Boolean);
  return DEFAULT_STATUSES_TO_STOP;
}

export const JobListQuery = z.object({
  status: summarised(z.enum(JOB_STATUSES, { error: 'unknown status' }), `status must be one of ${JOB_STATUSES.join(', ')}`).optional(),
  pipeline: summarised(z.string({ error: `must be one value that ${UNSTORABLE_TEXT}` }).refine(isStorableText, { error: `must be one value that ${UNSTORABLE_TEXT}` }), 'pipeline must be a single pipeline name').optional(),
  limit: summarised(z.coerce.number({ error: 'out of range' }).int().min(1).max(1000), 'limit must be an integer from 1 to 1000').default(100),
  cursor: summarised(z.string({ error: 'not a cursor from a previous page' }), 'cursor is not valid').optional().meta({ description: 'nextCursor of the previous page' }),
  raw: summarised(z.enum(['true', 'false'], { error: 'must be true or false' }), 'raw must be true or false')
    .optional()
    .meta({ description: "true (HKube's raw): the answer is a JSON array of the ids of the unfinished jobs (status: only those), oldest first, at most 10000; limit and cursor do not apply" }),
});

export const JobEventsQuery = z.object({
  // Versions are PostgreSQL integers: a larger fromVersion could not be compared.
  fromVersion: summarised(z.coerce.number({ error: 'invalid' }).int().min(1).max(2_147_483_647), 'fromVersion must be a positive integer').default(1),
  limit: summarised(z.coerce.number({ error: 'invalid' }).int().min(1).max(10_000), 'limit must be an integer from 1 to 10000').default(1000),
});

// ------------------------------------------------------------------ HKube's read routes

/** Longest list answered at once by pipeline/list, jobs?raw and a bulk stop. */
export const MAX_UNPAGED = 10_000;

/** What a search's `kind` (Herald's extension) tells apart: pipelines and named-queue requests. */
const SEARCH_KINDS = ['pipeline', 'queue'] as const satisfies readonly JobKind[];

const SearchFilters = z.object(
  {
    experimentName: z.string({ error: 'should be string' }).optional().meta({ description: 'Herald has one experiment, "main": another name finds nothing' }),
    pipelineName: z.string({ error: 'should be string' }).min(1, { error: 'should NOT be shorter than 1 characters' }).refine(isStorableText, { error: `should be a string that ${UNSTORABLE_TEXT}` }).optional(),
    pipelineType: z.string({ error: 'should be string' }).optional().meta({ description: 'not supported (400 SEARCH_FILTER_NOT_SUPPORTED)' }),
    algorithmName: z.string({ error: 'should be string' }).min(1, { error: 'should NOT be shorter than 1 characters' }).max(L.algorithmName, { error: `should NOT be longer than ${L.algorithmName} characters` }).refine(isStorableText, { error: `should be a string that ${UNSTORABLE_TEXT}` }).optional().meta({ description: 'jobs with a node of this algorithm' }),
    pipelineStatus: z.string({ error: 'should be string' }).refine(isStorableText, { error: `should be a string that ${UNSTORABLE_TEXT}` }).optional().meta({ description: 'one job status' }),
    datesRange: TimeRange.optional().meta({ description: 'submitted within [from, to]' }),
    // Herald's extensions (HKube's search has neither).
    projectId: z.string({ error: 'should be string' }).min(1, { error: 'should NOT be shorter than 1 characters' }).refine(isStorableText, { error: `should be a string that ${UNSTORABLE_TEXT}` }).optional().meta({ description: "Herald's extension (not HKube's): only this project's jobs; a project key naming another project finds none (an empty page)" }),
    kind: z.enum(SEARCH_KINDS, { error: 'should be equal to one of the allowed values' }).optional().meta({ description: "Herald's extension (not HKube's): pipeline (exec/raw, exec/stored, exec/algorithm, a trigger) or queue (a request on a named queue)" }),
  },
  { error: 'should be object' },
);

const searchPaging = {
  cursor: z.string({ error: 'should be string' }).optional().meta({ description: 'the cursor of the previous page' }),
  sort: z.enum(['asc', 'desc'], { error: 'should be equal to one of the allowed values' }).default('desc').meta({ description: 'by submission time' }),
};

export const SearchRequest = requestSchema(
  'SearchRequest',
  z
    .object({
      query: SearchFilters.optional(),
      ...searchPaging,
      pageNum: z.int({ error: 'should be integer' }).optional().meta({ description: 'not supported (400 SEARCH_FILTER_NOT_SUPPORTED): page with cursor' }),
      limit: z.int({ error: 'should be integer' }).min(1, { error: 'should be >= 1' }).max(100, { error: 'should be <= 100' }).default(100),
      fields: z.record(z.string(), z.unknown(), { error: 'should be object' }).optional().meta({ description: 'not supported (400 SEARCH_FILTER_NOT_SUPPORTED)' }),
      exists: z.record(z.string(), z.unknown(), { error: 'should be object' }).optional().meta({ description: 'not supported (400 SEARCH_FILTER_NOT_SUPPORTED)' }),
      tags: z.array(z.string({ error: 'should be string' }), { error: 'should be array' }).optional().meta({ description: 'Herald keeps no tags: any tag is 400 SEARCH_FILTER_NOT_SUPPORTED' }),
    })
    .meta({ description: "HKube's job search (POST /exec/search); query.projectId and query.kind are Herald's extensions", examples: [{ query: { pipelineName: 'batch', pipelineStatus: 'completed', datesRange: { from: '2021-05-22T15:00:00', to: '2021-06-22T16:00:00' } }, sort: 'desc', limit: 2 }] }),
);

/** GET /exec/search: the same filters as query parameters (HKube's names). */
export const SearchQuery = z.object({
  experimentName: z.string({ error: 'should be string' }).optional(),
  pipelineName: z.string({ error: 'should be string' }).optional(),
  pipelineType: z.string({ error: 'should be string' }).optional().meta({ description: 'not supported (400)' }),
  algorithmName: z.string({ error: 'should be string' }).optional(),
  pipelineStatus: z.string({ error: 'should be string' }).optional(),
  from: z.string({ error: 'should be string' }).optional().meta({ description: 'datesRange.from', examples: ['2021-03-11T14:30:00'] }),
  to: z.string({ error: 'should be string' }).optional().meta({ description: 'datesRange.to' }),
  projectId: z.string({ error: 'should be string' }).optional().meta({ description: "Herald's extension (not HKube's): only this project's jobs; a project key naming another project finds none (an empty page)" }),
  kind: z.string({ error: 'should be string' }).optional().meta({ description: "Herald's extension (not HKube's): pipeline or queue (a request on a named queue)" }),
  ...searchPaging,
  sort: z.string({ error: 'should be string' }).optional().meta({ description: 'asc or desc (default)' }),
  page: z.string({ error: 'should be string' }).optional().meta({ description: 'not supported (400)' }),
  limit: z.string({ error: 'should be string' }).optional().meta({ description: 'integer from 1 to 100 (default 100)' }),
  fields: z.string({ error: 'should be string' }).optional().meta({ description: 'not supported (400)' }),
  exists: z.string({ error: 'should be string' }).optional().meta({ description: 'not supported (400)' }),
  tags: z.string({ error: 'should be string' }).optional().meta({ description: 'comma-separated; not supported (400) unless empty' }),
});

/** The GET form of a search as its POST body (HKube's route does the same mapping). */
export function searchBodyOf(q: z.output<typeof SearchQuery>): Record<string, unknown> {
  const int = (v: string | undefined) => (v === undefined || v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : v);
  const tags = q.tags?.split(',').map((t) => t.trim()).filter(Boolean) ?? [];
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const datesRange = defined({ from: q.from, to: q.to });
  return defined({
    query: defined({
      experimentName: q.experimentName,
      pipelineName: q.pipelineName,
      pipelineType: q.pipelineType,
      algorithmName: q.algorithmName,
      pipelineStatus: q.pipelineStatus,
      datesRange: Object.keys(datesRange).length ? datesRange : undefined,
      projectId: q.projectId,
      kind: q.kind,
    }),
    cursor: q.cursor,
    sort: q.sort,
    pageNum: int(q.page),
    limit: int(q.limit),
    fields: q.fields === undefined ? undefined : {},
    exists: q.exists === undefined ? undefined : {},
    tags: tags.length ? tags : undefined,
  });
}

/** A search's problems in HKube's (ajv's) wording: "data.limit should be <= 100". */
export function parseSearch(body: unknown): z.output<typeof SearchRequest> {
  try {
    return parseBody(SearchRequest, body ?? {});
  } catch (e) {
    const first = e instanceof ValidationError && Array.isArray(e.details) ? (e.details[0] as { path?: string; message?: string } | undefined) : undefined;
    if (!first?.path) throw e;
    throw new ValidationError(`data.${first.path} ${first.message}`, e instanceof ValidationError ? e.details : undefined);
  }
}

export const FlowInputQuery = z.object({
  download: summarised(z.enum(['true', 'false', ''], { error: 'must be true or false' }), 'download must be true or false').optional().meta({ description: 'true: answer with Content-Disposition: attachment;filename="flowInput.json"' }),
});

// ------------------------------------------------------------------ worker requests

const workerName = z.string({ error: 'is required: 1-255 characters of letters, digits and ._:@/-' }).regex(WORKER_NAME).meta({ examples: ['worker-1'] });
const leaseSeconds = z.number({ error: 'must be a number from 0.1 to 86400' }).min(0.1).max(86_400);
const attempt = z.int({ error: 'must be the positive integer given at acquire' }).min(1).meta({ description: 'the attempt given at acquire (fences a re-acquired task)' });
const names = () => asOneField(z.array(z.string().min(1).max(128)).min(1).max(100), 'must be a non-empty array of up to 100 names').optional();

export const AcquireRequest = requestSchema(
  'AcquireRequest',
  z.object({
    workerName,
    leaseSeconds: leaseSeconds.optional().meta({ description: 'default: the queue setting, else 30' }),
    algorithmNames: names().meta({ description: 'pipeline tasks of these algorithms' }),
    queues: names().meta({ description: 'requests on these named queues (neither filter: any task)' }),
    max: z.int({ error: 'must be an integer from 1 to 1000' }).min(1).max(1000).default(1),
    waitSeconds: z
      .number({ error: 'must be a number from 0 to 30' })
      .min(0)
      .max(30)
      .default(0)
      .meta({ description: 'long poll: when nothing is pending, wait up to this long for a task to become available (answered as soon as one is taken); 0 answers at once' }),
  }),
);

export const HeartbeatRequest = requestSchema(
  'HeartbeatRequest',
  z.object({ workerName, leaseSeconds: leaseSeconds.optional().meta({ description: "default: the task's lease" }), attempt: attempt.optional() }),
);

export const CompleteRequest = requestSchema('CompleteRequest', z.object({ workerName, attempt: attempt.optional(), result: z.unknown().optional().meta({ description: 'any JSON value (default null)' }) }));

const BatchResult = z.object(
  {
    taskId: z.string({ error: 'must be a UUID' }).regex(UUID).meta({ format: 'uuid' }),
    result: z.unknown().optional(),
    attempt: attempt.optional(),
  },
  { error: 'must be an object { taskId, result?, attempt? }' },
);

export const CompleteManyRequest = requestSchema(
  'CompleteManyRequest',
  z.object({
    workerName,
    tasks: z
      .array(BatchResult, { error: `must be an array of 1 to ${MAX_BATCH_RESULTS} results ({ taskId, result?, attempt? })` })
      .min(1)
      .max(MAX_BATCH_RESULTS)
      .superRefine(
        (tasks, ctx) => {
          const seen = new Set<string>();
          tasks.forEach((t: unknown, i) => {
            const taskId = (t as { taskId?: unknown } | null)?.taskId;
            if (typeof taskId !== 'string' || !UUID.test(taskId)) return;
            if (seen.has(taskId.toLowerCase())) ctx.addIssue({ code: 'custom', path: [i, 'taskId'], message: 'appears twice' });
            seen.add(taskId.toLowerCase());
          });
        },
        // Also when other results are malformed: every problem is listed at once.
        { when: (payload) => Array.isArray(payload.value) && payload.value.length <= MAX_BATCH_RESULTS },
      )
      .meta({ description: 'no task twice' }),
  }),
);

export const ReleaseRequest = requestSchema('ReleaseRequest', z.object({ workerName, attempt: attempt.optional() }));

export const FailRequest = requestSchema(
  'FailRequest',
  z.object({
    workerName,
    attempt: attempt.optional(),
    error: z.unknown().refine((e) => e !== undefined && e !== null, { error: 'is required (a message string or an object)' }).meta({ description: 'a message string or an object' }),
    retryable: z.boolean({ error: 'must be a boolean' }).default(true).meta({ description: 'false: fail the task now, whatever its retry limit' }),
  }),
);

export const CompleteQuery = z.object({
  next: z
    .enum(['true', 'false', ''], { error: 'must be true or false' })
    .optional()
    .meta({ description: 'true: also take the next pending task of the same algorithm or queue (answered as `next`)' }),
});

export function parseTaskId(id: string): string {
  if (!UUID.test(id)) throw new ValidationError(`task id "${id}" is not a UUID`, [{ path: 'taskId', message: 'must be a UUID' }]);
  return id.toLowerCase();
}

// ------------------------------------------------------------------ answers

export const SubmitAnswer = responseSchema('SubmitAnswer', z.object({ jobId: z.string().meta({ description: '"<name>:<uuid v4>"', examples: ['batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10'] }) }));

const CountedStates = z.object({
  succeed: z.int().optional(),
  failed: z.int().optional(),
  skipped: z.int().optional(),
  stopped: z.int().optional(),
  active: z.int().optional(),
  pending: z.int().optional(),
  creating: z.int().optional(),
});

export const StatusView = responseSchema(
  'StatusView',
  z
    .object({
      jobId: z.string(),
      timestamp: z.string().meta({ format: 'date-time', description: 'of the event that produced this state' }),
      pipeline: z.string(),
      level: z.enum(LEVELS),
      status: z.enum(JOB_STATUSES),
      projectId: z.string().optional(),
      batchId: z.string().optional(),
      error: z.string().optional().meta({ description: 'a failed job', examples: ['8/10 (80%) failed tasks, batch tolerance is 80%, error: out of memory'] }),
      nodeName: z.string().optional().meta({ description: 'a failed job: the node whose task failure ended it' }),
      reason: z.string().optional().meta({ description: 'a stopped job', examples: ['stopped due to request'] }),
      netTimeTook: z.number().optional().meta({ description: 'a completed job: seconds from its start by a worker to its end' }),
      grossTimeTook: z.number().optional().meta({ description: 'a completed job: seconds from submission to its end' }),
      data: z.object({
        progress: z.string().meta({ description: 'two decimals; (succeed + failed + skipped) / all entries, where nodes never reached are not done', examples: ['36.36'] }),
        details: z.string().meta({ examples: ['36.36% completed, 2 succeed, 2 failed, 2 active, 4 pending, 1 creating'] }),
        states: CountedStates.meta({ description: 'non-zero counts only' }),
        activeNodes: z.array(
          z.object({
            nodeName: z.string(),
            algorithmName: z.string(),
            batch: z.object({ active: z.int().meta({ description: 'unfinished items (active + pending)' }), total: z.int() }),
            progress: z.string().optional().meta({ description: "a waiting webhook stage's remote progress" }),
          }),
        ),
      }),
    })
    .meta({ description: 'GET /api/v1/exec/status/{jobId}, and the body of the progress webhook' }),
) satisfies z.ZodType<StatusViewType>;

const resultHead = { nodeName: z.string(), batchID: z.string().optional().meta({ description: '"<nodeName>#<1-based index>"; absent without batch input' }), algorithmName: z.string(), context: z.unknown().optional().meta({ description: 'webhook stages' }) };

export const ResultsView = responseSchema(
  'ResultsView',
  z
    .object({
      jobId: z.string(),
      timestamp: z.string().meta({ format: 'date-time' }),
      pipeline: z.string(),
      status: z.enum(JOB_STATUSES),
      error: z.string().optional().meta({ description: 'a failed job' }),
      nodeName: z.string().optional().meta({ description: 'a failed job: the node whose task failure ended it' }),
      reason: z.string().optional().meta({ description: 'a stopped job' }),
      timeTook: z.number().optional().meta({ description: 'seconds from submission to the end of the job' }),
      data: z.object({
        result: z.array(z.union([z.object({ ...resultHead, result: z.unknown() }), z.object({ ...resultHead, error: z.unknown().meta({ description: 'items that never ran: "task stopped"' }) })])),
      }),
    })
    .meta({ description: 'GET /api/v1/exec/results/{jobId}, and the body of the result webhook: the final nodes\' entries' }),
) satisfies z.ZodType<ResultsViewType>;

export const JobList = responseSchema('JobList', z.object({ jobs: z.array(StatusView), nextCursor: z.string().nullable() }));

export const StopAnswer = responseSchema('StopAnswer', z.object({ stoppedJobIds: z.array(z.string()) }));
/** HKube's answer to pause and resume. */
export const MessageAnswer = responseSchema('MessageAnswer', z.object({ message: z.literal('OK') }));

const PipelineFields = {
  jobId: z.string(),
  name: z.string(),
  kind: z.string().meta({ description: 'batch (a pipeline) or queue (a queue request)' }),
  experimentName: z.literal('main'),
  nodes: z.array(z.record(z.string(), z.unknown())).meta({ description: "the normalised nodes (defaults filled in, webhook stages' header values masked)" }),
  flowInput: z.record(z.string(), z.unknown()).optional(),
  webhooks: z.record(z.string(), z.unknown()).optional().meta({ description: 'secret and header values masked' }),
  options: z.record(z.string(), z.unknown()),
  priority: z.int(),
  projectId: z.string().optional(),
  batchId: z.string().optional(),
  startTime: z.int().meta({ description: 'submission time, ms since the epoch' }),
  rootJobId: z.string().optional().meta({ description: "a caching run (exec/caching): the first job of its chain, HKube's rootJobId" }),
};

export const PipelineView = responseSchema(
  'PipelineView',
  z.object(PipelineFields).meta({ description: 'GET /api/v1/exec/pipelines/{jobId}: the pipeline of a job, as normalised at submission, its secrets masked' }),
);

export const PipelineList = responseSchema('PipelineList', z.array(PipelineView).meta({ description: 'the unfinished jobs, oldest first' }));

export const AuditEntry = responseSchema(
  'AuditEntry',
  z.object({
    timestamp: z.int().meta({ description: 'ms since the epoch' }),
    user: z.string().meta({ description: 'the actor of the event: key:<keyId> (a project key), api (an admin key), trigger:webhook:<name> (a stored pipeline\'s webhook), herald:ttl-sweeper (ttl expired)', examples: ['key:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11'] }),
    action: z.enum(['run', 'stop', 'pause', 'resume']),
  }),
);

export const AuditTrail = responseSchema('AuditTrail', z.array(AuditEntry).meta({ description: 'newest first' }));

export const FlowInput = responseSchema('FlowInput', z.record(z.string(), z.unknown()).meta({ description: "the job's flowInput", examples: [{ addInput: [2] }] }));

export const SearchHit = responseSchema(
  'SearchHit',
  z.object({
    jobId: z.string(),
    pipeline: PipelineView,
    status: StatusView,
    completion: z.boolean().meta({ description: 'the job has finished' }),
    result: z
      .object({ pipeline: z.string(), status: z.enum(JOB_STATUSES), startTime: z.int(), timestamp: z.int(), timeTook: z.number(), reason: z.string().optional(), error: z.string().optional() })
      .optional()
      .meta({ description: 'a finished job: how it ended (its results: GET /exec/results/{jobId})' }),
  }),
);

export const SearchAnswer = responseSchema(
  'SearchAnswer',
  z.object({
    hits: z.array(SearchHit),
    cursor: z.string().nullable().meta({ description: 'pass it as cursor for the next page; null on the last page' }),
    timeTook: z.string().meta({ examples: ['1.62ms'] }),
  }),
);

export const JobEvents = responseSchema(
  'JobEvents',
  z.object({
    jobId: z.string(),
    events: z.array(
      z.object({
        type: z.string().meta({ examples: ['task.succeeded'] }),
        version: z.int(),
        globalPosition: z.int(),
        level: z.string(),
        data: z.unknown(),
        metadata: z.unknown().meta({ description: 'actor, correlationId, causationId, level' }),
        createdAt: z.string().meta({ format: 'date-time' }),
      }) satisfies z.ZodType<JobEventView>,
    ),
    nextVersion: z.int().nullable(),
  }),
);

export const AcquiredTask = responseSchema(
  'AcquiredTask',
  z.object({
    taskId: z.string().meta({ format: 'uuid' }),
    jobId: z.string(),
    nodeName: z.string(),
    algorithmName: z.string(),
    batchID: z.string().nullable(),
    input: z.unknown().meta({ description: 'the resolved inputs (a queue request: its body)' }),
    attempt: z.int(),
    leaseExpiry: z.string().meta({ format: 'date-time' }),
  }),
) satisfies z.ZodType<AcquiredTaskType>;

export const AcquireAnswer = responseSchema('AcquireAnswer', z.object({ tasks: z.array(AcquiredTask).meta({ description: 'empty when nothing is pending' }) }));

export const HeartbeatAnswer = responseSchema('HeartbeatAnswer', z.object({ leaseExpiry: z.string().meta({ format: 'date-time' }) }));

export const ReportAnswer = responseSchema(
  'ReportAnswer',
  z.object({
    taskId: z.string().meta({ format: 'uuid' }),
    jobId: z.string(),
    state: z.enum(TASK_STATES).meta({ description: 'complete: succeed; fail: pending (to be retried) or failed; release: pending' }),
    next: AcquiredTask.nullable().optional().meta({ description: 'complete?next=true only: the next task taken, or null' }),
  }),
);

export const CompleteManyAnswer = responseSchema(
  'CompleteManyAnswer',
  z.object({
    tasks: z
      .array(
        z.union([
          z.object({ taskId: z.string(), jobId: z.string(), state: z.literal('succeed') }),
          z.object({ taskId: z.string(), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
        ]) satisfies z.ZodType<CompletedItem>,
      )
      .meta({ description: "in the request's order; each accepted or refused alone" }),
  }),
);
