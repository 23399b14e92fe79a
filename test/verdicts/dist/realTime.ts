/**
 * Stands in for src/time/realTime.ts in the dist runs (vitest.dist.config.ts, jest.dist.config.ts): the
 * count of unflake's pending real timers, read from the set the built package keeps on globalThis (one
 * set for every bundle and module format, see src/runtime/globalSlot.ts), and a monotonic clock for
 * measuring. A test that needs anything else from realTime.ts is a unit test of internals and does not
 * belong in the dist runs.
 */
const REAL_TIMERS = Symbol.for('unflake.realTimers.v1');

export function pendingRealTimers(): number {
  const timers = (globalThis as Record<symbol, Set<unknown> | undefined>)[REAL_TIMERS];
  return timers?.size ?? 0;
}

/**
 * Milliseconds from a monotonic source no fake timer replaces (Vitest, Jest and fake-timers leave
 * `process.uptime` alone), for tests that measure how long a matcher took.
 */
export function monotonicNow(): number {
  return process.uptime() * 1_000;
}
