/**
 * A check says true or false (issue 18, item 4), and an eventual assertion counts as one assertion
 * (item 8): the same rule for `toEventually(check)`, `toConsistently(check)`, `eventually(probe, check)`
 * and `consistently(probe, check)`, enforced in one place (src/check.ts).
 */
import { consistently, eventually } from '../../src/index.ts';
import { errorOf, failureOf } from '../support/failure.ts';

const returns: Array<[string, unknown, RegExp]> = [
  ['0 (an empty queue’s length)', 0, /returned the number 0\./],
  ['a positive number', 3, /returned the number 3\./],
  ['an empty string', '', /returned a string ""\./],
  ['a string', 'accepted', /returned a string "accepted"\./],
  ['null', null, /returned null\./],
  ['an object', { status: 'accepted' }, /returned an object of type Object\./],
  ['a promise of 1', Promise.resolve(1), /returned the number 1\./],
];

// The checks below return what TypeScript already refuses (see the last case): cast, to prove the run-time rule.
const checkers: Array<[string, (check: (value: unknown) => unknown) => Promise<unknown>]> = [
  ['toEventually', (check) => expect(() => 'v').toEventually(check as never, { timeout: 2_000 })],
  ['.not.toEventually', (check) => expect(() => 'v').not.toEventually(check as never, { timeout: 2_000 })],
  ['toConsistently', (check) => expect(() => 'v').toConsistently(check as never, { for: 2_000 })],
  ['eventually()', (check) => eventually(() => 'v', check as never, { timeout: 2_000 })],
  ['consistently()', (check) => consistently(() => 'v', check as never, { for: 2_000 })],
];

describe.each(checkers)('a check given to %s', (_name, run) => {
  test.each(returns)(
    'that returns %s is a usage error at once, naming what it returned',
    async (_what, value, named) => {
      const started = performance.now();
      const message = await failureOf(run(() => (value instanceof Promise ? value.then((v) => v) : value)));
      expect(message).toMatch(named);
      expect(message).toMatch(/A check returns true or false/);
      // At once: not retried for the 2 s window.
      expect(performance.now() - started).toBeLessThan(1_500);
    },
  );

  test('that returns nothing and asserts nothing (a forgotten `return`) is a usage error at once', async () => {
    const started = performance.now();
    const message = await failureOf(
      run((o) => {
        void (o === 'accepted');
      }),
    );
    expect(message).toMatch(/returned undefined and made no expect\(\) assertion.*did you forget `return`\?/);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  test('that returns nothing after asserting with expect() holds', async () => {
    const outcome = run((v) => {
      expect(typeof v).toBe('string');
    }).then(
      () => 'passed',
      (error: Error) => error.message,
    );
    // "Never holds" fails at the first attempt that holds; every other one passes.
    if (_name === '.not.toEventually') expect(await outcome).toMatch(/It matched at attempt 1/);
    else expect(await outcome).toBe('passed');
  });
});

describe('a check that returns what expect() returns', () => {
  test('`(v) => expect(v).toBe(x)` passes once it holds (Vitest returns an Assertion there)', async () => {
    let n = 0;
    await expect(() => ++n).toEventually((v) => expect(v).toBe(3), { interval: 1 });
  });

  test('an async check that resolves to nothing after asserting passes', async () => {
    await expect(() => 'v').toEventually(async (v) => {
      await Promise.resolve();
      expect(v).toBe('v');
    });
  });
});

test('TypeScript refuses a check that returns a number, a string or null (never called: a compile-time case)', () => {
  const length = (q: number[]): number => q.length;
  const same = (text: string): string => text;
  const nothing = (): null => null;
  const typed = async (): Promise<void> => {
    // @ts-expect-error a length is not a verdict
    await eventually(() => [1], length);
    // @ts-expect-error a string is not a verdict
    await eventually(() => 'a', same);
    // @ts-expect-error null is not a verdict
    await consistently(() => 1, nothing);
  };
  expect(typeof typed).toBe('function');
});

describe('an eventual assertion counts as one assertion', () => {
  test('the check’s own expect() calls, on every attempt, do not reach the test’s count', async () => {
    const before = expect.getState().assertionCalls;
    let n = 0;
    await expect(() => ++n).toEventually(
      (v) => {
        expect(v).toBeGreaterThan(0);
        expect(typeof v).toBe('number');
        expect(v).toBe(4);
      },
      { interval: 1 },
    );
    expect(expect.getState().assertionCalls - before).toBe(1);
  });

  test('nor do a failing check’s, nor a window’s', async () => {
    const before = expect.getState().assertionCalls;
    await errorOf(expect(() => 1).toEventually((v) => expect(v).toBe(2), { timeout: 50, interval: 5 }));
    await expect(() => 1).toConsistently((v) => expect(v).toBe(1), { for: 50 });
    // The two eventual assertions, and nothing from the checks' attempts.
    expect(expect.getState().assertionCalls - before).toBe(2);
  });

  test('eventually() and consistently() add nothing to the count', async () => {
    const before = expect.getState().assertionCalls;
    await eventually(
      () => 1,
      (v) => {
        expect(v).toBe(1);
      },
    );
    await consistently(
      () => 1,
      (v) => expect(v).toBe(1),
      { for: 30 },
    );
    expect(expect.getState().assertionCalls - before).toBe(0);
  });
});
