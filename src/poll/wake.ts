import type { WakeSource } from '../options/types.ts';
import { usageError } from '../errors.ts';
import { describeValue } from '../options/checkMs.ts';

type Listener = (...args: unknown[]) => void;

/** Subscribes `onWake` to every source; returns one function that removes every listener. */
export function subscribeWake(sources: readonly WakeSource[], onWake: () => void): () => void {
  const unsubscribers: (() => void)[] = [];
  const listener: Listener = () => onWake();
  for (const source of sources) {
    if (typeof source === 'function') {
      const unsubscribe = source(onWake);
      if (typeof unsubscribe !== 'function') {
        // Without it the listener would outlive the poll: a mistake in the test, reported at once.
        for (const done of unsubscribers.splice(0)) done();
        throw usageError('wakeOn', `a subscribe function must return its unsubscribe function (() => void), but returned ${describeValue(unsubscribe)}.`);
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
