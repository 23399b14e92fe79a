/**
 * TestClock's rules: the options it accepts, the method list `bindMethods` binds, and the errors for
 * calls a shared clock cannot honour. Split from TestClock.ts to keep it small.
 */

import { checkOptions } from '../src/options/checkOptions.ts';
import { checkCallback, CLOCK_METHODS, convertDelay, effectiveDelay, timeoutSignalDelay } from './clockContract.ts';

/** Options of `new TestClock(options)`. */
export interface TestClockOptions {
  /** The initial wall-clock time (epoch ms or a Date). Default: 0 (1970-01-01T00:00:00Z), so tests are reproducible. */
  now?: number | Date;
  /** Timers `runAll` may fire before it decides a timer reschedules itself forever. Default 10 000. */
  loopLimit?: number;
}

const OPTIONS = ['now', 'loopLimit'] as const;

/** Validates the constructor's options: the start time as epoch ms, and the loop limit (default 10 000). */
export function checkTestClockOptions(options: TestClockOptions): { now: number; loopLimit: number } {
  checkOptions('new TestClock()', options, OPTIONS);
  const now = options.now instanceof Date ? options.now.getTime() : (options.now ?? 0);
  if (typeof now !== 'number' || !Number.isFinite(now))
    throw new TypeError(`new TestClock(): \`now\` must be epoch milliseconds or a Date, got ${String(options.now)}.`);
  if (options.loopLimit !== undefined && !(Number.isInteger(options.loopLimit) && options.loopLimit > 0)) {
    throw new TypeError(`new TestClock(): \`loopLimit\` must be a whole number > 0, got ${String(options.loopLimit)}.`);
  }
  return { now, loopLimit: options.loopLimit ?? 10_000 };
}

/** What `bindMethods` binds on a TestClock: the Clock methods and its controls. */
export const METHODS = [
  ...CLOCK_METHODS,
  'advance',
  'advanceAsync',
  'runNext',
  'runNextAsync',
  'runAll',
  'runAllAsync',
  'jump',
  'runToLast',
  'runToLastAsync',
  'reset',
  'set',
  'waitForTimers',
  'share',
  'install',
] as const;

/** A sync call on a shared clock: the followers can only move with it asynchronously. */
export function refusedSync(method: string, instead: string): Error {
  return new Error(
    `TestClock.${method}: this clock is shared with other processes (share()), and they can only move with it asynchronously. Use \`await clock.${instead}\`: it steps every follower through the due times in order.`,
  );
}

// The leader knows each follower's next due time only, and a follower cannot leap or go back: refused, not approximated.
export function refusedLeap(method: string): Error {
  return new Error(
    `TestClock.${method}: this clock is shared with other processes (share()), and a shared clock only steps forward through every due time. Use \`await clock.advanceAsync(ms)\` instead, or close() the share first.`,
  );
}

/**
 * The one place a virtual clock's delay differs from Node's (SPEC 0b): a delay that converts to 0 stays 0,
 * due at the current instant, so `advance(0)` fires it as @sinonjs/fake-timers, Jest and Vitest do. Node's
 * rule holds for the rest: negative, NaN, undefined, below 1 or above 2^31 - 1 is 1 ms. fake-timers itself
 * makes a 0 set while a timer fires due 1 ms later, so nested zero-delay timers keep their order (after the
 * ones already due) and one that re-arms itself cannot stall an advance.
 */
export function virtualDelay(after: number): number {
  return after === 0 ? 0 : effectiveDelay(after);
}

/** `setTimeout`'s callback check and delay conversion on a virtual clock (TestClock, a follower). */
export function virtualTimeoutDelay(where: string, callback: unknown, ms: unknown): number {
  checkCallback(where, callback);
  return virtualDelay(convertDelay(where, ms));
}

/** `timeoutSignal(ms)` on a virtual clock: `AbortSignal.timeout`'s argument rules, then `virtualDelay`. */
export function virtualSignalDelay(where: string, ms: unknown): number {
  const delay = timeoutSignalDelay(where, ms);
  return ms === 0 ? 0 : delay;
}
