/** The two outside reasons a poll stops early: its `signal` aborts, or its test ends. Neither is a pass. */
import type { EndReason } from './PollResult.ts';

export interface Stops {
  /** Aborted on either: interrupts an attempt and a pause. */
  readonly signal: AbortSignal;
  reason(): EndReason | undefined;
  dispose(): void;
}

/**
 * The controller and its listeners are made on first use of `signal` (an async attempt or a pause): a poll
 * whose first, synchronous attempt passes never builds them (issue 20: 4 % of an already-true assertion).
 */
export function watchStops(abortSignal: AbortSignal | undefined, testEnded: AbortSignal | undefined): Stops {
  let controller: AbortController | undefined;
  let disposed = false;
  let reason: EndReason | undefined;
  const stopWith = (why: EndReason): void => {
    if (reason) return;
    reason = why;
    controller?.abort();
  };
  const onAbort = (): void => stopWith({ kind: 'aborted', reason: abortSignal?.reason });
  const onTestEnd = (): void => stopWith({ kind: 'test-ended' });
  // Until the listeners exist, the signals' own flags say whether either has fired (the test's end first).
  const check = (): void => {
    if (testEnded?.aborted) onTestEnd();
    else if (abortSignal?.aborted) onAbort();
  };
  const wire = (): AbortController => {
    if (controller) return controller;
    controller = new AbortController();
    if (disposed) return controller;
    check();
    if (reason) controller.abort();
    testEnded?.addEventListener('abort', onTestEnd, { once: true });
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    return controller;
  };
  check();
  return {
    get signal() {
      return wire().signal;
    },
    reason: () => {
      if (!controller && !disposed) check();
      return reason;
    },
    dispose: () => {
      disposed = true;
      if (!controller) return;
      abortSignal?.removeEventListener('abort', onAbort);
      testEnded?.removeEventListener('abort', onTestEnd);
    },
  };
}
