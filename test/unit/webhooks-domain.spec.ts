import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Level } from '../../src/event-store/event.types';
import type { StatusView } from '../../src/jobs/domain/job-status.view';
import { classify, type AttemptResult } from '../../src/webhooks/domain/delivery-outcome';
import { JOB_END_EVENTS, renderNow, wants, type FanoutEvent } from '../../src/webhooks/domain/payload-renderers';
import { deliveriesOf, heardBy, skippedOf } from '../../src/webhooks/domain/subscribers';
import { DEFAULT_SCHEDULE, JITTER, nextDelayMs, parseRetryAfter, parseSchedule } from '../../src/webhooks/domain/retry-schedule';
import { sign, signatureHeaders } from '../../src/webhooks/domain/signature';
import type { Subscription } from '../../src/webhooks/domain/subscription.types';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('retry schedule', () => {
  it('defaults to 8 attempts: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(DEFAULT_SCHEDULE).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(JITTER).toBe(0.2);
  });

  it('parses comma-separated seconds and rejects anything else', () => {
    expect(parseSchedule('0, 5,300')).toEqual([0, 5, 300]);
    expect(parseSchedule('0,0.2,0.4')).toEqual([0, 0.2, 0.4]);
    expect(() => parseSchedule('0,-1')).toThrow(/comma-separated seconds/);
    expect(() => parseSchedule('0,soon')).toThrow(/comma-separated seconds/);
    expect(() => parseSchedule('0,,5')).not.toThrow(); // an empty entry is 0 s
  });

  it('gives the delay before the attempt after `attempt`, with no jitter at random = 0.5', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.5)).toBe(5_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 2, 0.5)).toBe(300_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 3, 0.5)).toBe(1_800_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 7, 0.5)).toBe(36_000_000);
  });

  it('is null once the schedule has run out (8 attempts by default)', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 8, 0.5)).toBeNull();
    expect(nextDelayMs(DEFAULT_SCHEDULE, 9, 0.5)).toBeNull();
    expect(nextDelayMs([0, 0.2, 0.4], 3, 0.5)).toBeNull();
    expect(nextDelayMs([0], 1, 0.5)).toBeNull();
  });

  it('jitters by exactly +-20%: 0.8x at random 0, 1.2x as random approaches 1', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0)).toBe(4_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.999999)).toBe(6_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 2, 0.25)).toBe(270_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 2, 0.75)).toBe(330_000);
  });

  it('stays within [0.8, 1.2] x the scheduled delay for any random in [0, 1)', () => {
    for (let i = 0; i < 1000; i++) {
      const r = i / 1000;
      for (let attempt = 1; attempt < DEFAULT_SCHEDULE.length; attempt++) {
        const scheduled = DEFAULT_SCHEDULE[attempt] * 1000;
        const d = nextDelayMs(DEFAULT_SCHEDULE, attempt, r)!;
        expect(d).toBeGreaterThanOrEqual(Math.round(scheduled * 0.8));
        expect(d).toBeLessThanOrEqual(Math.round(scheduled * 1.2));
      }
    }
  });

  it('keeps "at once" at 0 whatever the jitter', () => {
    expect(nextDelayMs([5, 0, 0], 1, 0)).toBe(0);
    expect(nextDelayMs([5, 0, 0], 1, 0.99)).toBe(0);
  });

  it('lets Retry-After replace the scheduled delay, without jitter', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0, 7)).toBe(7_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.99, 7)).toBe(7_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 2, 0.5, 0)).toBe(0);
  });

  it('caps Retry-After at twice the next scheduled delay', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.5, 3600)).toBe(10_000); // 2 x 5 s
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.5, 10)).toBe(10_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 2, 0.5, 86_400)).toBe(600_000); // 2 x 5 min
    expect(nextDelayMs([0, 1.5, 1.5], 1, 0.5, 3600)).toBe(3_000);
  });

  it('still ends the schedule after the last attempt, Retry-After or not', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 8, 0.5, 1)).toBeNull();
  });

  it('ignores an unusable Retry-After', () => {
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.5, Number.NaN)).toBe(5_000);
    expect(nextDelayMs(DEFAULT_SCHEDULE, 1, 0.5, -3)).toBe(5_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter(' 3 ', NOW)).toBe(3);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW)).toBe(0); // in the past: now
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('later', NOW)).toBeUndefined();
  });
});

describe('classify', () => {
  const schedule = [0, 5, 300];
  const http = (statusCode: number, headers: Record<string, string> = {}): AttemptResult => ({ statusCode, headers, durationMs: 3 });

  it.each([200, 201, 202, 204, 299])('treats %i as delivered', (code) => {
    expect(classify(http(code), 1, schedule, 0.5, NOW)).toEqual({ kind: 'delivered' });
    expect(classify(http(code), 3, schedule, 0.5, NOW)).toEqual({ kind: 'delivered' });
  });

  it.each([301, 302, 303, 307, 308, 100, 199, 400, 401, 404, 409, 422, 500, 502, 504])('retries %i on the schedule', (code) => {
    expect(classify(http(code, { location: 'http://127.0.0.1:1/elsewhere' }), 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(classify(http(code), 2, schedule, 0, NOW)).toEqual({ kind: 'retry', delayMs: 240_000 });
  });

  it('fails for good once the schedule has run out, naming the last outcome', () => {
    expect(classify(http(500), 3, schedule, 0.5, NOW)).toEqual({ kind: 'failed', reason: 'HTTP 500 after 3 attempts' });
    expect(classify(http(302), 3, schedule, 0.5, NOW)).toEqual({ kind: 'failed', reason: 'HTTP 302 after 3 attempts' });
    expect(classify({ durationMs: 1000, errorCode: 'TIMEOUT' }, 3, schedule, 0.5, NOW)).toEqual({ kind: 'failed', reason: 'TIMEOUT after 3 attempts' });
    expect(classify({ durationMs: 1, errorCode: 'ECONNREFUSED' }, 3, schedule, 0.5, NOW)).toEqual({
      kind: 'failed',
      reason: 'ECONNREFUSED after 3 attempts',
    });
    expect(classify({ durationMs: 1 }, 3, schedule, 0.5, NOW)).toEqual({ kind: 'failed', reason: 'ERROR after 3 attempts' });
  });

  it('retries network errors and timeouts like any failure', () => {
    expect(classify({ durationMs: 1, errorCode: 'ECONNREFUSED' }, 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(classify({ durationMs: 15_000, errorCode: 'TIMEOUT' }, 2, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 300_000 });
  });

  it('disables the subscription on 410 Gone, even with attempts left', () => {
    expect(classify(http(410), 1, schedule, 0.5, NOW)).toEqual({ kind: 'disable', reason: 'endpoint answered 410 Gone' });
    expect(classify(http(410), 3, schedule, 0.5, NOW)).toEqual({ kind: 'disable', reason: 'endpoint answered 410 Gone' });
  });

  it('honours Retry-After on 429 and 503 (seconds or date), capped at twice the next delay', () => {
    expect(classify(http(429, { 'retry-after': '7' }), 1, schedule, 0.9, NOW)).toEqual({ kind: 'retry', delayMs: 7_000 });
    expect(classify(http(503, { 'retry-after': '7' }), 1, schedule, 0.9, NOW)).toEqual({ kind: 'retry', delayMs: 7_000 });
    expect(classify(http(429, { 'retry-after': '3600' }), 1, schedule, 0.9, NOW)).toEqual({ kind: 'retry', delayMs: 10_000 });
    expect(classify(http(503, { 'retry-after': 'Sun, 01 Mar 2026 12:00:08 GMT' }), 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 8_000 });
    expect(classify({ statusCode: 429, headers: { 'retry-after': ['4', '9'] }, durationMs: 1 }, 1, schedule, 0.5, NOW)).toEqual({
      kind: 'retry',
      delayMs: 4_000,
    });
  });

  it('ignores Retry-After on other status codes, and an unreadable one', () => {
    expect(classify(http(500, { 'retry-after': '7' }), 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(classify(http(302, { 'retry-after': '7' }), 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(classify(http(429, { 'retry-after': 'soon' }), 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(classify(http(429), 1, schedule, 0.5, NOW)).toEqual({ kind: 'retry', delayMs: 5_000 });
  });

  it('does not let Retry-After extend the schedule past its last attempt', () => {
    expect(classify(http(429, { 'retry-after': '1' }), 3, schedule, 0.5, NOW)).toEqual({ kind: 'failed', reason: 'HTTP 429 after 3 attempts' });
  });
});

describe('signature (Standard Webhooks)', () => {
  // The published Standard Webhooks test vector.
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const TS = 1614265330;
  const BODY = '{"test": 2432232314}';
  const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

  it('reproduces the specification test vector', () => {
    expect(sign(SECRET, ID, TS, BODY)).toBe(EXPECTED);
  });

  it('accepts the secret without its whsec_ prefix', () => {
    expect(sign(SECRET.slice(6), ID, TS, BODY)).toBe(EXPECTED);
  });

  it('signs "<id>.<timestamp>.<body>" with the base64-decoded key', () => {
    const key = Buffer.from(SECRET.slice(6), 'base64');
    const mac = createHmac('sha256', key).update(`${ID}.${TS}.${BODY}`).digest('base64');
    expect(sign(SECRET, ID, TS, BODY)).toBe(`v1,${mac}`);
    expect(sign(SECRET, ID, TS + 1, BODY)).not.toBe(EXPECTED);
    expect(sign(SECRET, 'msg_other', TS, BODY)).not.toBe(EXPECTED);
    expect(sign(SECRET, ID, TS, '{"test": 2432232315}')).not.toBe(EXPECTED);
  });

  it('gives the three headers, which the standardwebhooks package verifies', () => {
    const secret = 'whsec_' + Buffer.from('0123456789abcdef01234567').toString('base64');
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ jobId: 'a:b', status: 'active' });
    const headers = signatureHeaders([secret], 'msg_1', ts, body);
    expect(headers).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sign(secret, 'msg_1', ts, body) });
    expect(new Webhook(secret).verify(body, headers)).toEqual({ jobId: 'a:b', status: 'active' });
    expect(() => new Webhook(secret).verify(body + ' ', headers)).toThrow();
  });

  it('signs with every current secret (rotation), space-separated', () => {
    const a = 'whsec_' + Buffer.from('aaaaaaaaaaaaaaaaaaaaaaaa').toString('base64');
    const b = 'whsec_' + Buffer.from('bbbbbbbbbbbbbbbbbbbbbbbb').toString('base64');
    const ts = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([a, b], 'msg_2', ts, '{}');
    expect(headers['webhook-signature']).toBe(`${sign(a, 'msg_2', ts, '{}')} ${sign(b, 'msg_2', ts, '{}')}`);
    expect(() => new Webhook(a).verify('{}', headers)).not.toThrow();
    expect(() => new Webhook(b).verify('{}', headers)).not.toThrow();
  });

  it('adds no headers without a secret', () => {
    expect(signatureHeaders([], 'msg_3', 1, '{}')).toEqual({});
  });
});

describe('wants()', () => {
  const sub = (over: Partial<Subscription>): Subscription => ({
    id: '00000000-0000-4000-8000-000000000001',
    scope: 'job',
    scopeId: 'p:1',
    url: 'http://127.0.0.1:1/hook',
    headers: {},
    secret: null,
    previousSecret: null,
    previousSecretExpiresAt: null,
    format: 'exec.progress',
    eventTypes: null,
    minLevel: 'info',
    status: 'active',
    ...over,
  });
  const status = (level: Level): StatusView => ({
    jobId: 'p:1',
    timestamp: '2026-03-01T12:00:00.000Z',
    pipeline: 'p',
    level,
    status: 'active',
    data: { progress: '0.00', details: '0.00% completed', states: {}, activeNodes: [] },
  });
  const event = (type: string, level: Level): FanoutEvent => ({ position: 1, type, level, at: '2026-03-01T12:00:00.000Z', status: status(level) });
  const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];

  it.each(LEVELS)('a progress subscription at minimum level %s wants exactly the events at or above it', (min) => {
    const s = sub({ minLevel: min });
    const wanted = LEVELS.filter((l) => wants(s, event('task.acquired', l)));
    expect(wanted).toEqual(LEVELS.slice(LEVELS.indexOf(min)));
  });

  it('info (the default) wants job.submitted/started/completed (info), task.retried (warn), job.failed (error), not task events (debug)', () => {
    const s = sub({ minLevel: 'info' });
    expect(wants(s, event('job.submitted', 'info'))).toBe(true);
    expect(wants(s, event('task.retried', 'warn'))).toBe(true);
    expect(wants(s, event('job.failed', 'error'))).toBe(true);
    expect(wants(s, event('task.acquired', 'debug'))).toBe(false);
    expect(wants(s, event('node.expanded', 'debug'))).toBe(false);
  });

  it('a result subscription wants only the job-ending events, whatever their level', () => {
    const s = sub({ format: 'exec.result', minLevel: 'trace' });
    expect([...JOB_END_EVENTS].sort()).toEqual(['job.completed', 'job.failed', 'job.stopped']);
    expect(wants(s, event('job.completed', 'info'))).toBe(true);
    expect(wants(s, event('job.failed', 'error'))).toBe(true);
    expect(wants(s, event('job.stopped', 'info'))).toBe(true);
    expect(wants(s, event('job.started', 'info'))).toBe(false);
    expect(wants(s, event('task.failed', 'warn'))).toBe(false);
    // Its level does not filter the result: a result subscription at "critical" still gets it.
    expect(wants(sub({ format: 'exec.result', minLevel: 'critical' }), event('job.completed', 'info'))).toBe(true);
  });

  it('lists the messages of a fan-out job: each event, for each subscriber that wants it, in event order', () => {
    const progress = sub({ id: 'progress', minLevel: 'info' });
    const result = sub({ id: 'result', format: 'exec.result', minLevel: 'trace' });
    const otherJob = sub({ id: 'other', scopeId: 'p:2', minLevel: 'trace' });
    const job = { jobId: 'p:1', kind: 'pipeline' as const, events: [event('task.succeeded', 'debug'), event('job.completed', 'info')] };
    const planned = deliveriesOf(job, [progress, result, otherJob]);
    expect(planned.map((d) => [d.event.type, d.sub.id])).toEqual([
      ['job.completed', 'progress'],
      ['job.completed', 'result'],
    ]);
    expect(planned[0].ref).toEqual({ jobId: 'p:1', pipeline: 'p', projectId: undefined, batchId: undefined });
  });

  it('says a job needs no fan-out exactly when it would make no message and no skipped count', () => {
    const progress = sub({ id: 'progress', minLevel: 'info' });
    const result = sub({ id: 'result', format: 'exec.result', minLevel: 'trace' });
    const lifecycle = sub({ id: 'lifecycle', format: 'queue.lifecycle' });
    const goneLifecycle = sub({ id: 'gone', format: 'queue.lifecycle', status: 'disabled' });
    const projectTask = sub({ id: 'project', scope: 'project', scopeId: 'proj', format: 'project.task' });
    const ref = { jobId: 'p:1' };
    const cases: Array<[string, Subscription[], FanoutEvent[], { jobId: string; projectId?: string }]> = [
      ['debug task event, info progress + result', [progress, result], [event('task.succeeded', 'debug')], ref],
      ['job completes', [progress, result], [event('task.succeeded', 'debug'), event('job.completed', 'info')], ref],
      ['queue lifecycle hears task events', [lifecycle], [event('task.acquired', 'debug')], ref],
      ['a disabled one counts what it skips', [goneLifecycle], [event('task.succeeded', 'debug')], ref],
      ['a project webhook hears task.succeeded of its jobs', [projectTask], [event('task.succeeded', 'debug')], { jobId: 'p:1', projectId: 'proj' }],
      ['not of jobs outside the project', [projectTask], [event('task.succeeded', 'debug')], ref],
      ['another job’s subscription', [sub({ scopeId: 'p:2', minLevel: 'trace' })], [event('task.acquired', 'debug')], ref],
      ['no subscriptions', [], [event('job.completed', 'info')], ref],
    ];
    for (const [name, subs, events, job] of cases) {
      const fanout = { ...job, kind: 'pipeline' as const, events };
      const makes = deliveriesOf(fanout, subs).length > 0 || skippedOf([fanout], subs).size > 0;
      expect([name, heardBy(job, events, subs)]).toEqual([name, makes]);
    }
    expect(cases.map(([, subs, events, job]) => heardBy(job, events, subs))).toEqual([false, true, true, true, true, false, false, false]);
  });

  it('renders at once only what needs nothing beyond the event', () => {
    const ref = { jobId: 'p:1', pipeline: 'p' };
    const done = event('job.completed', 'info');
    expect(renderNow(sub({}), ref, done)).toBe(JSON.stringify(done.status));
    expect(renderNow(sub({ format: 'exec.result' }), ref, done)).toBeUndefined(); // the results endpoint's body
    expect(renderNow(sub({ format: 'notification' }), ref, done)).toBeUndefined(); // the job's times
    const lifecycle = sub({ format: 'queue.lifecycle', url: 'http://127.0.0.1:1/q' });
    expect(JSON.parse(renderNow(lifecycle, { jobId: '7', pipeline: 'render' }, event('task.retried', 'warn'))!)).toEqual({
      eventType: 'retried',
      queueName: 'render',
      jobId: 7,
      workerName: null,
      leaseExpiry: null,
      acquiredAt: null,
      updatedAt: Date.parse('2026-03-01T12:00:00.000Z'),
      webhookUrl: 'http://127.0.0.1:1/q',
    });
    expect(renderNow(lifecycle, { jobId: '7', pipeline: 'render' }, event('task.succeeded', 'debug'))).toBeUndefined(); // the worker's result
  });

  it('applies the event-type filter first', () => {
    const s = sub({ minLevel: 'trace', eventTypes: ['job.completed'] });
    expect(wants(s, event('job.completed', 'info'))).toBe(true);
    expect(wants(s, event('job.started', 'info'))).toBe(false);
    expect(wants(sub({ format: 'exec.result', eventTypes: ['job.failed'] }), event('job.completed', 'info'))).toBe(false);
  });
});

describe('Retry-After values that are neither seconds nor an HTTP date', () => {
  it.each(['-5', '1.5', 'soon', '2026-01-01'])('ignores %s', (value) => {
    expect(parseRetryAfter(value, new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
