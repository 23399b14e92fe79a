/** An opaque timer handle, as returned by `Clock.setTimeout` / `Clock.setInterval`. */
export type TimerId = unknown;

/**
 * What application code depends on instead of the globals: the real one in production
 * (`systemClock`), a `TestClock` in tests. Like Java's `Clock` or .NET's `TimeProvider`.
 */
export interface Clock {
  /** Wall clock, epoch ms. */
  now(): number;
  /** Milliseconds on a clock that never goes backwards. */
  monotonic(): number;
  setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms: number, ...args: A): TimerId;
  clearTimeout(id: TimerId): void;
  setInterval<A extends unknown[]>(callback: (...args: A) => void, ms: number, ...args: A): TimerId;
  clearInterval(id: TimerId): void;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, options?: { signal?: AbortSignal }): Promise<void>;
}
