/**
 * The only module that touches timers and clocks. Everything else asks it for real time.
 *
 * Fake timers (Vitest's, Jest's modern ones, raw `@sinonjs/fake-timers`, our own TestClock) replace
 * globals and keep the original at `fake.clock._<name>`; Jest's `enableGlobally` installs them before
 * any module loads, so capturing globals at import time is not enough. We therefore unwrap at call
 * time, and read timers from `node:timers`, which Jest's legacy fake timers never patch.
 */
import * as nodeTimers from 'node:timers';
import { performance as perfHooks } from 'node:perf_hooks';
import { globalSlot } from '../runtime/globalSlot.ts';
import { unwrapFake } from '../adapters/fakeTimers.ts';
import { jestNativeNow } from '../adapters/jest.ts';

type AnyFn = (...args: never[]) => unknown;
const unwrap = unwrapFake;

export type RealTimerHandle = ReturnType<typeof nodeTimers.setTimeout>;

// Captured when this module loads (unwrapping fakes already installed then): a test may later replace
// the globals with things that are neither real nor fake-timers' (`vi.stubGlobal('Date', vi.fn())`,
// MockDate, a stubbed `process.hrtime`), and a failing poll must still report its own message.
const loadedHrtime = unwrap(process.hrtime, 'hrtime');
const loadedDate = unwrap(Date as unknown as AnyFn, 'Date') as unknown as DateConstructor;
const loadedDateNow = typeof loadedDate?.now === 'function' ? loadedDate.now : undefined;

function isFn(value: unknown): value is AnyFn {
  return typeof value === 'function';
}

// The last `process.hrtime` seen and the real one behind it: unwrapping walks the fakes' wrappers, and
// monotonicNow runs several times per assertion; the walk is redone only when the global changes.
let seenHrtime: unknown = loadedHrtime;
let unwrappedHrtime: unknown = loadedHrtime;
// Under Jest every free global name (`process`, `Number`) is a lookup through the vm context's
// interceptors (~0.5 µs each): the two this hot function needs are kept here. A stubbed `process.hrtime`
// is a property of this same object, so it is still seen.
const processObject = process;
const toNumber = Number;

/** Milliseconds on a monotonic clock that no fake timer moves. */
export function monotonicNow(): number {
  const global = processObject.hrtime;
  if (global !== seenHrtime) {
    unwrappedHrtime = unwrap(global, 'hrtime');
    seenHrtime = global;
  }
  const current = unwrappedHrtime as typeof process.hrtime;
  const hrtime = isFn(current) && isFn(current.bigint) ? current : loadedHrtime;
  return toNumber(hrtime.bigint()) / 1e6;
}

/** Real wall-clock epoch milliseconds, whatever `Date` currently is. */
export function wallNow(): number {
  const jestNow = jestNativeNow();
  if (jestNow) return jestNow();
  if (loadedDateNow) {
    const value = Number(loadedDateNow.call(loadedDate));
    if (Number.isFinite(value)) return value;
  }
  // Date was already a stand-in when this module loaded: the process's own time origin never is.
  return perfHooks.timeOrigin + perfHooks.now();
}

// Timers this library has scheduled and not yet fired or cleared: "nothing outlives a poll" is
// checked against this, not against the whole process's timers, which the runner also uses.
// One set for every copy of the library in the process (see runtime/globalSlot.ts).
const outstanding = globalSlot('realTimers.v1', () => new Set<RealTimerHandle>());

/** How many of this library's real timers are pending (0 between assertions). */
export function pendingRealTimers(): number {
  return outstanding.size;
}

export function setRealTimeout(callback: () => void, ms: number): RealTimerHandle {
  const set = unwrap(nodeTimers.setTimeout, 'setTimeout');
  const handle = set(() => {
    outstanding.delete(handle);
    callback();
  }, ms);
  outstanding.add(handle);
  return handle;
}

export function clearRealTimeout(handle: RealTimerHandle | undefined): void {
  if (handle === undefined) return;
  outstanding.delete(handle);
  unwrap(nodeTimers.clearTimeout, 'clearTimeout')(handle);
}

/**
 * Resolves after `ms` of real time, or early when `wake` is called or `signal` aborts.
 * Leaves no timer or listener behind in any of those cases.
 */
export function pauseReal(ms: number, signal?: AbortSignal): { done: Promise<void>; wake: () => void } {
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    let handle: RealTimerHandle | undefined;
    const finish = (): void => {
      clearRealTimeout(handle);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    wake = finish;
    if (signal?.aborted) return finish();
    signal?.addEventListener('abort', finish, { once: true });
    // Capped: Node fires a timer of more than 2^31-1 ms after 1 ms.
    handle = setRealTimeout(finish, Math.min(2 ** 31 - 1, Math.max(0, ms)));
  });
  return { done, wake };
}

/** The real setImmediate, whatever fake timers are installed (Jest's legacy ones included). */
export function realSetImmediate(): (callback: () => void) => unknown {
  return unwrap(nodeTimers.setImmediate, 'setImmediate') as unknown as (callback: () => void) => unknown;
}

/** Runs `callback` on the next turn of the event loop (a real setImmediate: no 1 ms timer minimum). */
export function setRealImmediate(callback: () => void): void {
  realSetImmediate()(callback);
}
