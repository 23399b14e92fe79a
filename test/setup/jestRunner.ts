// The runner adapter the behaviour tests use under Jest (test/support/runner.ts), for the source and the dist setup.
import { jest } from '@jest/globals';
import type { RunnerAdapter } from '../support/runner.ts';

export const jestRunner: RunnerAdapter = {
  name: 'jest',
  useFakeTimers: (options) => void jest.useFakeTimers(options?.legacy ? { legacyFakeTimers: true } : {}),
  useRealTimers: () => void jest.useRealTimers(),
  advanceTimersByTime: (ms) => void jest.advanceTimersByTime(ms),
  fn: (implementation) => jest.fn(implementation as never) as never,
};
