/**
 * `configure({ warnInstantPass: true })`: a line for each eventual assertion that passed at its first
 * attempt within INSTANT_PASS_MS. Such a wait checked a state that was already true when it began: fine
 * for a readiness check, a hole when it replaced a sleep in front of "the system did X" (the test then
 * checks nothing). The line names the assertion and the test and points to `from`.
 */
import type { AttemptInfo } from './types.ts';
import { currentTestState } from '../runner/testState.ts';
import { monotonicNow } from '../time/realTime.ts';

/** "Within the first few ms": a first attempt that held this soon after the call never waited for anything. */
export const INSTANT_PASS_MS = 10;

type OnAttempt = ((info: AttemptInfo) => void) | undefined;

/** Wraps the user's `onAttempt` (called first, unchanged) with the report; made only when the report is on. */
export function instantPassReporter(
  where: string,
  warn: true | ((line: string) => void),
  onAttempt: OnAttempt,
): (info: AttemptInfo) => void {
  const start = monotonicNow();
  return (info) => {
    onAttempt?.(info);
    if (info.attempt !== 1 || !info.held) return;
    const elapsed = monotonicNow() - start;
    if (elapsed > INSTANT_PASS_MS) return;
    const test = currentTestState()?.name;
    const line =
      `unflake: ${where} passed at its first attempt (${elapsed.toFixed(1)} ms)${test ? ` in "${test}"` : ''}: the condition already held when the wait began. ` +
      'If the test means "it changes to this", add `from` (the starting state) so a state that held before the system acted cannot pass. (warnInstantPass)';
    // The report must never fail the assertion: its own errors are dropped.
    try {
      if (warn === true) console.warn(line);
      else warn(line);
    } catch {
      /* a reporter that throws must not turn a pass into a failure */
    }
  };
}
