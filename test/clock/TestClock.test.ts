import { TestClock } from '../../clock/index.ts';

describe('TestClock', () => {
  test('starts at the given wall-clock time (default 0) and does not move by itself', async () => {
    expect(new TestClock().now()).toBe(0);
    const clock = new TestClock({ now: new Date('2026-01-01T00:00:00Z') });
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    expect(clock.monotonic()).toBe(0);
  });

  test('touches no global', () => {
    const realSetTimeout = globalThis.setTimeout;
    const realDate = globalThis.Date;
    const clock = new TestClock({ now: 1_000 });
    clock.setTimeout(() => {}, 10);
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(globalThis.Date).toBe(realDate);
    expect(Date.now()).toBeGreaterThan(1_000_000);
  });

  describe('advance', () => {
    test('fires due timers in due order, each seeing its own due time', () => {
      const clock = new TestClock({ now: 1_000 });
      const seen: string[] = [];
      clock.setTimeout(() => seen.push(`b@${clock.now()}`), 200);
      clock.setTimeout(() => seen.push(`a@${clock.now()}`), 100);
      clock.setTimeout(() => seen.push(`c@${clock.now()}`), 300);
      clock.advance(250);
      expect(seen).toEqual(['a@1100', 'b@1200']);
      expect(clock.now()).toBe(1_250);
      expect(clock.monotonic()).toBe(250);
    });

    test('fires an interval once per period', () => {
      const clock = new TestClock();
      let ticks = 0;
      const id = clock.setInterval(() => ticks++, 100);
      clock.advance(350);
      expect(ticks).toBe(3);
      clock.clearInterval(id);
      clock.advance(1_000);
      expect(ticks).toBe(3);
    });

    test('passes extra arguments and clears timers', () => {
      const clock = new TestClock();
      const calls: unknown[][] = [];
      clock.setTimeout((a: number, b: string) => calls.push([a, b]), 10, 1, 'x');
      const cancelled = clock.setTimeout(() => calls.push(['no']), 10);
      clock.clearTimeout(cancelled);
      clock.advance(10);
      expect(calls).toEqual([[1, 'x']]);
    });

    test('rejects bad input with a TypeError naming the argument', () => {
      const clock = new TestClock();
      expect(() => clock.advance(-1)).toThrow(
        /TestClock\.advance\(\): `ms` must be a finite number of milliseconds >= 0, got -1/,
      );
      expect(() => clock.advance(Number.NaN)).toThrow(TypeError);
      expect(() => new TestClock({ now: 'soon' as never })).toThrow(/`now` must be epoch milliseconds or a Date/);
      expect(() => new TestClock({ loopLimit: 0 })).toThrow(/`loopLimit` must be a whole number > 0/);
    });
  });

  describe('delays as Node takes them', () => {
    test('setTimeout(fn, 0) is due now (advance(0) fires it, as fake-timers, Jest and Vitest do); a negative delay is due in 1 ms after older 1 ms timers', () => {
      const clock = new TestClock();
      const seen: string[] = [];
      clock.setTimeout(() => seen.push('1 ms'), 1);
      clock.setTimeout(() => seen.push('0'), 0);
      clock.setTimeout(() => seen.push('overdue'), clock.now() - 500);
      clock.advance(0);
      expect(seen).toEqual(['0']);
      expect(clock.nextDueAt).toBe(1);
      clock.advance(1);
      expect(seen).toEqual(['0', '1 ms', 'overdue']);
    });

    test('a zero-delay timer set while timers fire is due 1 ms later: advance(0) ends, and the order is kept', () => {
      const clock = new TestClock();
      const seen: string[] = [];
      const rearm = (): void => {
        seen.push('rearm');
        clock.setTimeout(rearm, 0);
      };
      clock.setTimeout(rearm, 0);
      clock.setTimeout(() => seen.push('b'), 0);
      clock.advance(0);
      expect(seen).toEqual(['rearm', 'b']);
      clock.advance(2);
      expect(seen).toEqual(['rearm', 'b', 'rearm', 'rearm']);
      expect(clock.monotonic()).toBe(2);
    });

    test('misspelt constructor options are a TypeError with a suggestion, not ignored', () => {
      expect(() => new TestClock({ nwo: 5 } as never)).toThrow(
        /^new TestClock\(\): unknown option `nwo`\. Did you mean `now`\?/,
      );
      expect(() => new TestClock(null as never)).toThrow(/^new TestClock\(\): options must be an object, got null\.$/);
    });

    test('its control methods work detached too (const { advance } = clock)', async () => {
      const clock = new TestClock();
      const { advance, advanceAsync, runAll, waitForTimers, set } = clock;
      let fired = 0;
      clock.setTimeout(() => fired++, 10);
      clock.setTimeout(() => fired++, 20);
      clock.setTimeout(() => fired++, 30);
      await waitForTimers(3);
      advance(10);
      await advanceAsync(10);
      runAll();
      set(5);
      expect([fired, clock.now(), clock.monotonic()]).toEqual([3, 5, 30]);
    });
  });

  describe('advanceAsync', () => {
    test('lets promise continuations settle between timers, so each step sees its own time', async () => {
      const run = (clock: TestClock): { steps: number[]; done: Promise<void> } => {
        const steps: number[] = [];
        const done = (async () => {
          await clock.sleep(100);
          steps.push(clock.now());
          await clock.sleep(100);
          steps.push(clock.now());
        })();
        return { steps, done };
      };

      // Sync advance: the continuation runs after advance() returned, sees the end time, and its
      // second sleep is scheduled too late to fire (the classic fake-timer trap).
      const syncClock = new TestClock();
      const sync = run(syncClock);
      syncClock.advance(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sync.steps).toEqual([200]);
      expect(syncClock.pending).toBe(1);

      const asyncClock = new TestClock();
      const async_ = run(asyncClock);
      await asyncClock.advanceAsync(200);
      await async_.done;
      expect(async_.steps).toEqual([100, 200]);
    });
  });

  describe('runNext, runAll, pending, nextDueAt', () => {
    test('runNext fires the next timer and every timer due at that instant', () => {
      const clock = new TestClock();
      const seen: string[] = [];
      clock.setTimeout(() => seen.push('a'), 50);
      clock.setTimeout(() => seen.push('b'), 50);
      clock.setTimeout(() => seen.push('c'), 80);
      expect(clock.pending).toBe(3);
      expect(clock.nextDueAt).toBe(50);
      clock.runNext();
      expect(seen).toEqual(['a', 'b']);
      expect(clock.now()).toBe(50);
      expect(clock.pending).toBe(1);
      expect(clock.nextDueAt).toBe(80);
    });

    test('runAll fires everything, including timers scheduled by timers', () => {
      const clock = new TestClock();
      const seen: number[] = [];
      clock.setTimeout(() => {
        seen.push(clock.now());
        clock.setTimeout(() => seen.push(clock.now()), 1_000);
      }, 10);
      clock.runAll();
      expect(seen).toEqual([10, 1_010]);
      expect(clock.pending).toBe(0);
      expect(clock.nextDueAt).toBeUndefined();
    });

    test('a runaway timer ends runAll with an error saying where it was created', () => {
      const clock = new TestClock({ loopLimit: 50 });
      const reschedule = (): void => void clock.setTimeout(reschedule, 10);
      reschedule();
      let error: Error | undefined;
      try {
        clock.runAll();
      } catch (caught) {
        error = caught as Error;
      }
      expect(error?.message).toMatch(/Aborting after running 50 timers, assuming an infinite loop!/);
      expect(error?.stack).toMatch(/TestClock\.test\.ts/);
    });
  });

  describe('set', () => {
    test('jumps the wall clock without firing timers or moving the monotonic clock', () => {
      const clock = new TestClock({ now: 10_000 });
      let fired = false;
      clock.setTimeout(() => (fired = true), 500);
      clock.set(10_000 + 60 * 60_000);
      expect(clock.now()).toBe(10_000 + 60 * 60_000);
      expect(clock.monotonic()).toBe(0);
      expect(fired).toBe(false);
      clock.advance(499);
      expect(fired).toBe(false);
      clock.advance(1);
      expect(fired).toBe(true);
    });

    test('can move the wall clock backwards (NTP correction)', () => {
      const clock = new TestClock({ now: 5_000 });
      clock.set(4_000);
      expect(clock.now()).toBe(4_000);
    });
  });

  describe('sleep', () => {
    test('resolves when the clock passes it, and rejects with the abort reason', async () => {
      const clock = new TestClock();
      const slept = clock.sleep(100);
      clock.advance(100);
      await slept;
      const controller = new AbortController();
      const aborted = clock.sleep(100, { signal: controller.signal });
      controller.abort(new Error('shutdown'));
      await expect(aborted).rejects.toThrow('shutdown');
      expect(clock.pending).toBe(0);
    });
  });

  describe('waitForTimers', () => {
    test('resolves once the code under test has reached its sleep', async () => {
      const clock = new TestClock();
      const worker = async (): Promise<string> => {
        await Promise.resolve();
        await Promise.resolve();
        await clock.sleep(1_000);
        return 'woke';
      };
      const result = worker();
      await clock.waitForTimers(1);
      clock.advance(1_000);
      await expect(result).resolves.toBe('woke');
    });

    test('fails after its real timeout, saying how many timers it saw', async () => {
      const clock = new TestClock();
      await expect(clock.waitForTimers(2, { timeout: 20 })).rejects.toThrow(
        /waitForTimers\(2\): 0 timer\(s\) pending after 20 ms of real time/,
      );
    });

    test('rejects a bad count', async () => {
      await expect(new TestClock().waitForTimers(0)).rejects.toThrow(/`count` must be a whole number >= 1, got 0/);
    });
  });
});
