/** What a Jest test attempt's span says of the attempt (issue 21): its retry index and result, from jest.ts' reads. */
import { jestRunningTestFirstError, jestRunningTestInvocations } from '../adapters/jest.ts';
import type { TestOutcome } from './testSpan.ts';

export { wrapJestSequentialTests } from '../adapters/jest.ts';

/** The running test's retry index: jest-circus' `invocations` counts from 1 (`jest.retryTimes`). */
export function jestAttempt(): number | undefined {
  const invocations = jestRunningTestInvocations();
  return invocations !== undefined && invocations > 0 ? invocations - 1 : undefined;
}

/** Whether the running attempt failed so far (read before its afterEach hooks add errors of their own). */
export function jestOutcome(): TestOutcome | undefined {
  const first = jestRunningTestFirstError();
  if (first === undefined) return undefined;
  return first === null ? { failed: false } : { failed: true, error: first.error };
}
