// Setup for jest.dist.config.ts: the built CommonJS entry registers the matchers, as
// `setupFilesAfterEnv: ['unflake/jest']` does for a CommonJS user, and the behaviour tests run against dist/.
import { afterAll, afterEach, jest } from '@jest/globals';
import { pendingRealTimers } from '../verdicts/dist/realTime.ts';
import { setRunner } from '../support/runner.ts';

// Through a variable: `npm run typecheck` runs before `npm run build`, and TypeScript would fail on a
// static import of a file that is not built yet.
const entry = '../../dist/jest.cjs';
await import(entry);

setRunner({
  name: 'jest',
  useFakeTimers: (options) => void jest.useFakeTimers(options?.legacy ? { legacyFakeTimers: true } : {}),
  useRealTimers: () => void jest.useRealTimers(),
  advanceTimersByTime: (ms) => void jest.advanceTimersByTime(ms),
  fn: (implementation) => jest.fn(implementation as never) as never,
});

function checkNoRealTimers(when: string): void {
  const pending = pendingRealTimers();
  if (pending !== 0) throw new Error(`unflake (dist) leaked ${pending} real timer(s) ${when}`);
}

// Suite-wide guard: no poll may leave one of its real timers behind after its test. Jest runs afterEach
// hooks in declaration order, so this one runs after the one dist/jest.cjs registered (which ends the
// test's polls). Concurrent tests run no afterEach: the file's end checks them.
afterEach(() => checkNoRealTimers('past the end of the test'));
afterAll(() => checkNoRealTimers('past the end of the file'));
