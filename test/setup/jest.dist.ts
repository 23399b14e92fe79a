// Setup for jest.dist.config.ts: the built CommonJS entry registers the matchers, as
// `setupFilesAfterEnv: ['unflake/jest']` does for a CommonJS user, and the behaviour tests run against dist/.
import { afterAll, beforeEach } from '@jest/globals';
import { pendingRealTimers } from '../verdicts/dist/realTime.ts';
import { setRunner } from '../support/runner.ts';
import { jestRunner } from './jestRunner.ts';

// Through a variable: `npm run typecheck` runs before `npm run build`, and TypeScript would fail on a
// static import of a file that is not built yet.
const entry = '../../dist/jest.cjs';
await import(entry);

setRunner(jestRunner);

function checkNoRealTimers(when: string): void {
  const pending = pendingRealTimers();
  if (pending !== 0) throw new Error(`unflake (dist) leaked ${pending} real timer(s) ${when}`);
}

// Suite-wide guard: no poll may leave one of its real timers behind after its test. unflake's own afterEach
// moves itself after the file's root afterEach hooks (so a poll started there is still the test's), so the
// check runs when the next test starts, after unflake ended the previous one. Concurrent tests run no
// hooks: the file's end checks them.
beforeEach(() => checkNoRealTimers('past the end of the previous test'));
afterAll(() => checkNoRealTimers('past the end of the file'));
