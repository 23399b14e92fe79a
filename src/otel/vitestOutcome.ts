/** What a Vitest task says of its attempt, for the attempt's span (from vitest.ts' reads): its retry index, whether it failed. */
import { vitestTaskErrors, vitestTaskRetry } from '../adapters/vitest.ts';
import type { TestOutcome } from './testSpan.ts';

/** The retry index (0 on the first attempt). */
export const vitestAttempt = vitestTaskRetry;

/** How many errors the task has recorded so far (a failed attempt's errors stay on the task through its retries). */
export function vitestErrorCount(task: unknown): number {
  return vitestTaskErrors(task)?.length ?? 0;
}

/** Whether this attempt failed: errors recorded since it began (`before`: vitestErrorCount at its start). */
export function vitestOutcome(task: unknown, before: number): TestOutcome | undefined {
  const errors = vitestTaskErrors(task);
  if (!errors) return undefined;
  const since = errors.slice(before);
  return since.length ? { failed: true, error: since[0] } : { failed: false };
}
