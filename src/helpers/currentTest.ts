/** The running test, as the per-test state (setup entries) or the runner's own `expect` state tells it. */
import { currentTestState } from '../runner/testState.ts';
import { vitestExpectState } from '../adapters/vitest.ts';
import { jestMatchersState } from '../adapters/jest.ts';

function nameFromExpectState(): string | undefined {
  const name = (vitestExpectState() ?? jestMatchersState())?.currentTestName;
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
