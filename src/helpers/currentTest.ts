/** The running test, as the runner's own `expect` state tells it (Vitest and Jest both keep it on a global). */
import { currentTestGeneration } from '../runner/activePolls.ts';

interface ExpectState {
  currentTestName?: string;
}

/** The full name of the running test, or undefined outside a test. */
export function currentTestName(): string | undefined {
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

/** A key that changes with every test (and every retry of one, when the setup entries' hooks run). */
export function currentTestKey(): string | undefined {
  const name = currentTestName();
  return name === undefined ? undefined : `${currentTestGeneration()}\u0000${name}`;
}
