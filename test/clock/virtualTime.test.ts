import { TestClock } from '../../clock/index.ts';
import { eventually } from '../../src/index.ts';
import { failureOf } from '../support/failure.ts';

describe('the `clock` option: polls in virtual time', () => {
  test('each pause advances the clock, firing the app’s timers, instead of waiting', async () => {
    const clock = new TestClock();
    let state = 'pending';
    clock.setTimeout(() => (state = 'replicated'), 30_000);
    const started = performance.now();
    await expect(() => state).toEventuallyBe('replicated', { clock, timeout: 60_000 });
    expect(clock.now()).toBeGreaterThanOrEqual(30_000);
    expect(clock.now()).toBeLessThan(60_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test('the deadline is in virtual time, and the failure says so', async () => {
    const clock = new TestClock();
    const message = await failureOf(
      expect(() => 'stale').toEventuallyEqual('fresh', { clock, timeout: 2 * 60 * 60_000 }),
    );
    expect(message).toMatch(/Timed out after 2\.00 h of virtual time \(timeout: 7200000 ms\)/);
    expect(clock.monotonic()).toBe(2 * 60 * 60_000);
  });

  test('is deterministic: the same attempts at the same virtual times on every run, default interval included', async () => {
    const runOnce = async (interval?: { initial: number; factor: number; max: number }): Promise<number[]> => {
      const clock = new TestClock();
      const seenAt: number[] = [];
      await failureOf(
        eventually(() => (seenAt.push(clock.monotonic()), false), {
          clock,
          timeout: 1_000,
          ...(interval ? { interval } : {}),
        }),
      );
      return seenAt;
    };
    const first = await runOnce({ initial: 10, factor: 2, max: 200 });
    expect(await runOnce({ initial: 10, factor: 2, max: 200 })).toEqual(first);
    expect(first.slice(0, 5)).toEqual([0, 10, 30, 70, 150]);
    expect(first[first.length - 1]).toBe(1_000);
    // The default backoff has jitter in real time; in virtual time it is left out.
    const withDefault = await runOnce();
    expect(await runOnce()).toEqual(withDefault);
    expect(withDefault.slice(0, 5)).toEqual([0, 2, 6, 14, 30]);
  });

  test('consistently holds over a virtual window', async () => {
    const clock = new TestClock();
    let breaker = 'closed';
    clock.setTimeout(() => (breaker = 'open'), 90_000);
    await expect(() => breaker).toConsistentlyEqual('closed', { clock, for: 60_000 });
    const message = await failureOf(expect(() => breaker).toConsistentlyEqual('closed', { clock, for: 60_000 }));
    expect(message).toMatch(/It stopped holding at attempt \d+ after/);
  });

  test('rejects something that is not a TestClock', async () => {
    await expect(eventually(() => 1, { clock: { now: () => 0 } as never })).rejects.toThrow(
      /`clock` must be a TestClock \(from 'unflake\/clock'\), got an object/,
    );
  });
});

describe('long virtual waits', () => {
  const HOUR = 60 * 60_000;
  const DAY = 24 * HOUR;

  test('a one-day wait on an app timer takes a few hundred attempts, and sees the flip when it happens', async () => {
    const clock = new TestClock();
    let state = 'pending';
    clock.setTimeout(() => (state = 'expired'), DAY);
    let calls = 0;
    await expect(() => (calls++, state)).toEventuallyEqual('expired', { clock, timeout: 2 * DAY });
    // Strides never pass the next timer, so the flip is seen right at it.
    expect(clock.monotonic()).toBe(DAY);
    expect(calls).toBeLessThan(300);
  });

  test('a state that depends only on the clock is seen at most about 10% late', async () => {
    const clock = new TestClock();
    const start = clock.now();
    let calls = 0;
    await expect(() => (calls++, clock.now() - start >= DAY)).toEventuallyBe(true, { clock, timeout: 2 * DAY });
    expect(clock.monotonic()).toBeGreaterThanOrEqual(DAY);
    expect(clock.monotonic()).toBeLessThanOrEqual(DAY * 1.11);
    expect(calls).toBeLessThan(300);
  });

  test('a probe doing real I/O never sees virtual time move while its I/O is in flight', async () => {
    const { createServer } = await import('node:http');
    const clock = new TestClock();
    let state = 0;
    clock.setInterval(() => state++, HOUR);
    const server = createServer((_, response) =>
      setImmediate(() => response.end(JSON.stringify({ state, at: clock.monotonic() }))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const drift: number[] = [];
    try {
      await expect(async () => {
        const before = clock.monotonic();
        const body = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { state: number; at: number };
        drift.push(clock.monotonic() - before, body.at - before);
        return body.state;
      }).toEventuallyBe(24, { clock, timeout: 2 * DAY });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(drift.every((d) => d === 0)).toBe(true);
    expect(clock.monotonic()).toBe(DAY);
  });
});
