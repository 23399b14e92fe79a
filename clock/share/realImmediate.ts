/** The real setImmediate, whatever fake timers are installed in this thread. */
type ImmediateFn = (callback: () => void) => unknown;
/** The real setImmediate: fake timers keep the original at `fake.clock._setImmediate` (see src/time/realTime.ts). */
export function realSetImmediate(): ImmediateFn {
  let current: unknown = globalThis.setImmediate;
  for (let depth = 0; depth < 10; depth++) {
    const original = (current as { clock?: Record<string, unknown> } | undefined)?.clock?._setImmediate;
    if (typeof original !== 'function') break;
    current = original;
  }
  return current as ImmediateFn;
}
