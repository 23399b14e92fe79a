import { afterEach } from 'vitest';
import '../../matchers/vitest.ts';
import { currentTestState, endTest } from '../../src/runner/testState.ts';
import { pendingRealTimers } from '../../src/time/realTime.ts';
import { setRunner } from '../support/runner.ts';
import { vitestRunner } from './vitestRunner.ts';

setRunner(vitestRunner);

// Suite-wide guard: no poll may leave one of its real timers behind after its test.
// It first ends the test's state itself (idempotent: the setup entry's own end then finds nothing), so
// it does not depend on whether the runner calls it before or after unflake's (Vitest's aroundEach
// ends after every afterEach; Jest runs afterEach hooks in declaration order).
afterEach(() => {
  const state = currentTestState();
  const notAwaited = state && endTest(state);
  if (notAwaited) throw notAwaited;
  const pending = pendingRealTimers();
  if (pending !== 0) throw new Error(`unflake leaked ${pending} real timer(s) past the end of the test`);
});
