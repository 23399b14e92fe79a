import { beginTestGeneration, endTestGeneration } from '../src/runner/activePolls.ts';
import { registerTestEnd, registerTestStart } from '../src/runner/testWindow.ts';
import { restoreLeftoverInstall } from '../clock/installGlobals.ts';

type Hook<F> = (fn: F) => void;

function afterEachTest(): void {
  registerTestEnd();
  const notAwaited = endTestGeneration();
  const leftoverInstall = restoreLeftoverInstall();
  if (notAwaited) throw notAwaited;
  if (leftoverInstall) throw leftoverInstall;
}

/**
 * The per-test bookkeeping both setup entries install: which polls belong to the running test,
 * its deadline, and, after it, the report of any poll it forgot to await.
 */
export function registerVitestHooks(beforeEach: Hook<(context: { task?: { timeout?: number } }) => void>, afterEach: Hook<() => void>): void {
  beforeEach((context) => {
    beginTestGeneration();
    registerTestStart('vitest', context?.task?.timeout);
  });
  afterEach(afterEachTest);
}

export function registerJestHooks(beforeEach: Hook<() => void>, afterEach: Hook<() => void>): void {
  // Zero parameters: Jest reads a hook's first parameter as a `done` callback. Jest exposes the
  // running test's start and timeout itself (see findTestWindow), so only the generation is kept.
  beforeEach(() => beginTestGeneration());
  afterEach(afterEachTest);
}
