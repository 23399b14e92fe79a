import type { TimerId } from './Clock.ts';
import { timeoutError } from './clockContract.ts';

/**
 * `Clock.sleep` for any clock, after its arguments are checked (clockContract.ts `sleepArgs`): resolves
 * after `after` ms on its timers, rejects with the reason of the first of `signals` to abort (at once if
 * one already has, setting no timer), and leaves no timer or listener behind either way.
 */
export function sleepOn(
  setTimer: (callback: () => void, ms: number) => TimerId,
  clearTimer: (id: TimerId) => void,
  after: number,
  signals: readonly (AbortSignal | undefined)[] = [],
): Promise<void> {
  const watched = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return new Promise<void>((resolve, reject) => {
    const aborted = watched.find((signal) => signal.aborted);
    if (aborted) return reject(aborted.reason);
    const listeners = watched.map((signal) => ({
      signal,
      onAbort: () => settle(() => (clearTimer(id), reject(signal.reason))),
    }));
    const settle = (finish: () => void): void => {
      for (const { signal, onAbort } of listeners) signal.removeEventListener('abort', onAbort);
      finish();
    };
    const id = setTimer(() => settle(resolve), after);
    for (const { signal, onAbort } of listeners) signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `Clock.timeoutSignal` for a virtual clock, after its argument is checked (clockContract.ts
 * `timeoutSignalDelay`): a signal that aborts with a `TimeoutError` when the clock's timer of `delay` fires.
 */
export function timeoutSignalOn(setTimer: (callback: () => void, ms: number) => TimerId, delay: number): AbortSignal {
  const controller = new AbortController();
  setTimer(() => controller.abort(timeoutError()), delay);
  return controller.signal;
}
