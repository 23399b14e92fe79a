/** Failure messages are bounded whatever the value's size, and never throw whatever was thrown (SPEC section 0, 1b). */
import { inspect } from 'node:util';
import { stop } from '../../src/errors.ts';
import type { PollResult } from '../../src/poll/PollResult.ts';
import { summarize } from '../../src/poll/timeline.ts';
import { boundPair, boundValue, capText, MESSAGE_CAP, SECTION_CAP, VALUE_LIMITS } from '../../src/report/boundValue.ts';
import { formatError } from '../../src/report/formatError.ts';
import { formatFailure, plainPrinter } from '../../src/report/formatFailure.ts';
import { monotonicNow } from '../../src/time/realTime.ts';
import { failureOf } from '../support/failure.ts';

const MILLION = Array.from({ length: 1_000_000 }, (_, i) => i);
const show = (value: unknown): string =>
  inspect(value, {
    depth: 20,
    compact: true,
    breakLength: Number.POSITIVE_INFINITY,
    maxArrayLength: Number.POSITIVE_INFINITY,
    maxStringLength: Number.POSITIVE_INFINITY,
  });
const revokedProxy = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
/** "in 1.34 s" / "after 250 ms" in the message's ending sentence, in ms. */
const pollDuration = (message: string): number => {
  const [, amount, unit] = /(?:after|in) ([\d.]+) (ms|s)\b/.exec(message) ?? [];
  return Number(amount) * (unit === 's' ? 1000 : 1);
};

describe('a failing toEventuallyEqual on a 1M-item array', () => {
  test('has a message under the cap, with the cut marked and the difference shown, built within 1 s of the poll ending', async () => {
    const expected = [...MILLION];
    expected[999_999] = -1;
    const started = monotonicNow();
    const message = await failureOf(
      expect(() => MILLION).toEventuallyEqual(expected, { timeout: 4_000, maxAttempts: 1 }),
    );
    const total = monotonicNow() - started;
    expect(message.length).toBeLessThan(MESSAGE_CAP);
    expect(message).toContain('… 999 990 more items'); // the timeline's summary
    expect(message).toContain('Cut for printing');
    // The cut keeps the place where the two differ, so the diff still shows it.
    expect(message).toMatch(/-\s+-1,/);
    expect(message).toMatch(/\+\s+999999,/);
    // A generous bound, not a benchmark: before, the runner's diff of the whole arrays took 3.7-5.3 s.
    expect(total - pollDuration(message)).toBeLessThan(1_000);
  });
});

describe('boundValue', () => {
  class Order {
    id = 7;
    toJSON(): never {
      throw new Error('toJSON must not run on a stand-in');
    }
  }
  test.each<[string, unknown]>([
    ['a small object', { a: 1, b: [1, 2, { c: 'x' }], d: new Date(0) }],
    ['a 100-item array', MILLION.slice(0, 100)],
    ['a Map', new Map([[1, { v: 1 }]])],
    ['a class instance', new Order()],
    ['an asymmetric matcher', expect.objectContaining({ a: expect.any(Number) })],
    ['a 10 000-character string', 'x'.repeat(10_000)],
  ])('returns %s that fits as is', (_name, value) => {
    expect(boundValue(value)).toBe(value);
  });

  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 30; i++) cursor = cursor.next = {};
  test.each<[string, unknown, RegExp]>([
    ['an array to 100 items and a marker', MILLION, /^\[ 0, 1, .*, 99, … 999 900 more items \]$/],
    ['a string to 10 000 characters and a marker', 'y'.repeat(50_000), /^'y{10000} … \[40 000 more characters\]'$/],
    [
      'an object to 100 keys and a marker key',
      Object.fromEntries(MILLION.slice(0, 150).map((i) => [`k${i}`, i])),
      /k99: 99, '…': 50 more keys \}$/,
    ],
    [
      'a Map to 100 entries and a marker entry',
      new Map(MILLION.slice(0, 500).map((i) => [i, i])),
      /^Map\(101\) \{ 0 => 0, .* 99 => 99, … 400 more entries => … \}$/,
    ],
    ['a Set to 100 items and a marker', new Set(MILLION.slice(0, 500)), /99, … 400 more items \}$/],
    ['a typed array to a labelled array', new Uint8Array(5_000), /^Uint8Array\(101\) \[ 0, .* … 4 900 more items \]$/],
    ['nesting below 10 levels to a marker', deep, /(\{ next: ){10}\[Object\]/],
    [
      'a value past 2 000 values in all',
      Array.from({ length: 100 }, () => MILLION.slice(0, 100)),
      /… \d+ more items \(size limit\)/,
    ],
  ])('cuts %s', (_name, value, shape) => {
    expect(show(boundValue(value))).toMatch(shape);
  });

  test('never calls a getter, and shows it as [Getter]', () => {
    let calls = 0;
    const value = {
      items: MILLION,
      get boom(): never {
        calls++;
        throw new Error('getter ran');
      },
    };
    expect(show(boundValue(value))).toMatch(/boom: \[Getter\]/);
    expect(calls).toBe(0);
  });

  test('keeps a cycle a cycle, through the stand-in', () => {
    const value: Record<string, unknown> = { list: MILLION };
    value.self = value;
    const bounded = boundValue(value);
    expect(bounded).not.toBe(value);
    expect(bounded.self).toBe(bounded);
  });

  test('keeps the class name of a cut instance without running its methods', () => {
    const order = Object.assign(new Order(), { lines: MILLION });
    const bounded = boundValue(order);
    expect(show(bounded)).toMatch(/^Order \{ id: 7, lines: \[ 0, 1,/);
    expect(bounded).not.toBeInstanceOf(Order);
  });

  test('keeps an asymmetric matcher a matcher of the same kind, its sample cut', () => {
    const matcher = expect.arrayContaining(MILLION);
    const bounded = boundValue(matcher) as unknown as { sample: unknown[] };
    expect(Object.getPrototypeOf(bounded)).toBe(Object.getPrototypeOf(matcher));
    expect(bounded.sample).toHaveLength(VALUE_LIMITS.items + 1);
  });

  test('shows a revoked Proxy as unprintable instead of throwing', () => {
    expect(show(boundValue({ inner: revokedProxy() }))).toMatch(/inner: \[unprintable value: TypeError: .*revoked/);
  });

  test('boundPair keeps the window on the first difference, in arrays and strings', () => {
    const changed = [...MILLION];
    changed[700_000] = -1;
    const [want, got] = boundPair(changed, MILLION);
    expect(show(want)).toMatch(/… \d[\d ]* more items …, .*-1, /);
    expect(show(got)).toMatch(/… \d[\d ]* more items …, .*700000, /);
    const [a, b] = boundPair(`${'a'.repeat(100_000)}B`, `${'a'.repeat(100_000)}C`);
    expect(a.endsWith('B')).toBe(true);
    expect(b.endsWith('C')).toBe(true);
  });
});

describe('capText', () => {
  test.each<[string, string, number, RegExp]>([
    ['keeps a short text', 'short', 100, /^short$/],
    [
      'cuts at a line end and says how much was left out',
      'line\n'.repeat(10_000),
      1_000,
      /line\n… \[cut: message over 1 000 characters; \d[\d ]* more left out\]$/,
    ],
    ['never splits a surrogate pair', '😀'.repeat(1_000), 500, /^(😀)+\n… \[cut:/u],
    ['resets a colour it cut inside of', `\u001b[31m${'r'.repeat(2_000)}`, 500, /r\u001b\[0m\n… \[cut:/],
  ])('%s', (_name, text, max, shape) => {
    const capped = capText(text, max);
    expect(capped).toMatch(shape);
    expect(capped.length).toBeLessThanOrEqual(max);
  });
});

describe('timeline summaries', () => {
  test.each<[string, 'value' | 'error', unknown]>([
    ['a 1M-character string', 'value', 'z'.repeat(1_000_000)],
    ['an object with 200 000 keys', 'value', Object.fromEntries(MILLION.slice(0, 200_000).map((i) => [i, i]))],
    ['an error with a 1 MB message', 'error', new Error('m'.repeat(1_000_000))],
    ['a revoked Proxy', 'error', revokedProxy()],
    [
      'an error whose message getter throws',
      'error',
      Object.defineProperty(new Error('x'), 'message', {
        get: () => {
          throw new Error('no');
        },
      }),
    ],
  ])('stay one short line for %s, and never throw', (_name, kind, observed) => {
    const line = summarize(kind, observed);
    expect(line.length).toBeLessThanOrEqual(200);
    expect(line).not.toContain('\n');
  });
});

describe('the message and context options', () => {
  test('a throwing `message` adds to the failure instead of replacing it', async () => {
    const message = await failureOf(
      expect(() => 1).toEventuallyEqual(2, {
        timeout: 30,
        interval: 5,
        message: () => {
          throw new Error('boom in message()');
        },
      }),
    );
    expect(message).toMatch(/`message\(\)` threw, so the description is missing:\n\s+Error: boom in message\(\)/);
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 30 ms\)/);
    // The value and its diff are still there (Vitest diffs two numbers, Jest prints them).
    expect(message).toMatch(/- 2\n\+ 1|Expected: 2\n\s+Received: 1/);
  });

  test('a `message` that returns no string is said so', async () => {
    const message = await failureOf(
      expect(() => 1).toEventuallyEqual(2, {
        timeout: 20,
        interval: 5,
        message: (() => 42) as unknown as () => string,
      }),
    );
    expect(message).toContain('`message()` returned 42 instead of a string.');
    expect(message).toMatch(/Timed out after/);
  });

  test('a `context` that throws an error whose getters throw adds to the failure', async () => {
    const hostile = Object.defineProperty(new Error('x'), 'message', {
      get: () => {
        throw new Error('message getter');
      },
    });
    const message = await failureOf(
      expect(() => 1).toEventuallyEqual(2, {
        timeout: 20,
        interval: 5,
        context: () => {
          throw hostile;
        },
      }),
    );
    expect(message).toMatch(
      /Context: `context\(\)` threw, so its evidence is missing:\n\s+Error: \[reading `message` threw Error: message getter\]/,
    );
    expect(message).toMatch(/Timed out after/);
  });

  test('`throw undefined` in `context` reads as a throw, not as a context of undefined', async () => {
    const message = await failureOf(
      expect(() => 1).toEventuallyEqual(2, {
        timeout: 20,
        interval: 5,
        context: () => {
          throw undefined;
        },
      }),
    );
    expect(message).toMatch(/`context\(\)` threw, so its evidence is missing:\n\s+thrown value: undefined/);
  });

  test('a huge `context` value is cut like any value', async () => {
    const wide = Object.fromEntries(MILLION.slice(0, 200_000).map((i) => [`key${i}`, i]));
    const message = await failureOf(
      expect(() => 1).toEventuallyEqual(2, { timeout: 20, interval: 5, context: () => wide }),
    );
    expect(message.length).toBeLessThan(SECTION_CAP);
    expect(message).toContain("'…': 199 900 more keys");
  });
});

describe('exotic thrown values', () => {
  const cyclic = new Error('first');
  const second = new Error('second', { cause: cyclic });
  (cyclic as { cause?: unknown }).cause = second;
  const throwingName = Object.defineProperty(new Error('kept'), 'name', {
    get: () => {
      throw new Error('name getter');
    },
  });
  test.each<[string, () => unknown, RegExp]>([
    [
      'an error whose name getter throws',
      () => throwingName,
      /Last error:\n\s+\[reading `name` threw Error: name getter\]: kept/,
    ],
    [
      'an object whose toString throws',
      () => ({
        toString: () => {
          throw new Error('toString');
        },
      }),
      /Last error:\n\s+thrown value: \{ toString: \[Function: toString\] \}/,
    ],
    ['a Symbol', () => Symbol('boom'), /Last error:\n\s+thrown value: Symbol\(boom\)/],
    ['a revoked Proxy', revokedProxy, /Last error:\n\s+thrown value: \[unprintable value: TypeError: .*revoked/],
    ['null', () => null, /Last error:\n\s+thrown value: null/],
    [
      'an error whose causes form a cycle',
      () => cyclic,
      /Error: first\n[\s\S]*Caused by: Error: second\n[\s\S]*Caused by: \[an error already shown above: the causes form a cycle\]/,
    ],
  ])('%s: the report says what was thrown and never throws itself', async (_name, thrown, shape) => {
    const message = await failureOf(
      expect(() => {
        throw thrown();
      }).toEventuallyEqual(1, { timeout: 20, interval: 5 }),
    );
    expect(message).toMatch(shape);
    expect(message).toMatch(/Timeline \(\d+ attempts?/);
  });

  test('formatError prints at most 3 causes', () => {
    let error = new Error('level 0');
    for (let i = 1; i <= 6; i++) error = new Error(`level ${i}`, { cause: error });
    const text = formatError(error);
    expect(text).toMatch(
      /Error: level 6[\s\S]*Caused by: Error: level 5[\s\S]*Caused by: Error: level 4[\s\S]*Caused by: Error: level 3[\s\S]*… \(further causes not shown\)/,
    );
    expect(text).not.toContain('level 2');
  });
});

describe('stop(reason, { cause })', () => {
  test('the failure prints the cause, its first lines and its user frames', async () => {
    const message = await failureOf(
      expect(() => {
        stop('the order was cancelled', { cause: new Error('HTTP 409 from /orders/42\nbody: {"state":"cancelled"}') });
      }).toEventuallyEqual('paid', { timeout: 1_000 }),
    );
    expect(message).toMatch(/Stopped by stop\(\) at attempt 1/);
    expect(message).toMatch(
      /StopError: the order was cancelled\n[\s\S]*Caused by: Error: HTTP 409 from \/orders\/42\n\s+body: \{"state":"cancelled"\}\n\s+at .*boundedMessages\.test\.ts/,
    );
  });
});

describe('the last value, when the last attempt threw', () => {
  const result = (extra: Record<string, unknown>): PollResult =>
    ({
      passed: false,
      reason: { kind: 'timeout', limit: 'window', window: 100, windowName: 'timeout' },
      attempts: 3,
      elapsed: 100,
      virtual: false,
      window: 100,
      windowName: 'timeout',
      timeline: [
        {
          firstAt: 0,
          lastAt: 40,
          firstAttempt: 1,
          lastAttempt: 2,
          count: 2,
          kind: 'value',
          summary: "{ status: 'pending' }",
          held: false,
        },
        {
          firstAt: 90,
          lastAt: 90,
          firstAttempt: 3,
          lastAttempt: 3,
          count: 1,
          kind: 'error',
          summary: 'Error: ECONNRESET',
          held: false,
        },
      ],
      droppedEntries: 0,
      hasValue: true,
      lastValue: { status: 'pending' },
      lastError: new Error('ECONNRESET'),
      lastValueError: undefined,
      value: { status: 'pending' },
      inFlightAtEnd: false,
      ...extra,
    }) as PollResult;
  /** Two values, then only errors: the last attempt threw after earlier ones returned. */
  const valuesThenErrors = (): (() => { status: string }) => {
    let calls = 0;
    return () => {
      if (++calls > 2) throw new Error('ECONNRESET');
      return { status: 'pending' };
    };
  };

  test('says the check returned false, end to end', async () => {
    const message = await failureOf(
      expect(valuesThenErrors()).toEventually((order: { status: string }) => order.status === 'paid', {
        timeout: 40,
        interval: 5,
      }),
    );
    expect(message).toMatch(/Last error:\n\s+Error: ECONNRESET/);
    expect(message).toMatch(
      /the last one \(attempt 2\) was:[\s\S]*pending[\s\S]*\n\nThe check rejected it: the check returned false\./,
    );
  });

  test('says what the check threw, end to end', async () => {
    const message = await failureOf(
      expect(valuesThenErrors()).toEventually((order: { status: string }) => expect(order.status).toBe('paid'), {
        timeout: 40,
        interval: 5,
      }),
    );
    // Jest: "Error: expect(received).toBe(expected)"; Vitest: "AssertionError: expected 'pending' to be 'paid'".
    expect(message).toMatch(/The check rejected it by throwing:\n\s+\w*Error: [^\n]*(?:toBe\(expected\)|to be 'paid')/);
  });

  const message = (extra: Record<string, unknown>, expected?: unknown): string =>
    formatFailure({
      hint: 'eventually(probe, check)',
      goal: 'eventually',
      result: result(extra),
      printer: plainPrinter,
      ...(expected === undefined ? {} : { expected: { value: expected, negated: false } }),
    });

  test.each<[string, Record<string, unknown>, unknown, RegExp]>([
    [
      'the check returned false',
      { lastValueError: undefined },
      undefined,
      /the last one \(attempt 2\) was:\n\s+\{ status: 'pending' \}\n\nThe check rejected it: the check returned false\./,
    ],
    [
      'the check threw',
      { lastValueError: new Error("expected 'pending' to be 'paid'") },
      undefined,
      /The check rejected it by throwing:\n\s+Error: expected 'pending' to be 'paid'/,
    ],
    [
      'it did not match the expected value',
      { lastValueError: undefined },
      { status: 'paid' },
      /Expected: \{ status: 'paid' \}\n\s+Received: \{ status: 'pending' \}\n\nThe check rejected it: it did not match the expected value\./,
    ],
  ])('says why the check rejected it: %s', (_name, extra, expected, shape) => {
    const text = message(extra, expected);
    expect(text).toMatch(/Last error:\n\s+Error: ECONNRESET/);
    expect(text).toMatch(shape);
  });
});
