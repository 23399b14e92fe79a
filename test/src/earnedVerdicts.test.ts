/**
 * Issue 18, "A pass rests on an observed value" (items 5, 6, 11, 13, 14): each case is a pass the engine gave
 * without having seen a value that earned it, or a report that hid what it saw.
 */
import { AttemptTimeoutError, eventually, retryAfter, settled, stop, type PollError } from '../../src/index.ts';
import { TestClock } from '../../clock/index.ts';
import { errorOf, failureOf } from '../support/failure.ts';
import { runner } from '../support/runner.ts';

const refused = (): never => {
  throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
};

describe('item 5: an "always" window is broken by every attempt it could not check', () => {
  test("toConsistentlyEqual('up') after one 'up' and then HTTP 503 retryAfter fails, naming the retryAfter", async () => {
    const clock = new TestClock();
    let n = 0;
    const message = await failureOf(
      expect(() => (++n === 1 ? 'up' : retryAfter(10, 'HTTP 503'))).toConsistentlyEqual('up', {
        clock,
        for: 300,
        interval: 10,
      }),
    );
    expect(message).toMatch(/at attempt 2 .*retryAfter/);
    expect(message).toMatch(/HTTP 503/);
  });

  test('ignore can name what the window may skip: then the retryAfter is not a break', async () => {
    const clock = new TestClock();
    let n = 0;
    await expect(() => (++n % 2 ? 'up' : retryAfter(10, 'HTTP 503'))).toConsistentlyEqual('up', {
      clock,
      for: 300,
      interval: 10,
      realFloor: 0,
      ignore: (e) => e instanceof Error && e.name === 'RetryAfterError',
    });
    expect(n).toBeGreaterThan(5);
  });

  test('an attempt that hangs through the rest of the window is a break, even after a value', async () => {
    let n = 0;
    const message = await failureOf(
      expect(() => (++n === 1 ? 'up' : new Promise<string>(() => {}))).toConsistentlyEqual('up', {
        for: 60,
        interval: 5,
      }),
    );
    expect(message).toMatch(/did not settle|still running/);
    expect(message).not.toMatch(/^It held/m);
  });
});

describe('item 5: .not.toConsistently… passes only on a value the check rejected', () => {
  const cases: [string, (n: number) => unknown, ((v: unknown) => boolean) | undefined][] = [
    [
      'a ReferenceError in the probe',
      (n) => {
        if (n === 1) throw new ReferenceError('statsu is not defined');
        return 'up';
      },
      undefined,
    ],
    ['one ECONNREFUSED', (n) => (n === 1 ? refused() : 'up'), undefined],
    ['an attempt that never settles', (n) => (n === 1 ? new Promise(() => {}) : 'up'), undefined],
    ['a check that throws a TypeError', () => 'up', (v) => (v as { body: { status: string } }).body.status === 'up'],
  ];
  test.each(cases)('%s is not a pass', async (_, probe, check) => {
    const clock = new TestClock();
    let n = 0;
    const received = expect(() => probe(++n));
    const options = { clock, for: 100, interval: 10, attemptTimeout: 5 };
    const message = await failureOf(
      check ? received.not.toConsistently(check, options) : received.not.toConsistentlyEqual('up', options),
    );
    expect(message).toMatch(/Timed out/);
    expect(n).toBeGreaterThan(2);
  });

  test('an assertion error from the check is "does not hold", so it passes', async () => {
    await expect(() => 'down').not.toConsistently((v) => expect(v).toBe('up'), { for: 100 });
  });
});

describe('item 5: a "never" window counts only judged values', () => {
  test('.not.toEventually with a check that throws a TypeError on every value fails "no value"', async () => {
    const message = await failureOf(
      expect(() => ({})).not.toEventually((v) => (v as { items: unknown[] }).items.length > 0, {
        timeout: 60,
        interval: 5,
      }),
    );
    expect(message).toMatch(/no value was judged: .*the check threw an error that is not an assertion/);
    expect(message).toMatch(/TypeError/);
  });

  test('an attempt that hangs to the end of the window after one value is not a pass', async () => {
    let n = 0;
    const message = await failureOf(
      expect(() => (++n === 1 ? 'once' : new Promise<string>(() => {}))).not.toEventuallyEqual('twice', {
        timeout: 60,
        interval: 5,
      }),
    );
    expect(message).toMatch(/did not settle|still running/);
  });
});

describe('item 6: markers are only what the probe itself threw', () => {
  test('settled() inside a nested eventually() does not pass the outer .not window', async () => {
    const nested = await errorOf<PollError>(eventually(() => settled('inner'), { timeout: 50 }));
    expect(nested.cause).toBeDefined();
    const message = await failureOf(
      expect(() => {
        throw nested;
      }).not.toEventuallyEqual('dup', { timeout: 60, interval: 5 }),
    );
    expect(message).toMatch(/never returned a value/);
  });

  test('retryAfter() inside a nested eventually() is an error of the outer probe, not a pause', async () => {
    const nested = await errorOf<PollError>(eventually(() => retryAfter(10_000, 'HTTP 503'), { timeout: 5 }));
    const clock = new TestClock();
    const seenAt: number[] = [];
    await failureOf(
      eventually(
        () => {
          seenAt.push(clock.monotonic());
          throw new Error('wrapped', { cause: nested });
        },
        { clock, timeout: 50, interval: 10 },
      ),
    );
    expect(seenAt).toEqual([0, 10, 20, 30, 40, 50]);
  });

  test('stop() inside a nested eventually() is not a stop of the outer one; a stop in the own cause chain still is', async () => {
    const nested = await errorOf<PollError>(eventually(() => stop('inner gave up'), { timeout: 50 }));
    const clock = new TestClock();
    let calls = 0;
    await failureOf(eventually(() => (calls++, Promise.reject(nested)), { clock, timeout: 30, interval: 10 }));
    expect(calls).toBe(4);
    const own = await errorOf<PollError>(
      eventually(() => Promise.reject(new Error('outer', { cause: new Error('mid', { cause: nested.cause }) })), {
        timeout: 1_000,
      }),
    );
    expect(own.reason.kind).toBe('stopped');
  });
});

describe('item 11: real time whatever Date has become', () => {
  test('with Date stubbed by a mock, a failing poll still reports its own message', async () => {
    const RealDate = globalThis.Date;
    globalThis.Date = runner.fn(() => new RealDate(0)) as unknown as DateConstructor;
    let message: string;
    try {
      message = await failureOf(
        eventually(
          () => 1,
          (v) => v === 2,
          { timeout: 30, interval: 5 },
        ),
      );
    } finally {
      globalThis.Date = RealDate;
    }
    expect(message).toMatch(/the condition never held/);
    expect(message).not.toMatch(/is not a function/);
  });

  test('with process.hrtime stubbed by a mock, the window is still measured in real time', async () => {
    const realHrtime = process.hrtime;
    process.hrtime = runner.fn(() => [0, 0]) as unknown as typeof process.hrtime;
    let message: string;
    try {
      message = await failureOf(
        eventually(
          () => 1,
          (v) => v === 2,
          { timeout: 30, interval: 5 },
        ),
      );
    } finally {
      process.hrtime = realHrtime;
    }
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 30 ms\): the condition never held/);
  });
});

describe('item 13: notBefore is sampled just before its boundary', () => {
  test('done at 968 ms against notBefore: 1000 fails as too early (the next scheduled attempt was at 1054 ms)', async () => {
    const clock = new TestClock();
    const message = await failureOf(
      expect(() => (clock.monotonic() >= 968 ? 'done' : 'pending')).toEventuallyEqual('done', {
        clock,
        notBefore: 1_000,
        timeout: 5_000,
      }),
    );
    expect(message).toMatch(/held too early: at 99\d/);
  });

  test('when no attempt could see the state just before the boundary, it says so instead of passing', async () => {
    const clock = new TestClock();
    const message = await failureOf(
      expect(() => (clock.monotonic() < 1_100 ? refused() : 'done')).toEventuallyEqual('done', {
        clock,
        notBefore: 1_000,
        timeout: 5_000,
      }),
    );
    expect(message).toMatch(/no attempt could see the state just before 1000 ms/);
    expect(message).toMatch(/notBefore/);
  });

  test('a state that changes after the boundary passes', async () => {
    const clock = new TestClock();
    await expect(() => (clock.monotonic() >= 1_050 ? 'done' : 'pending')).toEventuallyEqual('done', {
      clock,
      notBefore: 1_000,
      timeout: 5_000,
    });
  });
});

describe('item 14: the headline is the last completed observation', () => {
  test('an attempt abandoned at the deadline is a footnote, not the headline', async () => {
    let n = 0;
    const error = await errorOf<PollError>(
      eventually(
        async () => {
          if (++n < 4) return 'pending';
          return new Promise<string>(() => {});
        },
        (v) => v === 'paid',
        { timeout: 80, interval: 5 },
      ),
    );
    expect(error.message).toMatch(/Last value:\n {2}'pending'/);
    expect(error.message).not.toMatch(/Last error:/);
    expect(error.message).toMatch(/attempt 4 was still running at the deadline/);
    expect(error.lastError).not.toBeInstanceOf(AttemptTimeoutError);
  });
});
