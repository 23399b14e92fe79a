/**
 * What unflake reads of Vitest's internals: a task's timeout and start (for the test's deadline), its retry index and
 * errors (for the attempt's span), and the global expect's state (for the running test's name). The only file that
 * reads them.
 */
import type { TestTiming } from './testTiming.ts';

interface VitestTaskLike {
  type?: string;
  timeout?: number;
  result?: {
    startTime?: number;
    attempts?: { startTime?: number; duration?: number }[];
    state?: string;
    errors?: unknown[];
    retryCount?: number;
  };
}

/** A task's `result.retryCount`: the retry index (0 on the first attempt), if Vitest has set it. */
export function vitestTaskRetry(task: unknown): number | undefined {
  const count = (task as VitestTaskLike | undefined)?.result?.retryCount;
  return typeof count === 'number' ? count : undefined;
}

/**
 * A task's recorded errors (Vitest keeps a failed attempt's errors on the task through its retries): `[]` when it has a
 * result without errors, undefined before it has a result.
 */
export function vitestTaskErrors(task: unknown): readonly unknown[] | undefined {
  const result = (task as VitestTaskLike | undefined)?.result;
  if (!result) return undefined;
  return Array.isArray(result.errors) ? result.errors : [];
}

/** Vitest's task (`this.task` in a matcher, `context.task` in a hook): its timeout from its start. */
export function vitestTaskTiming(value: unknown): TestTiming | undefined {
  const task = value as VitestTaskLike | undefined;
  if (task?.type !== 'test' || typeof task.timeout !== 'number' || task.timeout <= 0 || !Number.isFinite(task.timeout))
    return undefined;
  const attempts = task.result?.attempts ?? [];
  const lastAttempt = attempts[attempts.length - 1];
  // A retried test gets a fresh timeout; it started no earlier than the last recorded attempt ended.
  const started = Math.max(
    task.result?.startTime ?? Number.NaN,
    (lastAttempt?.startTime ?? 0) + (lastAttempt?.duration ?? 0),
  );
  if (!Number.isFinite(started)) return undefined;
  return { runner: 'vitest', timeout: task.timeout, startedAt: started };
}

/** The state of Vitest's global `expect` (`globalThis[Symbol.for('expect-global')]`), set by its runner. */
export function vitestExpectState(): { currentTestName?: string } | undefined {
  const vitestExpect = (globalThis as Record<symbol, unknown>)[Symbol.for('expect-global')] as
    { getState?: () => { currentTestName?: string } } | undefined;
  try {
    return vitestExpect?.getState?.();
  } catch {
    return undefined;
  }
}
