import { applyStreak, autoDisableReason, DAY_MS, disableAfterMs, disableCandidates, disablesAt, mayDisable, mergeStreaks, nextFailingSince, streakOf } from '../../src/webhooks/domain/auto-disable';
import { settleAttempt } from '../../src/webhooks/domain/attempt-settlement';
import { mergeCalls, type SubscriptionCall } from '../../src/webhooks/domain/delivery-records';
import { loadConfig, ConfigError } from '../../src/config/config';

/** Issue 13: the auto-disable rule, pure (times passed in). */

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();
const HOUR = 3_600_000;
const FIVE_DAYS = 5 * DAY_MS;

/** The rule applied attempt by attempt: the stored failingSince after each, and whether it disabled. */
function run(attempts: Array<{ ok: boolean; atMs: number }>, after = FIVE_DAYS): Array<{ failingSince: string | null; disable: boolean }> {
  let stored: string | null = null;
  return attempts.map((a) => {
    const next = applyStreak(stored, streakOf(a.ok, at(a.atMs), stored), after);
    stored = next.failingSince;
    return next;
  });
}

describe('auto-disable: the failing streak', () => {
  it('starts at the first failed attempt and keeps it while attempts fail', () => {
    expect(run([{ ok: false, atMs: 0 }, { ok: false, atMs: HOUR }, { ok: false, atMs: 2 * DAY_MS }]).map((r) => r.failingSince)).toEqual([iso(0), iso(0), iso(0)]);
  });

  it('disables at the first failure at or past 5 days, not at 4 days 23 h', () => {
    const results = run([
      { ok: false, atMs: 0 },
      { ok: false, atMs: 4 * DAY_MS + 23 * HOUR },
      { ok: false, atMs: FIVE_DAYS - 1 },
      { ok: false, atMs: FIVE_DAYS },
    ]);
    expect(results.map((r) => r.disable)).toEqual([false, false, false, true]);
  });

  it('is cleared by any 2xx: the 5 days start again at the next failure', () => {
    const results = run([
      { ok: false, atMs: 0 },
      { ok: true, atMs: 3 * DAY_MS },
      { ok: false, atMs: 6 * DAY_MS },
      { ok: false, atMs: 10 * DAY_MS },
      { ok: false, atMs: 11 * DAY_MS },
    ]);
    expect(results).toEqual([
      { failingSince: iso(0), disable: false },
      { failingSince: null, disable: false },
      { failingSince: iso(6 * DAY_MS), disable: false },
      { failingSince: iso(6 * DAY_MS), disable: false },
      { failingSince: iso(6 * DAY_MS), disable: true },
    ]);
  });

  it('never disables with 0 (HERALD_WEBHOOK_DISABLE_AFTER_DAYS=0), nor on a success', () => {
    expect(run([{ ok: false, atMs: 0 }, { ok: false, atMs: 400 * DAY_MS }], 0).map((r) => r.disable)).toEqual([false, false]);
    expect(disablesAt(iso(0), null, FIVE_DAYS)).toBe(false);
    expect(disablesAt(null, iso(10 * DAY_MS), FIVE_DAYS)).toBe(false);
  });

  it('merges a batch of one subscription in order: a success in it ends the streak before it', () => {
    const fail0 = streakOf(false, at(0), null);
    const ok1 = streakOf(true, at(DAY_MS), null);
    const fail2 = streakOf(false, at(2 * DAY_MS), null);
    const fail3 = streakOf(false, at(3 * DAY_MS), null);
    const failThenOk = mergeStreaks(fail0, ok1);
    expect(failThenOk).toEqual({ succeeded: true, failingSince: null, failedAt: null, known: null });
    const okThenFails = mergeStreaks(mergeStreaks(ok1, fail2), fail3);
    expect(okThenFails).toEqual({ succeeded: true, failingSince: iso(2 * DAY_MS), failedAt: iso(3 * DAY_MS), known: null });
    // Over a stored streak: a batch with a success replaces it, one without keeps it.
    expect(nextFailingSince(iso(-10 * DAY_MS), okThenFails)).toBe(iso(2 * DAY_MS));
    expect(nextFailingSince(iso(-10 * DAY_MS), mergeStreaks(fail2, fail3))).toBe(iso(-10 * DAY_MS));
    expect(nextFailingSince(null, mergeStreaks(fail2, fail3))).toBe(iso(2 * DAY_MS));
  });

  it('ends a streak older than the subscription\'s last change (a PUT of its URL, a PATCH): the next failure starts a new one', () => {
    const next = applyStreak(iso(0), streakOf(false, at(6 * DAY_MS), iso(0)), FIVE_DAYS, iso(DAY_MS));
    expect(next).toEqual({ failingSince: iso(6 * DAY_MS), disable: false });
    expect(applyStreak(iso(2 * DAY_MS), streakOf(false, at(8 * DAY_MS), iso(2 * DAY_MS)), FIVE_DAYS, iso(DAY_MS))).toEqual({ failingSince: iso(2 * DAY_MS), disable: true });
  });

  it('asks the database only when the failingSince the message was taken with says it may disable', () => {
    expect(mayDisable(streakOf(false, at(FIVE_DAYS), iso(0)), FIVE_DAYS)).toBe(true);
    expect(mayDisable(streakOf(false, at(FIVE_DAYS - 1), iso(0)), FIVE_DAYS)).toBe(false);
    expect(mayDisable(streakOf(false, at(FIVE_DAYS), null), FIVE_DAYS)).toBe(false); // a streak starting now
    expect(mayDisable(streakOf(true, at(FIVE_DAYS), iso(0)), FIVE_DAYS)).toBe(false);
  });
});

describe('auto-disable: calls, candidates, settings', () => {
  const message = (failingSince: string | null) => ({ id: 'm1', jobId: 'j1', eventPosition: 7, attempts: 0, correlationId: 'c1', subscription: { id: 's1', url: 'https://example.com/h', failingSince } });
  const settle = (statusCode: number, atMs: number, failingSince: string | null, kind: 'retry' | 'disable' | 'delivered' = 'retry'): SubscriptionCall =>
    settleAttempt({
      message: message(failingSince),
      result: { statusCode, durationMs: 5 },
      outcome: kind === 'retry' ? { kind, delayMs: 1000 } : kind === 'disable' ? { kind, reason: 'endpoint answered 410 Gone' } : { kind },
      attemptedAt: at(atMs),
      endpointState: 'healthy',
      nextToken: () => 't',
    }).call;

  it('settles an attempt with its streak and the message it was for', () => {
    expect(settle(500, FIVE_DAYS, iso(0))).toMatchObject({
      id: 's1',
      streak: { succeeded: false, failingSince: iso(FIVE_DAYS), failedAt: iso(FIVE_DAYS), known: iso(0) },
      attempted: { messageId: 'm1', jobId: 'j1', eventPosition: 7, correlationId: 'c1' },
    });
    expect(settle(200, 0, iso(0), 'delivered').streak).toEqual({ succeeded: true, failingSince: null, failedAt: null, known: iso(0) });
  });

  it('makes a candidate of a 410 at once, and of a failure past the limit; not of a young streak', () => {
    const gone = settle(410, HOUR, null, 'disable');
    const old = settle(500, FIVE_DAYS + HOUR, iso(0));
    const young = settle(500, DAY_MS, iso(0));
    expect(disableCandidates([gone, old, { ...young, id: 's3' }], FIVE_DAYS)).toEqual([
      { id: 's1', reason: 'endpoint answered 410 Gone', failedAt: iso(HOUR) },
      { id: 's1', reason: null, failedAt: iso(FIVE_DAYS + HOUR) },
    ]);
    // Merged in one batch: the 410's reason and message are kept, the last call wins.
    const merged = mergeCalls(mergeCalls(undefined, gone), { ...settle(500, 2 * HOUR, null), attempted: { messageId: 'm2', jobId: 'j2', eventPosition: 8, correlationId: null } });
    expect([merged.disableReason, merged.attempted?.messageId, merged.lastCall.statusCode, merged.streak?.failingSince]).toEqual(['endpoint answered 410 Gone', 'm1', 500, iso(HOUR)]);
  });

  it('reads HERALD_WEBHOOK_DISABLE_AFTER_DAYS: 5 by default, 0 = never, validated like the other settings', () => {
    expect(loadConfig({}).webhooks.disableAfterDays).toBe(5);
    expect(loadConfig({ HERALD_WEBHOOK_DISABLE_AFTER_DAYS: '0' }).webhooks.disableAfterDays).toBe(0);
    expect(loadConfig({ HERALD_WEBHOOK_DISABLE_AFTER_DAYS: '30' }).webhooks.disableAfterDays).toBe(30);
    expect(() => loadConfig({ HERALD_WEBHOOK_DISABLE_AFTER_DAYS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ HERALD_WEBHOOK_DISABLE_AFTER_DAYS: '2.5' })).toThrow(/HERALD_WEBHOOK_DISABLE_AFTER_DAYS must be an integer/);
    expect(disableAfterMs(5)).toBe(FIVE_DAYS);
    expect([autoDisableReason(FIVE_DAYS), autoDisableReason(DAY_MS)]).toEqual(['every attempt failed for 5 days', 'every attempt failed for 1 day']);
  });
});
