/** The two outside reasons a poll stops early: its `signal` aborts, or its test ends. Neither is a pass. */
import type { EndReason } from './PollResult.ts';

export interface Stops {
  /** Aborted on either: interrupts an attempt and a pause. */
  signal: AbortSignal;
  reason(): EndReason | undefined;
  dispose(): void;
}

export function watchStops(abortSignal: AbortSignal | undefined, testEnded: AbortSignal | undefined): Stops {
  const controller = new AbortController();
  let reason: EndReason | undefined;
  const stopWith = (why: EndReason): void => {
    if (reason) return;
    reason = why;
    controller.abort();
  };
  const onAbort = (): void => stopWith({ kind: 'aborted', reason: abortSignal?.reason });
  const onTestEnd = (): void => stopWith({ kind: 'test-ended' });
  if (testEnded?.aborted) onTestEnd();
  else testEnded?.addEventListener('abort', onTestEnd, { once: true });
  if (abortSignal?.aborted) onAbort();
  else abortSignal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    reason: () => reason,
    dispose: () => {
      abortSignal?.removeEventListener('abort', onAbort);
      testEnded?.removeEventListener('abort', onTestEnd);
    },
  };
}
