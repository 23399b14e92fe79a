/**
 * What unflake knows of fake-timer libraries' internals (@sinonjs/fake-timers, and Vitest's and Jest's
 * modern timers built on it; Jest's legacy timers). The only file that reads them.
 *
 * fake-timers replaces globals and keeps each original at `fake.clock._<name>` (and the real Date at
 * `clock._Date`); Jest's legacy timers are `jest.fn` mocks (`_isMockFunction`) and never patch
 * `node:timers`.
 */
type AnyFn = (...args: never[]) => unknown;

/** The real function behind `fn`, unwrapping stacked fakes (10 levels is far beyond any real setup). */
export function unwrapFake<F extends AnyFn>(fn: F, name: string): F {
  let current: unknown = fn;
  for (let depth = 0; depth < 10; depth++) {
    const clock = (current as { clock?: Record<string, unknown> } | undefined)?.clock;
    const original = clock?.[`_${name}`];
    if (typeof original !== 'function') break;
    current = original;
  }
  return current as F;
}

/** Which fake clock, if any, owns the globals now, in words for an error message. */
export function installedFakeTimers(): string | undefined {
  const setTimeoutFn = globalThis.setTimeout as unknown as { clock?: unknown; _isMockFunction?: boolean };
  if (
    (Date as unknown as { isFake?: boolean }).isFake === true ||
    (typeof setTimeoutFn.clock === 'object' && setTimeoutFn.clock !== null)
  ) {
    return 'fake timers (vi.useFakeTimers(), jest.useFakeTimers() or @sinonjs/fake-timers)';
  }
  if (setTimeoutFn._isMockFunction === true)
    return "Jest's legacy fake timers (jest.useFakeTimers({ legacyFakeTimers: true }))";
  return undefined;
}

/** A fake-timers clock's slot for the real Date (`_Date`), which its own Date mirror reads. */
export interface FakeClockInternals {
  _Date: unknown;
}

/** A timer as fake-timers keeps it: when it is due, and its kind (`Timeout`, `Interval`, `Immediate`). */
export interface FakeTimer {
  callAt: number;
  type?: string;
}

/** A fake-timers clock's pending timers by id (a Map since v15, a plain object before). */
export function fakeTimersOf(fake: object): { get(key: number): FakeTimer | undefined; values(): Iterable<FakeTimer> } {
  const timers = (fake as { timers?: Map<number, FakeTimer> | Record<string, FakeTimer> }).timers;
  if (timers instanceof Map) return timers;
  const record = timers ?? {};
  return { get: (key) => (Object.hasOwn(record, key) ? record[key] : undefined), values: () => Object.values(record) };
}

/*
 * Which clock issued a timer handle (TestClock's clear*). Every fake-timers clock numbers its timers from 1e12, so a handle of
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
