import { jest } from '@jest/globals';
import '../../matchers/jest.ts';
import { setRunner } from '../support/runner.ts';

setRunner({
  name: 'jest',
  useFakeTimers: (options) => void jest.useFakeTimers(options?.legacy ? { legacyFakeTimers: true } : {}),
  useRealTimers: () => void jest.useRealTimers(),
  advanceTimersByTime: (ms) => void jest.advanceTimersByTime(ms),
  fn: (implementation) => jest.fn(implementation as never) as never,
});
