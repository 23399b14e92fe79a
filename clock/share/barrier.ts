/**
 * The barrier of a shared clock: advanceAsync(ms) steps the leader and every follower through the
 * merged due times in one global order.
 *
 * target = monotonic + ms; repeat { next = min(the leader's next due time, every follower's) ; if
 * next > target stop ; step everyone to next: send `step`, fire the leader's own timers up to next,
 * await every `ack` within followerTimeout } ; then step everyone to target. A follower that does not
 * ack in time, disconnects or breaks the protocol is removed and the advance rejects naming it; the
 * others are at the step's time and the next advance carries on. Calls are serialized.
 */
import { FollowerLostError } from './errors.ts';
import { describeFollower, type AckFailure, type Connections, type Participant, type Step } from './connections.ts';

/** What the barrier needs from its TestClock. */
export interface BarrierHost {
  now(): number;
  monotonic(): number;
  /** The leader's own next due time on its monotonic timeline, or undefined. */
  localNextDue(): number | undefined;
  localPending(): number;
  /** Fires the leader's own timers up to `monotonic` (tickAsync). */
  tickTo(monotonic: number): Promise<void>;
  /** Something changed the merged pending count (waitForTimers). */
  changed(): void;
  loopLimit: number;
}

export class Barrier {
  readonly #host: BarrierHost;
  readonly #connections: Connections;
  /** Throws (naming `where`) once the share is closed. */
  readonly #assertOpen: (where: string) => void;
  #seq = 0;
  #stepping = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(host: BarrierHost, connections: Connections, assertOpen: (where: string) => void) {
    this.#host = host;
    this.#connections = connections;
    this.#assertOpen = assertOpen;
  }

  /** Whether a step is running (a follower saying hello now joins at its end). */
  get stepping(): boolean {
    return this.#stepping;
  }

  /** The earliest due time of leader and followers, on the monotonic timeline. */
  nextDue(): number | undefined {
    const local = this.#host.localNextDue();
    const remote = this.#connections.nextDue();
    return local === undefined ? remote : remote === undefined ? local : Math.min(local, remote);
  }

  /** Steps everyone through every due time within `ms`, then to `ms`. */
  advance(ms: number, where: string): Promise<void> {
    return this.#serialize(() => this.#advance(ms, where));
  }

  /** Steps to the merged next due time (runNextAsync) or through every due time until none is left (runAllAsync). */
  run(mode: 'next' | 'all', where: string): Promise<void> {
    return this.#serialize(async () => {
      for (let i = 0; i < this.#host.loopLimit; i++) {
        const next = this.nextDue();
        if (next === undefined) return;
        await this.#step(Math.max(next, this.#host.monotonic()), where);
        if (mode === 'next') return;
      }
      throw new Error(
        `${where}: still ${this.#host.localPending() + this.#connections.pending()} timer(s) pending after ${this.#host.loopLimit} steps (loopLimit); a timer on the leader or a follower probably reschedules itself forever.`,
      );
    });
  }

  /** Runs `before` (between advances), then one step at the current instant: every follower has taken in what `before` sent. */
  atInstant(where: string, before: () => void): Promise<void> {
    return this.#serialize(async () => {
      this.#assertOpen(where);
      before();
      await this.#step(this.#host.monotonic(), where);
    });
  }

  #serialize(run: () => Promise<void>): Promise<void> {
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #advance(ms: number, where: string): Promise<void> {
    this.#assertOpen(where);
    const target = this.#host.monotonic() + ms;
    let stalled = 0;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next > target) break;
      const before = this.#host.monotonic();
      await this.#step(Math.max(next, before), where);
      // Steps that do not move time (timers due "now") are bounded like runAll's loopLimit.
      stalled = this.#host.monotonic() > before ? 0 : stalled + 1;
      if (stalled > this.#host.loopLimit) {
        throw new Error(
          `${where}: ${stalled} steps in a row at the same instant (loopLimit ${this.#host.loopLimit}); a timer due "now" keeps being rescheduled on the leader or a follower.`,
        );
      }
    }
    if (this.#host.monotonic() < target) await this.#step(target, where);
  }

  /** One step: every follower and the leader to `monotonic`, together. */
  async #step(monotonic: number, where: string): Promise<void> {
    this.#assertOpen(where);
    const step: Step = { seq: ++this.#seq, to: this.#host.now() + (monotonic - this.#host.monotonic()), monotonic };
    const participants = this.#connections.followers();
    this.#stepping = true;
    const acks = participants.map((c) => this.#connections.sendStep(c, step));
    let localError: unknown;
    try {
      await this.#host.tickTo(monotonic);
    } catch (error) {
      localError = error ?? new Error('a timer threw');
    }
    const results = await Promise.all(acks);
    this.#stepping = false;
    this.#connections.welcomeJoining();
    this.#host.changed();
    if (localError !== undefined) throw localError;
    const failed = participants.flatMap((c, i) => (results[i] ? [{ c, failure: results[i] }] : []));
    if (failed.length) throw this.#lost(where, step, failed);
  }

  #lost(where: string, step: Step, failed: { c: Participant; failure: AckFailure }[]): FollowerLostError {
    const lines = failed.map(({ c, failure }) => `  - ${describeFollower(c)} ${failure.detail}`);
    const remaining = this.#connections.followers().length;
    const when = `step #${step.seq} (to monotonic ${step.monotonic} ms, ${new Date(step.to).toISOString()})`;
    const one = failed.length === 1;
    const message =
      `${where}: ${one ? `${describeFollower(failed[0]!.c)} did not finish` : `${failed.length} followers did not finish`} ${when}:\n${lines.join('\n')}\n` +
      `${one ? 'It has' : 'They have'} been removed from the shared clock. The clock stopped at that step; ${remaining} follower(s) remain and the next advanceAsync carries on with them.`;
    return new FollowerLostError(
      message,
      failed.map(({ c, failure }) => ({ name: c.name, pid: c.pid, reason: failure.reason })),
      step,
    );
  }
}
