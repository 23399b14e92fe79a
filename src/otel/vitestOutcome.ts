/** What a Vitest task says of its attempt, for the attempt's span: its retry index and whether it failed. */
import type { TestOutcome } from './testSpan.ts';

interface VitestTaskResult {
  state?: string;
  errors?: unknown[];
  retryCount?: number;
}

/** `result.retryCount`: the retry index (0 on the first attempt). */
export function vitestAttempt(task: unknown): number | undefined {
  const count = (task as { result?: VitestTaskResult } | undefined)?.result?.retryCount;
  return typeof count === 'number' ? count : undefined;
}

/** How many errors the task has recorded so far (Vitest keeps a failed attempt's errors on the task through its retries). */
export function vitestErrorCount(task: unknown): number {
  const errors = (task as { result?: VitestTaskResult } | undefined)?.result?.errors;
  return Array.isArray(errors) ? errors.length : 0;
}

/** Whether this attempt failed: errors recorded since it began (`before`: vitestErrorCount at its start). */
export function vitestOutcome(task: unknown, before: number): TestOutcome | undefined {
  const result = (task as { result?: VitestTaskResult } | undefined)?.result;
  if (!result) return undefined;
  const errors = Array.isArray(result.errors) ? result.errors.slice(before) : [];
  return errors.length ? { failed: true, error: errors[0] } : { failed: false };
}
