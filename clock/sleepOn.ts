import type { TimerId } from './Clock.ts';

/** `Clock.sleep` for any clock: resolves after `ms` on its timers, rejects with the signal's reason on abort. */
export function sleepOn(setTimer: (callback: () => void, ms: number) => TimerId, clearTimer: (id: TimerId) => void, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimer(id);
      reject(signal!.reason);
    };
    const id = setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
