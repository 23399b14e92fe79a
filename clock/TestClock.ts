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
import { clearRealTimeout, setRealTimeout } from '../src/time/realTime.ts';
import type { Clock, TimerId } from './Clock.ts';
import { installGlobals, type FakeableGlobal, type InstallHandle } from './installGlobals.ts';
import { checkMs } from '../src/options/checkMs.ts';
import { checkOptions } from '../src/options/checkOptions.ts';
import { bindMethods, sleepArgs, timeoutSignalDelay, timerDelay, timerKey } from './clockContract.ts';
import { fakeTimersOf } from '../src/adapters/fakeTimers.ts';
import { loadFakeTimers } from './loadFakeTimers.ts';
import { sleepOn, timeoutSignalOn } from './sleepOn.ts';
import type { ClockLeader } from './share/leader.ts';
import type { SharedClock, ShareOptions } from './share/types.ts';
import type { SkewControl } from './share/skew.ts';

export interface TestClockOptions {
  /** The initial wall-clock time (epoch ms or a Date). Default: 0 (1970-01-01T00:00:00Z), so tests are reproducible. */
  now?: number | Date;
  /** Timers `runAll` may fire before it decides a timer reschedules itself forever. Default 10 000. */
  loopLimit?: number;
}

type SinonClock = FakeTimersClock;
type Waiter = { count: number; resolve: () => void };

const OPTIONS = ['now', 'loopLimit'] as const;
const METHODS = [
  'now',
  'monotonic',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'sleep',
  'timeoutSignal',
  'advance',
  'advanceAsync',
  'runNext',
  'runNextAsync',
  'runAll',
  'runAllAsync',
  'jump',
  'runToLast',
  'runToLastAsync',
  'reset',
  'set',
  'waitForTimers',
  'share',
  'install',
] as const;

export class TestClock implements Clock {
  /** The fake-timers clock underneath (for interop; prefer the methods of TestClock). */
  readonly fake: SinonClock;
  #waiters: Waiter[] = [];
  /** The handles this clock returned: another clock's handle has the same number (fake-timers counts from 1e12 on every clock). */
  readonly #handles = new WeakSet<object>();
  #installed: InstallHandle | undefined;
  #loopLimit: number;
  /** Set while the clock is shared (`share()`): the barrier then drives every advance. */
  #leader: ClockLeader | undefined;
  #sharing: Promise<SharedClock & SkewControl> | undefined;

  constructor(options: TestClockOptions = {}) {
    checkOptions('new TestClock()', options, OPTIONS);
    const now = options.now instanceof Date ? options.now.getTime() : (options.now ?? 0);
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError(`new TestClock(): \`now\` must be epoch milliseconds or a Date, got ${String(options.now)}.`);
    if (options.loopLimit !== undefined && !(Number.isInteger(options.loopLimit) && options.loopLimit > 0)) {
      throw new TypeError(`new TestClock(): \`loopLimit\` must be a whole number > 0, got ${String(options.loopLimit)}.`);
    }
    this.#loopLimit = options.loopLimit ?? 10_000;
    this.fake = loadFakeTimers()
      .withGlobal(globalThis)
      .createClock(now, options.loopLimit ?? 10_000) as unknown as SinonClock;
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

  /** As Node's: a delay below 1 ms, NaN, undefined or above 2^31 - 1 is 1 ms (so `setTimeout(fn, 0)` fires on `advance(1)`). */
  setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId {
    const delay = timerDelay('TestClock.setTimeout()', callback, ms);
    return this.#scheduled(this.fake.setTimeout(callback as (...args: unknown[]) => void, delay, ...args));
  }

  /** Clears a timeout or an interval of this clock; ignores anything else, as Node does. */
  clearTimeout(id: TimerId): void {
    this.#clear(id);
  }

  setInterval<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId {
    const delay = timerDelay('TestClock.setInterval()', callback, ms);
    return this.#scheduled(this.fake.setInterval(callback as (...args: unknown[]) => void, delay, ...args));
  }

  clearInterval(id: TimerId): void {
    this.#clear(id);
  }

  /** Resolves when the clock is advanced past `ms` (converted like a timer delay); rejects with the signal's reason if it aborts first. */
  async sleep(ms?: number, options?: { signal?: AbortSignal }): Promise<void> {
    const { after, signal } = sleepArgs('TestClock.sleep()', ms, options);
    return sleepOn(
      (callback, delay) => this.setTimeout(callback, delay),
      (id) => this.clearTimeout(id),
      after,
      [signal],
    );
  }

  /** Aborts with a `TimeoutError` when the clock is advanced past `ms`; the rules of `AbortSignal.timeout`. */
  timeoutSignal(ms: number): AbortSignal {
    return timeoutSignalOn((callback, delay) => this.setTimeout(callback, delay), timeoutSignalDelay('TestClock.timeoutSignal()', ms));
  }

  #scheduled(id: TimerId): TimerId {
    if (id !== null && typeof id === 'object') this.#handles.add(id);
    if (this.#waiters.length) this.#notifyWaiters();
    return id;
  }

  // fake-timers throws on a symbol, warns on a foreign id and refuses an immediate's id here; Node does none of that.
  #clear(id: TimerId): void {
    if (id !== null && typeof id === 'object' && !this.#handles.has(id)) return;
    const key = timerKey(id);
    const type = key === undefined ? undefined : fakeTimersOf(this.fake).get(key)?.type;
    if (type === 'Timeout' || type === 'Interval') this.fake.clearTimeout(key as never);
  }

  // --- Control -----------------------------------------------------------------------------

  /** Fires every timer due within `ms`, in due order, each seeing its own due time. Synchronous. */
  advance(ms: number): void {
    this.#refuseSyncWhenShared('advance(ms)', 'advanceAsync(ms)');
    this.fake.tick(checkMs('TestClock.advance()', 'ms', ms));
  }

  /** Like `advance`, but lets promise continuations settle before and between timers. */
  async advanceAsync(ms: number): Promise<void> {
    checkMs('TestClock.advanceAsync()', 'ms', ms);
    if (this.#leader) return this.#leader.advance(ms, `TestClock.advanceAsync(${ms})`);
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
    if (this.#leader) return this.#leader.run('next', 'TestClock.runNextAsync()');
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
    if (this.#leader) return this.#leader.run('all', 'TestClock.runAllAsync()');
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
    return this.fake.countTimers() + (this.#leader?.followersPending() ?? 0);
  }

  /** The wall-clock time (epoch ms) at which the next timer is due, or undefined when none is (on a shared clock: on any participant). */
  get nextDueAt(): number | undefined {
    if (this.#leader) {
      const next = this.#leader.nextDue();
      return next === undefined ? undefined : this.now() + (next - this.monotonic());
    }
    return this.#localNextDueAt();
  }

  #localNextDueAt(): number | undefined {
    let next: number | undefined;
    for (const timer of fakeTimersOf(this.fake).values()) if (next === undefined || timer.callAt < next) next = timer.callAt;
    return next;
  }

  /**
   * Jumps the wall clock to `time` without firing anything (clock skew, an NTP correction, a DST
   * change): `now()` changes, `monotonic()` does not, and pending timers stay as far away as they were.
   */
  set(time: number | Date): void {
    const epoch = time instanceof Date ? time.getTime() : time;
    if (typeof epoch !== 'number' || !Number.isFinite(epoch)) throw new TypeError(`TestClock.set(): \`time\` must be epoch milliseconds or a Date, got ${String(time)}.`);
    this.fake.setSystemTime(epoch);
    this.#leader?.set(epoch);
  }

  /**
   * Resolves once at least `count` timers are pending: the code under test has reached its sleep.
   * Fails after `timeout` ms of real time (default 1000) with an error saying how many it saw.
   */
  waitForTimers(count = 1, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (!Number.isInteger(count) || count < 1) return Promise.reject(new TypeError(`TestClock.waitForTimers(): \`count\` must be a whole number >= 1, got ${String(count)}.`));
    const timeout = options.timeout ?? 1_000;
    try {
      checkMs('TestClock.waitForTimers()', 'timeout', timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.pending >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const { signal } = options;
      const waiter: Waiter = { count, resolve: () => settle() };
      const onAbort = (): void => settle(signal!.reason);
      const timer = setRealTimeout(
        () =>
          settle(
            new Error(
              `TestClock.waitForTimers(${count}): ${this.pending} timer(s) pending after ${timeout} ms of real time; the code under test never scheduled ${count === 1 ? 'a timer' : `${count} timers`} on this clock. Is it using this clock (injected, or installed with clock.install())?`,
            ),
          ),
        timeout,
      );
      const settle = (error?: unknown): void => {
        clearRealTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        if (error === undefined) resolve();
        else reject(error);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /**
   * Shares this clock with other processes and worker threads (followers): starts a listener on
   * loopback (or a Unix socket) with a random token. From then on `advanceAsync` is a barrier: it
   * steps every participant through the merged due times, in order, and resolves when all of them
   * have fired what fell due. Sync `advance`/`runNext`/`runAll` throw while shared. `close()` ends it.
   */
  share(options: ShareOptions = {}): Promise<SharedClock & SkewControl> {
    if (this.#sharing) return Promise.reject(new Error('TestClock.share(): this clock is already shared; close() the first share before sharing it again.'));
    const host = {
      now: () => this.now(),
      monotonic: () => this.monotonic(),
      localNextDue: () => {
        const at = this.#localNextDueAt();
        return at === undefined ? undefined : at - this.now() + this.monotonic();
      },
      localPending: () => this.fake.countTimers(),
      tickTo: async (monotonic: number) => {
        const delta = monotonic - this.monotonic();
        await this.fake.tickAsync(delta > 0 ? delta : 0);
      },
      changed: () => {
        if (this.#waiters.length) this.#notifyWaiters();
      },
      loopLimit: this.#loopLimit,
      detached: () => {
        this.#leader = undefined;
        this.#sharing = undefined;
      },
    };
    this.#sharing = import('./share/leader.ts')
      .then(({ ClockLeader }) => ClockLeader.listen(host, options))
      .then(
        (leader) => {
          this.#leader = leader;
          return leader;
        },
        (error: unknown) => {
          this.#sharing = undefined;
          throw error;
        },
      );
    return this.#sharing;
  }

  #refuseSyncWhenShared(method: string, instead: string): void {
    if (this.#leader) {
      throw new Error(
        `TestClock.${method}: this clock is shared with other processes (share()), and they can only move with it asynchronously. Use \`await clock.${instead}\`: it steps every follower through the due times in order.`,
      );
    }
  }

  #notifyWaiters(): void {
    const pending = this.pending;
    for (const waiter of [...this.#waiters]) if (pending >= waiter.count) waiter.resolve();
  }

  // The leader knows each follower's next due time only, and a follower cannot leap or go back: refused, not approximated.
  #refuseWhenShared(method: string): void {
    if (this.#leader) {
      throw new Error(
        `TestClock.${method}: this clock is shared with other processes (share()), and a shared clock only steps forward through every due time. Use \`await clock.advanceAsync(ms)\` instead, or close() the share first.`,
      );
    }
  }

  /**
   * Patches the globals named in `toFake` (default: Date, the timer functions, setImmediate,
   * performance.now and process.hrtime) so code that does not take a `Clock` runs on this clock.
   * Returns a disposer (also usable with `using`). Refuses when another fake clock is installed.
   */
  install(options: { toFake?: readonly FakeableGlobal[] } = {}): InstallHandle {
    if (this.#installed?.active) throw new Error('TestClock.install(): this clock is already installed; dispose the first install before installing again.');
    this.#installed = installGlobals(this, options.toFake);
    return this.#installed;
  }
}
