/**
 * What unflake reads of Jest's internals: jest-circus' state (the running test's start and timeout, the
 * configured testTimeout) under its unregistered `Symbol('JEST_STATE_SYMBOL')`, the matchers object's
 * state, and the real `Date.now` Jest keeps for itself. The only file that reads them. If a Jest release
 * renames them, polls still work but lose the test-deadline clamp.
 */
import type { TestTiming } from '../runner/testWindow.ts';

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
export function jestCircusTiming(): TestTiming | undefined {
  const key = jestStateKey();
  if (!key) return undefined;
  const state = (globalThis as Record<symbol, JestCircusState | undefined>)[key];
  const test = state?.currentlyRunningTest;
  if (!test || typeof test.startedAt !== 'number') return undefined;
  const timeout = test.timeout || state?.testTimeout;
  if (!timeout || timeout <= 0 || !Number.isFinite(timeout)) return undefined;
  return { runner: 'jest', timeout, startedAt: test.startedAt };
}

/** Jest's configured `testTimeout` (for concurrent tests, which jest-circus does not mark as running). */
export function jestConfiguredTimeout(): number | undefined {
  const key = jestStateKey();
  const timeout = key ? (globalThis as Record<symbol, JestCircusState | undefined>)[key]?.testTimeout : undefined;
  return typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout) ? timeout : undefined;
}

/** The state of Jest's (or the standalone `expect` package's) matchers object. */
export function jestMatchersState(): { currentTestName?: string } | undefined {
  return ((globalThis as Record<symbol, unknown>)[Symbol.for('$$jest-matchers-object')] as { state?: { currentTestName?: string } } | undefined)?.state;
}

/** The real `Date.now` Jest keeps for itself under its fake timers, if this is a Jest environment. */
export function jestNativeNow(): (() => number) | undefined {
  const now = (globalThis as Record<symbol, unknown>)[Symbol.for('jest-native-now')];
  return typeof now === 'function' ? (now as () => number) : undefined;
}
