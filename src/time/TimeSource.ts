import { monotonicNow, pauseReal } from './realTime.ts';

/** What the poll engine measures its window with and pauses on. */
export interface TimeSource {
  /** True for a TestClock: pauses advance the clock instead of waiting. */
  readonly virtual: boolean;
  now(): number;
  pause(ms: number, signal?: AbortSignal): { done: Promise<void>; wake: () => void };
  /** Virtual time: ms until the clock's next timer is due (undefined with none, or in real time). */
  untilNextTimer?(): number | undefined;
}

/** The structural part of a TestClock the engine needs (so src/ does not depend on clock/). */
export interface VirtualClockLike {
  monotonic(): number;
  advanceAsync(ms: number): Promise<void>;
  /** TestClock: wall time of the next due timer, with `now()` to measure it from. */
  readonly nextDueAt?: number | undefined;
  now?(): number;
}

export const realTimeSource: TimeSource = { virtual: false, now: monotonicNow, pause: pauseReal };

export function isVirtualClock(value: unknown): value is VirtualClockLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as VirtualClockLike).monotonic === 'function' &&
    typeof (value as VirtualClockLike).advanceAsync === 'function'
  );
}

/** Each pause advances the clock (firing the app's timers) instead of waiting: instant and deterministic. */
export function virtualTimeSource(clock: VirtualClockLike): TimeSource {
  return {
    virtual: true,
    now: () => clock.monotonic(),
    pause: (ms) => ({ done: clock.advanceAsync(ms), wake: () => {} }),
    untilNextTimer: () => {
      const due = clock.nextDueAt;
      return due === undefined || typeof clock.now !== 'function' ? undefined : Math.max(0, due - clock.now());
    },
  };
}
