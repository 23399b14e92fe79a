import { TestClock } from '../../clock/index.ts';
import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toEventuallyEqual', () => {
  test('passes once the probe returns an equal value', async () => {
    await expect(flipsAfter(3, { status: 'pending' }, { status: 'done', n: 1 })).toEventuallyEqual(
      { status: 'done', n: 1 },
      { interval: 1 },
    );
  });

  test('passes at once when the value is already equal, with a single probe call', async () => {
    let calls = 0;
    await expect(() => (calls++, [1, 2])).toEventuallyEqual([1, 2]);
    expect(calls).toBe(1);
  });

  test('awaits async probes', async () => {
    const probe = flipsAfter(2, 'a', 'b');
    await expect(async () => probe()).toEventuallyEqual('b', { interval: 1 });
  });

  test('treats a throwing probe as "not yet"', async () => {
    let n = 0;
    await expect(() => {
      if (++n < 3) throw new Error('connection refused');
      return 'up';
    }).toEventuallyEqual('up', { interval: 1 });
  });

  test('fails after the timeout with the diff, attempts and a timeline', async () => {
    const message = await failureOf(
      expect(() => ({ count: 1, tag: 'x' })).toEventuallyEqual({ count: 2, tag: 'x' }, { timeout: 60, interval: 5 }),
    );
    expect(message).toMatch(/toEventuallyEqual/);
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 60 ms\): the condition never held in \d+ attempts\./);
    expect(message).toMatch(/- Expected/);
    expect(message).toMatch(/"count": 2/);
    expect(message).toMatch(/Timeline \(\d+ attempts, 1 distinct observation\):/);
    expect(message).toMatch(/#1-\d+\s+✗ \{ count: 1, tag: 'x' \}\s+×\d+, unchanged for \d+ ms/);
  });

  test('the timeline separates a value that was still changing from one that was stuck', async () => {
    // Virtual time, so the number of attempts does not depend on how punctual real timers are.
    const clock = new TestClock();
    let n = 0;
    const message = await failureOf(
      expect(() => Math.min(++n, 3)).toEventuallyEqual(10, { clock, timeout: 80, interval: 2 }),
    );
    const timeline = message.slice(message.indexOf('Timeline'));
    expect(timeline).toMatch(/#1\s+✗ 1\n/);
    expect(timeline).toMatch(/#2\s+✗ 2\n/);
    expect(timeline).toMatch(/#3-\d+\s+✗ 3\s+×\d+, unchanged for \d+ ms/);
  });

  test('uses the runner’s custom equality testers (asymmetric matchers inside expected)', async () => {
    await expect(() => ({ id: 'a1', at: Date.now() })).toEventuallyEqual({ id: 'a1', at: expect.any(Number) });
  });
});

/** Money compared by amount and currency: `label` (where it was read from) does not count, for the custom tester. */
class Money {
  readonly cents: number;
  readonly currency: string;
  readonly label: string;
  constructor(cents: number, currency: string, label: string) {
    this.cents = cents;
    this.currency = currency;
    this.label = label;
  }
}

// Neither runner can remove a tester once added, and it lasts for the rest of this file. So it is
// inert outside the test that switches it on, and even then answers only for two Money values:
// every other comparison in the file is left to the default equality (undefined).
let moneyTesterOn = false;
function sameMoney(a: unknown, b: unknown): boolean | undefined {
  if (!moneyTesterOn || !(a instanceof Money) || !(b instanceof Money)) return undefined;
  return a.cents === b.cents && a.currency === b.currency;
}
expect.addEqualityTesters([sameMoney]);

describe('custom equality testers (expect.addEqualityTesters)', () => {
  test('toEventuallyEqual and toConsistentlyEqual use them, nested values included', async () => {
    const expected = { order: 'o-1', total: new Money(1_250, 'EUR', 'ledger') };
    moneyTesterOn = true;
    try {
      // Equal only by the tester: the labels differ.
      await expect(
        flipsAfter(
          2,
          { order: 'o-1', total: new Money(900, 'EUR', 'cache') },
          { order: 'o-1', total: new Money(1_250, 'EUR', 'cache') },
        ),
      ).toEventuallyEqual(expected, {
        interval: 1,
      });
      await expect(() => ({ order: 'o-1', total: new Money(1_250, 'EUR', 'replica') })).toConsistentlyEqual(expected, {
        for: 20,
        interval: 5,
      });
      // The tester says "different" too: a changed currency breaks the consistent window at once.
      const broke = await failureOf(
        expect(flipsAfter(1, new Money(1_250, 'EUR', 'a'), new Money(1_250, 'USD', 'a'))).toConsistentlyEqual(
          new Money(1_250, 'EUR', 'b'),
          { for: 5_000, interval: 1 },
        ),
      );
      expect(broke).toMatch(/stopped holding at attempt 2/);
    } finally {
      moneyTesterOn = false;
    }
    // The same assertions without the tester fail, so the tester is what made them pass.
    const eventually = await failureOf(
      expect(() => ({ order: 'o-1', total: new Money(1_250, 'EUR', 'cache') })).toEventuallyEqual(expected, {
        timeout: 20,
        interval: 5,
      }),
    );
    expect(eventually).toMatch(/the condition never held/);
    expect(eventually).toMatch(/- {5}"label": "ledger",\n\+ {5}"label": "cache",/);
    const consistently = await failureOf(
      expect(() => ({ order: 'o-1', total: new Money(1_250, 'EUR', 'replica') })).toConsistentlyEqual(expected, {
        for: 20,
        interval: 5,
      }),
    );
    expect(consistently).toMatch(/stopped holding at attempt 1/);
  });
});

describe('.not.toEventuallyEqual', () => {
  test('passes when the value is never equal within the window', async () => {
    let calls = 0;
    await expect(() => (calls++, 'pending')).not.toEventuallyEqual('failed', { timeout: 40, interval: 5 });
    expect(calls).toBeGreaterThan(1);
  });

  test('fails at the first attempt that is equal, without waiting for the window', async () => {
    const probe = flipsAfter(2, 'pending', 'failed');
    const started = performance.now();
    const message = await failureOf(expect(probe).not.toEventuallyEqual('failed', { timeout: 5_000, interval: 1 }));
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(message).toMatch(/\.not\.toEventuallyEqual/);
    expect(message).toMatch(/It matched at attempt 3 after \d+ ms, but it must never match within 5000 ms/);
    expect(message).toMatch(/Expected: not "failed"/);
  });
});
