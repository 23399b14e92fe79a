import { TestClock } from '../../clock/index.ts';
import { restoreLeftoverInstall } from '../../clock/installGlobals.ts';
import { eventually } from '../../src/index.ts';
import { runner } from '../support/runner.ts';

describe('TestClock.install', () => {
  test('points Date, the timers and performance.now at the clock, and restores them', () => {
    const realSetTimeout = globalThis.setTimeout;
    const realDate = globalThis.Date;
    const realNow = performance.now;
    const clock = new TestClock({ now: Date.UTC(2030, 0, 1) });
    const installed = clock.install();
    try {
      expect(Date.now()).toBe(Date.UTC(2030, 0, 1));
      expect(new Date().toISOString()).toBe('2030-01-01T00:00:00.000Z');
      let fired = 0;
      setTimeout(() => fired++, 1_000);
      const interval = setInterval(() => fired++, 400);
      expect(clock.pending).toBe(2);
      clock.advance(1_000);
      expect(fired).toBe(3);
      clearInterval(interval);
      expect(performance.now()).toBe(1_000);
      expect(Number(process.hrtime.bigint() / 1_000_000n)).toBe(1_000);
    } finally {
      installed.uninstall();
    }
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(globalThis.Date).toBe(realDate);
    expect(performance.now).toBe(realNow);
    expect(installed.active).toBe(false);
  });

  test('works with `using`, and fakes only what toFake names', () => {
    const realSetTimeout = globalThis.setTimeout;
    const clock = new TestClock({ now: 42 });
    {
      using _installed = clock.install({ toFake: ['Date'] });
      expect(Date.now()).toBe(42);
      expect(globalThis.setTimeout).toBe(realSetTimeout);
    }
    expect(Date.now()).toBeGreaterThan(1_000_000);
  });

  test('the poll engine keeps real time while the clock is installed', async () => {
    const clock = new TestClock();
    using _installed = clock.install();
    let calls = 0;
    const started = process.uptime();
    await expect(eventually(() => (++calls, false), { timeout: 40, interval: 5 })).rejects.toThrow(
      /Timed out after \d+ ms/,
    );
    expect(process.uptime() - started).toBeGreaterThanOrEqual(0.035);
    expect(calls).toBeGreaterThan(1);
    expect(clock.now()).toBe(0);
  });

  test('an install left behind is restored after the test and reported', () => {
    const realDate = globalThis.Date;
    new TestClock({ now: 7 }).install();
    expect(Date.now()).toBe(7);
    // What the setup entries' afterEach does:
    const error = restoreLeftoverInstall();
    expect(error?.message).toMatch(
      /a TestClock\.install\(\) was still active when the test ended; the real Date, timers and performance\.now have been restored/,
    );
    expect(globalThis.Date).toBe(realDate);
    expect(restoreLeftoverInstall()).toBeUndefined();
  });

  test('refuses to install over the runner’s fake timers, leaving them untouched', () => {
    runner.useFakeTimers();
    try {
      const fakeSetTimeout = globalThis.setTimeout;
      expect(() => new TestClock().install()).toThrow(
        /fake timers .* are already installed\. Two fake clocks on the same globals would fight/,
      );
      expect(globalThis.setTimeout).toBe(fakeSetTimeout);
    } finally {
      runner.useRealTimers();
    }
  });

  test('rejects an unknown name in toFake', () => {
    expect(() => new TestClock().install({ toFake: ['nextTick' as never] })).toThrow(
      /cannot fake `nextTick`; `toFake` takes 'Date', 'setTimeout'/,
    );
  });
});
