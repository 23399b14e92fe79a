/** The per-test bookkeeping `unflake/jest` installs (see registerHooks.ts for what each test gets). */
import { markFileStart } from '../src/options/defaults.ts';
import { endFile, registerSequentialHooks, runWrappedTest, type Hook } from './registerHooks.ts';
import { wrapConcurrent, type TestFn } from './wrapConcurrent.ts';

interface JestHooks {
  beforeEach: Hook<(...args: unknown[]) => void>;
  afterEach: Hook<() => void | Promise<void>>;
  afterAll: Hook<() => void>;
  test: TestFn;
  it: TestFn;
  currentTestName: () => string | undefined;
}

export function registerJestHooks(jest: JestHooks): void {
  markFileStart();
  // jest-circus does not run these hooks for test.concurrent tests; those are wrapped instead (wrapConcurrent.ts).
  registerSequentialHooks(jest.beforeEach, jest.afterEach, () => ({ runner: 'jest', name: jest.currentTestName() }));
  jest.afterAll(endFile);
  wrapConcurrent(jest.test, runWrappedTest);
  if (jest.it !== jest.test) wrapConcurrent(jest.it, runWrappedTest);
}
