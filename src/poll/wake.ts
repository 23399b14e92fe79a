import type { WakeSource } from '../options/types.ts';

type Listener = (...args: unknown[]) => void;

/** Subscribes `onWake` to every source; returns one function that removes every listener. */
export function subscribeWake(sources: readonly WakeSource[], onWake: () => void): () => void {
  const unsubscribers: (() => void)[] = [];
  const listener: Listener = () => onWake();
  for (const source of sources) {
    if (typeof source === 'function') {
      const unsubscribe = source(onWake);
      if (typeof unsubscribe === 'function') unsubscribers.push(unsubscribe);
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
