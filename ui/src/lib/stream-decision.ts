/**
 * What the answer of `POST /api/v1/exec/status/{jobId}/stream-token` means for a page that
 * wants a job's status live: open the stream with the token, poll GET status instead (this
 * Herald has no such route, or gave no token), or show the failure (the key, the scope, the job).
 */
export function streamDecision(status: number, body: unknown): 'stream' | 'poll' | 'fail' {
  if (status >= 200 && status < 300) return typeof (body as { token?: unknown } | undefined)?.token === 'string' ? 'stream' : 'poll';
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  // An unknown route is 404 NOT_FOUND; a known route's unknown job is JOB_NOT_FOUND (shown).
  if (status === 404) return code === 'NOT_FOUND' ? 'poll' : 'fail';
  if (status === 401 || status === 403) return 'fail';
  // 405, 5xx, a proxy's page: polling shows what GET status answers.
  return 'poll';
}
