/**
 * Jest's `test.concurrent`: jest-circus starts these tests side by side and runs no beforeEach/afterEach
 * for them, and its `expect` state names whichever test ran last. So each concurrent test's function
 * runs in its own test state (async context), which also ends it and fails that test for a forgotten
 * `await`.
 *
 * The functions are wrapped in the test tree once the file has registered everything (unflake's root
 * beforeAll, before jest-circus starts any concurrent test, 29 and 30 alike), not by replacing
 * `test.concurrent`: so every variant (`.each`, `.only`, `.failing`, `.only.failing`, `.failing.each`,
 * whatever a Jest release adds) is covered, and each test is named by its own title (a `.each` row's
 * formatted title, not its template).
 */
import { beginTest, runInTest, type TestStart } from '../src/runner/testState.ts';
import { jestConcurrentTests, jestConfiguredTimeout, type JestConcurrentTest } from '../src/adapters/jest.ts';
import { testIdOf } from '../src/runner/testId.ts';
import { finishTest } from './registerHooks.ts';
import { beginTestSpan, endTestSpan } from '../src/otel/testSpan.ts';
import { withOtelContext } from '../src/adapters/otel.ts';
import { promiseModifierProblem } from './jestPromiseModifiers.ts';

type Fn = (...args: unknown[]) => unknown;

const WRAPPED = Symbol.for('unflake.wrappedConcurrent');

function both(first: unknown, second: Error | undefined, message: string): unknown {
  return first === undefined ? second : second === undefined ? first : new AggregateError([first, second], message);
}

/**
 * Runs one concurrent test in its own state. Its end's problems (a forgotten await, a failed cleanup,
 * `.resolves` before an unflake matcher) fail it after its own error. A `.failing` test's own error is
 * what Jest inverts, so for it they are recorded on the test apart from that error, and fail it
 * whatever it threw.
 */
async function runConcurrent(test: JestConcurrentTest, start: TestStart, run: () => unknown): Promise<unknown> {
  const state = beginTest(start);
  const span = beginTestSpan(state);
  let outcome: { threw: false; value: unknown } | { threw: true; error: unknown };
  try {
    outcome = {
      threw: false,
      value: await (span ? withOtelContext(span.context, () => runInTest(state, run)) : runInTest(state, run)),
    };
  } catch (error) {
    outcome = { threw: true, error };
  }
  const problem = both(
    await finishTest(state),
    promiseModifierProblem(state),
    'unflake: more than one problem after the test',
  ) as Error | undefined;
  endTestSpan(state, {
    failed: outcome.threw || problem !== undefined,
    error: outcome.threw ? outcome.error : problem,
  });
  if (problem && test.failing) test.fail(problem);
  else if (problem)
    throw both(
      outcome.threw ? outcome.error : undefined,
      problem,
      'The test failed (the first error below), and so did what ran after it',
    );
  if (outcome.threw) throw outcome.error;
  return outcome.value;
}

function wrap(test: JestConcurrentTest, file: string | undefined): Fn {
  const fn = test.fn;
  const start = (): TestStart => ({
    runner: 'jest',
    name: testIdOf(file, test.titles),
    timeout: test.timeout ?? jestConfiguredTimeout() ?? 5_000,
  });
  // A rest parameter keeps its length 0, as jest-circus wants of a test that takes no `done`.
  const wrapped = function (this: unknown, ...args: unknown[]) {
    return runConcurrent(test, start(), () => fn.apply(this, args));
  };
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  return wrapped;
}

/** Wraps every concurrent test of the running file (once each). `file`: the test file, for the ids. */
export function wrapConcurrentTests(file: string | undefined): void {
  for (const test of jestConcurrentTests() ?? []) {
    if ((test.fn as unknown as Record<symbol, unknown>)[WRAPPED]) continue;
    test.replace(wrap(test, file));
  }
}
