/** The per-test bookkeeping `unflake/vitest` installs (see registerHooks.ts for what each test gets). */
import { markFileStart } from '../src/options/defaults.ts';
import { restoreEarlierFileInstall } from '../clock/installGlobals.ts';
import { endFile, isAfterTestProblem, registerSequentialHooks, runWrappedTest, type Hook } from './registerHooks.ts';
import { vitestTaskId } from '../src/runner/testId.ts';
import { vitestAttempt, vitestErrorCount, vitestOutcome } from '../src/otel/vitestOutcome.ts';

interface VitestTaskLike {
  name?: string;
  fullTestName?: string;
  timeout?: number;
  /** `test.fails`: the runner inverts the test's verdict after every hook has run. */
  fails?: boolean;
}

interface VitestContext {
  task?: VitestTaskLike;
}

interface VitestHooks {
  aroundEach?: Hook<(runTest: () => Promise<void>, context: VitestContext) => Promise<void>>;
  beforeEach: Hook<(context: VitestContext) => void>;
  afterEach: Hook<(context: VitestContext) => void | Promise<void>>;
  afterAll: Hook<() => void>;
}

/** Each task's own `fails`, as its file declared it (an attempt may have cleared it: see keepFailing). */
const declaredFails = new WeakMap<VitestTaskLike, boolean | undefined>();

function beginAttempt(task: VitestTaskLike | undefined): void {
  if (!task) return;
  if (!declaredFails.has(task)) declaredFails.set(task, task.fails);
  else task.fails = declaredFails.get(task);
}

/**
 * unflake's own after-test failure (a forgotten await, a failed onCleanup, a leftover install) is not the
 * failure `test.fails` expects: the runner would invert it into a pass. Vitest inverts a verdict by its
 * task's `fails` flag, read after the hooks; clearing it for this attempt keeps the failure a failure
 * (the next attempt of a retried test gets the flag back in beginAttempt).
 */
function keepFailing(task: VitestTaskLike | undefined, error: unknown): void {
  if (!task?.fails || !isAfterTestProblem(error)) return;
  task.fails = false;
  const note =
    '\n\n(The test is marked `fails`, but this failure is unflake’s own, found after the test: an expected-failure mode does not turn it into a pass.)';
  const target = error as Error;
  target.message += note;
  if (typeof target.stack === 'string') target.stack = `${target.name}: ${target.message}`;
}

const startOf = (context: VitestContext | undefined) => ({
  runner: 'vitest' as const,
  name: vitestTaskId(context?.task as never) ?? context?.task?.fullTestName ?? context?.task?.name,
  task: context?.task,
});

export function registerVitestHooks(vitest: VitestHooks): void {
  // Under `isolate: false` this runs again for each file, in the same global object.
  restoreEarlierFileInstall();
  markFileStart();
  if (typeof vitest.aroundEach === 'function') {
    // Each test (concurrent ones included) runs in its own async context: its polls find its state.
    // Vitest reads an aroundEach callback's second parameter for the fixtures it uses (`test.extend`):
    // it must be a destructuring pattern, and `task` is a built-in of the context, never a fixture.
    vitest.aroundEach(async (runTest, { task }) => {
      beginAttempt(task);
      try {
        const before = vitestErrorCount(task);
        await runWrappedTest(startOf({ task }), runTest, {
          attempt: () => vitestAttempt(task),
          outcome: () => vitestOutcome(task, before),
        });
      } catch (error) {
        keepFailing(task, error);
        throw error;
      }
    });
  } else {
    // Vitest before aroundEach (4.0): one test at a time is tracked; test.concurrent shares it. The
    // hooks' first parameter is read for fixtures too, hence the destructuring.
    let current: VitestTaskLike | undefined;
    let before = 0;
    const beforeEach: Hook<(context: VitestContext) => void> = (fn) =>
      vitest.beforeEach(({ task }) => {
        beginAttempt(task);
        current = task;
        before = vitestErrorCount(task);
        fn({ task });
      });
    const afterEach: Hook<() => void | Promise<void>> = (fn) =>
      vitest.afterEach(async ({ task }) => {
        try {
          await fn();
        } catch (error) {
          keepFailing(task, error);
          throw error;
        }
      });
    registerSequentialHooks<VitestContext>(beforeEach, afterEach, startOf, undefined, {
      attempt: () => vitestAttempt(current),
      outcome: () => vitestOutcome(current, before),
    });
  }
  vitest.afterAll(endFile);
}
