import { vi } from 'vitest';
import '../../matchers/vitest.ts';
import { setRunner } from '../support/runner.ts';

setRunner({
  name: 'vitest',
  useFakeTimers: () => void vi.useFakeTimers(),
  useRealTimers: () => void vi.useRealTimers(),
  advanceTimersByTime: (ms) => void vi.advanceTimersByTime(ms),
  fn: (implementation) => vi.fn(implementation) as never,
});
