import { jsonPathProblem, jsonPathValues } from '../../src/stages/domain/json-path';
import { mapStatus, parseStatusList } from '../../src/stages/domain/status-mapping';
import { afterCreate, afterPoll, initialRun, pollIntervalMs, retryDelayMs, type StageRun } from '../../src/stages/domain/webhook-run';
import type { WebhookStageSpec } from '../../src/stages/domain/webhook-stage.types';
import { validateWebhookStage } from '../../src/stages/domain/webhook-stage.validate';

function spec(fields: Record<string, unknown>): WebhookStageSpec {
  const problems: Array<{ path: string; message: string }> = [];
  const { spec } = validateWebhookStage({ url: 'http://127.0.0.1:1/hook', ...fields }, 'webhook', problems);
  if (problems.length) throw new Error(JSON.stringify(problems));
  return spec!;
}

const lists = { successStatuses: ['SUCCESS', 'DONE'], canceledStatuses: ['CANCELED'], terminalStatuses: ['TERMINAL', 'DONE'], statusJsonPath: '$.s' };
const now = new Date('2026-12-02T10:00:00.000Z');

describe('status mapping', () => {
  it('matches terminal, then canceled, then success, case-insensitively', () => {
    expect(mapStatus(['done'], lists)).toEqual({ kind: 'terminal', reason: 'remote status done is terminal' });
    expect(mapStatus(['Canceled'], lists)).toEqual({ kind: 'canceled' });
    expect(mapStatus([' success '], lists)).toEqual({ kind: 'succeeded' });
    expect(mapStatus(['RUNNING'], lists)).toEqual({ kind: 'running' });
  });

  it('reads numbers as percentages: 100 (or 100.0) succeeds, below keeps running', () => {
    expect(mapStatus([100], lists)).toEqual({ kind: 'succeeded', percentComplete: 100 });
    expect(mapStatus([JSON.parse('100.0')], lists)).toEqual({ kind: 'succeeded', percentComplete: 100 });
    expect(mapStatus([42.5], lists)).toEqual({ kind: 'running', percentComplete: 42.5 });
  });

  it('fails on a missing path or a non-scalar value', () => {
    expect(mapStatus([], lists).kind).toBe('terminal');
    expect(mapStatus([{ a: 1 }], lists)).toEqual({ kind: 'terminal', reason: 'statusJsonPath $.s found a non-scalar value' });
    expect(mapStatus([null], lists).kind).toBe('terminal');
  });

  it('parses comma-separated lists', () => {
    expect(parseStatusList(' ok, Done ,,finished')).toEqual(['OK', 'DONE', 'FINISHED']);
  });
});

describe('JSONPath', () => {
  it('accepts paths and picks values', () => {
    expect(jsonPathProblem('$.status')).toBeUndefined();
    expect(jsonPathProblem("$['a b'][0].c")).toBeUndefined();
    expect(jsonPathValues('$.build.state', { build: { state: 'RUNNING' } })).toEqual(['RUNNING']);
    expect(jsonPathValues('$.nope', { build: {} })).toEqual([]);
    expect(jsonPathValues('$.a', 'not json')).toEqual([]);
  });

  it.each(['status', '$.a[', '$.a]', '$[]', "$['a", '$.a.', '$.a b'])('rejects %s', (p) => {
    expect(jsonPathProblem(p)).toEqual(expect.any(String));
  });
});

describe('create call outcome', () => {
  const run: StageRun = { ...initialRun(), phase: 'create', createStartedAt: now.toISOString() };
  const req = { url: 'http://127.0.0.1:1/hook', method: 'POST' };

  it('succeeds on 2xx without waiting, with the body as buildInfo', () => {
    const step = afterCreate(run, spec({}), req, { statusCode: 200, body: '{"x":1}', durationMs: 1 }, now, 0.5);
    expect(step.outcome).toEqual({ kind: 'succeeded', result: { x: 1 } });
    expect(step.run.context.buildInfo).toEqual({ x: 1 });
  });

  it('honours Retry-After, backs off otherwise, and stops when the budget is spent', () => {
    const s = spec({ createRetryBudgetSeconds: 10 });
    expect(afterCreate(run, s, req, { statusCode: 429, headers: { 'retry-after': '3' }, durationMs: 1 }, now, 0.5).outcome).toEqual({ kind: 'retry', at: new Date(now.getTime() + 3000), reason: 'HTTP 429' });
    expect(afterCreate(run, s, req, { errorCode: 'TIMEOUT', durationMs: 1 }, now, 0.5).outcome).toMatchObject({ kind: 'retry', reason: 'TIMEOUT' });
    expect(afterCreate(run, s, req, { statusCode: 429, headers: { 'retry-after': '30' }, durationMs: 1 }, now, 0.5).outcome.kind).toBe('failed');
    expect(retryDelayMs(1, 0.5, undefined)).toBe(1000);
    expect(retryDelayMs(10, 0.5, undefined)).toBe(30_000);
  });

  it('fails fast on 504, fails on other 4xx, and resolves a relative Location', () => {
    expect(afterCreate(run, spec({}), req, { statusCode: 504, durationMs: 1 }, now, 0.5).outcome.kind).toBe('failed');
    expect(afterCreate(run, spec({}), req, { statusCode: 400, durationMs: 1 }, now, 0.5).outcome.kind).toBe('failed');
    const waiting = spec({ waitForCompletion: true, statusJsonPath: '$.s', statusUrlResolution: 'locationHeader' });
    const step = afterCreate(run, waiting, req, { statusCode: 302, headers: { location: '/status/9' }, durationMs: 1 }, now, 0.5);
    expect(step.outcome).toEqual({ kind: 'poll', at: now });
    expect(step.run.statusUrl).toBe('http://127.0.0.1:1/status/9');
  });
});

describe('polling', () => {
  const s = spec({ waitForCompletion: true, statusJsonPath: '$.s', progressJsonPath: '$.msg', terminalStatuses: 'FAILED' });
  const run: StageRun = { ...initialRun(), phase: 'monitor', statusUrl: 'http://127.0.0.1:1/s', monitorStartedAt: now.toISOString(), created: true };

  it('keeps polling while running, with the progress message, and succeeds with the status body', () => {
    const running = afterPoll(run, s, { statusCode: 200, body: '{"s":"RUNNING","msg":"step 2/3"}', durationMs: 1 }, now);
    expect(running.outcome).toEqual({ kind: 'poll', at: new Date(now.getTime() + 1000) });
    expect(running.monitor).toEqual({ progressMessage: 'step 2/3', resolvedValue: 'RUNNING' });
    const done = afterPoll(running.run, s, { statusCode: 200, body: '{"s":"success"}', durationMs: 1 }, now);
    expect(done.outcome).toEqual({ kind: 'succeeded', result: { s: 'success' } });
    expect(done.run.context.webhook.monitor?.pastStatusCodes).toEqual([200, 200]);
  });

  it('polls again after 5xx and Retry-After, and fails on other codes', () => {
    expect(afterPoll(run, s, { statusCode: 503, headers: { 'retry-after': '4' }, durationMs: 1 }, now).outcome).toEqual({ kind: 'poll', at: new Date(now.getTime() + 4000) });
    expect(afterPoll(run, s, { statusCode: 404, durationMs: 1 }, now).outcome.kind).toBe('failed');
  });

  it('counts a per-code retries budget over the polls', () => {
    const budgeted = spec({ waitForCompletion: true, statusJsonPath: '$.s', retries: { '404': { maxAttempts: 2 } } });
    const first = afterPoll(run, budgeted, { statusCode: 404, durationMs: 1 }, now);
    expect(first.outcome.kind).toBe('poll');
    const second = afterPoll(first.run, budgeted, { statusCode: 404, durationMs: 1 }, now);
    expect(second.outcome).toEqual({ kind: 'failed', error: 'status URL http://127.0.0.1:1/s answered HTTP 404 2 times (retries budget 2)' });
  });

  it('polls every second for a minute, then every 15 s, unless pollIntervalSeconds says otherwise', () => {
    expect(pollIntervalMs(s, run, new Date(now.getTime() + 59_000))).toBe(1000);
    expect(pollIntervalMs(s, run, new Date(now.getTime() + 61_000))).toBe(15_000);
    expect(pollIntervalMs(spec({ waitForCompletion: true, statusJsonPath: '$.s', pollIntervalSeconds: 0.2 }), run, now)).toBe(200);
  });
});
