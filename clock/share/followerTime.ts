/**
 * A follower's time (follower.ts): its local TestClock, never advanced by the follower's own process,
 * moved only to where the leader's steps say, and its wall clock skewed off the leader's when asked.
 */
import { TestClock } from '../TestClock.ts';
import { realSetImmediate } from '../../src/time/realTime.ts';
import type { SkewFrame, StepFrame, WelcomeFrame } from './protocol.ts';
import { skewedWall, type SkewState } from './skew.ts';

export class FollowerTime {
  readonly local: TestClock;
  /** This follower's wall clock off the leader's (share.skew or connectClock's `skew`); monotonic time never is. */
  #skew: SkewState | undefined;
  /** The leader's wall clock at a monotonic instant, as last told: its wall clock at any instant since. */
  #leaderAt = { wall: 0, monotonic: 0 };

  constructor(welcome: WelcomeFrame, skew: { offset: number; driftPpm: number } | null) {
    // Start at the leader's monotonic instant with nothing pending, then at its wall time.
    this.local = new TestClock({ now: welcome.now - welcome.monotonic });
    if (welcome.monotonic > 0) this.local.fake.tick(welcome.monotonic);
    if (skew) this.#skew = { ...skew, since: welcome.monotonic };
    this.leaderWallIs(welcome.now, welcome.monotonic);
  }

  /** The leader's wall clock reads `wall` at `monotonic`: this follower's reads that, skewed. Timers keep their monotonic due times. */
  leaderWallIs(wall: number, monotonic: number): void {
    this.#leaderAt = { wall, monotonic };
    const skewed = skewedWall(wall, monotonic, this.#skew);
    if (this.local.now() !== skewed) this.local.fake.setSystemTime(skewed);
  }

  /** A `skew` frame: the leader's wall clock now is where it was told plus the monotonic time since. */
  skew(frame: SkewFrame): void {
    const monotonic = this.local.monotonic();
    const wall = this.#leaderAt.wall + (monotonic - this.#leaderAt.monotonic);
    this.#skew =
      frame.offset === 0 && frame.driftPpm === 0
        ? undefined
        : { offset: frame.offset, driftPpm: frame.driftPpm, since: frame.monotonic };
    this.leaderWallIs(wall, monotonic);
  }

  /**
   * A `step`: fires every timer due up to it, each at its own due time, moves the wall clock to its `to`,
   * and lets promise continuations settle. Returns what the timers threw.
   */
  async step(step: StepFrame): Promise<unknown[]> {
    const errors: unknown[] = [];
    // A timer that throws does not stop the step: the rest still fire at their times, then the
    // error surfaces as an uncaught exception, as it would have with real timers.
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const delta = step.monotonic - this.local.monotonic();
      try {
        await this.local.fake.tickAsync(delta > 0 ? delta : 0);
        break;
      } catch (error) {
        errors.push(error);
      }
    }
    this.leaderWallIs(step.to, step.monotonic);
    // One real macrotask: every promise continuation of what fired has run.
    await new Promise<void>((resolve) => realSetImmediate()(resolve));
    return errors;
  }

  /** What `state` and `ack` report: the pending count and the next due time on the leader's monotonic timeline. */
  state(): { pending: number; nextDue: number | null } {
    const at = this.local.nextDueAt;
    return {
      pending: this.local.fake.countTimers(),
      nextDue: at === undefined ? null : Math.max(0, at - this.local.now() + this.local.monotonic()),
    };
  }
}
