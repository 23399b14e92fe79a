/**
 * Where the running test's own deadline is, so a poll can end before it and print its diagnostics
 * instead of the runner's bare "test timed out".
 *
 * The runners tell it in their own ways (src/adapters/vitest.ts, src/adapters/jest.ts); testState.ts
 * decides which applies to the running test.
 */
import { monotonicNow, wallNow } from '../time/realTime.ts';
import type { TestTiming } from '../adapters/testTiming.ts';

export type { TestTiming };

export interface TestWindow {
  runner: 'vitest' | 'jest' | 'playwright' | 'mocha';
  /** The test's own timeout in ms. */
  timeout: number;
  /** Monotonic ms at which the runner will time the test out. */
  deadline: number;
}

/** The deadline on the monotonic clock that no fake timer moves. */
export function toWindow(timing: TestTiming | undefined): TestWindow | undefined {
  if (!timing) return undefined;
  return {
    runner: timing.runner,
    timeout: timing.timeout,
    deadline: monotonicNow() + (timing.startedAt + timing.timeout - wallNow()),
  };
}

/**
 * A test's deadline from what its runner tells (`read`, asked each time), made anew only when that
 * changes (a retry's new start, a changed timeout): every poll of a test asks, and converting the wall
 * clock start to the monotonic clock each time would only add the two clocks' drift.
 */
export function windowKeeper(read: () => TestTiming | undefined): () => TestWindow | undefined {
  let seen: TestTiming | undefined;
  let window: TestWindow | undefined;
  return () => {
    const timing = read();
    if (!timing) return undefined;
    if (
      seen === undefined ||
      timing.startedAt !== seen.startedAt ||
      timing.timeout !== seen.timeout ||
      timing.runner !== seen.runner
    ) {
      window = Object.freeze(toWindow(timing));
      seen = timing;
    }
    return window;
  };
}

/**
 * A test's deadline from the first timing `read` gives, kept for the rest of the state: for a runner
 * whose every run of a test (each retry) begins a new state and whose test's start and timeout do not
 * change within one (jest-circus), where reading them is a lookup on the vm context's global.
 */
export function firstWindow(read: () => TestTiming | undefined): () => TestWindow | undefined {
  let window: TestWindow | undefined;
  return () => {
    if (window === undefined) {
      const timing = read();
      if (timing) window = Object.freeze(toWindow(timing));
    }
    return window;
  };
}

// Kept: asked on every poll, and under Jest each use of the name `Math` is a lookup through the vm context.
const { min, floor } = Math;

/** No time kept back before a test's deadline may exceed this share of its timeout. */
const MAX_SHARE_OF_TIMEOUT = 0.25;

/**
 * Time kept back before the test's deadline (the margin for the failure report, the budget for
 * gathering `context`), scaled to the test: never more than a quarter of its timeout. A fixed 250 ms
 * before a 200 ms test’s deadline would end every poll at its first attempt; a quarter leaves the poll
 * three quarters of the test, and a test of 1 s or more its full margin.
 */
export function keptBack(window: TestWindow, ms: number): number {
  return min(ms, floor(window.timeout * MAX_SHARE_OF_TIMEOUT));
}
