/**
 * `node:timers/promises` on a Clock, for `install()`: `setTimeout`, `setInterval` (an async iterator),
 * `setImmediate` and `scheduler.wait`, with Node's argument checks (a rejected promise, not a throw)
 * and Node's abort behaviour (an `AbortError`, code `ABORT_ERR`, whose `cause` is the signal's reason).
 * Unknown option keys are ignored, as Node ignores them.
 */
import type { Clock, TimerId } from './Clock.ts';

type Options = { signal?: AbortSignal; ref?: boolean };
/** Schedules `callback` at the clock's current instant (an installed setImmediate), or undefined to keep the real one. */
export type ScheduleImmediate = (callback: () => void) => { clear(): void };

function invalid(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** Node's AbortError for timers/promises (`lib/internal/errors.js`): the reason is its cause. */
export function abortError(reason: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}

function checkDelay(where: string, delay: unknown): void {
  if (delay !== undefined && typeof delay !== 'number')
    throw invalid(`${where}: the "delay" argument must be of type number, got ${typeof delay}.`);
}

function checkOptions(where: string, options: unknown): Options {
  if (options === null || typeof options !== 'object')
    throw invalid(
      `${where}: the "options" argument must be an object, got ${options === null ? 'null' : typeof options}.`,
    );
  const { signal, ref } = options as Options;
  if (
    signal !== undefined &&
    !(
      signal !== null &&
      typeof signal === 'object' &&
      'aborted' in signal &&
      typeof signal.addEventListener === 'function'
    )
  ) {
    throw invalid(
      `${where}: "options.signal" must be an AbortSignal, got ${signal === null ? 'null' : typeof signal}.`,
    );
  }
  if (ref !== undefined && typeof ref !== 'boolean')
    throw invalid(`${where}: "options.ref" must be a boolean, got ${typeof ref}.`);
  return { signal, ref };
}

/** Settles like a timers/promises call: `value` when `start` fires, an AbortError if the signal aborts first. */
function settleOn<T>(
  signal: AbortSignal | undefined,
  value: T,
  start: (fire: () => void) => { clear(): void },
): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      pending.clear();
      reject(abortError(signal!.reason));
    };
    const pending = start(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** timers/promises.setInterval on `clock`: an async iterator of `value`, one per tick. */
async function* intervalTicks<T>(
  clock: Clock,
  delay: number | undefined,
  value: T,
  options: Options,
): AsyncGenerator<T> {
  checkDelay('timers/promises.setInterval()', delay);
  const { signal } = checkOptions('timers/promises.setInterval()', options);
  if (signal?.aborted) throw abortError(signal.reason);
  // Node's own loop: ticks the consumer has not taken yet are yielded back to back (they queue up).
  let notYielded = 0;
  let wake: ((aborted: boolean) => void) | undefined;
  const id = clock.setInterval(() => {
    notYielded++;
    wake?.(false);
    wake = undefined;
  }, delay);
  const onAbort = (): void => {
    clock.clearInterval(id);
    wake?.(true);
    wake = undefined;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal?.aborted) {
      if (notYielded === 0 && (await new Promise<boolean>((resolve) => (wake = resolve)))) break;
      for (; notYielded > 0; notYielded--) yield value;
    }
    throw abortError(signal?.reason);
  } finally {
    clock.clearInterval(id);
    signal?.removeEventListener('abort', onAbort);
  }
}

export interface FakeTimersPromises {
  setTimeout<T = void>(delay?: number, value?: T, options?: Options): Promise<T>;
  setInterval<T = void>(delay?: number, value?: T, options?: Options): AsyncGenerator<T>;
  setImmediate: (<T = void>(value?: T, options?: Options) => Promise<T>) | undefined;
  wait(delay?: number, options?: Options): Promise<void>;
}

/** The fakes for one clock; `immediate` undefined keeps timers/promises' setImmediate real (as the global). */
export function fakeTimersPromises(clock: Clock, immediate: ScheduleImmediate | undefined): FakeTimersPromises {
  const later = (delay: number | undefined) => (fire: () => void) => {
    const id: TimerId = clock.setTimeout(fire, delay);
    return { clear: () => clock.clearTimeout(id) };
  };
  const setTimeout = <T>(delay?: number, value?: T, options: Options = {}): Promise<T> => {
    try {
      checkDelay('timers/promises.setTimeout()', delay);
      const { signal } = checkOptions('timers/promises.setTimeout()', options);
      return settleOn(signal, value as T, later(delay));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const setInterval = <T>(delay?: number, value?: T, options: Options = {}): AsyncGenerator<T> =>
    intervalTicks(clock, delay, value as T, options);
  const setImmediate =
    immediate &&
    (<T>(value?: T, options: Options = {}): Promise<T> => {
      try {
        const { signal } = checkOptions('timers/promises.setImmediate()', options);
        return settleOn(signal, value as T, immediate);
      } catch (error) {
        return Promise.reject(error);
      }
    });
  const wait = (delay?: number, options: Options = {}): Promise<void> => {
    try {
      checkDelay('timers/promises.scheduler.wait()', delay);
      const { signal } = checkOptions('timers/promises.scheduler.wait()', options);
      return settleOn(signal, undefined, later(delay));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return { setTimeout, setInterval, setImmediate, wait };
}
