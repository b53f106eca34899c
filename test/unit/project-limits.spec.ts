import { effectiveLimits, instanceShare, retryAfterSeconds } from '../../src/limits/domain/project-limits';

const DEFAULTS = { requestsPerSecond: 1000, maxJobsInFlight: 100_000, maxSubscriptions: 1000 };

describe('project limits (pure)', () => {
  it('takes an override over the default, and names the values that are defaults', () => {
    expect(effectiveLimits(DEFAULTS, undefined)).toEqual({ limits: DEFAULTS, defaults: ['requestsPerSecond', 'maxJobsInFlight', 'maxSubscriptions'] });
    expect(effectiveLimits(DEFAULTS, { requestsPerSecond: 5, maxJobsInFlight: null, maxSubscriptions: 0 })).toEqual({
      limits: { requestsPerSecond: 5, maxJobsInFlight: 100_000, maxSubscriptions: 0 },
      defaults: ['maxJobsInFlight'],
    });
  });

  it("shares a project's rate among live instances, rounding up, never below 1; 0 stays no limit", () => {
    expect(instanceShare(10, 1)).toBe(10);
    expect(instanceShare(10, 2)).toBe(5);
    expect(instanceShare(10, 3)).toBe(4);
    expect(instanceShare(1, 8)).toBe(1);
    expect(instanceShare(10, 0)).toBe(10);
    expect(instanceShare(0, 4)).toBe(0);
  });

  it('answers Retry-After in whole seconds, at least 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(999)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });
});
