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

/** `result.errors`/`state`, read when the attempt ends (the runner records the body's error before aroundEach resumes). */
export function vitestOutcome(task: unknown): TestOutcome | undefined {
  const result = (task as { result?: VitestTaskResult } | undefined)?.result;
  if (!result) return undefined;
  const errors = Array.isArray(result.errors) ? result.errors : [];
  return errors.length || result.state === 'fail' ? { failed: true, error: errors[0] } : { failed: false };
}
