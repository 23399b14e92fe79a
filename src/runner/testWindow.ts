/**
 * Where the running test's own deadline is, so a poll can end before it and print its diagnostics
 * instead of the runner's bare "test timed out".
 *
 * The runners tell it in their own ways (src/adapters/vitest.ts, src/adapters/jest.ts); testState.ts
 * decides which applies to the running test.
 */
import { monotonicNow, wallNow } from '../time/realTime.ts';

export interface TestWindow {
  runner: 'vitest' | 'jest' | 'playwright';
  /** The test's own timeout in ms. */
  timeout: number;
  /** Monotonic ms at which the runner will time the test out. */
  deadline: number;
}

/** What a runner tells of a test: its timeout and when it started (epoch ms, the runner's wall clock). */
export interface TestTiming {
  runner: TestWindow['runner'];
  timeout: number;
  startedAt: number;
}

/** The deadline on the monotonic clock that no fake timer moves. */
export function toWindow(timing: TestTiming | undefined): TestWindow | undefined {
  if (!timing) return undefined;
  return { runner: timing.runner, timeout: timing.timeout, deadline: monotonicNow() + (timing.startedAt + timing.timeout - wallNow()) };
}

/** No time kept back before a test's deadline may exceed this share of its timeout. */
const MAX_SHARE_OF_TIMEOUT = 0.25;

/**
 * Time kept back before the test's deadline (the margin for the failure report, the budget for
 * gathering `context`), scaled to the test: never more than a quarter of its timeout. A fixed 250 ms
 * before a 200 ms test’s deadline would end every poll at its first attempt; a quarter leaves the poll
 * three quarters of the test, and a test of 1 s or more its full margin.
 */
export function keptBack(window: TestWindow, ms: number): number {
  return Math.min(ms, Math.floor(window.timeout * MAX_SHARE_OF_TIMEOUT));
}
