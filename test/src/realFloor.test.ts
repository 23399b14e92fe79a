/**
 * Issue 18 item 12: a window in virtual time must not outrun the real work it depends on. With a TestClock
 * each pause advances the clock at once, so a `for: 10_000` window used to pass in a few ms of real time
 * while the job's failure was real I/O 50 ms away. A window (and the approach to `notBefore`) now also
 * watches `realFloor` ms of real time (default 100), and the report says how much it watched.
 */
import { clearTimeout as clearRealTimer, setTimeout as realTimer } from 'node:timers';
import { configure, consistently } from '../../src/index.ts';
import { TestClock } from '../../clock/index.ts';
import { failureOf } from '../support/failure.ts';

/** A value that real I/O (a queue, a database) changes `ms` of real time from now. */
function changedByRealIo<A, B>(ms: number, before: A, after: B): { read: () => A | B; dispose: () => void } {
  let current: A | B = before;
  const timer = realTimer(() => (current = after), ms);
  return { read: () => current, dispose: () => clearRealTimer(timer) };
}

async function withIo<A, B>(
  ms: number,
  before: A,
  after: B,
  body: (read: () => A | B) => Promise<void>,
): Promise<void> {
  const io = changedByRealIo(ms, before, after);
  try {
    await body(io.read);
  } finally {
    io.dispose();
  }
}

describe('a virtual-time window watches a real floor', () => {
  test('toConsistentlyEqual(0, { clock, for: 10_000 }) sees a failure 50 ms of real I/O away, and says how much real time it watched', () =>
    withIo(50, 0, 1, async (read) => {
      const clock = new TestClock();
      const message = await failureOf(expect(read).toConsistentlyEqual(0, { clock, for: 10_000 }));
      expect(message).toMatch(/It stopped holding at attempt \d+/);
      expect(message).toMatch(/It watched \d+ ms of real time \(realFloor: 100 ms\)/);
    }));

  test('.not.toEventuallyEqual(1, { clock, timeout: 10_000 }) sees it too', () =>
    withIo(50, 0, 1, async (read) => {
      const clock = new TestClock();
      const message = await failureOf(expect(read).not.toEventuallyEqual(1, { clock, timeout: 10_000 }));
      expect(message).toMatch(/It matched at attempt \d+/);
    }));

  test('consistently() with a clock too', () =>
    withIo(50, 'queued', 'failed', async (read) => {
      const clock = new TestClock();
      const message = await failureOf(consistently(read, (s) => s !== 'failed', { clock, for: 60_000 }));
      expect(message).toMatch(/It stopped holding/);
    }));

  test('notBefore in virtual time: a state real I/O reaches 50 ms later is too early', () =>
    withIo(50, 'pending', 'done', async (read) => {
      const clock = new TestClock();
      const message = await failureOf(
        expect(read).toEventuallyEqual('done', { clock, notBefore: 1_000, timeout: 5_000 }),
      );
      expect(message).toMatch(/It held too early: at 999\.0 ms, before `notBefore` \(1000 ms\)/);
    }));

  test('a passing window still takes no more virtual time than its own, and at least the floor of real time', async () => {
    const clock = new TestClock();
    const started = performance.now();
    await expect(() => 'up').toConsistentlyEqual('up', { clock, for: 10_000, realFloor: 40 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(clock.monotonic()).toBe(10_000);
  });

  // The I/O is 2 s away here: the point is only that no real floor is waited for (the test ends in ms).
  test('realFloor: 0 turns it off (the window then judges only what virtual time shows)', () =>
    withIo(2_000, 0, 1, async (read) => {
      const clock = new TestClock();
      await expect(read).toConsistentlyEqual(0, { clock, for: 10_000, realFloor: 0 });
      const message = await failureOf(
        expect(() => 'down').toConsistentlyEqual('up', { clock: new TestClock(), for: 1_000, realFloor: 0 }),
      );
      expect(message).toMatch(/It watched \d+ ms of real time \(realFloor: 0 ms\)/);
    }));

  test('configure({ realFloor }) sets the default', () =>
    withIo(2_000, 0, 1, async (read) => {
      const restore = configure({ realFloor: 0 });
      try {
        await expect(read).toConsistentlyEqual(0, { clock: new TestClock(), for: 10_000 });
        const message = await failureOf(
          expect(() => 'down').toConsistentlyEqual('up', { clock: new TestClock(), for: 1_000 }),
        );
        expect(message).toMatch(/\(realFloor: 0 ms\)/);
      } finally {
        restore();
      }
    }));
});

describe('realFloor is checked like every option', () => {
  test('a misspelling says what was meant', async () => {
    const message = await failureOf(
      expect(() => 0).toConsistentlyEqual(0, { clock: new TestClock(), realFlor: 10 } as never),
    );
    expect(message).toMatch(/unknown option `realFlor`\. Did you mean `realFloor`\?/);
  });

  test('a negative or non-number value is a TypeError naming it', async () => {
    await expect(expect(() => 0).toConsistentlyEqual(0, { realFloor: -1 })).rejects.toThrow(
      /`realFloor` must be a finite number of milliseconds >= 0, got -1/,
    );
    expect(() => configure({ realFloor: 'long' as never })).toThrow(
      /`realFloor` must be a finite number of milliseconds >= 0/,
    );
  });
});
