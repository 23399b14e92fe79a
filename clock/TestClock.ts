/**
 * A `Clock` for tests, on @sinonjs/fake-timers' standalone clock: it touches no global unless
 * `install()` is called. Time moves only when the test says so.
 *
 * | state      | timers fire on                                   | globals              |
 * |------------|--------------------------------------------------|----------------------|
 * | created    | advance / advanceAsync / runNext / runAll / jump / runToLast | untouched |
 * | installed  | the same; code using setTimeout/Date/… sees it   | patched until dispose|
 */
import type { Clock as FakeTimersClock } from '@sinonjs/fake-timers';
import type { Clock, TimerId } from './Clock.ts';
import { installGlobals, type FakeableGlobal, type InstallHandle } from './installGlobals.ts';
import { checkMs } from '../src/options/checkMs.ts';
import {
  checkTestClockOptions,
  METHODS,
  refusedLeap,
  refusedSync,
  virtualSignalDelay,
  virtualTimeoutDelay,
  type TestClockOptions,
} from './testClockRules.ts';

export type { TestClockOptions } from './testClockRules.ts';
import { CountWaiters } from './share/waiter.ts';
import { bindMethods, sleepArgs, TIMEOUT_MAX, timerDelay, timerKey } from './clockContract.ts';
import { fakeTimersOf, ownTimerKey } from '../src/adapters/fakeTimers.ts';
import { loadFakeTimers } from './loadFakeTimers.ts';
import { sleepOn, timeoutSignalOn } from './sleepOn.ts';
import { ClockShare, localNextDueAt } from './clockShare.ts';
import type { SharedClock, ShareOptions } from './share/types.ts';
import type { SkewControl } from './share/skew.ts';

type SinonClock = FakeTimersClock;

// Read once: under Vitest's module wrapper (and some bundlers') each use of an imported name is a property read.
const DELAY_MAX = TIMEOUT_MAX;

export class TestClock implements Clock {
  /** The fake-timers clock underneath (for interop; prefer the methods of TestClock). */
  readonly fake: SinonClock;
  readonly #waiters = new CountWaiters(() => this.pending);
  #installed: InstallHandle | undefined;
  #loopLimit: number;
  /** Its leader is set while the clock is shared (`share()`): the barrier then drives every advance. */
  readonly #share = new ClockShare();

  constructor(options: TestClockOptions = {}) {
    const { now, loopLimit } = checkTestClockOptions(options);
    this.#loopLimit = loopLimit;
    this.fake = loadFakeTimers().withGlobal(globalThis).createClock(now, loopLimit) as unknown as SinonClock;
    bindMethods(this, METHODS);
  }

  // --- Clock -------------------------------------------------------------------------------

  /** Wall clock, epoch ms. */
  now(): number {
    return this.fake.now;
  }

  /** Milliseconds since the clock was created, moved only by advancing (not by `set`). */
  monotonic(): number {
    return this.fake.performance.now();
  }

  /**
   * A delay of 0 is due now: `advance(0)` fires it, as fake-timers, Jest and Vitest do (one set during a
   * firing timer is due 1 ms later, so a timer that re-arms itself at 0 cannot stall `advance`). Otherwise
   * Node's rule: a delay below 1 ms, NaN, undefined or above 2^31 - 1 is 1 ms.
   */
  setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId {
    // The common call in one test, with no imported name on its path (Vitest's module wrapper makes each
    // one a property read): a function and a delay already in Node's range, which virtualTimeoutDelay keeps.
    const delay =
      typeof callback === 'function' && typeof ms === 'number' && ms >= 1 && ms <= DELAY_MAX
        ? ms
        : virtualTimeoutDelay('TestClock.setTimeout()', callback, ms);
    const fn = callback as (...args: unknown[]) => void;
    const id = args.length === 0 ? this.fake.setTimeout(fn, delay) : this.fake.setTimeout(fn, delay, ...args);
    this.#waiters.notify();
    return id;
  }

  /** Clears a timeout or an interval of this clock; ignores anything else, as Node does. */
  clearTimeout(id: TimerId): void {
    this.#clear(id);
  }

  /** Node's rule for the period, 0 included (a 0 ms repeat would fire forever at one instant): below 1 ms, NaN, undefined or above 2^31 - 1 is 1 ms. */
  setInterval<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId {
    const delay = timerDelay('TestClock.setInterval()', callback, ms);
    const id = this.fake.setInterval(callback as (...args: unknown[]) => void, delay, ...args);
    this.#waiters.notify();
    return id;
  }

  /** Clears an interval or a timeout of this clock; ignores anything else, as Node does. */
  clearInterval(id: TimerId): void {
    this.#clear(id);
  }

  /** Resolves when a timer of `ms` fires (so `sleep(0)` on `advance(0)`); rejects with the signal's reason if it aborts first. */
  async sleep(ms?: number, options?: { signal?: AbortSignal }): Promise<void> {
    const { after, signal } = sleepArgs('TestClock.sleep()', ms, options);
    return sleepOn(
      (callback, delay) => this.setTimeout(callback, delay),
      (id) => this.clearTimeout(id),
      after,
      [signal],
    );
  }

  /** Aborts with a `TimeoutError` when a timer of `ms` fires (0 on `advance(0)`); the argument rules of `AbortSignal.timeout`. */
  timeoutSignal(ms: number): AbortSignal {
    return timeoutSignalOn(
      (callback, delay) => this.setTimeout(callback, delay),
      virtualSignalDelay('TestClock.timeoutSignal()', ms),
    );
  }

  // fake-timers throws on a symbol, warns on a foreign id and refuses an immediate's id here; Node does none of that.
  #clear(id: TimerId): void {
    const key = id !== null && typeof id === 'object' ? ownTimerKey(id, this.fake) : timerKey(id);
    const type = key === undefined ? undefined : fakeTimersOf(this.fake).get(key)?.type;
    if (type === 'Timeout' || type === 'Interval') this.fake.clearTimeout(key as never);
  }

  // --- Control -----------------------------------------------------------------------------

  /** Fires every timer due within `ms`, in due order, each seeing its own due time. Synchronous. */
  advance(ms: number): void {
    if (this.#share.leader) throw refusedSync('advance(ms)', 'advanceAsync(ms)');
    // A finite number >= 0 passes as it is (NaN fails `>= 0`); anything else gets checkMs's error.
    this.fake.tick(typeof ms === 'number' && ms >= 0 && ms < Infinity ? ms : checkMs('TestClock.advance()', 'ms', ms));
  }

  /** Like `advance`, but lets promise continuations settle before and between timers. */
  async advanceAsync(ms: number): Promise<void> {
    checkMs('TestClock.advanceAsync()', 'ms', ms);
    if (this.#share.leader) return this.#share.leader.advance(ms, `TestClock.advanceAsync(${ms})`);
    await this.fake.tickAsync(ms);
  }

  /** Fires the next timer (and any due at the same instant), advancing to its due time. */
  runNext(): void {
    this.#refuseSyncWhenShared('runNext()', 'runNextAsync()');
    this.fake.next();
    this.fake.tick(0);
  }

  /** `runNext`, letting promise continuations settle. */
  async runNextAsync(): Promise<void> {
    if (this.#share.leader) return this.#share.leader.run('next', 'TestClock.runNextAsync()');
    await this.fake.nextAsync();
    await this.fake.tickAsync(0);
  }

  /**
   * Fires timers until none is left. A timer that keeps rescheduling itself ends with an error
   * after `loopLimit` timers, saying where the runaway timer was created.
   */
  runAll(): void {
    this.#refuseSyncWhenShared('runAll()', 'runAllAsync()');
    this.fake.runAll();
  }

  /** `runAll`, letting promise continuations settle between timers. */
  async runAllAsync(): Promise<void> {
    if (this.#share.leader) return this.#share.leader.run('all', 'TestClock.runAllAsync()');
    await this.fake.runAllAsync();
  }

  /**
   * Leaps `ms` ahead as after a laptop sleep: every timer due within the leap fires once, at the end
   * of it (all due at that instant, so in creation order), and an interval does not catch up on the
   * ticks it missed. Synchronous.
   */
  jump(ms: number): void {
    this.#refuseWhenShared('jump(ms)');
    this.fake.jump(checkMs('TestClock.jump()', 'ms', ms));
  }

  /**
   * Fires every timer pending now, advancing to the last one's due time; a timer scheduled meanwhile
   * fires only if it is due by then. An interval fires each time it falls due up to there.
   */
  runToLast(): void {
    this.#refuseWhenShared('runToLast()');
    this.fake.runToLast();
  }

  /** `runToLast`, letting promise continuations settle between timers. */
  async runToLastAsync(): Promise<void> {
    this.#refuseWhenShared('runToLastAsync()');
    await this.fake.runToLastAsync();
  }

  /** Drops every pending timer without firing it, and goes back to the start: `now()` to the `now` option, `monotonic()` to 0. */
  reset(): void {
    this.#refuseWhenShared('reset()');
    this.fake.reset();
  }

  /** How many timers are pending (on a shared clock: on the leader and every follower). */
  get pending(): number {
    return this.fake.countTimers() + (this.#share.leader?.followersPending() ?? 0);
  }

  /** The wall-clock time (epoch ms) at which the next timer is due, or undefined when none is (on a shared clock: on any participant). */
  get nextDueAt(): number | undefined {
    if (this.#share.leader) {
      const next = this.#share.leader.nextDue();
      return next === undefined ? undefined : this.now() + (next - this.monotonic());
    }
    return localNextDueAt(this.fake);
  }

  /**
   * Jumps the wall clock to `time` without firing anything (clock skew, an NTP correction, a DST
   * change): `now()` changes, `monotonic()` does not, and pending timers stay as far away as they were.
   */
  set(time: number | Date): void {
    const epoch = time instanceof Date ? time.getTime() : time;
    if (typeof epoch !== 'number' || !Number.isFinite(epoch))
      throw new TypeError(`TestClock.set(): \`time\` must be epoch milliseconds or a Date, got ${String(time)}.`);
    this.fake.setSystemTime(epoch);
    this.#share.leader?.set(epoch);
  }

  /**
   * Resolves once at least `count` timers are pending: the code under test has reached its sleep.
   * Fails after `timeout` ms of real time (default 1000) with an error saying how many it saw.
   */
  waitForTimers(count = 1, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    return this.#waiters.wait({
      where: 'TestClock.waitForTimers()',
      count,
      options,
      defaultTimeout: 1_000,
      timedOut: (pending, timeout) =>
        new Error(
          `TestClock.waitForTimers(${count}): ${pending} timer(s) pending after ${timeout} ms of real time; the code under test never scheduled ${count === 1 ? 'a timer' : `${count} timers`} on this clock. Is it using this clock (injected, or installed with clock.install())?`,
        ),
    });
  }

  /**
   * Shares this clock with other processes and worker threads (followers): starts a listener on
   * loopback (or a Unix socket) with a random token. From then on `advanceAsync` is a barrier: it
   * steps every participant through the merged due times, in order, and resolves when all of them
   * have fired what fell due. Sync `advance`/`runNext`/`runAll` throw while shared. `close()` ends it.
   */
  share(options: ShareOptions = {}): Promise<SharedClock & SkewControl> {
    return this.#share.start(this, this.#loopLimit, () => this.#waiters.notify(), options);
  }

  #refuseSyncWhenShared(method: string, instead: string): void {
    if (this.#share.leader) throw refusedSync(method, instead);
  }

  #refuseWhenShared(method: string): void {
    if (this.#share.leader) throw refusedLeap(method);
  }

  /**
   * Patches the globals named in `toFake` so code that does not take a `Clock` runs on this clock.
   * The default (`DEFAULT_TO_FAKE` in patchGlobals.ts) is every one of them: `Date`, `setTimeout`,
   * `clearTimeout`, `setInterval`, `clearInterval`, `setImmediate`, `clearImmediate`, `performance`
   * (`performance.now`), `hrtime` (`process.hrtime` and `.bigint`), `AbortSignal.timeout` and
   * `timers/promises` (its `setTimeout`, `setInterval`, `scheduler.wait`, and `setImmediate` when
   * `setImmediate` is faked too). Returns a disposer (also usable with `using`). An install made in a
   * test and still active when it ends is undone and fails that test; one made in `beforeAll` ends with
   * its file. Refuses when another fake clock is installed.
   *
   * @example
   * using installed = clock.install({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
   */
  install(options: { toFake?: readonly FakeableGlobal[] } = {}): InstallHandle {
    if (this.#installed?.active)
      throw new Error(
        'TestClock.install(): this clock is already installed; dispose the first install before installing again.',
      );
    this.#installed = installGlobals(this, options.toFake);
    return this.#installed;
  }
}
