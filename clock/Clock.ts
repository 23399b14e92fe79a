/** An opaque timer handle, as returned by `Clock.setTimeout` / `Clock.setInterval`. */
export type TimerId = unknown;

/**
 * What application code depends on instead of the globals: the real one in production
 * (`systemClock`), a `TestClock` in tests, a follower of a shared clock. Like Java's `Clock` or .NET's
 * `TimeProvider`. Every implementation takes the same arguments, with Node's rules (docs/clock-contract.md):
 * a delay is converted as Node does (negative, NaN, undefined or above 2^31 - 1 is 1 ms; 0 is 1 ms on systemClock, due now on a virtual clock), a callback
 * that is not a function is a TypeError, clear* ignores what is not a timer, and every method works
 * detached (`const { setTimeout } = clock`).
 */
export interface Clock {
  /** Wall clock, epoch ms. */
  now(): number;
  /** Milliseconds on a clock that never goes backwards. */
  monotonic(): number;
  /** Calls `callback(...args)` once, `ms` from now on this clock (converted as Node converts a delay). */
  setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId;
  /** Cancels a timer of this clock; ignores anything that is not one. */
  clearTimeout(id: TimerId): void;
  /** Calls `callback(...args)` every `ms` on this clock until cleared. */
  setInterval<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId;
  /** Cancels an interval of this clock; ignores anything that is not one. */
  clearInterval(id: TimerId): void;
  /**
   * Resolves after `ms` (converted like a timer delay; `ms` must be a number or undefined, as in
   * `timers/promises`); rejects with the signal's reason if it aborts first. Bad arguments reject.
   */
  sleep(ms?: number, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * A signal that aborts with a `DOMException` named `TimeoutError` once `ms` have passed on this clock,
   * as `AbortSignal.timeout(ms)` (same rules: an integer from 0 to 2^32 - 1; above 2^31 - 1 is 1 ms; 0 is 1 ms on systemClock, due now on a virtual clock).
   */
  timeoutSignal(ms: number): AbortSignal;
}
