// Setup for vitest.dist.config.ts: the built ESM entry registers the matchers, as `setupFiles:
// ['unflake/vitest']` does for users, and the behaviour tests run against dist/.
import { afterAll, beforeEach } from 'vitest';
import { pendingRealTimers } from '../verdicts/dist/realTime.ts';
import { setRunner } from '../support/runner.ts';
import { vitestRunner } from './vitestRunner.ts';

// Through a variable: `npm run typecheck` runs before `npm run build`, and TypeScript would fail on a
// static import of a file that is not built yet.
const entry = '../../dist/vitest.js';
await import(entry);

setRunner(vitestRunner);

function checkNoRealTimers(when: string): void {
  const pending = pendingRealTimers();
  if (pending !== 0) throw new Error(`unflake (dist) leaked ${pending} real timer(s) ${when}`);
}

// Suite-wide guard: no poll may leave one of its real timers behind after its test. unflake ends a test's
// polls in its aroundEach, after every afterEach, so the set is checked when the next test starts (a
// concurrent sibling may still be polling, so only before a sequential one) and when the file ends.
beforeEach((context) => {
  if (!(context.task as { concurrent?: boolean }).concurrent) checkNoRealTimers('past the end of the previous test');
});
afterAll(() => checkNoRealTimers('past the end of the file'));
