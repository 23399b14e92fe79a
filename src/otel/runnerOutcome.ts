/**
 * What a test attempt's span needs from each runner when the attempt ends: its retry index and whether it failed,
 * with which error. Read only when a span exists (a provider is registered).
 */
import type { TestOutcome } from './testSpan.ts';

interface VitestTaskResult {
  state?: string;
  errors?: unknown[];
  retryCount?: number;
}

/** Vitest's task: `result.retryCount` (the retry index) and `result.errors`/`state`. */
export function vitestAttempt(task: unknown): number | undefined {
  const count = (task as { result?: VitestTaskResult } | undefined)?.result?.retryCount;
  return typeof count === 'number' ? count : undefined;
}

export function vitestOutcome(task: unknown): TestOutcome | undefined {
  const result = (task as { result?: VitestTaskResult } | undefined)?.result;
  if (!result) return undefined;
  const errors = Array.isArray(result.errors) ? result.errors : [];
  return errors.length || result.state === 'fail' ? { failed: true, error: errors[0] } : { failed: false };
}

interface CircusTest {
  errors?: unknown[];
  invocations?: number;
}

function runningJestTest(): CircusTest | undefined {
  const key = Object.getOwnPropertySymbols(globalThis).find((symbol) => symbol.description === 'JEST_STATE_SYMBOL');
  const state = key ? ((globalThis as Record<symbol, unknown>)[key] as { currentlyRunningTest?: CircusTest | null } | undefined) : undefined;
  return state?.currentlyRunningTest ?? undefined;
}

/** jest-circus' running test: `invocations` counts from 1 (`jest.retryTimes`). */
export function jestAttempt(): number | undefined {
  const invocations = runningJestTest()?.invocations;
  return typeof invocations === 'number' && invocations > 0 ? invocations - 1 : undefined;
}

/** jest-circus records a failure as `[error, asyncError]` (or the error) in the test's `errors`, before afterEach hooks run. */
export function jestOutcome(): TestOutcome | undefined {
  const test = runningJestTest();
  if (!test || !Array.isArray(test.errors)) return undefined;
  if (!test.errors.length) return { failed: false };
  const first = test.errors[0];
  return { failed: true, error: Array.isArray(first) ? first[0] : first };
}
