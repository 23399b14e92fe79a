/**
 * Which clock issued a timer handle. Every fake-timers clock numbers its timers from 1e12, so a handle of
 * another clock (or of Vitest's or Jest's fake timers) converts to the same number as one of ours: the
 * number alone cannot say whose it is, the handle object can.
 *
 * Nothing is kept per timer. A WeakSet of our handles cost more than fake-timers' whole setTimeout, and a
 * private field stamped on each handle (the next try) still cost about 3 % of the timer workloads: adding a
 * property to the handle grows it. The check is made when a handle comes back to `clear*`, which is rare:
 * fake-timers' handle converts to a number by reading the id of the timer it was made for, live
 * (`[Symbol.toPrimitive]() { return timer.id }`). With our timer of that number briefly renumbered to its
 * negative (no timer has a negative id), our own handle converts to the negative and any other to what it
 * did. Should fake-timers stop reading it live, every handle reads as foreign and clear* stops clearing,
 * which the clock contract tests catch.
 */
import { fakeTimersOf } from '../src/adapters/fakeTimers.ts';

type ToPrimitive = (this: object, hint: string) => unknown;

/**
 * The number of `handle` when it is the handle `fake` returned for one of its pending timers, else
 * undefined. Only a handle shaped as fake-timers makes them (its own `refresh` and `Symbol.toPrimitive`;
 * Node's Timeout keeps both on its prototype) is ever converted, so clear* calls no code of anything else.
 */
export function ownTimerKey(handle: object, fake: object): number | undefined {
  if (!Object.hasOwn(handle, 'refresh') || !Object.hasOwn(handle, Symbol.toPrimitive)) return undefined;
  const toPrimitive = (handle as { [Symbol.toPrimitive]: unknown })[Symbol.toPrimitive];
  if (typeof toPrimitive !== 'function') return undefined;
  const key = convert(handle, toPrimitive as ToPrimitive);
  if (typeof key !== 'number') return undefined;
  const timer = fakeTimersOf(fake).get(key) as { id?: unknown } | undefined;
  if (timer === undefined || timer.id !== key) return undefined;
  timer.id = -key;
  try {
    return convert(handle, toPrimitive as ToPrimitive) === -key ? key : undefined;
  } finally {
    timer.id = key;
  }
}

function convert(handle: object, toPrimitive: ToPrimitive): unknown {
  try {
    return toPrimitive.call(handle, 'number');
  } catch {
    return undefined;
  }
}
