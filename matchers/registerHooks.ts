import { beginTestGeneration, endTestGeneration } from '../src/runner/activePolls.ts';
import { registerTestEnd, registerTestStart, type TestWindow } from '../src/runner/testWindow.ts';

type Hook = (fn: (context?: unknown) => void) => void;

/**
 * The per-test bookkeeping both setup entries install: which polls belong to the running test,
 * its deadline (Vitest), and, after it, the report of any poll it forgot to await.
 */
export function registerHooks(runner: TestWindow['runner'], beforeEach: Hook, afterEach: Hook): void {
  beforeEach((context) => {
    beginTestGeneration();
    // Jest exposes the running test's start and timeout itself; Vitest passes them to hooks.
    if (runner === 'vitest') registerTestStart(runner, (context as { task?: { timeout?: number } } | undefined)?.task?.timeout);
  });
  afterEach(() => {
    registerTestEnd();
    const notAwaited = endTestGeneration();
    if (notAwaited) throw notAwaited;
  });
}
