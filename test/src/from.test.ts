/**
 * "It must change first" (`from`): the pure decisions as tables (src/poll/decide.ts, src/poll/from.ts), a
 * property against a reference model over generated attempt sequences, and the option checks.
 */
import fc from 'fast-check';
import type { Observation } from '../../src/poll/attempt.ts';
import { decide, endOfWindow, NO_STREAK, type Rules, type Streak, type WindowEnd } from '../../src/poll/decide.ts';
import { fromRule } from '../../src/poll/from.ts';
import { normalizeOptions, validateConfigurable } from '../../src/options/normalizeOptions.ts';

const rules = (from: unknown, extra: Partial<Rules> = {}): Rules => ({
  goal: 'eventually',
  stableFor: 0,
  passes: 1,
  notBefore: undefined,
  ignore: undefined,
  from: fromRule(from),
  ...extra,
});
const value = (v: number, held: boolean): Observation<number> => ({ kind: 'value', value: v, held });
const timeout = { kind: 'timeout', limit: 'window', window: 1000, windowName: 'timeout' } as const;

/** Runs a sequence of (value, held) through decide; then the window's end if nothing ended it. */
function run(seq: Array<[number, boolean]>, r: Rules): string {
  let streak: Streak = NO_STREAK;
  for (const [i, [v, held]] of seq.entries()) {
    const d = decide(value(v, held), streak, r, { attempt: i + 1, startedAt: i, at: i, now: i });
    if (d.end) return d.passed ? `pass@${i + 1}` : `fail:${d.reason.kind}`;
    streak = d.streak;
  }
  const end: WindowEnd = {
    ...r,
    cutByTest: false,
    byAttempts: false,
    sawValue: true,
    streak,
    now: seq.length,
    timeout,
    maxAttempts: undefined,
  };
  const { passed, reason } = endOfWindow(end);
  return passed ? 'pass@end' : `fail:${reason.kind}${'attempt' in reason ? `@${reason.attempt}` : ''}`;
}

describe('from: decisions', () => {
  // Values: the count the probe returned; held: whether the condition (count === 5) held.
  test.each([
    [
      'seen in the starting state, then held: passes at the hold',
      [
        [0, false],
        [5, true],
      ],
      'pass@2',
    ],
    [
      'held from the first attempt, never in the starting state: fails saying why',
      [
        [5, true],
        [5, true],
      ],
      'fail:held-before-from@1',
    ],
    [
      'held, then the starting state, then held again: the later hold passes',
      [
        [5, true],
        [0, false],
        [3, false],
        [5, true],
      ],
      'pass@4',
    ],
    [
      'an intermediate value is not the starting state: it arms nothing',
      [
        [3, false],
        [5, true],
      ],
      'fail:held-before-from@2',
    ],
    [
      'the starting state and never a hold: a plain timeout',
      [
        [0, false],
        [0, false],
      ],
      'fail:timeout',
    ],
    [
      'neither: a plain timeout',
      [
        [3, false],
        [4, false],
      ],
      'fail:timeout',
    ],
  ] as Array<[string, Array<[number, boolean]>, string]>)('%s', (_, seq, expected) => {
    expect(run(seq, rules(0))).toBe(expected);
  });

  test('a check or an asymmetric matcher as the starting state; one value both starting and holding does not pass itself', () => {
    expect(
      run(
        [
          [1, false],
          [5, true],
        ],
        rules((n: number) => n < 5),
      ),
    ).toBe('pass@2');
    expect(
      run(
        [
          [5, true],
          [5, true],
        ],
        rules((n: number) => n < 5),
      ),
    ).toBe('fail:held-before-from@1');
    expect(
      run(
        [
          [2, false],
          [5, true],
        ],
        rules({ asymmetricMatch: (n: unknown) => n === 2 }),
      ),
    ).toBe('pass@2');
    expect(
      run(
        [
          [5, true],
          [5, true],
        ],
        rules(5),
      ),
    ).toBe('pass@2');
    expect(run([[5, true]], rules(5))).toBe('fail:held-before-from@1');
  });

  test('deep strict equality for a value; `from: undefined` is the value undefined', () => {
    expect(fromRule({ a: [1] }).matches({ a: [1] })).toBe(true);
    expect(fromRule({ a: [1] }).matches({ a: ['1'] })).toBe(false);
    expect(fromRule(undefined).matches(undefined)).toBe(true);
    expect(fromRule(undefined).matches(null)).toBe(false);
  });

  test('a check that throws or returns a non-boolean ends the wait as a usage error, at once', () => {
    const throwing = rules(() => {
      throw new Error('boom');
    });
    expect(run([[0, false]], throwing)).toBe('fail:misuse');
    expect(
      run(
        [[0, false]],
        rules(() => 'yes'),
      ),
    ).toBe('fail:misuse');
    expect(() => fromRule(() => Promise.resolve(true)).matches(0)).toThrow(
      /from: the check must return true .* synchronously, but returned Promise/,
    );
  });

  test('stableFor and passes count only holds after the starting state', () => {
    const r = rules(0, { passes: 2 });
    expect(
      run(
        [
          [0, false],
          [5, true],
          [5, true],
        ],
        r,
      ),
    ).toBe('pass@3');
    expect(
      run(
        [
          [5, true],
          [0, false],
          [5, true],
        ],
        r,
      ),
    ).toBe('fail:unstable');
  });

  test('property: passes exactly when a hold comes after an earlier starting-state attempt (reference model)', () => {
    const model = (seq: Array<[number, boolean]>): string => {
      let armed = false;
      let heldEarly: number | undefined;
      for (const [i, [v, held]] of seq.entries()) {
        if (armed && held) return `pass@${i + 1}`;
        if (!armed && held) heldEarly ??= i + 1;
        if (v === 0) armed = true;
      }
      return heldEarly !== undefined ? `fail:held-before-from@${heldEarly}` : 'fail:timeout';
    };
    let cases = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 12 }), (values) => {
        cases++;
        const seq = values.map((v): [number, boolean] => [v, v === 5]);
        expect(run(seq, rules(0))).toBe(model(seq));
      }),
      { numRuns: 500 },
    );
    expect(cases).toBeGreaterThanOrEqual(500);
  });

  test('without `from`, nothing changes: the first hold passes (mutation: the same sequences with from absent)', () => {
    const plain: Rules = { goal: 'eventually', stableFor: 0, passes: 1, notBefore: undefined, ignore: undefined };
    expect(run([[5, true]], plain)).toBe('pass@1');
    expect(run([[5, true]], rules(0))).toBe('fail:held-before-from@1');
  });
});

describe('from: options', () => {
  test('accepted by the eventual assertions (even as undefined); a TypeError elsewhere, with "Did you mean"', () => {
    expect(normalizeOptions('eventually()', 'eventually', { from: 0 }, 'eventually').from?.describe).toBe('0');
    expect(normalizeOptions('eventually()', 'eventually', { from: undefined }, 'eventually').from).toBeDefined();
    expect(normalizeOptions('eventually()', 'eventually', {}, 'eventually').from).toBeUndefined();
    expect(() => normalizeOptions('toEventuallyEqual()', 'eventually', { form: 0 }, 'eventually')).toThrow(
      /unknown option `form`. Did you mean `from`\?/,
    );
    expect(() => normalizeOptions('toEventuallyEqual()', 'eventually', { from: 0 }, 'never')).toThrow(
      'toEventuallyEqual(): `from` applies to a wait for a change (toEventually*, eventually()); a .not.toEventually… ("never") assertion already fails on any hold in its window.',
    );
    expect(() => normalizeOptions('toConsistently()', 'consistently', { from: 0 }, 'always')).toThrow(
      /`from` is an option of the eventual assertions/,
    );
  });

  test('warnInstantPass: configure() takes true, false or a function', () => {
    expect(() => validateConfigurable({ warnInstantPass: true })).not.toThrow();
    expect(() => validateConfigurable({ warnInstantPass: (line: string) => line })).not.toThrow();
    expect(() => validateConfigurable({ warnInstantPass: 'yes' })).toThrow(
      'configure(): `warnInstantPass` must be true, false or a function (line: string) => void, got "yes".',
    );
    expect(() => validateConfigurable({ warnInstantPas: true })).toThrow(/Did you mean `warnInstantPass`\?/);
  });
});
