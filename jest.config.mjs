import { availableParallelism } from 'node:os';

/**
 * Jest runs in ESM mode (NestJS 12 ships ESM only): see package.json "test".
 * Tiers: *.spec.ts (pure), *.int-spec.ts (real PostgreSQL), *.e2e-spec.ts (HTTP + real receivers).
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // The suites wait on PostgreSQL, HTTP and timers far more than they compute: two at a time on a
  // 2-core machine (jest's default there is one) halves the suite's time (10.6 -> 5.4 min, all passing).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
