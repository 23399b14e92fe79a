import type { Clock, TimerId } from './Clock.ts';
import { sleepOn } from './sleepOn.ts';
import { checkCallback, convertDelay, sleepArgs, timeoutSignalDelay } from './clockContract.ts';

type Handle = ReturnType<typeof globalThis.setTimeout>;

/**
 * The real clock, for production. It uses the globals at call time, so code that takes a `Clock`
 * behaves exactly like code that calls `setTimeout` directly: Node converts the delay (a negative,
 * NaN or overflowing one is 1 ms, with Node's own warning) and clears any id silently. Its checks are
 * the shared ones (clockContract.ts), so a TestClock accepts and rejects the same arguments.
 * Every method is an arrow: it works detached (`const { setTimeout } = systemClock`). Loads no test code.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: <A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId => {
    checkCallback('systemClock.setTimeout()', callback);
    return globalThis.setTimeout(callback, convertDelay('systemClock.setTimeout()', ms), ...args);
  },
  clearTimeout: (id: TimerId) => globalThis.clearTimeout(id as Handle),
  setInterval: <A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId => {
    checkCallback('systemClock.setInterval()', callback);
    return globalThis.setInterval(callback, convertDelay('systemClock.setInterval()', ms), ...args);
  },
  clearInterval: (id: TimerId) => globalThis.clearInterval(id as Handle),
  sleep: async (ms?: number, options?: { signal?: AbortSignal }) => {
    const { after, signal } = sleepArgs('systemClock.sleep()', ms, options);
    return sleepOn(
      (callback, delay) => globalThis.setTimeout(callback, delay),
      (id) => globalThis.clearTimeout(id as Handle),
      after,
      [signal],
    );
  },
  timeoutSignal: (ms: number): AbortSignal => {
    // Checked first, so the error names systemClock; Node would refuse the same values.
    timeoutSignalDelay('systemClock.timeoutSignal()', ms);
    return AbortSignal.timeout(ms);
  },
});
