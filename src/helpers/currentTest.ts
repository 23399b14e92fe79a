/** The running test, as the per-test state (setup entries) or the runner's own `expect` state tells it. */
import { currentTestState } from '../runner/testState.ts';

interface ExpectState {
  currentTestName?: string;
}

function nameFromExpectState(): string | undefined {
  const g = globalThis as Record<symbol, unknown>;
  let state: ExpectState | undefined;
  // Vitest: globalThis[Symbol.for('expect-global')].getState(); set by its runner with or without `globals`.
  const vitestExpect = g[Symbol.for('expect-global')] as { getState?: () => ExpectState } | undefined;
  try {
    state = vitestExpect?.getState?.();
  } catch {
    state = undefined;
  }
  // Jest (and the standalone `expect` package): the matchers object's state.
  state ??= (g[Symbol.for('$$jest-matchers-object')] as { state?: ExpectState } | undefined)?.state;
  const name = state?.currentTestName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * The full name of the running test, or undefined outside a test. The test state comes first: under
 * `test.concurrent` the runner's expect state names whichever test ran last.
 */
export function currentTestName(): string | undefined {
  return currentTestState()?.name ?? nameFromExpectState();
}

/** A key that changes with every test (and every retry of one, when the setup entries' hooks run). */
export function currentTestKey(): string | undefined {
  const state = currentTestState();
  if (state) return `test-${state.id}`;
  const name = nameFromExpectState();
  return name === undefined ? undefined : `name\u0000${name}`;
}
