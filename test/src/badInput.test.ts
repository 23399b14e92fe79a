import { configure, consistently, eventually } from '../../src/index.ts';

describe('bad input gets a TypeError naming the argument', () => {
  test.each([
    ['a number', 42, /expected a probe function .* but received number 42\. Wrap what you want polled in a function/],
    ['a promise', Promise.resolve(1), /received a Promise\. A promise settles once and cannot be polled/],
    ['null', null, /but received null/],
    ['an object', { a: 1 }, /but received an object/],
  ])('a probe that is %s', async (_, probe, pattern) => {
    await expect(eventually(probe as never)).rejects.toThrow(TypeError);
    await expect(eventually(probe as never)).rejects.toThrow(pattern);
    await expect(async () => expect(probe).toEventuallyEqual(1)).rejects.toThrow(pattern);
  });

  test.each([
    ['negative', -1, /`timeout` must be a finite number of milliseconds >= 0, got -1/],
    ['NaN', Number.NaN, /`timeout` must be a finite number of milliseconds >= 0, got NaN/],
    ['Infinity without a signal', Number.POSITIVE_INFINITY, /`timeout: Infinity` needs a `signal` to end the wait/],
    ['a string', '100', /`timeout` must be a finite number of milliseconds >= 0, got "100"/],
  ])('a timeout that is %s', async (_, timeout, pattern) => {
    await expect(eventually(() => 1, { timeout: timeout as never })).rejects.toThrow(pattern);
    await expect(async () => expect(() => 1).toEventuallyEqual(1, { timeout: timeout as never })).rejects.toThrow(
      pattern,
    );
  });

  test('an unknown option, with a suggestion', async () => {
    await expect(async () => expect(() => 1).toEventuallyEqual(1, { timeot: 10 } as never)).rejects.toThrow(
      /\.toEventuallyEqual\(\): unknown option `timeot`\. Did you mean `timeout`\?/,
    );
    await expect(eventually(() => 1, { retries: 3 } as never)).rejects.toThrow(
      /unknown option `retries`\. Known options: /,
    );
  });

  test('`for` on an eventual matcher points to the consistently matchers and stableFor', async () => {
    await expect(async () => expect(() => 1).toEventuallyEqual(1, { for: 100 } as never)).rejects.toThrow(
      /`for` is an option of the consistently assertions .* `stableFor`/,
    );
  });

  test('options of the other kind on a consistently assertion', async () => {
    await expect(
      consistently(
        () => 1,
        () => true,
        { stableFor: 10 } as never,
      ),
    ).rejects.toThrow(/`stableFor` is an option of the eventual assertions/);
  });

  test('conflicting options', async () => {
    await expect(eventually(() => 1, { timeout: 100, stableFor: 200 })).rejects.toThrow(
      /`stableFor` \(200 ms\) must be shorter than `timeout` \(100 ms\)/,
    );
    await expect(eventually(() => 1, { timeout: 100, notBefore: 100 })).rejects.toThrow(
      /`notBefore` \(100 ms\) must be shorter than `timeout`/,
    );
    await expect(eventually(() => 1, { passes: 5, maxAttempts: 3 })).rejects.toThrow(
      /`passes` \(5\) cannot be reached within `maxAttempts` \(3\)/,
    );
  });

  test.each([
    [{ maxAttempts: 0 }, /`maxAttempts` must be a whole number >= 1, got 0/],
    [{ passes: 1.5 }, /`passes` must be a whole number >= 1, got 1\.5/],
    [{ attemptTimeout: 0 }, /`attemptTimeout` must be a finite number of milliseconds > 0, got 0/],
    [{ interval: [] }, /`interval` as a list needs at least one pause/],
    [{ interval: [5, -1] }, /`interval\[1\]` must be a finite number/],
    [{ interval: { factor: 2 } }, /`interval.initial` is required/],
    [{ interval: { initial: 10, max: 5 } }, /`interval.max` \(5\) must not be less than `interval.initial` \(10\)/],
    [{ interval: { initial: 10, jitter: 2 } }, /`interval.jitter` must be a fraction between 0 and 1, got 2/],
    [
      { interval: 'fast' },
      /`interval` must be a number of ms, a list of them, or \{ initial, factor, max, jitter \}, got "fast"/,
    ],
    [{ failWhen: 'failed' }, /`failWhen` must be a function \(value\) => string \| false, got "failed"/],
    [{ ignore: true }, /`ignore` must be a function \(error\) => boolean, got true/],
    [{ signal: {} }, /`signal` must be an AbortSignal, got an object/],
    [{ wakeOn: 'change' }, /`wakeOn` must be \[emitter, eventName\] .* got "change"/],
    [{ message: 42 }, /`message` must be a string or a function returning one, got 42/],
  ])('%o', async (options, pattern) => {
    await expect(eventually(() => 1, options as never)).rejects.toThrow(TypeError);
    await expect(eventually(() => 1, options as never)).rejects.toThrow(pattern);
  });

  test('options that are not an object', async () => {
    await expect(
      eventually(
        () => 1,
        () => true,
        5 as never,
      ),
    ).rejects.toThrow(/options must be an object, got 5/);
  });
});

describe('configure()', () => {
  test('sets defaults for later assertions and returns a restore function', async () => {
    const restore = configure({ timeout: 25, interval: 5 });
    try {
      const started = performance.now();
      await expect(eventually(() => false)).rejects.toThrow(/timeout: 25 ms/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      restore();
    }
    await expect(eventually(() => false, { maxAttempts: 1 })).rejects.toThrow(/maxAttempts: 1/);
  });

  test('per-call options win over configured defaults', async () => {
    const restore = configure({ timeout: 10_000 });
    try {
      await expect(eventually(() => false, { timeout: 20 })).rejects.toThrow(/timeout: 20 ms/);
    } finally {
      restore();
    }
  });

  test('rejects per-assertion options and bad values', () => {
    expect(() => configure({ signal: AbortSignal.abort() } as never)).toThrow(/configure\(\): unknown option `signal`/);
    expect(() => configure({ timeout: -5 })).toThrow(/configure\(\): `timeout` must be a finite number/);
  });
});
