/**
 * What a test attempt's span needs of jest-circus (issue 21): the running test's retry index and errors, and the
 * file's sequential tests, so each body can run inside its span's context. Jest internals belong in jest.ts; these
 * are kept apart only because another engineer owned that file when they were written (merge them into it).
 */
import type { TestOutcome } from '../otel/testSpan.ts';

type CircusFn = (...args: unknown[]) => unknown;

interface CircusTest {
  type: 'test';
  fn?: CircusFn;
  concurrent?: boolean;
  errors?: unknown[];
  invocations?: number;
}

interface CircusBlock {
  type?: 'describeBlock';
  children?: Array<CircusBlock | CircusTest>;
}

interface CircusState {
  currentlyRunningTest?: CircusTest | null;
  rootDescribeBlock?: CircusBlock;
}

function circusState(): CircusState | undefined {
  const key = Object.getOwnPropertySymbols(globalThis).find((symbol) => symbol.description === 'JEST_STATE_SYMBOL');
  return key ? ((globalThis as Record<symbol, unknown>)[key] as CircusState | undefined) : undefined;
}

/** The running test's retry index: jest-circus' `invocations` counts from 1 (`jest.retryTimes`). */
export function jestAttempt(): number | undefined {
  const invocations = circusState()?.currentlyRunningTest?.invocations;
  return typeof invocations === 'number' && invocations > 0 ? invocations - 1 : undefined;
}

/** jest-circus records a failure as `[error, asyncError]` in the test's `errors`, before the afterEach hooks run. */
export function jestOutcome(): TestOutcome | undefined {
  const test = circusState()?.currentlyRunningTest;
  if (!test || !Array.isArray(test.errors)) return undefined;
  if (!test.errors.length) return { failed: false };
  const first = test.errors[0];
  return { failed: true, error: Array.isArray(first) ? first[0] : first };
}

/** Replaces the function of every sequential (not `test.concurrent`) test of the file: `wrap(fn)` gives the new one. */
export function wrapJestSequentialTests(wrap: (fn: CircusFn) => CircusFn): void {
  const visit = (block: CircusBlock): void => {
    for (const child of block.children ?? []) {
      if (child.type !== 'test') visit(child);
      else if (!child.concurrent && typeof child.fn === 'function') child.fn = wrap(child.fn);
    }
  };
  const root = circusState()?.rootDescribeBlock;
  if (root) visit(root);
}
