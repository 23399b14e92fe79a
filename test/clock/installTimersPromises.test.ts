/**
 * install() also fakes AbortSignal.timeout and node:timers/promises (setTimeout, setInterval,
 * setImmediate, scheduler.wait), ESM named imports included, and restores them on uninstall.
 */
import timersPromises, { scheduler, setTimeout as sleepFor } from 'node:timers/promises';
import { TestClock } from '../../clock/index.ts';
import { runner } from '../support/runner.ts';

const cjs = process.getBuiltinModule('node:timers/promises');
const real = {
  timeout: AbortSignal.timeout,
  setTimeout: cjs.setTimeout,
  setInterval: cjs.setInterval,
  setImmediate: cjs.setImmediate,
  wait: scheduler.wait,
};

/** Whether `promise` has settled, after letting pending continuations run (real macrotask). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => void real.setImmediate(undefined).then(resolve));
  return done;
}

function expectRestored(): void {
  expect(AbortSignal.timeout).toBe(real.timeout);
  expect(cjs.setTimeout).toBe(real.setTimeout);
  expect(cjs.setInterval).toBe(real.setInterval);
  expect(cjs.setImmediate).toBe(real.setImmediate);
  expect(Object.hasOwn(cjs.scheduler, 'wait')).toBe(false);
}

describe('install() fakes AbortSignal.timeout', () => {
  test('AbortSignal.timeout(1000) aborts with a TimeoutError on advanceAsync(1000), not before; restored after uninstall', async () => {
    const clock = new TestClock();
    const installed = clock.install();
    try {
      const signal = AbortSignal.timeout(1_000);
      await clock.advanceAsync(999);
      expect(signal.aborted).toBe(false);
      await clock.advanceAsync(1);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toMatchObject({
        name: 'TimeoutError',
        message: 'The operation was aborted due to timeout',
      });
      expect(() => AbortSignal.timeout(-1)).toThrow(
        'AbortSignal.timeout(): `ms` must be an integer from 0 to 2^32 - 1 (as AbortSignal.timeout takes), got -1.',
      );
    } finally {
      installed.uninstall();
    }
    expectRestored();
  });
});

describe('install() fakes node:timers/promises', () => {
  test('an ESM named import of setTimeout resolves with its value on advance, not before, and is the real one again after uninstall', async () => {
    const clock = new TestClock();
    const installed = clock.install();
    try {
      // Jest builds a builtin's ESM namespace once, from the CJS object at first import, so there only
      // the default export (that CJS object) follows; Node's own ESM loader (Vitest, a preload) syncs named ones.
      const wait = runner.name === 'jest' ? timersPromises.setTimeout : sleepFor;
      const slept = wait(500, 'woke');
      await clock.advanceAsync(499);
      expect(await settled(slept)).toBe(false);
      await clock.advanceAsync(1);
      // Settled within one real turn: a real 500 ms timer could not have.
      expect(await settled(slept)).toBe(true);
      expect(await slept).toBe('woke');
      expect(timersPromises.setTimeout).not.toBe(real.setTimeout);
      if (runner.name !== 'jest') expect(sleepFor).not.toBe(real.setTimeout);
    } finally {
      installed.uninstall();
    }
    expectRestored();
    if (runner.name !== 'jest') expect(sleepFor).toBe(real.setTimeout);
  });

  test('setInterval yields once per period on the clock; leaving the loop clears its interval', async () => {
    const clock = new TestClock();
    using _installed = clock.install();
    const ticks = timersPromises.setInterval(100, 'tick');
    const first = ticks.next();
    await clock.advanceAsync(100);
    expect(await first).toEqual({ value: 'tick', done: false });
    // Ticks the loop has not taken yet queue up, as in Node.
    await clock.advanceAsync(200);
    expect(await ticks.next()).toEqual({ value: 'tick', done: false });
    expect(await ticks.next()).toEqual({ value: 'tick', done: false });
    expect(clock.pending).toBe(1);
    await (ticks as AsyncGenerator<string>).return(undefined);
    expect(clock.pending).toBe(0);
  });

  test('scheduler.wait follows the clock; an abort rejects with an AbortError whose cause is the reason', async () => {
    const clock = new TestClock();
    using _installed = clock.install();
    const waited = scheduler.wait(50);
    await clock.advanceAsync(50);
    await expect(waited).resolves.toBeUndefined();
    const controller = new AbortController();
    const slept = timersPromises.setTimeout(1_000, undefined, { signal: controller.signal });
    controller.abort('cancelled');
    await expect(slept).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'cancelled' });
    expect(clock.pending).toBe(0);
  });

  test('bad arguments reject (not throw) with a TypeError ERR_INVALID_ARG_TYPE, as Node does', async () => {
    const clock = new TestClock();
    using _installed = clock.install();
    await expect(timersPromises.setTimeout('10' as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'timers/promises.setTimeout(): the "delay" argument must be of type number, got string.',
    });
    await expect(timersPromises.setTimeout(10, 1, null as never)).rejects.toThrow(
      'timers/promises.setTimeout(): the "options" argument must be an object, got null.',
    );
    await expect(scheduler.wait(10, { signal: 1 as never })).rejects.toThrow(
      'timers/promises.scheduler.wait(): "options.signal" must be an AbortSignal, got number.',
    );
    await expect(timersPromises.setInterval(10, 1, { ref: 1 as never }).next()).rejects.toThrow(
      'timers/promises.setInterval(): "options.ref" must be a boolean, got number.',
    );
    expect(clock.pending).toBe(0);
  });

  test('setImmediate follows only when setImmediate is faked too', async () => {
    const clock = new TestClock();
    {
      using _installed = clock.install();
      const immediate = timersPromises.setImmediate('now');
      expect(clock.pending).toBe(1);
      await clock.advanceAsync(0);
      expect(await immediate).toBe('now');
    }
    using _installed = clock.install({ toFake: ['timers/promises'] });
    expect(cjs.setImmediate).toBe(real.setImmediate);
    expect(cjs.setTimeout).not.toBe(real.setTimeout);
  });

  test('toFake without them leaves AbortSignal.timeout and timers/promises real', () => {
    const clock = new TestClock();
    using _installed = clock.install({ toFake: ['Date', 'setTimeout'] });
    expectRestored();
  });
});
