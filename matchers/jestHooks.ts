/**
 * The per-test bookkeeping `unflake/jest` installs (see registerHooks.ts for what each test gets).
 *
 * - Sequential tests: a state from unflake's root beforeEach to its root afterEach. Once the file has
 *   registered its hooks (root beforeAll), that afterEach is moved after the file's own root afterEach
 *   hooks, so a poll started in one of them is the test's, and onCleanup() runs after them.
 * - `test.concurrent` tests (every variant): jest-circus runs no each-hooks for them, so each one's
 *   function is wrapped, in that same beforeAll, to run in its own state (wrapConcurrent.ts).
 * - `.resolves` / `.rejects` before an unflake matcher fail the test (jestPromiseModifiers.ts).
 */
import { beforeAll as globalsBeforeAll } from '@jest/globals';
import { markFileStart } from '../src/options/defaults.ts';
import { jestRunningTestTitles, jestTestPath, runRootHookLast } from '../src/adapters/jest.ts';
import { testIdOf } from '../src/runner/testId.ts';
import { endFile, registerSequentialHooks, type Hook } from './registerHooks.ts';
import { wrapConcurrentTests } from './wrapConcurrent.ts';
import { jestAttempt, jestOutcome, wrapJestSequentialTests } from '../src/otel/jestOutcome.ts';
import { inTestSpan } from '../src/otel/testSpan.ts';
import { otelTracer } from '../src/adapters/otel.ts';
import { guardPromiseModifiers, promiseModifierProblem } from './jestPromiseModifiers.ts';

interface JestHooks {
  beforeEach: Hook<(...args: unknown[]) => void>;
  afterEach: Hook<() => void | Promise<void>>;
  afterAll: Hook<() => void>;
  /** Optional for older callers: '@jest/globals' gives it otherwise. */
  beforeAll?: Hook<() => void>;
  /** Unused since concurrent tests are wrapped in the test tree (wrapConcurrent.ts); kept for callers. */
  test?: unknown;
  it?: unknown;
  currentTestName: () => string | undefined;
}

/** The running test's id, `<file> > <describe> > … > <test>`, or Jest's own name when the tree is not readable. */
function runningTestId(fallback: () => string | undefined): string | undefined {
  const titles = jestRunningTestTitles();
  return titles ? testIdOf(jestTestPath(), titles) : fallback();
}

export function registerJestHooks(jest: JestHooks): void {
  markFileStart();
  const end = registerSequentialHooks(
    jest.beforeEach,
    jest.afterEach,
    () => ({ runner: 'jest', name: runningTestId(jest.currentTestName) }),
    promiseModifierProblem,
    {
      attempt: jestAttempt,
      outcome: jestOutcome,
    },
  );
  (jest.beforeAll ?? globalsBeforeAll)(() => {
    runRootHookLast(end);
    wrapConcurrentTests(jestTestPath());
    // jest-circus runs each hook in its own AsyncLocalStorage.run, so a context entered in beforeEach ends with
    // that hook: each test's body is wrapped instead, to run in its span's context. Only when a tracer provider is
    // registered by now (a setup file, as NodeSDK users do): without one, Jest's tests stay as they were.
    if (otelTracer()) wrapJestSequentialTests(inTestSpan);
  });
  jest.afterAll(endFile);
  guardPromiseModifiers();
}
