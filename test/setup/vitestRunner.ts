// The runner adapter the behaviour tests use under Vitest (test/support/runner.ts), for the source and the dist setup.
import { vi } from 'vitest';
import type { RunnerAdapter } from '../support/runner.ts';

export const vitestRunner: RunnerAdapter = {
  name: 'vitest',
  useFakeTimers: () => void vi.useFakeTimers(),
  useRealTimers: () => void vi.useRealTimers(),
  advanceTimersByTime: (ms) => void vi.advanceTimersByTime(ms),
  fn: (implementation) => vi.fn(implementation) as never,
};
