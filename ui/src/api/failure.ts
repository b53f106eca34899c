/**
 * A refused or failed API call, as the page shows it: the error envelope's code and message
 * (`{ error: { code, message, details } }`), or what stands in for one when the answer has none.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

const unauthorized = new Set<(f: ApiFailure) => void>();

/** Called on every 401: the key was refused (or is needed). */
export function onUnauthorized(listener: (f: ApiFailure) => void): () => void {
  unauthorized.add(listener);
  return () => unauthorized.delete(listener);
}

/** The failure an answer's status and (parsed) body make. */
export function failureOf(status: number, body: unknown, statusText = ''): ApiFailure {
  const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof envelope?.code === 'string' ? envelope.code : `HTTP_${status}`;
  const message = typeof envelope?.message === 'string' ? envelope.message : `HTTP ${status}${statusText ? ` ${statusText}` : ''}: the answer carried no error message`;
  const failure = new ApiFailure(status, code, message, envelope?.details);
  if (status === 401) for (const listener of unauthorized) listener(failure);
  return failure;
}

/** Anything thrown, as a failure to show. */
export function asFailure(err: unknown): ApiFailure {
  if (err instanceof ApiFailure) return err;
  if (err instanceof DOMException && err.name === 'AbortError') return new ApiFailure(0, 'ABORTED', 'the request was cancelled');
  const text = err instanceof Error ? err.message : String(err);
  return new ApiFailure(0, 'NETWORK', `Herald does not answer (${text})`);
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The body of a successful answer of the typed client, or an ApiFailure. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    throw asFailure(err);
  }
  if (answer.response.ok) return answer.data as T;
  throw failureOf(answer.response.status, answer.error, answer.response.statusText);
}
