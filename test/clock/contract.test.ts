/**
 * One contract for every Clock (SPEC section 0): systemClock, a TestClock and a shared-clock follower
 * accept and reject the same arguments, with Node's rules for timers, and their methods work detached.
 * Virtual clocks move with advanceAsync; systemClock's cases wait on the callbacks firing (short real
 * delays) and pin delays by the order Node fires timers in, never by measuring elapsed time.
 */
import { connectClock, TestClock } from '../../clock/index.ts';
import { onFollower, onSystemClock, onTestClock, recorder, within, type Subject } from './clockSubjects.ts';

const SUBJECTS: [string, () => Subject | Promise<Subject>][] = [
  ['systemClock', onSystemClock],
  ['TestClock', onTestClock],
  ['follower (connectClock)', onFollower],
];

// Node: `after *= 1; if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1` (undefined is 1 too).
function errorThrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

// A virtual clock keeps one exception (SPEC 0b): a delay that converts to 0 (0, null) stays 0 for setTimeout, sleep and
// timeoutSignal, so advance(0) fires it as fake-timers, Jest and Vitest do. An interval's period of 0 is still 1 ms.
function dueOn(
  s: Subject,
  delay: unknown,
  nodeDue: number,
  method: 'setTimeout' | 'setInterval' = 'setTimeout',
): number {
  return s.virtual && method === 'setTimeout' && Number(delay) === 0 ? 0 : nodeDue;
}

const DELAYS: [string, unknown, number][] = [
  ['a negative delay', -5, 1],
  ['0', 0, 1],
  ['undefined', undefined, 1],
  ['NaN', Number.NaN, 1],
  ["the string '10'", '10', 10],
  ['Infinity', Number.POSITIVE_INFINITY, 1],
  ['2^31 (above TIMEOUT_MAX)', 2 ** 31, 1],
  ['null', null, 1],
];

const NOT_FUNCTIONS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'alert(1)'],
  ['an object', {}],
];

describe.each(SUBJECTS)('Clock contract: %s', (_, create) => {
  let s: Subject;
  beforeEach(async () => {
    s = await create();
  });
  afterEach(async () => {
    await s.done();
  });

  describe.each(['setTimeout', 'setInterval'] as const)('%s', (method) => {
    const clear = method === 'setTimeout' ? 'clearTimeout' : 'clearInterval';

    test.each(DELAYS)(
      'accepts %s as Node does (due in the same ms as Node makes it; 0 stays 0 on a virtual clock)',
      async (_, delay, nodeDue) => {
        const due = dueOn(s, delay, nodeDue, method);
        // Pins the effective delay by order, with orders Node guarantees: after a timer of delay `due` created
        // just before it (one FIFO list per delay), before one of `due + 1` created just after.
        const r = recorder();
        const end = r.last('after');
        const ids = [s.clock.setTimeout(r.mark('same ms, created first'), due)];
        // An interval clears itself on its first tick, so the order shows its first due time only.
        const id = s.clock[method](() => (r.mark('case')(), s.clock[clear](id)), delay as number);
        ids.push(id, s.clock.setTimeout(end.fire, due + 1));
        try {
          await s.pass(due + 1);
          await within(end.fired, 'the timer due after the case');
          expect(r.seen).toEqual(['same ms, created first', 'case', 'after']);
        } finally {
          for (const id of ids) s.clock[clear](id);
        }
      },
    );

    test('accepts TIMEOUT_MAX (2^31 - 1) and does not fire it soon', async () => {
      const r = recorder();
      const end = r.last('1 ms');
      const max = s.clock[method](r.mark('max'), 2 ** 31 - 1);
      s.clock.setTimeout(end.fire, 1);
      try {
        await s.pass(1_000);
        await within(end.fired, 'the 1 ms timer');
        expect(r.seen).toEqual(['1 ms']);
      } finally {
        s.clock[clear](max);
      }
    });

    test.each(NOT_FUNCTIONS)(
      'rejects %s as the callback with a TypeError (ERR_INVALID_ARG_TYPE) and schedules nothing',
      (_, callback) => {
        const before = s.pending();
        let error: (TypeError & { code?: string }) | undefined;
        try {
          s.clock[method](callback as () => void, 10);
        } catch (caught) {
          error = caught as TypeError & { code?: string };
        }
        expect(error).toBeInstanceOf(TypeError);
        expect(error?.code).toBe('ERR_INVALID_ARG_TYPE');
        expect(error?.message).toContain(`${s.name}.${method}(): \`callback\` must be a function, got `);
        expect(s.pending()).toBe(before);
      },
    );

    test.each([
      ['a bigint', 10n, '10n'],
      ['a symbol', Symbol('ten'), 'Symbol(ten)'],
    ])('rejects %s as the delay with a TypeError (Node cannot convert it)', (_, delay, shown) => {
      expect(() => s.clock[method](() => {}, delay as never)).toThrow(
        `${s.name}.${method}(): \`ms\` must be a number of milliseconds (or a value Node's timers convert to one with \`* 1\`), got ${shown}.`,
      );
    });

    test('passes extra arguments to the callback', async () => {
      let id: unknown;
      const args = new Promise<unknown[]>(
        (resolve) => (id = s.clock[method]((...received: unknown[]) => resolve(received), 5, 'a', 2, undefined)),
      );
      try {
        await s.pass(5);
        expect(await within(args, 'the callback')).toEqual(['a', 2, undefined]);
      } finally {
        s.clock[clear](id);
      }
    });
  });

  test('an interval with a delay Node makes 1 ms repeats every 1 ms until cleared', async () => {
    const ticks: number[] = [];
    let id: unknown;
    const third = new Promise<void>((resolve) => {
      id = s.clock.setInterval(() => {
        ticks.push(s.clock.monotonic());
        if (ticks.length === 3) resolve();
      }, -5);
    });
    try {
      await s.pass(3);
      await within(third, 'the third tick');
    } finally {
      s.clock.clearInterval(id);
    }
    if (s.virtual) expect(ticks.map((t) => t - ticks[0]!)).toEqual([0, 1, 2]);
    expect(ticks).toHaveLength(3);
  });

  // Node keeps one FIFO list per delay: timers of one delay fire in creation order, and one created later
  // with a longer delay fires later. (A shorter one created later is not ordered against it on real
  // time: Node reads the time at each insert. TestClock.test.ts covers due order against creation order.)
  test('fires timers in due order, negative/NaN/undefined (and 0 on systemClock) among the 1 ms ones in creation order', async () => {
    const r = recorder();
    const end = r.last('3 ms');
    s.clock.setTimeout(r.mark('1 ms'), 1);
    s.clock.setTimeout(r.mark('0'), 0);
    s.clock.setTimeout(r.mark('-5'), -5);
    s.clock.setTimeout(r.mark('NaN'), Number.NaN);
    s.clock.setTimeout(r.mark('undefined'));
    s.clock.setTimeout(r.mark('1 ms again'), 1);
    s.clock.setTimeout(r.mark('2 ms'), 2);
    s.clock.setTimeout(end.fire, 3);
    await s.pass(3);
    await within(end.fired, 'the last timer');
    const oneMs = ['1 ms', '-5', 'NaN', 'undefined', '1 ms again'];
    expect(r.seen).toEqual(
      s.virtual ? ['0', ...oneMs, '2 ms', '3 ms'] : ['1 ms', '0', ...oneMs.slice(1), '2 ms', '3 ms'],
    );
  });

  test('every method works detached (const { setTimeout } = clock)', async () => {
    const { now, monotonic, setTimeout, clearTimeout, setInterval, clearInterval, sleep } = s.clock;
    expect(typeof now()).toBe('number');
    expect(typeof monotonic()).toBe('number');
    clearTimeout(setTimeout(() => {}, 10));
    const r = recorder();
    const end = r.last('timeout');
    const interval = setInterval(r.mark('interval'), 1);
    setTimeout(end.fire, 1);
    await s.pass(1);
    await within(end.fired, 'the detached setTimeout');
    clearInterval(interval);
    const slept = sleep(1).then(() => 'slept');
    await s.pass(1);
    expect(await within(slept, 'the detached sleep')).toBe('slept');
    expect(r.seen).toEqual(['interval', 'timeout']);
  });

  test('now() is integer epoch ms and monotonic() a finite number that never goes back', async () => {
    const [now, m1] = [s.clock.now(), s.clock.monotonic()];
    expect(Number.isInteger(now)).toBe(true);
    expect(Number.isFinite(m1)).toBe(true);
    expect(m1).toBeGreaterThanOrEqual(0);
    const fired = new Promise<number>((resolve) => s.clock.setTimeout(() => resolve(s.clock.monotonic()), 2));
    await s.pass(2);
    const m2 = await within(fired, 'the timer');
    expect(m2).toBeGreaterThanOrEqual(m1 + (s.virtual ? 2 : 0));
    expect(s.clock.now()).toBeGreaterThanOrEqual(now);
  });

  test.each(['clearTimeout', 'clearInterval'] as const)(
    '%s ignores ids that are not its timers, silently, as Node does',
    async (method) => {
      const fired = new Promise<void>((resolve) => s.clock.setTimeout(resolve, 1));
      const native = globalThis.setTimeout(() => {}, 60_000);
      // Another TestClock numbers its timers as this one does (fake-timers starts every clock at 1e12).
      const otherClocks = new TestClock();
      const bad: unknown[] = [
        undefined,
        null,
        0,
        42,
        -1,
        'x',
        '',
        {},
        [],
        Symbol('id'),
        10n,
        true,
        () => {},
        native,
        otherClocks.setTimeout(() => {}, 1),
      ];
      try {
        for (const id of bad) expect(s.clock[method](id)).toBeUndefined();
      } finally {
        globalThis.clearTimeout(native);
      }
      await s.pass(1);
      await within(fired, 'the timer the bad clears left alone');
    },
  );

  test('clearTimeout and clearInterval each clear a timeout and an interval (as in Node), and twice is harmless', async () => {
    const r = recorder();
    const end = r.last('kept');
    s.clock.clearInterval(s.clock.setTimeout(r.mark('timeout cleared by clearInterval'), 1));
    const interval = s.clock.setInterval(r.mark('interval cleared by clearTimeout'), 1);
    s.clock.clearTimeout(interval);
    s.clock.clearTimeout(interval);
    s.clock.setTimeout(end.fire, 2);
    await s.pass(2);
    await within(end.fired, 'the kept timer');
    expect(r.seen).toEqual(['kept']);
  });

  describe('sleep(ms, { signal })', () => {
    test.each(DELAYS.filter(([, delay]) => typeof delay !== 'string' && delay !== null))(
      'accepts %s and resolves when a timer of the same delay would fire',
      async (_, delay, nodeDue) => {
        const due = dueOn(s, delay, nodeDue);
        const r = recorder();
        const end = r.last('after');
        s.clock.setTimeout(r.mark('same ms, created first'), due);
        const slept = s.clock.sleep(delay as number).then(r.mark('sleep'));
        s.clock.setTimeout(end.fire, due + 1);
        await s.pass(due + 1);
        await within(end.fired, 'the timer due after the sleep');
        await slept;
        expect(r.seen).toEqual(['same ms, created first', 'sleep', 'after']);
      },
    );

    test.each([
      ['a string', '10', '"10"'],
      ['a bigint', 10n, '10n'],
      ['null', null, 'null'],
      ['an object', {}, 'an object of type Object'],
    ])('rejects %s as `ms` (a rejected promise, not a throw), as timers/promises does', async (_, ms, shown) => {
      const slept = s.clock.sleep(ms as never);
      await expect(slept).rejects.toThrow(TypeError);
      await expect(slept).rejects.toThrow(
        `${s.name}.sleep(): \`ms\` must be a number of milliseconds or undefined, got ${shown}.`,
      );
    });

    test.each([
      ['null options', null, 'options must be an object, got null.'],
      ['a string as options', 'fast', 'options must be an object, got "fast".'],
      ['a null signal', { signal: null }, '`signal` must be an AbortSignal or undefined, got null.'],
      [
        'a plain object as signal',
        { signal: {} },
        '`signal` must be an AbortSignal or undefined, got an object of type Object.',
      ],
      ['a string as signal', { signal: 'abort' }, '`signal` must be an AbortSignal or undefined, got "abort".'],
      [
        'a misspelt `signal`',
        { singal: new AbortController().signal },
        'unknown option `singal`. Did you mean `signal`?',
      ],
    ])('rejects %s with a TypeError naming it', async (_, options, message) => {
      const slept = s.clock.sleep(1, options as never);
      await expect(slept).rejects.toThrow(TypeError);
      await expect(slept).rejects.toThrow(`${s.name}.sleep(): ${message}`);
    });

    test('an already aborted signal rejects with its reason at once and sets no timer', async () => {
      const before = s.pending();
      const reason = new Error('already cancelled');
      await expect(s.clock.sleep(10, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(s.pending()).toBe(before);
    });

    test('an abort during the sleep rejects with the reason (an AbortError by default) and clears its timer', async () => {
      const controller = new AbortController();
      const slept = s.clock.sleep(60_000, { signal: controller.signal });
      controller.abort();
      const error = await slept.catch((caught: unknown) => caught);
      expect(error).toBe(controller.signal.reason);
      expect((error as Error).name).toBe('AbortError');
      if (s.virtual) expect(s.pending()).toBe(0);
    });
  });

  describe('timeoutSignal(ms)', () => {
    test('aborts with a TimeoutError (a DOMException, as AbortSignal.timeout) once ms have passed, not before', async () => {
      const signal = s.clock.timeoutSignal(20);
      expect(signal.aborted).toBe(false);
      if (s.virtual) {
        await s.pass(19);
        expect(signal.aborted).toBe(false);
      }
      const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      await s.pass(1);
      await within(aborted, 'the timeout signal');
      expect(signal.reason).toBeInstanceOf(DOMException);
      expect((signal.reason as DOMException).name).toBe('TimeoutError');
      expect((signal.reason as DOMException).message).toBe('The operation was aborted due to timeout');
    });

    test('0 is due in 1 ms as in Node (after a 1 ms timer created before it, before a 2 ms one); due now on a virtual clock', async () => {
      const r = recorder();
      const end = r.last('2 ms');
      s.clock.setTimeout(r.mark('1 ms, created first'), 1);
      const { timeoutSignal } = s.clock;
      timeoutSignal(0).addEventListener('abort', r.mark('signal'), { once: true });
      s.clock.setTimeout(end.fire, 2);
      await s.pass(2);
      await within(end.fired, 'the 2 ms timer');
      expect(r.seen).toEqual(
        s.virtual ? ['signal', '1 ms, created first', '2 ms'] : ['1 ms, created first', 'signal', '2 ms'],
      );
    });

    test.each([
      ['a string', '10', '"10"'],
      ['undefined', undefined, 'undefined'],
      ['null', null, 'null'],
      ['a bigint', 10n, '10n'],
    ])('refuses %s with a TypeError (ERR_INVALID_ARG_TYPE), as AbortSignal.timeout does', (_, ms, shown) => {
      const before = s.pending();
      const error = errorThrown(() => s.clock.timeoutSignal(ms as never));
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({
        code: 'ERR_INVALID_ARG_TYPE',
        message: `${s.name}.timeoutSignal(): \`ms\` must be a number of milliseconds (an integer from 0 to 2^32 - 1, as AbortSignal.timeout takes), got ${shown}.`,
      });
      // Node's own error (by name: under Jest it comes from another realm).
      expect(errorThrown(() => AbortSignal.timeout(ms as never))).toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
      });
      expect(s.pending()).toBe(before);
    });

    test.each([
      ['a negative number', -1],
      ['a fraction', 1.5],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['2^32', 2 ** 32],
    ])('refuses %s with a RangeError (ERR_OUT_OF_RANGE), as AbortSignal.timeout does', (_, ms) => {
      const error = errorThrown(() => s.clock.timeoutSignal(ms));
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({
        code: 'ERR_OUT_OF_RANGE',
        message: `${s.name}.timeoutSignal(): \`ms\` must be an integer from 0 to 2^32 - 1 (as AbortSignal.timeout takes), got ${String(ms)}.`,
      });
      expect(errorThrown(() => AbortSignal.timeout(ms))).toMatchObject({
        name: 'RangeError',
        code: 'ERR_OUT_OF_RANGE',
      });
    });
  });
});

describe('clock factories reject misspelt options, naming them with a suggestion', () => {
  test('new TestClock()', () => {
    expect(() => new TestClock({ nwo: 5 } as never)).toThrow(
      new TypeError('new TestClock(): unknown option `nwo`. Did you mean `now`? Known options: `now`, `loopLimit`.'),
    );
    expect(() => new TestClock({ looplimit: 5 } as never)).toThrow('Did you mean `loopLimit`?');
  });

  test('connectClock()', async () => {
    const connected = connectClock('unflake-clock://127.0.0.1:1', { token: 't', nmae: 'x' } as never);
    await expect(connected).rejects.toThrow(TypeError);
    await expect(connected).rejects.toThrow(
      'connectClock(): unknown option `nmae`. Did you mean `name`? Known options: `name`, `token`, `timeout`, `skew`.',
    );
  });
});
