import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api-types';

export type { components, paths } from './api-types';

/** A schema of the OpenAPI document by name: `Schema<'StatusView'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** A typed client of every Herald route: `client.GET('/api/v1/exec/status/{jobId}', { params: { path: { jobId } } })`. */
export type HeraldClient = Client<paths>;

export interface HeraldClientOptions {
  /** Herald's base URL, e.g. http://localhost:3000. */
  url: string;
  /** An admin or project key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** More headers for every request. */
  headers?: Record<string, string>;
  /** Another fetch (tests, proxies); default the global one. */
  fetch?: typeof fetch;
}

/** A client of one Herald, typed from its OpenAPI document (src/client/api-types.ts). */
export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  return createClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** The error envelope every refusal carries: `{ error: { code, message, details } }`. */
export class HeraldApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${code}: ${message} (HTTP ${status})`);
    this.name = 'HeraldApiError';
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/**
 * The body of a successful answer, or a HeraldApiError carrying the answer's error code:
 * `const { jobId } = await expectOk(client.POST('/api/v1/exec/raw', { body }))`.
 */
export async function expectOk<T>(call: Promise<Answer<T>> | Answer<T>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const envelope = (error as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof envelope?.code === 'string' ? envelope.code : 'HTTP_ERROR';
  const message = typeof envelope?.message === 'string' ? envelope.message : typeof error === 'string' && error ? error : response.statusText;
  throw new HeraldApiError(response.status, code, message, envelope?.details);
}
