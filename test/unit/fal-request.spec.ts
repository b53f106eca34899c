import { falLinks, falLogs, falPriority, falQueueName, falStatus, isOfApp, renderFalStatus } from '../../src/queues/domain/fal-request';
import { assertQueueName, type RequestTaskView } from '../../src/queues/domain/queue-request';
import { falWebhookBody } from '../../src/webhooks/domain/payload-renderers';
import { errorText } from '../../src/jobs/domain/job.errors';
import type { JobSummary } from '../../src/jobs/domain/job.state';

const T0 = '2026-03-01T12:00:00.000Z';
const job = (over: Partial<JobSummary> = {}): JobSummary =>
  ({ jobId: '7', kind: 'queue', pipeline: 'fal-ai/flux/dev', status: 'pending', version: 2, timestamp: T0, createdAt: T0, ...over }) as JobSummary;
const task = (over: Partial<RequestTaskView> = {}): RequestTaskView => ({
  state: 'pending',
  attempt: 0,
  workerName: null,
  leaseExpiry: null,
  acquiredAt: null,
  result: null,
  error: null,
  ...over,
});
const links = falLinks('http://h/fal/queue/fal-ai/flux', '7');

describe('fal endpoint ids and queue names', () => {
  it('names the Herald queue after the whole endpoint id, path included', () => {
    expect(falQueueName('fal-ai', 'flux')).toBe('fal-ai/flux');
    expect(falQueueName('fal-ai', 'flux', 'dev')).toBe('fal-ai/flux/dev');
    expect(falQueueName('fal-ai', 'kling-video', 'v1.6/standard/text-to-video')).toBe('fal-ai/kling-video/v1.6/standard/text-to-video');
    expect(() => falQueueName('fal-ai', 'flux', '-dev')).toThrow(/invalid fal endpoint id/);
    expect(() => falQueueName('fal ai', 'flux')).toThrow(/invalid fal endpoint id/);
    expect(() => falQueueName('o', 'a'.repeat(130))).toThrow(/at most 128/);
  });

  it('queue names may have "/"-separated segments (each a valid name), and nothing else new', () => {
    for (const ok of ['render', 'fal-ai/flux/dev', 'a/b.c/d_e', 'a'.repeat(128)]) expect(() => assertQueueName(ok)).not.toThrow();
    for (const bad of ['/a', 'a/', 'a//b', 'a/-b', 'a/.b', 'a b', '-a', 'a'.repeat(129), 'a/'.repeat(64) + 'a']) expect(() => assertQueueName(bad)).toThrow(/invalid queue name/);
  });

  it('finds a request of any endpoint of the app, and of that app only', () => {
    expect(isOfApp('fal-ai/flux', 'fal-ai/flux')).toBe(true);
    expect(isOfApp('fal-ai/flux/dev', 'fal-ai/flux')).toBe(true);
    expect(isOfApp('fal-ai/flux-pro', 'fal-ai/flux')).toBe(false);
    expect(isOfApp('fal-ai/fluxdev', 'fal-ai/flux')).toBe(false);
  });

  it('maps X-Fal-Queue-Priority to Herald priorities and refuses anything else', () => {
    expect([falPriority(undefined), falPriority(''), falPriority('normal'), falPriority('low')]).toEqual([3, 3, 3, 5]);
    expect(() => falPriority('high')).toThrow(/"normal" or "low"/);
  });
});

describe('fal status of a request', () => {
  it('is IN_QUEUE while pending, IN_PROGRESS while held, COMPLETED once it ended in any way', () => {
    expect(falStatus(job(), task())).toBe('IN_QUEUE');
    expect(falStatus(job({ status: 'active' }), task({ state: 'active' }))).toBe('IN_PROGRESS');
    for (const status of ['completed', 'failed', 'stopped'] as const) expect(falStatus(job({ status }), task())).toBe('COMPLETED');
  });

  it('renders the queue position while queued, logs when asked, and metrics and the error once ended', () => {
    expect(renderFalStatus(job(), task(), links, { position: 3 })).toEqual({ status: 'IN_QUEUE', ...links, queue_position: 3 });
    expect(renderFalStatus(job({ status: 'active' }), task({ state: 'active' }), links, { logs: [] })).toEqual({ status: 'IN_PROGRESS', ...links, logs: [] });
    const acquiredAt = '2026-03-01T12:00:01.000Z';
    expect(renderFalStatus(job({ status: 'completed', finishedAt: '2026-03-01T12:00:03.500Z' }), task({ state: 'succeed', acquiredAt }), links, {})).toEqual({
      status: 'COMPLETED',
      ...links,
      metrics: { inference_time: 2.5 },
    });
    expect(renderFalStatus(job({ status: 'failed' }), task({ state: 'failed', error: { message: 'boom' } }), links, {})).toMatchObject({ error: 'boom', error_type: 'request_failed', metrics: { inference_time: null } });
    expect(renderFalStatus(job({ status: 'stopped', reason: 'cancelled' }), task(), links, {})).toMatchObject({ error: 'request cancelled', error_type: 'request_cancelled' });
  });

  it('turns lifecycle events into log lines and leaves other events out', () => {
    const at = (s: number) => `2026-03-01T12:00:0${s}.000Z`;
    expect(
      falLogs([
        { type: 'job.submitted', data: {}, createdAt: at(0) },
        { type: 'node.expanded', data: {}, createdAt: at(0) },
        { type: 'task.acquired', data: { workerName: 'w1', attempt: 1 }, createdAt: at(1) },
        { type: 'task.retried', data: { attempt: 1, error: 'flaky' }, createdAt: at(2) },
        { type: 'task.failed', data: { error: { message: 'out of memory' } }, createdAt: at(3) },
        { type: 'job.stopped', data: { reason: 'ttl expired' }, createdAt: at(4) },
      ]),
    ).toEqual([
      { message: 'request queued', level: 'INFO', source: 'herald', timestamp: at(0) },
      { message: 'acquired by w1 (attempt 1)', level: 'INFO', source: 'herald', timestamp: at(1) },
      { message: 'attempt 1 failed: flaky; retrying', level: 'WARN', source: 'herald', timestamp: at(2) },
      { message: 'failed: out of memory', level: 'ERROR', source: 'herald', timestamp: at(3) },
      { message: 'cancelled (ttl expired)', level: 'WARN', source: 'herald', timestamp: at(4) },
    ]);
  });
});

describe("fal's webhook body", () => {
  it('is OK with the result, ERROR with the worker’s error, ERROR without payload when cancelled', () => {
    expect(falWebhookBody('7', 'completed', { result: { images: [] }, error: null })).toEqual({ request_id: '7', gateway_request_id: '7', status: 'OK', payload: { images: [] }, error: null });
    expect(falWebhookBody('7', 'failed', { result: null, error: 'boom' })).toEqual({ request_id: '7', gateway_request_id: '7', status: 'ERROR', payload: { detail: 'boom' }, error: 'boom' });
    expect(falWebhookBody('7', 'cancelled', undefined)).toEqual({ request_id: '7', gateway_request_id: '7', status: 'ERROR', payload: null, error: 'request cancelled' });
  });

  it('gives a worker’s error as one line of text whatever its shape', () => {
    expect([errorText('x'), errorText({ message: 'y', code: 1 }), errorText({ code: 1 }), errorText(undefined)]).toEqual(['x', 'y', '{"code":1}', 'null']);
    // The same text whatever the key order (jsonb reorders keys: a rebuilt projection must match).
    expect(errorText([{ zeta: 1, a: { y: 2, b: 3 } }, 5])).toBe(errorText([{ a: { b: 3, y: 2 }, zeta: 1 }, 5]));
    expect(errorText({ zeta: 1, a: [{ y: 2, b: 3 }] })).toBe('{"a":[{"b":3,"y":2}],"zeta":1}');
  });
});
