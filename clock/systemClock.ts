import type { Clock, TimerId } from './Clock.ts';
import { checkMs } from '../src/options/checkMs.ts';
import { sleepOn } from './sleepOn.ts';

type Handle = ReturnType<typeof globalThis.setTimeout>;


/**
 * The real clock, for production. It uses the globals at call time, so code that takes a `Clock`
 * behaves exactly like code that calls `setTimeout` directly. Loads no test code.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: <A extends unknown[]>(callback: (...args: A) => void, ms: number, ...args: A): TimerId => globalThis.setTimeout(callback, checkMs('systemClock.setTimeout()', 'ms', ms), ...args),
  clearTimeout: (id: TimerId) => globalThis.clearTimeout(id as Handle),
  setInterval: <A extends unknown[]>(callback: (...args: A) => void, ms: number, ...args: A): TimerId => globalThis.setInterval(callback, checkMs('systemClock.setInterval()', 'ms', ms), ...args),
  clearInterval: (id: TimerId) => globalThis.clearInterval(id as Handle),
  sleep: async (ms: number, options?: { signal?: AbortSignal }) =>
    sleepOn((callback, delay) => globalThis.setTimeout(callback, delay), (id) => globalThis.clearTimeout(id as Handle), checkMs('systemClock.sleep()', 'ms', ms), options?.signal),
});
