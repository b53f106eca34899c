/** OpenAPI shapes of the request bodies (validation itself is in the domain validators). */
const retry = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 0, maximum: 100, default: 3 },
    delaySeconds: { type: 'number', minimum: 0, default: 0 },
    backoff: { type: 'boolean', default: false },
  },
};

export const PIPELINE_SCHEMA = {
  type: 'object',
  required: ['name', 'nodes'],
  properties: {
    name: { type: 'string', example: 'batch' },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['nodeName'],
        description: 'A worker node (algorithmName), or a webhook stage run by Herald (kind "webhook" with webhook, see docs/API.md)',
        properties: {
          nodeName: { type: 'string', example: 'green' },
          algorithmName: { type: 'string', example: 'green-alg' },
          input: { type: 'array', items: {}, example: ['#[1,2,3]'] },
          retry,
          kind: { type: 'string', enum: ['webhook'] },
          webhook: {
            type: 'object',
            required: ['url'],
            properties: {
              url: { type: 'string', example: 'https://ci.example/deploy?env=${ flowInput.env }' },
              method: { type: 'string', default: 'POST' },
              customHeaders: { type: 'object', additionalProperties: { type: 'string' } },
              payload: {},
              waitForCompletion: { type: 'boolean', default: false },
              statusUrlResolution: { type: 'string', enum: ['getMethod', 'locationHeader', 'webhookResponse'], default: 'getMethod' },
              statusUrlJsonPath: { type: 'string' },
              statusJsonPath: { type: 'string', example: '$.status' },
              progressJsonPath: { type: 'string' },
              successStatuses: { type: 'string', default: 'SUCCESS' },
              canceledStatuses: { type: 'string' },
              terminalStatuses: { type: 'string' },
              failFastStatusCodes: { type: 'array', items: { type: 'integer' }, default: [504] },
              retryStatusCodes: { type: 'array', items: { type: 'integer' }, default: [429] },
              retries: { type: 'object', additionalProperties: { type: 'object', properties: { maxAttempts: { type: 'integer' } } } },
              waitBeforeMonitorSeconds: { type: 'number', default: 0 },
              monitorOnly: { type: 'boolean', default: false },
              cancelEndpoint: { type: 'string' },
              cancelMethod: { type: 'string', default: 'POST' },
              cancelPayload: {},
              timeoutSeconds: { type: 'number', default: 3600 },
              callTimeoutSeconds: { type: 'number', default: 20 },
              createRetryBudgetSeconds: { type: 'number', default: 300 },
              pollIntervalSeconds: { type: 'number' },
            },
          },
        },
      },
    },
    flowInput: { type: 'object' },
    webhooks: {
      type: 'object',
      properties: {
        progress: { type: 'string', format: 'uri' },
        result: { type: 'string', format: 'uri' },
        secret: { type: 'string', description: 'whsec_<base64>: sign deliveries (Standard Webhooks)' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    options: {
      type: 'object',
      properties: {
        progressVerbosityLevel: { type: 'string', enum: ['trace', 'debug', 'info', 'warn', 'error', 'critical'], default: 'info' },
        batchTolerance: { type: 'number', minimum: 1, maximum: 100, default: 80 },
        ttl: { type: 'number', description: 'seconds', default: 3600 },
      },
    },
    priority: { type: 'integer', minimum: 1, maximum: 5, default: 3, description: '1 is the most urgent' },
  },
};

export const STOP_SCHEMA = {
  type: 'object',
  required: ['jobId'],
  properties: { jobId: { type: 'string' }, reason: { type: 'string' } },
};

export const ACQUIRE_SCHEMA = {
  type: 'object',
  required: ['workerName'],
  properties: {
    workerName: { type: 'string' },
    algorithmNames: { type: 'array', items: { type: 'string' }, description: 'pipeline tasks of these algorithms' },
    queues: { type: 'array', items: { type: 'string' }, description: 'requests on these named queues' },
    leaseSeconds: { type: 'number', description: 'default: the queue setting, else 30' },
    max: { type: 'integer', default: 1 },
  },
};

export const HEARTBEAT_SCHEMA = {
  type: 'object',
  required: ['workerName'],
  properties: { workerName: { type: 'string' }, leaseSeconds: { type: 'number', default: 30 }, attempt: { type: 'integer', description: 'the attempt given at acquire (fences re-acquired tasks)' } },
};

export const COMPLETE_SCHEMA = {
  type: 'object',
  required: ['workerName'],
  properties: { workerName: { type: 'string' }, result: {}, attempt: { type: 'integer' } },
};

export const COMPLETE_MANY_SCHEMA = {
  type: 'object',
  required: ['workerName', 'tasks'],
  properties: {
    workerName: { type: 'string' },
    tasks: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'object', required: ['taskId'], properties: { taskId: { type: 'string', format: 'uuid' }, result: {}, attempt: { type: 'integer' } } },
    },
  },
};

export const FAIL_SCHEMA = {
  type: 'object',
  required: ['workerName', 'error'],
  properties: { workerName: { type: 'string' }, error: {}, retryable: { type: 'boolean', default: true }, attempt: { type: 'integer' } },
};
