import { systemClock } from '../../clock/index.ts';

describe('systemClock', () => {
  test('reads real time and runs real timers', async () => {
    const before = Date.now();
    expect(Math.abs(systemClock.now() - before)).toBeLessThan(1_000);
    const m1 = systemClock.monotonic();
    await systemClock.sleep(5);
    expect(systemClock.monotonic()).toBeGreaterThan(m1);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
  });

  test('sleep rejects with the abort reason and clears its timer', async () => {
    const controller = new AbortController();
    const slept = systemClock.sleep(60_000, { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(slept).rejects.toThrow('cancelled');
  });

  test('takes the delays Node takes (a negative one is 1 ms) and rejects, with a TypeError naming it, what Node rejects', async () => {
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      // Node's 1 ms list is FIFO, and a later, longer timer fires later: this order is guaranteed.
      systemClock.setTimeout(() => seen.push('1'), 1);
      systemClock.setTimeout(() => seen.push('-5'), -5);
      systemClock.setTimeout(() => (seen.push('2'), resolve()), 2);
    });
    expect(seen).toEqual(['1', '-5', '2']);
    expect(() => systemClock.setTimeout(undefined as never, 5)).toThrow(
      /^systemClock\.setTimeout\(\): `callback` must be a function, got undefined\.$/,
    );
    expect(() => systemClock.setInterval(() => {}, 5n as never)).toThrow(
      /^systemClock\.setInterval\(\): `ms` must be a number of milliseconds .*, got 5n\.$/,
    );
    await expect(systemClock.sleep('10' as never)).rejects.toThrow(
      /^systemClock\.sleep\(\): `ms` must be a number of milliseconds or undefined, got "10"\.$/,
    );
  });
});
