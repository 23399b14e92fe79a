/**
 * The sharing state of one TestClock (`TestClock.share()`): the leader once it listens, and what the
 * leader drives on the clock (its time, its own timers, a way to step them). Apart from TestClock.ts so
 * the class reads as the Clock and its controls; share/ itself is loaded only when a clock is shared.
 */
import type { Clock as FakeTimersClock } from '@sinonjs/fake-timers';
import { fakeTimersOf } from '../src/adapters/fakeTimers.ts';
import { trackSharedClock, type SharedClockState } from '../src/otel/sharedClocks.ts';
import type { ClockLeader, LeaderHost } from './share/leader.ts';
import type { SharedClock, ShareOptions } from './share/types.ts';
import type { SkewControl } from './share/skew.ts';

/** The wall-clock time (epoch ms) at which the next timer of `fake` itself is due, or undefined when none is. */
export function localNextDueAt(fake: FakeTimersClock): number | undefined {
  let next: number | undefined;
  for (const timer of fakeTimersOf(fake).values()) if (next === undefined || timer.callAt < next) next = timer.callAt;
  return next;
}

/** What a share needs of its TestClock (its public state is what a failure's evidence reads: src/otel/sharedClocks.ts). */
export interface ShareableClock extends SharedClockState {
  now(): number;
  monotonic(): number;
  readonly fake: FakeTimersClock;
}

export class ClockShare {
  /** Set while the clock is shared (`share()`): the barrier then drives every advance. */
  leader: ClockLeader | undefined;
  #sharing: Promise<SharedClock & SkewControl> | undefined;
  /** Takes the share out of a failure's evidence (src/otel/sharedClocks.ts) once it is closed. */
  #untrack: (() => void) | undefined;

  /** `TestClock.share()`: `changed` tells the clock's waiters the merged pending count moved. */
  start(
    clock: ShareableClock,
    loopLimit: number,
    changed: () => void,
    options: ShareOptions,
  ): Promise<SharedClock & SkewControl> {
    if (this.#sharing)
      return Promise.reject(
        new Error('TestClock.share(): this clock is already shared; close() the first share before sharing it again.'),
      );
    const host: LeaderHost = {
      now: () => clock.now(),
      monotonic: () => clock.monotonic(),
      localNextDue: () => {
        const at = localNextDueAt(clock.fake);
        return at === undefined ? undefined : at - clock.now() + clock.monotonic();
      },
      localPending: () => clock.fake.countTimers(),
      tickTo: async (monotonic: number) => {
        const delta = monotonic - clock.monotonic();
        await clock.fake.tickAsync(delta > 0 ? delta : 0);
      },
      changed,
      loopLimit,
      detached: () => {
        this.#untrack?.();
        this.#untrack = undefined;
        this.leader = undefined;
        this.#sharing = undefined;
      },
    };
    this.#sharing = import('./share/leader.ts')
      .then(({ ClockLeader }) => ClockLeader.listen(host, options))
      .then(
        (leader) => {
          this.leader = leader;
          this.#untrack = trackSharedClock(clock, leader);
          return leader;
        },
        (error: unknown) => {
          this.#sharing = undefined;
          throw error;
        },
      );
    return this.#sharing;
  }
}
