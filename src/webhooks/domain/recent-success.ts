/**
 * A subscription's attempts of the last hour and how many succeeded (a 2xx: outcome
 * `delivered`), as its health shows them. Pure: the counts come in, read for the hour up to
 * Herald's clock's now.
 */
export interface RecentSuccess {
  attempts: number;
  succeeded: number;
  /** succeeded / attempts, from 0 to 1; null when there was no attempt. */
  successRate: number | null;
}

/** The window the counts cover: the hour up to now (an attempt exactly an hour old is out). */
export const RECENT_WINDOW_MS = 3600 * 1000;

export function recentSuccess(attempts: number, succeeded: number): RecentSuccess {
  return { attempts, succeeded, successRate: attempts === 0 ? null : succeeded / attempts };
}
