import { DomainError } from '../../common/domain-error';

/**
 * Per-project limits (pure): what a project may do, from the configured defaults and an admin's
 * overrides. 0 means no limit. Requests per second are counted per instance, so each instance
 * takes its share of the project's rate among the live instances (rounded up: with N instances
 * behind a balancer the project gets its rate, a little more when N does not divide it).
 */
export interface ProjectLimits {
  requestsPerSecond: number;
  maxJobsInFlight: number;
  maxSubscriptions: number;
}

export const LIMIT_NAMES = ['requestsPerSecond', 'maxJobsInFlight', 'maxSubscriptions'] as const satisfies readonly (keyof ProjectLimits)[];

/** An admin's overrides: a missing or null value is the default. */
export type LimitOverrides = { [K in keyof ProjectLimits]?: number | null };

export interface EffectiveLimits {
  limits: ProjectLimits;
  /** Which values are the configured defaults (not overridden for this project). */
  defaults: (keyof ProjectLimits)[];
}

export function effectiveLimits(defaults: ProjectLimits, overrides: LimitOverrides | undefined): EffectiveLimits {
  const limits = { ...defaults };
  const fromDefaults: (keyof ProjectLimits)[] = [];
  for (const name of LIMIT_NAMES) {
    const value = overrides?.[name];
    if (value === undefined || value === null) fromDefaults.push(name);
    else limits[name] = value;
  }
  return { limits, defaults: fromDefaults };
}

/** This instance's share of a project's requests per second; 0: no limit. */
export function instanceShare(requestsPerSecond: number, liveInstances: number): number {
  if (requestsPerSecond <= 0) return 0;
  return Math.max(1, Math.ceil(requestsPerSecond / Math.max(1, liveInstances)));
}

/** Seconds for Retry-After: whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export const rateLimited = (projectId: string, perSecond: number, retryAfterMs: number) =>
  new DomainError('RATE_LIMITED', `project ${projectId} sent more than ${perSecond} requests per second to this instance; retry after ${retryAfterSeconds(retryAfterMs)} s`, 429, {
    limit: 'requestsPerSecond',
    perSecond,
    retryAfterSeconds: retryAfterSeconds(retryAfterMs),
  });

export const jobsLimitReached = (projectId: string, max: number) =>
  new DomainError('PROJECT_LIMIT_REACHED', `project ${projectId} has ${max} unfinished jobs, its limit: wait for some to finish, or ask an admin to raise maxJobsInFlight`, 429, {
    limit: 'maxJobsInFlight',
    max,
  });

export const subscriptionsLimitReached = (projectId: string, max: number) =>
  new DomainError('PROJECT_LIMIT_REACHED', `project ${projectId} has ${max} webhooks and channels, its limit: delete some, or ask an admin to raise maxSubscriptions`, 409, {
    limit: 'maxSubscriptions',
    max,
  });

/** Unknown project keys from one address: each costs a database lookup, so they are limited too. */
export const unknownKeysLimited = (retryAfterMs: number) =>
  new DomainError('RATE_LIMITED', `too many requests with unknown API keys from this address; retry after ${retryAfterSeconds(retryAfterMs)} s`, 429, {
    limit: 'unknownKeys',
    retryAfterSeconds: retryAfterSeconds(retryAfterMs),
  });
