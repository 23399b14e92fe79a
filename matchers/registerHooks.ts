/**
 * The per-test bookkeeping both setup entries install: a fresh test state for every test and every
 * retry (its deadline, its polls, its trace and namespaces), the end of everything it started when it
 * ends, the report of any poll it forgot to await, and the end of file-wide state when its file ends.
 */
import {
  beginTest,
  endTest,
  runInTest,
  setSequentialTest,
  type TestStart,
  type TestState,
} from '../src/runner/testState.ts';
import { restoreFileDefaults } from '../src/options/defaults.ts';
import { restoreFileInstall, restoreLeftoverInstall } from '../clock/installGlobals.ts';
import { runCleanups } from '../src/helpers/onCleanup.ts';
import { beginTestSpan, endTestSpan, type AttemptInfo, type TestOutcome } from '../src/otel/testSpan.ts';
import { enterOtelContext, withOtelContext } from '../src/adapters/otel.ts';

export type Hook<F> = (fn: F) => void;

/** One error from several problems (Vitest and Jest 30 print each error of an AggregateError). */
function joinErrors(errors: Array<unknown>, message: string): unknown {
  const present = errors.filter((error) => error !== undefined);
  return present.length <= 1 ? present[0] : new AggregateError(present, message);
}

const AFTER_TEST = Symbol.for('unflake.afterTestProblem');

/** Brands an error as unflake's own, found after the test (see isAfterTestProblem). */
function afterTestProblem<E>(error: E): E {
  if (error && typeof error === 'object') Object.defineProperty(error, AFTER_TEST, { value: true });
  return error;
}

/**
 * Whether an error is unflake's own after-test failure (a forgotten await, a failed onCleanup, a
 * leftover install), which an expected-failure mode (`test.fails`, `test.fail()`) must not invert.
 */
export function isAfterTestProblem(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[AFTER_TEST] === true;
}

/**
 * Ends the test's state (its polls stop, a forgotten await is reported, an install made inside it is
 * undone), then runs its onCleanup() teardown; the error to fail the test with, if any.
 */
export async function finishTest(state: TestState): Promise<Error | undefined> {
  const notAwaited = endTest(state);
  const leftoverInstall = restoreLeftoverInstall(state);
  const cleanup = await runCleanups(state);
  return afterTestProblem(
    joinErrors([notAwaited ?? leftoverInstall, cleanup], 'unflake: more than one problem after the test') as
      Error | undefined,
  );
}

/**
 * What the runner says of the attempt, read when it ends (for its span): the retry index, and whether it
 * failed with which error. Without it, only what unflake saw counts (the error the wrapped run threw).
 */
export interface AttemptReport {
  attempt?: () => number | undefined;
  outcome?: () => TestOutcome | undefined;
}

function attemptInfo(report: AttemptReport | undefined): AttemptInfo {
  return { attempt: report?.attempt?.() };
}

/** The attempt's result: unflake's own problem or the thrown error fail it; else the runner's word. */
function outcomeOf(
  report: AttemptReport | undefined,
  thrown: { error: unknown } | undefined,
  problem: unknown,
): TestOutcome {
  if (thrown) return { failed: true, error: thrown.error };
  const told = report?.outcome?.();
  if (told?.failed) return told;
  return problem ? { failed: true, error: problem } : { failed: false };
}

/** Runs a whole test (hooks included) in its own state (and its span's context); for runners that give us the test to wrap. */
export async function runWrappedTest<R>(
  start: TestStart,
  run: () => R | Promise<R>,
  report?: AttemptReport,
): Promise<R> {
  const state = beginTest(start);
  const span = beginTestSpan(state, attemptInfo(report));
  let result: R;
  try {
    result = await (span ? withOtelContext(span.context, () => runInTest(state, run)) : runInTest(state, run));
  } catch (error) {
    // The test's own error first, then what its end found (a failed cleanup, a forgotten await).
    const problem = await finishTest(state);
    if (span) endTestSpan(state, outcomeOf(report, { error }, problem));
    const joined = joinErrors(
      [error, problem],
      'The test failed (the first error below), and so did what ran after it',
    );
    throw problem ? afterTestProblem(joined) : joined;
  }
  const problem = await finishTest(state);
  if (span) endTestSpan(state, outcomeOf(report, undefined, problem));
  if (problem) throw problem;
  return result;
}

/**
 * For runners that run one test at a time and give only before/after hooks: the state begins in
 * beforeEach and ends in afterEach. Returns the afterEach function it registered (Jest moves it after
 * the file's own root afterEach hooks). `more` adds the runner's own end-of-test problems.
 */
export function registerSequentialHooks<C>(
  beforeEach: Hook<(context: C) => void>,
  afterEach: Hook<() => void | Promise<void>>,
  start: (context: C | undefined) => TestStart,
  more?: (state: TestState) => Error | undefined,
  report?: AttemptReport,
): () => Promise<void> {
  let state: TestState | undefined;
  let leave: (() => void) | undefined;
  // A rest parameter keeps the hook's length 0: Jest reads a first parameter as a `done` callback;
  // Vitest passes its context as the first argument.
  beforeEach((...args: C[]) => {
    state = beginTest(start(args[0]));
    setSequentialTest(state);
    // No hook wraps the test here: its span is entered (AsyncLocalStorage enterWith) for the rest of the
    // test, from this hook on, and left in the afterEach below.
    const span = beginTestSpan(state, attemptInfo(report));
    leave = span && enterOtelContext(span.context);
  });
  const end = async (): Promise<void> => {
    const ending = state;
    state = undefined;
    if (!ending) return;
    const problem = joinErrors(
      [await finishTest(ending), more?.(ending)],
      'unflake: more than one problem after the test',
    );
    endTestSpan(ending, outcomeOf(report, undefined, problem));
    leave?.();
    leave = undefined;
    if (problem) throw problem;
  };
  afterEach(end);
  return end;
}

/** The file ends: configure() defaults and a file-wide install() end with it (`isolate: false` too). */
export function endFile(): void {
  restoreFileDefaults();
  restoreFileInstall();
}
