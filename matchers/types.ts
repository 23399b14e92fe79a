import type { AsymmetricMatcherLike, CheckResult } from '../src/check.ts';
import type { ConsistentlyOptions, EventuallyOptions } from '../src/options/types.ts';
import type { ConvergenceOptions, IdempotenceOptions } from '../src/delivery/options.ts';

/**
 * The value a probe yields: `T` is the received type (the probe function). Where the runner does
 * not pass `T` (Vitest: one declaration must merge with both v4's `Matchers<T>` and v5's
 * `Matchers<R, T>`, so it declares none), the value is `any`: annotate the check's parameter.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProbeValue<T> = T extends (...args: never[]) => infer V ? Awaited<V> : any;

/**
 * Every unflake matcher, once, generically. Each runner's entry merges it into that runner's
 * `Matchers` interface; all of them are async and must be awaited.
 */
// `R` (the runner's sync result type) is unused: every unflake matcher is async and returns Promise<void>.
export interface EventualMatchers<_R = unknown, T = unknown> {
  /** Polls until `check` passes: returns true, or returns nothing after asserting with expect(); any other return is a usage error. `.not`: never passes within the window. */
  toEventually(
    check: ((value: ProbeValue<T>) => CheckResult) | AsymmetricMatcherLike,
    options?: EventuallyOptions<ProbeValue<T>>,
  ): Promise<void>;
  /** Polls until the value equals `expected` (as `toEqual`). `.not`: never equal within the window. */
  toEventuallyEqual(expected: unknown, options?: EventuallyOptions<ProbeValue<T>>): Promise<void>;
  /** Polls until the value strictly equals `expected` (as `toStrictEqual`). */
  toEventuallyStrictEqual(expected: unknown, options?: EventuallyOptions<ProbeValue<T>>): Promise<void>;
  /** Polls until the value is `expected` (`Object.is`, as `toBe`). */
  toEventuallyBe(expected: unknown, options?: EventuallyOptions<ProbeValue<T>>): Promise<void>;
  /** Polls until the value matches `subset` (as `toMatchObject`). */
  toEventuallyMatchObject(subset: object, options?: EventuallyOptions<ProbeValue<T>>): Promise<void>;
  /** Requires `check` to pass on every attempt for `for` ms. `.not`: it fails at some attempt. */
  toConsistently(
    check: ((value: ProbeValue<T>) => CheckResult) | AsymmetricMatcherLike,
    options?: ConsistentlyOptions<ProbeValue<T>>,
  ): Promise<void>;
  /** Requires the value to equal `expected` on every attempt for `for` ms. */
  toConsistentlyEqual(expected: unknown, options?: ConsistentlyOptions<ProbeValue<T>>): Promise<void>;
  /** Redelivers the event (or each of the events) and requires unchanged state and no repeated effect. */
  toBeIdempotent(eventOrEvents: unknown, options?: IdempotenceOptions): Promise<void>;
  /** Requires every explored delivery order (with redeliveries) to end in the in-order, once-only state. */
  toConvergeInAnyOrder(events: readonly unknown[], options: ConvergenceOptions): Promise<void>;
}
