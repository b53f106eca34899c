import { ValidationError } from '../../common/domain-error';
import { jsonProblem } from '../domain/storable';

/** Validation of the worker contract's bodies (pure; errors list every problem). */
type Problem = { path: string; message: string };

function obj(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
  }
  const unstorable = jsonProblem(body);
  if (unstorable) throw new ValidationError(`invalid request: ${unstorable.path ? unstorable.path + ' ' : ''}${unstorable.message}`, [unstorable]);
  return body as Record<string, unknown>;
}

function fail(problems: Problem[]): void {
  if (problems.length) throw new ValidationError(`invalid request: ${problems[0].path} ${problems[0].message}`, problems);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,254}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function workerName(b: Record<string, unknown>, problems: Problem[]): string {
  if (typeof b.workerName !== 'string' || !NAME.test(b.workerName)) {
    problems.push({ path: 'workerName', message: 'is required: 1-255 characters of letters, digits and ._:@/-' });
  }
  return b.workerName as string;
}

function leaseSeconds(b: Record<string, unknown>, problems: Problem[]): number | undefined {
  if (b.leaseSeconds === undefined) return undefined;
  if (typeof b.leaseSeconds !== 'number' || !(b.leaseSeconds >= 0.1 && b.leaseSeconds <= 86_400)) {
    problems.push({ path: 'leaseSeconds', message: 'must be a number from 0.1 to 86400' });
  }
  return b.leaseSeconds as number;
}

function names(b: Record<string, unknown>, key: 'algorithmNames' | 'queues', problems: Problem[]): string[] | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || v.length > 100 || v.some((a) => typeof a !== 'string' || a.length === 0 || a.length > 128)) {
    problems.push({ path: key, message: 'must be a non-empty array of up to 100 names' });
    return undefined;
  }
  return v as string[];
}

export interface AcquireRequest {
  workerName: string;
  /** Pipeline tasks of these algorithms. */
  algorithmNames?: string[];
  /** Requests on these named queues. Neither filter: any task. */
  queues?: string[];
  leaseSeconds?: number;
  max: number;
}

export function parseAcquire(body: unknown): AcquireRequest {
  const b = obj(body);
  const problems: Problem[] = [];
  const name = workerName(b, problems);
  const lease = leaseSeconds(b, problems);
  const algorithmNames = names(b, 'algorithmNames', problems);
  const queues = names(b, 'queues', problems);
  const max = b.max === undefined ? 1 : b.max;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) problems.push({ path: 'max', message: 'must be an integer from 1 to 1000' });
  fail(problems);
  return { workerName: name, algorithmNames, queues, leaseSeconds: lease, max: max as number };
}

function attemptOf(b: Record<string, unknown>, problems: Problem[]): number | undefined {
  if (b.attempt === undefined) return undefined;
  if (typeof b.attempt !== 'number' || !Number.isInteger(b.attempt) || b.attempt < 1) problems.push({ path: 'attempt', message: 'must be the positive integer given at acquire' });
  return b.attempt as number;
}

export function parseHeartbeat(body: unknown): { workerName: string; leaseSeconds?: number; attempt?: number } {
  const b = obj(body);
  const problems: Problem[] = [];
  const result = { workerName: workerName(b, problems), leaseSeconds: leaseSeconds(b, problems), attempt: attemptOf(b, problems) };
  fail(problems);
  return result;
}

export function parseComplete(body: unknown): { workerName: string; result: unknown; attempt?: number } {
  const b = obj(body);
  const problems: Problem[] = [];
  const name = workerName(b, problems);
  const attempt = attemptOf(b, problems);
  fail(problems);
  return { workerName: name, result: b.result ?? null, attempt };
}

/** Most results in one POST /tasks/complete. */
export const MAX_BATCH_RESULTS = 1000;

export function parseCompleteMany(body: unknown): { workerName: string; tasks: Array<{ taskId: string; result: unknown; attempt?: number }> } {
  const b = obj(body);
  const problems: Problem[] = [];
  const name = workerName(b, problems);
  const tasks: Array<{ taskId: string; result: unknown; attempt?: number }> = [];
  if (!Array.isArray(b.tasks) || b.tasks.length === 0 || b.tasks.length > MAX_BATCH_RESULTS) {
    problems.push({ path: 'tasks', message: `must be an array of 1 to ${MAX_BATCH_RESULTS} results ({ taskId, result?, attempt? })` });
  } else {
    const seen = new Set<string>();
    b.tasks.forEach((raw: unknown, i: number) => {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        problems.push({ path: `tasks[${i}]`, message: 'must be an object { taskId, result?, attempt? }' });
        return;
      }
      const t = raw as Record<string, unknown>;
      const itemProblems: Problem[] = [];
      if (typeof t.taskId !== 'string' || !UUID.test(t.taskId)) itemProblems.push({ path: `tasks[${i}].taskId`, message: 'must be a UUID' });
      else if (seen.has(t.taskId.toLowerCase())) itemProblems.push({ path: `tasks[${i}].taskId`, message: 'appears twice' });
      const attempt = attemptOf(t, itemProblems);
      for (const p of itemProblems) problems.push(p.path.startsWith('tasks[') ? p : { ...p, path: `tasks[${i}].${p.path}` });
      if (itemProblems.length === 0) {
        seen.add((t.taskId as string).toLowerCase());
        tasks.push({ taskId: (t.taskId as string).toLowerCase(), result: t.result ?? null, attempt });
      }
    });
  }
  fail(problems);
  return { workerName: name, tasks };
}

export function parseFail(body: unknown): { workerName: string; error: unknown; retryable: boolean; attempt?: number } {
  const b = obj(body);
  const problems: Problem[] = [];
  const name = workerName(b, problems);
  const attempt = attemptOf(b, problems);
  if (b.error === undefined || b.error === null) problems.push({ path: 'error', message: 'is required (a message string or an object)' });
  if (b.retryable !== undefined && typeof b.retryable !== 'boolean') problems.push({ path: 'retryable', message: 'must be a boolean' });
  fail(problems);
  return { workerName: name, error: b.error, retryable: b.retryable !== false, attempt };
}

export function parseStop(body: unknown): { jobId: string; reason?: string } {
  const b = obj(body);
  const problems: Problem[] = [];
  if (typeof b.jobId !== 'string' || b.jobId.length === 0) problems.push({ path: 'jobId', message: 'is required' });
  if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > 1000)) problems.push({ path: 'reason', message: 'must be a string of at most 1000 characters' });
  fail(problems);
  return { jobId: b.jobId as string, reason: b.reason as string | undefined };
}

/** The `next` query flag of complete: absent, true or false. */
export function parseNextFlag(raw: string | undefined): boolean {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true' || raw === '') return true;
  throw new ValidationError('invalid request: next must be true or false', [{ path: 'next', message: 'must be true or false' }]);
}

export function parseTaskId(id: string): string {
  if (!UUID.test(id)) throw new ValidationError(`task id "${id}" is not a UUID`, [{ path: 'taskId', message: 'must be a UUID' }]);
  return id.toLowerCase();
}
