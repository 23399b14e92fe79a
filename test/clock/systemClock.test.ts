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

  test('rejects a bad delay with a TypeError naming it', async () => {
    expect(() => systemClock.setTimeout(() => {}, -5)).toThrow(/systemClock\.setTimeout\(\): `ms` must be a finite number of milliseconds >= 0, got -5/);
    await expect(systemClock.sleep(Number.NaN)).rejects.toThrow(/systemClock\.sleep\(\): `ms` must be a finite number of milliseconds >= 0, got NaN/);
  });
});
