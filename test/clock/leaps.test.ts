/** TestClock#jump, runToLast and reset: leaps, a run to the last pending timer, and a fresh start. */
import { TestClock } from '../../clock/index.ts';

describe('TestClock#jump(ms)', () => {
  test('fires each timer due within the leap once, at the end of it (all due then: in creation order); an interval does not catch up', () => {
    const clock = new TestClock({ now: 1_000 });
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 300);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 100);
    clock.setInterval(() => seen.push(`tick@${clock.now()}`), 50);
    clock.setTimeout(() => seen.push(`later@${clock.now()}`), 5_000);
    clock.jump(1_000);
    // advance(1_000) would have ticked 20 times, and fired a at 1100 and b at 1300.
    expect(seen).toEqual(['b@2000', 'a@2000', 'tick@2000']);
    expect(clock.now()).toBe(2_000);
    expect(clock.monotonic()).toBe(1_000);
    clock.advance(50);
    expect(seen.at(-1)).toBe('tick@2050');
    expect(clock.pending).toBe(2);
  });

  test('a timer due exactly at the end of the leap fires at its own time', () => {
    const clock = new TestClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 500);
    clock.jump(500);
    expect(seen).toEqual([500]);
  });

  test.each([
    ['a negative number', -1, '-1'],
    ['NaN', Number.NaN, 'NaN'],
    ['a string', '10', '"10"'],
    ['undefined', undefined, 'undefined'],
  ])('refuses %s with a TypeError naming the argument, as advance does', (_, ms, shown) => {
    const clock = new TestClock();
    expect(() => clock.jump(ms as never)).toThrow(
      new TypeError(`TestClock.jump(): \`ms\` must be a finite number of milliseconds >= 0, got ${shown}.`),
    );
    expect(clock.now()).toBe(0);
  });
});

describe('TestClock#runToLast()', () => {
  test('fires every timer pending now up to the last due time, but not a timer scheduled meanwhile beyond it', () => {
    const clock = new TestClock();
    const seen: string[] = [];
    clock.setTimeout(() => {
      seen.push(`a@${clock.now()}`);
      clock.setTimeout(() => seen.push(`inside@${clock.now()}`), 50);
      clock.setTimeout(() => seen.push(`beyond@${clock.now()}`), 500);
    }, 100);
    clock.setTimeout(() => seen.push(`last@${clock.now()}`), 300);
    clock.runToLast();
    expect(seen).toEqual(['a@100', 'inside@150', 'last@300']);
    expect(clock.now()).toBe(300);
    expect(clock.pending).toBe(1);
  });

  test('an interval fires each time it falls due up to there, and keeps going after', () => {
    const clock = new TestClock();
    let ticks = 0;
    clock.setInterval(() => ticks++, 100);
    clock.setTimeout(() => {}, 350);
    clock.runToLast();
    expect(ticks).toBe(3);
    expect(clock.now()).toBe(350);
  });

  test('with nothing pending it does not move time', () => {
    const clock = new TestClock({ now: 7 });
    clock.runToLast();
    expect(clock.now()).toBe(7);
  });

  test('runToLastAsync lets promise continuations settle between timers', async () => {
    const clock = new TestClock();
    const seen: string[] = [];
    clock.setTimeout(() => void Promise.resolve().then(() => seen.push(`then@${clock.now()}`)), 100);
    clock.setTimeout(() => seen.push(`last@${clock.now()}`), 200);
    await clock.runToLastAsync();
    expect(seen).toEqual(['then@100', 'last@200']);
  });
});

describe('TestClock#reset()', () => {
  test('drops every pending timer without firing it and goes back to the start (now option, monotonic 0)', () => {
    const clock = new TestClock({ now: 5_000 });
    let fired = 0;
    clock.setTimeout(() => fired++, 100);
    clock.setInterval(() => fired++, 10);
    clock.advance(50);
    clock.set(99_999);
    const before = fired;
    clock.reset();
    expect(clock.pending).toBe(0);
    expect(clock.now()).toBe(5_000);
    expect(clock.monotonic()).toBe(0);
    clock.advance(1_000);
    expect(fired).toBe(before);
  });

  test('an installed clock stays installed: Date reads the start again', () => {
    const clock = new TestClock({ now: Date.UTC(2030, 0, 1) });
    using _installed = clock.install({ toFake: ['Date'] });
    clock.advance(60_000);
    clock.reset();
    expect(new Date().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });
});

describe('jump, runToLast and reset on a shared clock, and detached', () => {
  test('are refused while shared, saying to use advanceAsync (followers only step forward through every due time)', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    try {
      expect(() => clock.jump(10)).toThrow(
        'TestClock.jump(ms): this clock is shared with other processes (share()), and a shared clock only steps forward through every due time. Use `await clock.advanceAsync(ms)` instead, or close() the share first.',
      );
      expect(() => clock.runToLast()).toThrow('TestClock.runToLast(): this clock is shared');
      await expect(clock.runToLastAsync()).rejects.toThrow('TestClock.runToLastAsync(): this clock is shared');
      expect(() => clock.reset()).toThrow('TestClock.reset(): this clock is shared');
    } finally {
      await share.close();
    }
    clock.jump(10);
    expect(clock.now()).toBe(10);
  });

  test('work detached (const { jump, runToLast, reset } = clock)', () => {
    const clock = new TestClock();
    const { jump, runToLast, reset } = clock;
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 20);
    jump(10);
    clock.setTimeout(() => seen.push(clock.now()), 30);
    runToLast();
    expect(seen).toEqual([20, 40]);
    reset();
    expect(clock.now()).toBe(0);
  });
});
