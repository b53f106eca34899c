/**
 * Auto-disable (issue 13): a subscription whose every attempt has failed for `disableAfter` is
 * disabled. It is "failing since" the first failed attempt after its last successful one (or
 * since its first attempt, when none ever succeeded, or since it was last changed); any 2xx clears that. An attempt that fails
 * while `attemptedAt - failingSince >= disableAfter` disables it. 0 = never.
 *
 * The streak lives in webhook_subscriptions.failing_since, written with the subscription's last
 * call (subscriptions.repository.ts, RECORD_CALLS and DISABLE_SUBSCRIPTIONS apply these same
 * rules in SQL, on the row as it is when the record is written, so that several instances
 * agree). Times are the attempts' own, from Herald's clock.
 */

import type { SubscriptionCall } from './delivery-records';

export const DAY_MS = 86_400_000;

/** What one attempt, or a batch of attempts of one subscription merged in order, says about its streak. */
export interface StreakReport {
  /** A 2xx was among them: whatever streak the subscription had ends there. */
  succeeded: boolean;
  /** The first failure after the last success among them (or after their start); null when the last one succeeded. */
  failingSince: string | null;
  /** The latest failed attempt after that (ISO); null when the last one succeeded. */
  failedAt: string | null;
  /** The subscription's failingSince when the message was taken (what the delivery read; may be stale). */
  known: string | null;
}

/** One attempt's report. `known`: the subscription's failingSince as the attempt's message was taken with. */
export function streakOf(delivered: boolean, attemptedAt: Date, known: string | null): StreakReport {
  const at = attemptedAt.toISOString();
  return delivered ? { succeeded: true, failingSince: null, failedAt: null, known } : { succeeded: false, failingSince: at, failedAt: at, known };
}

/** Two reports of one subscription, `later` recorded after `earlier`. */
export function mergeStreaks(earlier: StreakReport | undefined, later: StreakReport): StreakReport {
  if (!earlier) return later;
  if (later.succeeded && later.failingSince === null) return { ...later, known: earlier.known };
  return {
    succeeded: earlier.succeeded || later.succeeded,
    failingSince: later.succeeded ? later.failingSince : (earlier.failingSince ?? later.failingSince),
    failedAt: later.failedAt ?? earlier.failedAt,
    known: earlier.known,
  };
}

/**
 * The subscription's failingSince once `report` is recorded over the `stored` one. `changedAt`:
 * when the (active) subscription was last changed (its URL put again, patched, its secret
 * rotated): a streak older than that is over, the report's first failure starts a new one.
 */
export function nextFailingSince(stored: string | null, report: StreakReport, changedAt: string | null = null): string | null {
  if (report.succeeded) return report.failingSince;
  const current = stored !== null && changedAt !== null && Date.parse(stored) < Date.parse(changedAt) ? null : stored;
  return current ?? report.failingSince;
}

/** A failed attempt at `failedAt` disables a subscription failing since `failingSince`. */
export function disablesAt(failingSince: string | null, failedAt: string | null, disableAfterMs: number): boolean {
  if (disableAfterMs <= 0 || failingSince === null || failedAt === null) return false;
  return Date.parse(failedAt) - Date.parse(failingSince) >= disableAfterMs;
}

/**
 * The rule over a stored streak: the new failingSince, and whether the report disables. Pure:
 * the times are the attempts' (Herald's clock), passed in.
 */
export function applyStreak(stored: string | null, report: StreakReport, disableAfterMs: number, changedAt: string | null = null): { failingSince: string | null; disable: boolean } {
  const failingSince = nextFailingSince(stored, report, changedAt);
  return { failingSince, disable: disablesAt(failingSince, report.failedAt, disableAfterMs) };
}

/**
 * Whether recording `report` may disable its subscription, judged on the failingSince its
 * message was taken with. A necessary condition: the failingSince in the row can only be later
 * than the one read (a success cleared it since, or a change ended it) or set since the take
 * (then it is younger than the attempt), never earlier; the database decides for good. Only then does the recorder issue
 * the disabling statement (and wait for it), so a batch that cannot disable costs no round trip more.
 */
export function mayDisable(report: StreakReport, disableAfterMs: number): boolean {
  return applyStreak(report.known, report, disableAfterMs).disable;
}

/** A subscription a batch may disable: a reason (410 Gone), or its latest failed attempt (the streak rule). */
export interface DisableCandidate {
  id: string;
  reason: string | null;
  failedAt: string | null;
}

/**
 * The subscriptions a batch's (merged) calls may disable: a reason (410 Gone) disables at once;
 * a failing streak may (mayDisable), the database decides. `failedAt`: the latest failure.
 */
export function disableCandidates(calls: SubscriptionCall[], disableAfter: number): DisableCandidate[] {
  return calls.flatMap((c): DisableCandidate[] => {
    if (c.disableReason) return [{ id: c.id, reason: c.disableReason, failedAt: c.streak?.failedAt ?? null }];
    if (c.streak && mayDisable(c.streak, disableAfter)) return [{ id: c.id, reason: null, failedAt: c.streak.failedAt }];
    return [];
  });
}

/** HERALD_WEBHOOK_DISABLE_AFTER_DAYS as milliseconds (0: never). */
export function disableAfterMs(days: number): number {
  return Math.max(0, days) * DAY_MS;
}

/** The reason an auto-disabled subscription shows (disabledReason). */
export function autoDisableReason(disableAfter: number): string {
  const days = disableAfter / DAY_MS;
  return `every attempt failed for ${Number.isInteger(days) ? days : days.toFixed(2)} day${days === 1 ? '' : 's'}`;
}
