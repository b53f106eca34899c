import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse, type OpenAPIObject, type OperationObject, type PathItemObject, type ResponseObject, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError } from './domain-error';

/**
 * The OpenAPI document from the same zod schemas that validate requests (zod-validation.ts).
 * Each feature registers its request and answer schemas under a name (`requestSchema`,
 * `responseSchema`); controllers reference them with the decorators below; `finishDocument`
 * puts every registered schema in `components.schemas` (JSON Schema 2020-12, as OpenAPI 3.1
 * uses) and adds what applies to every route: the API key requirement, 401 / 413 and
 * INVALID_JSON answers, and the webhooks Herald sends.
 */

type Json = Record<string, unknown>;

const requests = z.registry<{ id: string }>();
const responses = z.registry<{ id: string }>();

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function register<T extends z.ZodType>(registry: typeof requests, id: string, schema: T): T {
  if (requests._idmap.has(id) || responses._idmap.has(id)) throw new Error(`OpenAPI schema ${id} is registered twice`);
  registry.add(schema, { id });
  return schema;
}

/** A request body or query shape, documented as it is read (defaults make fields optional). */
export function requestSchema<T extends z.ZodType>(id: string, schema: T): T {
  return register(requests, id, schema);
}

/** An answer or webhook payload, documented as it is written. */
export function responseSchema<T extends z.ZodType>(id: string, schema: T): T {
  return register(responses, id, schema);
}

/** `{ $ref }` to a registered schema (a schema not registered is an error at start-up, not a silent inline copy). */
export function refTo(schema: z.ZodType): { $ref: string } {
  const id = requests.get(schema)?.id ?? responses.get(schema)?.id;
  if (!id) throw new Error('this zod schema is not registered for OpenAPI (requestSchema / responseSchema)');
  return schemaRef(id);
}

function clean(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Every registered schema as JSON Schema, by name, references between them as `#/components/schemas/<name>`. */
export function componentSchemas(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [registry, io] of [
    [requests, 'input'],
    [responses, 'output'],
  ] as const) {
    const { schemas } = z.toJSONSchema(registry, { io, target: 'draft-2020-12', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
    for (const [id, schema] of Object.entries(schemas)) out[id] = clean(schema as Json);
  }
  return out;
}

// ------------------------------------------------------------------ the error envelope

export const ErrorProblem = z.object({ path: z.string().meta({ description: 'the field, e.g. `tasks[0].taskId`; empty for the body itself' }), message: z.string() });

export const ErrorEnvelope = responseSchema(
  'ErrorEnvelope',
  z
    .object({
      error: z.object({
        code: z.string().meta({ description: 'stable, machine-readable', examples: ['VALIDATION_FAILED'] }),
        message: z.string().meta({ description: 'for people; may change' }),
        details: z
          .union([z.array(ErrorProblem), z.record(z.string(), z.unknown())])
          .optional()
          .meta({ description: 'VALIDATION_FAILED: one { path, message } per bad field; other codes: facts about the refusal' }),
      }),
      detail: z.string().optional().meta({ description: "on the /fal routes only: the message again, where fal's clients read it" }),
      status: z.enum(['ALREADY_COMPLETED', 'NOT_FOUND']).optional().meta({ description: "the fal cancel route only: fal's answer" }),
    })
    .meta({ description: 'Every error Herald answers' }),
);

export interface ErrorExample {
  code: string;
  message: string;
  details?: unknown;
}

export const INVALID_JSON: ErrorExample = { code: 'INVALID_JSON', message: 'the request body is not valid JSON' };
export const UNAUTHORIZED: ErrorExample = { code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <key>" header is required' };
export const PAYLOAD_TOO_LARGE: ErrorExample = { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' };

/** A webhook or stage target refused by the egress policy (HERALD_EGRESS), as TargetCheck answers. */
export function targetRefused(path: string): ErrorExample {
  const message = 'the address 10.0.0.5 is not allowed (HERALD_EGRESS)';
  return { code: 'TARGET_NOT_ALLOWED', message: `${path}: ${message}`, details: [{ path, message }] };
}

/**
 * An example answer, from the error itself or from what a call throws: examples are Herald's
 * real answers (`errorExample(() => parseBody(AcquireRequest, { workerName: 'w', max: 0 }))`).
 */
export function errorExample(error: DomainError | (() => unknown)): ErrorExample {
  let e: unknown = error;
  if (typeof error === 'function') {
    e = undefined;
    try {
      error();
    } catch (thrown) {
      e = thrown;
    }
  }
  if (!(e instanceof DomainError)) throw new Error('an OpenAPI error example must be a DomainError');
  return { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request',
  401: 'No valid API key',
  403: 'Not allowed for this key',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  422: 'Unprocessable',
  503: 'Unavailable',
};

function examplesOf(list: ErrorExample[]): Record<string, { summary: string; value: unknown }> {
  const out: Record<string, { summary: string; value: unknown }> = {};
  list.forEach((e, i) => {
    const key = out[e.code] ? `${e.code}_${i}` : e.code;
    out[key] = { summary: e.message, value: { error: e } };
  });
  return out;
}

function errorResponse(status: number, description: string, examples: ErrorExample[]): ResponseObject {
  return { description, content: { 'application/json': { schema: schemaRef('ErrorEnvelope'), examples: examplesOf(examples) } } };
}

// ------------------------------------------------------------------ decorators

/** The JSON body of a route, from its zod schema. */
export function ApiJsonBody(schema: z.ZodType, description?: string): MethodDecorator {
  return ApiBody({ required: true, schema: refTo(schema) as SchemaObject, ...(description ? { description } : {}) });
}

/** One query parameter per field of a zod object schema, with the field's limits. */
export function ApiQueryFrom(schema: z.ZodObject): MethodDecorator {
  const json = clean(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Json) as { properties?: Record<string, Json>; required?: string[] };
  const params = Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...fieldSchema } = property as Json & { description?: string };
    return ApiQuery({ name, required: (json.required ?? []).includes(name), schema: fieldSchema as SchemaObject, ...(description ? { description } : {}) });
  });
  return applyDecorators(...params);
}

/** A successful answer: its status, what it means, and the zod schema of its body. */
export function ApiAnswer(status: number, description: string, schema?: z.ZodType): MethodDecorator {
  return ApiResponse({ status, description, ...(schema ? { schema: refTo(schema) as SchemaObject } : {}) });
}

/** An error answer of a route, with examples of the codes it can carry. */
export function ApiError(status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503, ...examples: ErrorExample[]): MethodDecorator {
  const description = `${STATUS_TEXT[status]}: ${[...new Set(examples.map((e) => e.code))].join(', ')}`;
  return ApiResponse({ status, description, schema: schemaRef('ErrorEnvelope'), examples: examplesOf(examples) } as Parameters<typeof ApiResponse>[0]);
}

// ------------------------------------------------------------------ the document

export interface FinishOptions {
  /** Whether a request reaches its handler without a key (src/auth/public-routes.ts). */
  isPublic: (method: string, path: string) => boolean;
  /** OpenAPI 3.1 `webhooks`: the requests Herald itself sends. */
  webhooks?: Record<string, PathItemObject>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export const SECURITY_SCHEME = 'apiKey';

/**
 * Completes the document Nest built from the decorators: OpenAPI 3.1, the registered schemas,
 * the API key (Authorization: Bearer <key>) required everywhere but on the public routes, and
 * the answers every route can give because of how requests are read (401 without a key when
 * keys are set; 400 INVALID_JSON and 413 for a body).
 */
export function finishDocument(doc: OpenAPIObject, options: FinishOptions): OpenAPIObject {
  doc.openapi = '3.1.0';
  doc.components = {
    ...doc.components,
    schemas: { ...(doc.components?.schemas ?? {}), ...(componentSchemas() as Record<string, SchemaObject>) },
    securitySchemes: {
      [SECURITY_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An admin key (HERALD_ADMIN_KEY, HERALD_API_KEYS) or a project key (hk_…, POST /api/v1/projects/{projectId}/keys), sent as "Authorization: Bearer <key>". ' +
          'A project key reaches its own project only, and each route names the scope it needs (x-herald-access; 403 FORBIDDEN_SCOPE without it). Not needed while no admin key is configured.',
      },
    },
  };
  doc.security = [{ [SECURITY_SCHEME]: [] }];
  for (const [path, item] of Object.entries(doc.paths)) {
    const sample = path.replace(/\{[^}]+\}/g, 'x');
    for (const method of METHODS) {
      const op = item[method] as OperationObject | undefined;
      if (!op) continue;
      const responses = op.responses as Record<string, ResponseObject>;
      if (options.isPublic(method.toUpperCase(), sample)) op.security = [];
      else responses['401'] ??= errorResponse(401, STATUS_TEXT[401], [UNAUTHORIZED]);
      if (op.requestBody) {
        const bad = responses['400'];
        if (!bad) responses['400'] = errorResponse(400, `${STATUS_TEXT[400]}: INVALID_JSON`, [INVALID_JSON]);
        else {
          const content = bad.content?.['application/json'] as { examples?: Record<string, unknown> } | undefined;
          if (content) content.examples = { ...content.examples, ...examplesOf([INVALID_JSON]) };
          if (!bad.description.includes('INVALID_JSON')) bad.description += ', INVALID_JSON';
        }
        responses['413'] ??= errorResponse(413, `${STATUS_TEXT[413]}: PAYLOAD_TOO_LARGE`, [PAYLOAD_TOO_LARGE]);
      }
    }
  }
  if (options.webhooks) (doc as OpenAPIObject & { webhooks?: Record<string, PathItemObject> }).webhooks = options.webhooks;
  return doc;
}
