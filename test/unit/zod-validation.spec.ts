import { z } from 'zod';
import { ValidationError } from '../../src/common/domain-error';
import { asOneField, parseBody, parseWith, summarised } from '../../src/common/zod-validation';
import { validatePipelineRequest } from '../../src/jobs/domain/pipeline.validate';
import { AcquireRequest, CompleteManyRequest, JobListQuery, PipelineRequest, WebhookStage } from '../../src/jobs/http/jobs.schemas';
import { WEBHOOK_FIELDS } from '../../src/stages/domain/webhook-stage.types';

function rejectionOf(parse: () => unknown): ValidationError {
  try {
    parse();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('the input was accepted');
}

const Sample = z.strictObject({
  name: z.string({ error: 'is required' }).min(1),
  count: z.int({ error: 'must be an integer from 1 to 10' }).min(1).max(10).optional(),
  tags: asOneField(z.array(z.string().min(1)).min(1), 'must be a non-empty array of names').optional(),
  limit: summarised(z.coerce.number({ error: 'out of range' }).int().min(1).max(5), 'limit must be an integer from 1 to 5').optional(),
});

describe('zod schemas as Herald validators', () => {
  it('turns each bad field into one { path, message }, unknown fields first, with Herald\'s message', () => {
    const err = rejectionOf(() => parseBody(Sample, { count: 0.5, name: '', extra: 1, other: 2 }, { what: 'sample' }));
    expect([err.code, err.status, err.message, err.details]).toEqual([
      'VALIDATION_FAILED',
      400,
      'invalid sample: extra is not a known field',
      [
        { path: 'extra', message: 'is not a known field' },
        { path: 'other', message: 'is not a known field' },
        { path: 'name', message: 'is required' },
        { path: 'count', message: 'must be an integer from 1 to 10' },
      ],
    ]);
  });

  it('counts the other problems when asked to', () => {
    expect(rejectionOf(() => parseBody(Sample, { count: 11 }, { what: 'sample', countMore: true })).message).toBe('invalid sample: name is required (and 1 more)');
  });

  it('tells a problem inside a field marked whole as a problem of the field', () => {
    expect(rejectionOf(() => parseBody(Sample, { name: 'n', tags: ['a', ''] })).details).toEqual([{ path: 'tags', message: 'must be a non-empty array of names' }]);
  });

  it('uses the summary sentence of a field when it is the first problem', () => {
    const err = rejectionOf(() => parseWith(Sample, { name: 'n', limit: '9' }));
    expect([err.message, err.details]).toEqual(['limit must be an integer from 1 to 5', [{ path: 'limit', message: 'out of range' }]]);
  });

  it('refuses a body that is not an object, and strings PostgreSQL cannot store, before the schema', () => {
    for (const body of [[1], 'x', null, undefined]) {
      expect(rejectionOf(() => parseBody(Sample, body)).details).toEqual([{ path: '', message: 'must be an object' }]);
    }
    expect(rejectionOf(() => parseBody(Sample, { name: 'a\u0000b' })).details).toEqual([{ path: 'name', message: 'must not contain NUL characters or unpaired surrogates' }]);
  });

  it('keeps the acquire rules: names, lease and max limits, defaults', () => {
    expect(parseBody(AcquireRequest, { workerName: 'w-1' })).toEqual({ workerName: 'w-1', max: 1, waitSeconds: 0 });
    expect(rejectionOf(() => parseBody(AcquireRequest, { workerName: 'w', algorithmNames: ['ok', 7], max: 1001, leaseSeconds: 86_401 })).details).toEqual([
      { path: 'leaseSeconds', message: 'must be a number from 0.1 to 86400' },
      { path: 'algorithmNames', message: 'must be a non-empty array of up to 100 names' },
      { path: 'max', message: 'must be an integer from 1 to 1000' },
    ]);
  });

  it('finds a task reported twice in a batch, whatever its case, next to the other problems', () => {
    const id = '00000000-0000-4000-8000-00000000abcd';
    expect(rejectionOf(() => parseBody(CompleteManyRequest, { workerName: 'w', tasks: [{ taskId: id }, { taskId: id.toUpperCase() }, { taskId: 'x' }, 5] })).details).toEqual([
      { path: 'tasks[2].taskId', message: 'must be a UUID' },
      { path: 'tasks[3]', message: 'must be an object { taskId, result?, attempt? }' },
      { path: 'tasks[1].taskId', message: 'appears twice' },
    ]);
  });

  it('reads list queries as the strings express gives', () => {
    expect(parseWith(JobListQuery, { limit: '20', status: 'active' })).toEqual({ limit: 20, status: 'active' });
    expect(parseWith(JobListQuery, {})).toEqual({ limit: 100 });
    expect(rejectionOf(() => parseWith(JobListQuery, { pipeline: ['a', 'b'] })).message).toBe('pipeline must be a single pipeline name');
  });
});

describe('the described pipeline shape', () => {
  it('names every field of a webhook stage the stage validator knows', () => {
    expect(Object.keys(WebhookStage.shape).sort()).toEqual([...WEBHOOK_FIELDS].sort());
  });

  it('accepts what the pipeline validator accepts (the examples of docs/API.md)', () => {
    const pipelines = [
      {
        name: 'batch',
        nodes: [
          { nodeName: 'green', algorithmName: 'green-alg', input: ['#[1...10]'], retry: { limit: 3 } },
          { nodeName: 'yellow', algorithmName: 'yellow-alg', input: ['@green'] },
        ],
        flowInput: { list: [1, 2] },
        webhooks: { progress: 'https://example.com/p', result: 'https://example.com/r', secret: 'whsec_MDEyMzQ1Njc4OWFiY2RlZg==', headers: { Authorization: 'x' } },
        options: { progressVerbosityLevel: 'info', batchTolerance: 80, ttl: 3600 },
        priority: 3,
      },
      {
        name: 'deploy',
        flowInput: { env: 'prod' },
        nodes: [
          { nodeName: 'build', algorithmName: 'build-alg', input: ['@flowInput.env'] },
          {
            nodeName: 'hook',
            kind: 'webhook',
            webhook: {
              url: 'https://ci.example/deploy?env=${ flowInput.env }',
              method: 'POST',
              customHeaders: { 'X-Job': '${ jobId }' },
              payload: { artifact: '${ nodes.build.result }' },
              waitForCompletion: true,
              statusUrlResolution: 'locationHeader',
              statusJsonPath: '$.state',
              successStatuses: 'SUCCEEDED',
              retries: { '503': { maxAttempts: 3 } },
            },
          },
        ],
      },
    ];
    for (const p of pipelines) {
      expect(() => validatePipelineRequest(p)).not.toThrow();
      expect(PipelineRequest.safeParse(p).error?.issues).toBeUndefined();
    }
  });
});
