/**
 * `unflake/mocha`: a Root Hook Plugin (`mocha --require unflake/mocha`, or `require: ['unflake/mocha']`
 * in .mocharc) giving each mocha test what `unflake/vitest` and `unflake/jest` give theirs: its own
 * state (deadline, polls, trace, namespaces, seed), its polls stopped when it ends, the forgotten-await
 * report and onCleanup(). The matchers come through the standalone `expect` package
 * (`expect.extend(matchers)` from `unflake/matchers`); `eventually`/`consistently` take chai or `expect`
 * inside checks.
 *
 * How a test is run: the root `beforeEach` begins its state, and wraps the test's function (once) so that
 * its body runs in that state and, when the body settles, the state ends there: a forgotten await, a
 * failed cleanup or a leftover install then fails *the test*, with its own message. (An error thrown
 * from a root `afterEach` would fail a hook instead, and mocha would skip the rest of the suite.) The
 * deadline is the test's own `this.timeout()`, counted from when its body started (or its timeout last
 * changed, since mocha restarts its timer then), so a poll ends before mocha's "Timeout of … exceeded"
 * with its own diagnostics. The root `afterEach` ends a state the body did not end (a test that timed
 * out, or failed through a `done` callback that was never called), so no poll runs into the next test.
 * onCleanup() therefore runs when the test's body ends, before the suite's afterEach hooks.
 */
import { beginTest, runInTest, setSequentialTest, type TestState } from '../src/runner/testState.ts';
import type { TestWindow } from '../src/runner/testWindow.ts';
import { testIdOf } from '../src/runner/testId.ts';
import { monotonicNow } from '../src/time/realTime.ts';
import { finishTest } from './registerHooks.ts';

/** The part of mocha's Test the plugin reads. */
interface MochaTest {
  fn?: ((...args: unknown[]) => unknown) | undefined;
  file?: string | undefined;
  timeout(): number;
  titlePath(): string[];
  fullTitle(): string;
}

interface MochaContext {
  currentTest?: MochaTest | undefined;
}

/** The running test: its state, and where its timer started (mocha times the body, not its hooks). */
interface Running {
  state: TestState;
  test: MochaTest;
  started: number | undefined;
  timeout: number;
  finished: Promise<Error | undefined> | undefined;
}

const WRAPPED = Symbol.for('unflake.mocha.wrapped');
/** mocha's largest timeout; `0` (or above this) means "no timeout". */
const MAX_TIMEOUT = 2 ** 31 - 1;

let running: Running | undefined;

/** The test's deadline, as mocha will enforce it: its timeout from when its timer (re)started. */
function windowOf(run: Running): TestWindow | undefined {
  if (run.started === undefined) return undefined;
  const timeout = run.test.timeout();
  if (!(timeout > 0 && timeout < MAX_TIMEOUT)) return undefined;
  // `this.timeout(ms)` inside the test restarts mocha's timer: the deadline moves with it.
  if (timeout !== run.timeout) [run.timeout, run.started] = [timeout, monotonicNow()];
  return { runner: 'mocha', timeout, deadline: run.started + timeout };
}

/** Ends the test's state once (its polls stop; a forgotten await, a failed cleanup are returned). */
function finish(run: Running): Promise<Error | undefined> {
  if (running === run) running = undefined;
  return (run.finished ??= finishTest(run.state));
}

/** One error for mocha, which prints a message and a stack (not an AggregateError's errors): the test's, then unflake's. */
function joined(error: unknown, problem: Error): Error {
  const first = error instanceof Error ? error : new Error(String(error));
  const both = new Error(`${first.message}\n\nAnd after the test: ${problem.message}`, { cause: error });
  both.stack = `${first.stack ?? first.message}\n\nAnd after the test: ${problem.message}`;
  return both;
}

/** The body's outcome and the end of its state, as one: the body's error first, then what its end found. */
async function settle(run: Running, body: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = await body();
  } catch (error) {
    const problem = await finish(run);
    throw problem ? joined(error, problem) : error;
  }
  const problem = await finish(run);
  if (problem) throw problem;
  return result;
}

/** Wraps a test's function: same arity (mocha reads a `done` parameter from it), body run in the test's state. */
function wrap(original: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const run = running;
    if (!run) return original.apply(this, args);
    run.started = monotonicNow();
    run.timeout = run.test.timeout();
    if (original.length === 0) return runInTest(run.state, () => settle(run, () => original.apply(this, args)));
    // A `done` test: its end is when done is called.
    const done = args[0] as (error?: unknown) => void;
    const ended = (error?: unknown): void => {
      settle(run, () => {
        if (error !== undefined && error !== null) throw error;
      }).then(
        () => done(),
        (failure: unknown) => done(failure),
      );
    };
    return runInTest(run.state, () => original.apply(this, [ended, ...args.slice(1)]));
  };
  Object.defineProperty(wrapped, 'length', { value: original.length });
  Object.defineProperty(wrapped, WRAPPED, { value: original });
  Object.defineProperty(wrapped, 'toString', { value: () => original.toString() });
  return wrapped;
}

function beforeEachTest(this: MochaContext): void {
  const test = this.currentTest;
  if (!test || typeof test.fn !== 'function') return;
  // A retry is a clone of the test, whose function is already wrapped.
  if (!(WRAPPED in test.fn)) test.fn = wrap(test.fn);
  const run: Running = {
    state: undefined as never,
    test,
    started: undefined,
    timeout: test.timeout(),
    finished: undefined,
  };
  run.state = beginTest({ runner: 'mocha', name: testIdOf(test.file, test.titlePath()), window: () => windowOf(run) });
  running = run;
  setSequentialTest(run.state);
}

async function afterEachTest(): Promise<void> {
  const run = running;
  if (!run) return;
  // The body did not end it (it timed out, or `done` was never called): mocha already failed the test;
  // stop its polls now so none runs into the next test. What this end finds is printed, not thrown:
  // a throwing root afterEach would make mocha skip the rest of the suite.
  const problem = await finish(run);
  if (problem)
    console.error(`unflake: after "${run.test.fullTitle()}" (which did not finish in time):\n${problem.message}`);
}

/** The Root Hook Plugin object mocha reads from a `--require`d module. */
export const mochaHooks = {
  beforeEach: beforeEachTest,
  afterEach: afterEachTest,
};
