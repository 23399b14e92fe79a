/** The per-test bookkeeping `unflake/vitest` installs (see registerHooks.ts for what each test gets). */
import { markFileStart } from '../src/options/defaults.ts';
import { endFile, registerSequentialHooks, runWrappedTest, type Hook } from './registerHooks.ts';

interface VitestTaskLike {
  name?: string;
  fullTestName?: string;
  timeout?: number;
}

interface VitestHooks {
  aroundEach?: Hook<(runTest: () => Promise<void>, context: { task?: VitestTaskLike }) => Promise<void>>;
  beforeEach: Hook<(context: { task?: VitestTaskLike }) => void>;
  afterEach: Hook<() => void | Promise<void>>;
  afterAll: Hook<() => void>;
}

export function registerVitestHooks(vitest: VitestHooks): void {
  markFileStart();
  if (typeof vitest.aroundEach === 'function') {
    // Each test (concurrent ones included) runs in its own async context: its polls find its state.
    vitest.aroundEach((runTest, context) => runWrappedTest({ runner: 'vitest', name: context?.task?.fullTestName ?? context?.task?.name, task: context?.task }, runTest));
  } else {
    // Vitest before aroundEach (4.0): one test at a time is tracked; test.concurrent shares it.
    registerSequentialHooks<{ task?: VitestTaskLike }>(vitest.beforeEach, vitest.afterEach, (context) => ({
      runner: 'vitest',
      name: context?.task?.fullTestName ?? context?.task?.name,
      task: context?.task,
    }));
  }
  vitest.afterAll(endFile);
}
