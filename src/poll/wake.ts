import type { WakeSource } from '../options/types.ts';
import { usageError } from '../errors.ts';
import { describeValue } from '../options/checkMs.ts';
import { WAKE_SOURCE } from './wakeSource.ts';

export { WAKE_SOURCE };

type Listener = (...args: unknown[]) => void;

/** A recording (or any WAKE_SOURCE holder) subscribes itself; checked first, since a recording is also callable. */
function wakeSubscriber(source: unknown): ((recheck: () => void) => () => void) | undefined {
  if (source === null || (typeof source !== 'object' && typeof source !== 'function')) return undefined;
  const subscribe = (source as Record<string, unknown>)[WAKE_SOURCE];
  return typeof subscribe === 'function' ? (subscribe as (recheck: () => void) => () => void) : undefined;
}

/** Subscribes `onWake` to every source; returns one function that removes every listener. */
export function subscribeWake(sources: readonly WakeSource[], onWake: () => void): () => void {
  const unsubscribers: (() => void)[] = [];
  const listener: Listener = () => onWake();
  for (const source of sources) {
    const subscriber = wakeSubscriber(source);
    if (subscriber) {
      unsubscribers.push(subscriber(onWake));
      continue;
    }
    if (typeof source === 'function') {
      const unsubscribe = source(onWake);
      if (typeof unsubscribe !== 'function') {
        // Without it the listener would outlive the poll: a mistake in the test, reported at once.
        for (const done of unsubscribers.splice(0)) done();
        throw usageError(
          'wakeOn',
          `a subscribe function must return its unsubscribe function (() => void), but returned ${describeValue(unsubscribe)}.`,
        );
      }
      unsubscribers.push(unsubscribe);
      continue;
    }
    const [target, eventName] = source as readonly [Record<string, (...args: unknown[]) => unknown>, string];
    if (typeof target.addEventListener === 'function') {
      target.addEventListener(eventName, listener);
      unsubscribers.push(() => target.removeEventListener!(eventName, listener));
    } else {
      target.on!(eventName, listener);
      unsubscribers.push(() => (target.off ?? target.removeListener)!.call(target, eventName, listener));
    }
  }
  return () => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  };
}

/** `wakeOn`: a wake-up ends the current pause and makes the next one 0. */
export function watchWake(sources: readonly WakeSource[]): {
  take(): boolean;
  woken(): boolean;
  during(pause: { done: Promise<void>; wake: () => void }): Promise<void>;
  dispose(): void;
} {
  let woken = false;
  let wakePause: (() => void) | undefined;
  const dispose = subscribeWake(sources, () => {
    woken = true;
    wakePause?.();
  });
  return {
    take: () => {
      const was = woken;
      woken = false;
      return was;
    },
    woken: () => woken,
    during: async ({ done, wake }) => {
      wakePause = wake;
      await done;
      wakePause = undefined;
    },
    dispose,
  };
}
