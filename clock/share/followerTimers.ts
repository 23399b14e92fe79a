/**
 * Small pieces of the follower's timer handling: watching its fake clock's timer set, rethrowing
 * what its timers threw, and the error it rejects with once it loses the leader. Split from follower.ts.
 */
import { fakeTimersOf } from '../../src/adapters/fakeTimers.ts';
import { realSetImmediate } from '../../src/time/realTime.ts';
import type { TestClock } from '../TestClock.ts';
import { TIMER_METHODS } from '../clockContract.ts';

/**
 * Whether an installed setImmediate is due at the clock's current instant: the follower fires those by
 * itself. A 0 ms timeout is due now too, but waits for the leader's advance, as on a TestClock.
 */
export function immediateDue(clock: TestClock): boolean {
  const now = clock.now();
  for (const timer of fakeTimersOf(clock.fake).values())
    if (timer.type === 'Immediate' && timer.callAt <= now) return true;
  return false;
}

/** Calls `changed` after every timer scheduled or cleared on `clock` (the fake-timers clock). */
export function watchTimerSet(clock: object, changed: () => void): void {
  const fake = clock as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of TIMER_METHODS) {
    const original = fake[method];
    if (typeof original !== 'function') continue;
    fake[method] = (...args: unknown[]) => {
      const result = original.apply(fake, args);
      changed();
      return result;
    };
  }
}

/** What timers threw during a step, thrown on later real macrotasks (uncaught, as a real timer's error is), after the ack. */
export function rethrowLater(errors: readonly unknown[]): void {
  for (const error of errors)
    realSetImmediate()(() => {
      throw error;
    });
}

export function lostClockError(name: string, url: string, now: number, reason: string): Error {
  const error = new Error(
    `unflake: follower ${JSON.stringify(name)} lost the shared clock at ${url}: ${reason}. Its time stands still at ${new Date(now).toISOString()}; sleeps reject and its timers will not fire.`,
  );
  error.name = 'SharedClockLostError';
  return error;
}
