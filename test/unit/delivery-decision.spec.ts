import { settleAttempt } from '../../src/webhooks/domain/attempt-settlement';
import { decideDelivery, planWait, type TakenFacts } from '../../src/webhooks/domain/delivery-decision';
import { classify, classifyTest, type AttemptResult } from '../../src/webhooks/domain/delivery-outcome';

/** The delivery rules of docs/DELIVERY.md ("Ordering"), one given/when/then each. */

const TOKEN = 'token-1';
const JOB = { token: TOKEN, force: false };
const FREE = { duplicate: false, streamBusy: false };

/** A pending progress message whose stream the take moved to it: the plain case, attempted. */
function given(over: Partial<TakenFacts> = {}): TakenFacts {
  return {
    status: 'pending',
    jobToken: TOKEN,
    ordering: 'latest-wins',
    eventPosition: 10,
    attempts: 0,
    subscription: { status: 'active' },
    newer: false,
    blocked: false,
    moved: true,
    streamAt: 10,
    heldElsewhere: false,
    ...over,
  };
}

describe('delivery decision: which job may act', () => {
  it('given a job whose message is gone, when decided, then it is skipped', () => {
    expect(decideDelivery(undefined, JOB, FREE)).toEqual({ kind: 'skip' });
  });

  it('given a job whose token the message no longer holds (a retry or resend took over), then it is skipped', () => {
    expect(decideDelivery(given({ jobToken: 'token-2' }), JOB, FREE)).toEqual({ kind: 'skip' });
  });

  it('given the same message twice in one batch, then the second is skipped', () => {
    expect(decideDelivery(given(), JOB, { ...FREE, duplicate: true })).toEqual({ kind: 'skip' });
  });

  it.each(['delivered', 'failed', 'superseded', 'cancelled'] as const)('given a %s message, then its job is skipped', (status) => {
    expect(decideDelivery(given({ status }), JOB, FREE)).toEqual({ kind: 'skip' });
  });

  it('given a retrying message, then it is attempted like a pending one', () => {
    expect(decideDelivery(given({ status: 'retrying', attempts: 2 }), JOB, FREE)).toEqual({ kind: 'attempt', holdsStream: true });
  });

  it('given a disabled subscription (410 Gone), then the message is cancelled', () => {
    expect(decideDelivery(given({ subscription: { status: 'disabled' } }), JOB, FREE)).toEqual({ kind: 'cancel', reason: 'subscription disabled' });
  });
});

describe('delivery decision: progress (latest-wins)', () => {
  it('given a newer snapshot exists and this one is retrying or stale, then it is superseded', () => {
    expect(decideDelivery(given({ newer: true }), JOB, FREE)).toEqual({ kind: 'supersede' });
  });

  it('given a manual resend of such a message, then it is attempted anyway, outside its stream', () => {
    expect(decideDelivery(given({ newer: true, blocked: true, moved: false }), { token: TOKEN, force: true }, { ...FREE, streamBusy: true })).toEqual({
      kind: 'attempt',
      holdsStream: false,
    });
  });

  it('given an earlier snapshot has not had its first attempt, then it waits for it', () => {
    expect(decideDelivery(given({ blocked: true, moved: false }), JOB, FREE)).toEqual({ kind: 'wait', behind: 'earlier-message' });
  });

  it('given its stream has an attempt in flight here, then it waits (one at a time per stream)', () => {
    expect(decideDelivery(given(), JOB, { ...FREE, streamBusy: true })).toEqual({ kind: 'wait', behind: 'stream-busy' });
  });

  it('given another instance holds its stream (an attempt in flight there), then it waits (one at a time per stream, across instances)', () => {
    expect(decideDelivery(given({ moved: false, heldElsewhere: true, streamAt: 9 }), JOB, FREE)).toEqual({ kind: 'wait', behind: 'stream-busy' });
  });

  it('given the take moved its stream to it, then it is attempted and holds the stream', () => {
    expect(decideDelivery(given(), JOB, FREE)).toEqual({ kind: 'attempt', holdsStream: true });
  });

  it('given its stream is already past it (a later snapshot went out), then it is superseded', () => {
    expect(decideDelivery(given({ moved: false, streamAt: 11 }), JOB, FREE)).toEqual({ kind: 'supersede' });
  });

  it('given its stream was not moved and is not past it (an earlier one went first), then it waits', () => {
    expect(decideDelivery(given({ moved: false, streamAt: 9 }), JOB, FREE)).toEqual({ kind: 'wait', behind: 'stream-order' });
    expect(decideDelivery(given({ moved: false, streamAt: null }), JOB, FREE)).toEqual({ kind: 'wait', behind: 'stream-order' });
  });
});

describe('delivery decision: lifecycle (ordered)', () => {
  const lifecycle = (over: Partial<TakenFacts> = {}) => given({ ordering: 'ordered', ...over });

  it('given a newer lifecycle message exists, then it is not superseded before its first attempt', () => {
    expect(decideDelivery(lifecycle({ newer: true }), JOB, FREE)).toEqual({ kind: 'attempt', holdsStream: true });
  });

  it('given its stream is past it and it never had an attempt, then it goes out late, outside its stream', () => {
    expect(decideDelivery(lifecycle({ moved: false, streamAt: 12 }), JOB, FREE)).toEqual({ kind: 'attempt', holdsStream: false });
  });

  it('given its stream is past it and it already had an attempt, then it gives way (superseded)', () => {
    expect(decideDelivery(lifecycle({ moved: false, streamAt: 12, attempts: 1, status: 'retrying' }), JOB, FREE)).toEqual({ kind: 'supersede' });
  });

  it('given an earlier lifecycle message has not had its first attempt, then it waits', () => {
    expect(decideDelivery(lifecycle({ blocked: true, moved: false }), JOB, FREE)).toEqual({ kind: 'wait', behind: 'earlier-message' });
  });
});

describe('delivery decision: results, project tasks, notifications (always)', () => {
  const result = (over: Partial<TakenFacts> = {}) => given({ ordering: 'always', moved: false, streamAt: null, ...over });

  it('given the job progress up to its event had its first attempt, then it is attempted, in no stream', () => {
    expect(decideDelivery(result(), JOB, { ...FREE, streamBusy: true })).toEqual({ kind: 'attempt', holdsStream: false });
  });

  it('given a progress message up to its event has not had its first attempt, then it waits (the result follows the last progress)', () => {
    expect(decideDelivery(result({ blocked: true }), JOB, FREE)).toEqual({ kind: 'wait', behind: 'earlier-message' });
  });

  it('given newer messages exist, then it is never superseded', () => {
    expect(decideDelivery(result({ newer: true }), JOB, FREE)).toEqual({ kind: 'attempt', holdsStream: false });
  });
});

describe('where a waiting message waits', () => {
  const POLICY = { minMs: 20, maxMs: 60_000, parkMs: 600_000, releaseFallbackMs: 1000 };
  const NOW = 1_000_000;
  const facts = { running: true, attemptsOfJobHere: 0, releaseAnnounced: false, takenAgain: false, blockedUntil: null, endpointOpen: false, now: NOW };

  it('given its stream is held by another instance that will announce the release, then it waits here for that (at most the fallback), taken again or not, attempts of its job here or not', () => {
    expect(planWait({ ...facts, releaseAnnounced: true }, POLICY)).toEqual({ kind: 'await-release', ms: 1000 });
    expect(planWait({ ...facts, releaseAnnounced: true, takenAgain: true, attemptsOfJobHere: 2 }, POLICY)).toEqual({ kind: 'await-release', ms: 1000 });
  });

  it('given its stream is held elsewhere but the release will not be announced (it was released as the take marked it), then it is taken once more at once', () => {
    expect(planWait({ ...facts, releaseAnnounced: false }, POLICY)).toEqual({ kind: 'take-again' });
  });

  it('given the instance is shutting down, then a message behind an announced release goes back to the queue', () => {
    expect(planWait({ ...facts, running: false, releaseAnnounced: true }, POLICY)).toEqual({ kind: 'defer', ms: 20 });
  });

  it('given an attempt of its job in flight here, then it waits here (woken by that outcome)', () => {
    expect(planWait({ ...facts, attemptsOfJobHere: 1, takenAgain: true }, POLICY)).toEqual({ kind: 'park-here' });
  });

  it('given nothing of its job in flight here, the first time, then it is taken once more at once (facts may be stale)', () => {
    expect(planWait(facts, POLICY)).toEqual({ kind: 'take-again' });
  });

  it('given it was already taken again, then it goes back to the queue until what it waits for is due', () => {
    expect(planWait({ ...facts, takenAgain: true, blockedUntil: NOW + 5_000 }, POLICY)).toEqual({ kind: 'defer', ms: 5_010 });
  });

  it('given what it waits for is due now (or it waits behind a stream), then it comes back after the shortest wait', () => {
    expect(planWait({ ...facts, takenAgain: true, blockedUntil: 0 }, POLICY)).toEqual({ kind: 'defer', ms: 20 });
    expect(planWait({ ...facts, takenAgain: true }, POLICY)).toEqual({ kind: 'defer', ms: 20 });
  });

  it('given what it waits for is due far ahead, then it comes back at most maxMs later, or a park period behind an open circuit', () => {
    expect(planWait({ ...facts, takenAgain: true, blockedUntil: NOW + 3_600_000 }, POLICY)).toEqual({ kind: 'defer', ms: 60_000 });
    expect(planWait({ ...facts, takenAgain: true, blockedUntil: NOW + 3_600_000, endpointOpen: true }, POLICY)).toEqual({ kind: 'defer', ms: 600_000 });
  });

  it('given the instance is shutting down, then it goes back to the queue, never waits here', () => {
    expect(planWait({ ...facts, running: false, attemptsOfJobHere: 3 }, POLICY)).toEqual({ kind: 'defer', ms: 20 });
  });
});

describe('attempt settlement (deliveries and channel tests)', () => {
  const AT = new Date('2026-03-01T12:00:00.000Z');
  const message = { id: 'm1', jobId: 'job-1', eventPosition: 42, attempts: 0, subscription: { id: 's1', url: 'https://example.test/hook' } };
  const settle = (result: AttemptResult, attempts = 0, schedule = [0, 5, 300]) =>
    settleAttempt({ message: { ...message, attempts }, result, outcome: classify(result, attempts + 1, schedule, 0.5, AT), attemptedAt: AT, endpointState: 'healthy', nextToken: () => 'next-token' });

  it('given a 2xx, then delivered: no retry, no error, the call recorded', () => {
    const s = settle({ statusCode: 204, statusMessage: 'No Content', durationMs: 7 });
    expect(s.update).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: AT, lastError: null, jobToken: null, nextAttemptAt: null });
    expect(s.attempt).toMatchObject({ attempt: 1, outcome: 'delivered', statusCode: 204, durationMs: 7, eventPosition: 42, url: message.subscription.url });
    expect(s.call).toEqual({ id: 's1', lastCall: { statusCode: 204, message: 'No Content', date: AT.toISOString() }, streak: { succeeded: true, failingSince: null, failedAt: null, known: null } });
    expect([s.nextAt, s.final]).toEqual([null, false]);
  });

  it('given a 500 with attempts left, then retrying at the scheduled delay after the attempt ended, with a new job token', () => {
    const s = settle({ statusCode: 500, statusMessage: 'Internal Server Error', body: '{"error":"down"}', durationMs: 100 }, 1);
    expect(s.nextAt).toEqual(new Date(AT.getTime() + 100 + 300_000));
    expect(s.update).toMatchObject({ status: 'retrying', attempts: 2, lastError: 'HTTP 500', jobToken: 'next-token', nextAttemptAt: s.nextAt });
    expect(s.call.lastError).toEqual({ statusCode: 500, message: 'Internal Server Error', body: { error: 'down' }, date: AT.toISOString() });
    expect(s.final).toBe(false);
  });

  it('given the last attempt fails, then failed for good, saying after how many attempts', () => {
    const s = settle({ errorCode: 'ECONNREFUSED', errorMessage: 'connect ECONNREFUSED 127.0.0.1:9', durationMs: 1 }, 2);
    expect(s.update).toMatchObject({ status: 'failed', attempts: 3, lastError: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9; gave up after 3 attempts', jobToken: null });
    expect(s.call).toMatchObject({ lastCall: { statusCode: null, message: 'ECONNREFUSED' }, lastError: { statusCode: null, message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9', body: null } });
    expect(s.final).toBe(true);
  });

  it('given 410 Gone, then the attempt is "disabled" and the subscription is disabled', () => {
    const s = settle({ statusCode: 410, statusMessage: 'Gone', durationMs: 3 });
    expect(s.attempt.outcome).toBe('disabled');
    expect(s.update).toMatchObject({ status: 'failed', lastError: 'HTTP 410; endpoint answered 410 Gone' });
    expect(s.call.disableReason).toBe('endpoint answered 410 Gone');
    expect(s.final).toBe(true);
  });

  it('given a channel test, then one attempt only: a 500 or a 410 fails it without retry or disabling', () => {
    for (const statusCode of [500, 410]) {
      const result = { statusCode, durationMs: 2, body: 'nope' };
      const s = settleAttempt({ message, result, outcome: classifyTest(result), attemptedAt: AT, endpointState: 'healthy', nextToken: () => 'unused' });
      expect(s.update).toMatchObject({ status: 'failed', attempts: 1, lastError: `HTTP ${statusCode}; gave up after 1 attempt`, jobToken: null });
      expect(s.call.disableReason).toBeUndefined();
      expect(s.call.lastError?.body).toBe('nope');
    }
    expect(classifyTest({ statusCode: 200, durationMs: 1 })).toEqual({ kind: 'delivered' });
  });
});
