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
