/**
 * Where the running test's own deadline is, so a poll can end before it and print its diagnostics
 * instead of the runner's bare "test timed out".
 *
 * Sources: Vitest's `task` (the setup entry's hook context, or the matcher state); jest-circus's state on
 * the test global. testState.ts decides which applies to the running test.
 */
import { monotonicNow, wallNow } from '../time/realTime.ts';

export interface TestWindow {
  runner: 'vitest' | 'jest';
  /** The test's own timeout in ms. */
  timeout: number;
  /** Monotonic ms at which the runner will time the test out. */
  deadline: number;
}

interface VitestTaskLike {
  type?: string;
  timeout?: number;
  result?: { startTime?: number; attempts?: { startTime?: number; duration?: number }[] };
}

/** Vitest's task (`this.task` in a matcher, `context.task` in a hook): its timeout from its start. */
export function windowOfVitestTask(value: unknown): TestWindow | undefined {
  const task = value as VitestTaskLike | undefined;
  if (task?.type !== 'test' || typeof task.timeout !== 'number' || task.timeout <= 0 || !Number.isFinite(task.timeout)) return undefined;
  const attempts = task.result?.attempts ?? [];
  const lastAttempt = attempts[attempts.length - 1];
  // A retried test gets a fresh timeout; it started no earlier than the last recorded attempt ended.
  const started = Math.max(task.result?.startTime ?? Number.NaN, (lastAttempt?.startTime ?? 0) + (lastAttempt?.duration ?? 0));
  if (!Number.isFinite(started)) return undefined;
  return { runner: 'vitest', timeout: task.timeout, deadline: monotonicNow() + (started + task.timeout - wallNow()) };
}

interface JestCircusState {
  testTimeout?: number;
  currentlyRunningTest?: { startedAt?: number | null; timeout?: number } | null;
}

// jest-circus keeps its state under a non-registered Symbol('JEST_STATE_SYMBOL') on the test global,
// set before any test code runs; looked up once per global.
const jestStateKeys = new WeakMap<object, symbol | null>();

function jestStateKey(): symbol | null {
  let key = jestStateKeys.get(globalThis);
  if (key === undefined) {
    key = Object.getOwnPropertySymbols(globalThis).find((symbol) => symbol.description === 'JEST_STATE_SYMBOL') ?? null;
    jestStateKeys.set(globalThis, key);
  }
  return key;
}

/** jest-circus' running test: its timeout from its start. */
export function windowOfJestCircus(): TestWindow | undefined {
  const key = jestStateKey();
  if (!key) return undefined;
  const state = (globalThis as Record<symbol, JestCircusState | undefined>)[key];
  const test = state?.currentlyRunningTest;
  if (!test || typeof test.startedAt !== 'number') return undefined;
  const timeout = test.timeout || state?.testTimeout;
  if (!timeout || timeout <= 0 || !Number.isFinite(timeout)) return undefined;
  return { runner: 'jest', timeout, deadline: monotonicNow() + (test.startedAt + timeout - wallNow()) };
}

/** Jest's configured `testTimeout` (for concurrent tests, which jest-circus does not mark as running). */
export function jestConfiguredTimeout(): number | undefined {
  const key = jestStateKey();
  const timeout = key ? (globalThis as Record<symbol, JestCircusState | undefined>)[key]?.testTimeout : undefined;
  return typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout) ? timeout : undefined;
}
