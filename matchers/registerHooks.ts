/**
 * The per-test bookkeeping both setup entries install: a fresh test state for every test and every
 * retry (its deadline, its polls, its trace and namespaces), the end of everything it started when it
 * ends, the report of any poll it forgot to await, and the end of file-wide state when its file ends.
 */
import { beginTest, endTest, runInTest, setSequentialTest, type TestStart, type TestState } from '../src/runner/testState.ts';
import { markFileStart, restoreFileDefaults } from '../src/options/defaults.ts';
import { restoreFileInstall, restoreLeftoverInstall } from '../clock/installGlobals.ts';
import { wrapConcurrent, type TestFn } from './wrapConcurrent.ts';

type Hook<F> = (fn: F) => void;

/** Ends the test's state; the error to fail the test with, if any. */
function finishTest(state: TestState): Error | undefined {
  const notAwaited = endTest(state);
  const leftoverInstall = restoreLeftoverInstall(state);
  return notAwaited ?? leftoverInstall;
}

/** Runs a whole test (hooks included) in its own state; for runners that give us the test to wrap. */
export async function runWrappedTest<R>(start: TestStart, run: () => R | Promise<R>): Promise<R> {
  const state = beginTest(start);
  let result: R;
  try {
    result = await runInTest(state, run);
  } catch (error) {
    finishTest(state);
    throw error;
  }
  const problem = finishTest(state);
  if (problem) throw problem;
  return result;
}

interface VitestTaskLike {
  name?: string;
  fullTestName?: string;
  timeout?: number;
}

interface VitestHooks {
  aroundEach?: Hook<(runTest: () => Promise<void>, context: { task?: VitestTaskLike }) => Promise<void>>;
  beforeEach: Hook<(context: { task?: VitestTaskLike }) => void>;
  afterEach: Hook<() => void>;
  afterAll: Hook<() => void>;
}

export function registerVitestHooks(vitest: VitestHooks): void {
  markFileStart();
  if (typeof vitest.aroundEach === 'function') {
    // Each test (concurrent ones included) runs in its own async context: its polls find its state.
    vitest.aroundEach((runTest, context) => runWrappedTest({ runner: 'vitest', name: context?.task?.fullTestName ?? context?.task?.name, task: context?.task }, runTest));
  } else {
    // Vitest before aroundEach (4.0): one test at a time is tracked; test.concurrent shares it.
    let state: TestState | undefined;
    vitest.beforeEach((context) => {
      state = beginTest({ runner: 'vitest', name: context?.task?.fullTestName ?? context?.task?.name, task: context?.task });
      setSequentialTest(state);
    });
    vitest.afterEach(() => {
      const problem = state && finishTest(state);
      state = undefined;
      if (problem) throw problem;
    });
  }
  vitest.afterAll(endFile);
}

interface JestHooks {
  beforeEach: Hook<() => void>;
  afterEach: Hook<() => void>;
  afterAll: Hook<() => void>;
  test: TestFn;
  it: TestFn;
  currentTestName: () => string | undefined;
}

export function registerJestHooks(jest: JestHooks): void {
  markFileStart();
  let state: TestState | undefined;
  // Zero parameters: Jest reads a hook's first parameter as a `done` callback. jest-circus does not run
  // these hooks for test.concurrent tests; those are wrapped instead (wrapConcurrent.ts).
  jest.beforeEach(() => {
    state = beginTest({ runner: 'jest', name: jest.currentTestName() });
    setSequentialTest(state);
  });
  jest.afterEach(() => {
    const problem = state && finishTest(state);
    state = undefined;
    if (problem) throw problem;
  });
  jest.afterAll(endFile);
  wrapConcurrent(jest.test, runWrappedTest);
  if (jest.it !== jest.test) wrapConcurrent(jest.it, runWrappedTest);
}

/** The file ends: configure() defaults and a file-wide install() end with it (`isolate: false` too). */
function endFile(): void {
  restoreFileDefaults();
  restoreFileInstall();
}
