/** The engine's decisions as tables: no timers, no clocks (src/poll/decide.ts, src/poll/deadline.ts). */
import { AttemptTimeoutError, RetryAfterError, SettledError, StopError, usageError } from '../../src/errors.ts';
import { brand } from '../../src/runtime/brand.ts';
import type { Observation } from '../../src/poll/attempt.ts';
import { decide, endOfWindow, NO_STREAK, type Rules, type Streak } from '../../src/poll/decide.ts';
import { planPause, watchedToEnd } from '../../src/poll/deadline.ts';
import type { Goal } from '../../src/poll/goal.ts';

const rules = (goal: Goal, extra: Partial<Rules> = {}): Rules => ({
  goal,
  stableFor: 0,
  passes: 1,
  notBefore: undefined,
  ignore: undefined,
  ...extra,
});
const moment = { attempt: 3, startedAt: 100, at: 100, now: 101 };
const value = (held: boolean): Observation<string> => ({ kind: 'value', value: 'v', held });
const error = (e: unknown): Observation<string> => ({ kind: 'error', error: e, held: false });
const unsettled: Observation<string> = {
  kind: 'unsettled',
  cause: 'attempt-timeout',
  error: new AttemptTimeoutError('x'),
  held: false,
};
// A StopError from another copy of the library (another entry point or module format) carries only the brand.
const foreignStop = Object.assign(Object.create(Error.prototype), {
  reason: 'from the CJS copy',
  [Symbol.for('unflake.brand.stop')]: true,
});

const endKind = (d: ReturnType<typeof decide>): string =>
  d.end ? `${d.passed ? 'pass' : 'fail'}:${d.reason.kind}` : 'continue';

describe('decide', () => {
  test.each([
    ['eventually', value(true), 'pass:passed'],
    ['eventually', value(false), 'continue'],
    ['eventually', error(new Error('ECONNREFUSED')), 'continue'],
    ['eventually', unsettled, 'continue'],
    ['never', value(true), 'fail:matched'],
    ['never', value(false), 'continue'],
    ['never', error(new Error('ECONNREFUSED')), 'continue'],
    ['always', value(true), 'continue'],
    ['always', value(false), 'fail:stopped-holding'],
    ['always', error(new Error('boom')), 'fail:stopped-holding'],
    ['eventually-fails', value(false), 'pass:passed'],
    ['eventually-fails', value(true), 'continue'],
  ] as [Goal, Observation<string>, string][])('%s with %j: %s', (goal, observation, expected) => {
    expect(endKind(decide(observation, NO_STREAK, rules(goal), moment))).toBe(expected);
  });

  test.each([
    ['a StopError', new StopError('cancelled'), 'fail:stopped'],
    ['a StopError of another copy of the library (brand only)', foreignStop, 'fail:stopped'],
    [
      'a StopError deep in a cause chain',
      new Error('wrapped', { cause: new Error('again', { cause: new StopError('deep') }) }),
      'fail:stopped',
    ],
    ['a usage error of unflake itself', usageError('stop()', 'bad'), 'fail:misuse'],
    ['an ordinary error', new Error('not yet'), 'continue'],
  ] as [string, unknown, string][])('a probe that throws %s: %s', (_, thrown, expected) => {
    for (const goal of ['eventually', 'never'] as Goal[])
      expect(endKind(decide(error(thrown), NO_STREAK, rules(goal), moment))).toBe(expected);
  });

  test('a check that throws stop() stops, with the reason and the cause', () => {
    const cause = new Error('root');
    const d = decide(
      { kind: 'value', value: 1, held: false, checkError: new StopError('gone', { cause }) },
      NO_STREAK,
      rules('eventually'),
      moment,
    );
    expect(d).toEqual({ end: true, passed: false, reason: { kind: 'stopped', reason: 'gone', cause } });
  });

  test('ignore decides which errors are "not yet"; an ignore that throws refuses', () => {
    expect(
      endKind(decide(error(new Error('x')), NO_STREAK, rules('eventually', { ignore: () => false }), moment)),
    ).toBe('fail:not-ignorable');
    expect(
      endKind(
        decide(
          error(new Error('x')),
          NO_STREAK,
          rules('eventually', {
            ignore: () => {
              throw new Error('oops');
            },
          }),
          moment,
        ),
      ),
    ).toBe('fail:not-ignorable');
    expect(endKind(decide(error(new Error('x')), NO_STREAK, rules('eventually', { ignore: () => true }), moment))).toBe(
      'continue',
    );
  });

  test('failWhen ends at once, for every goal', () => {
    for (const goal of ['eventually', 'never', 'always', 'eventually-fails'] as Goal[]) {
      expect(
        endKind(
          decide({ kind: 'value', value: 1, held: false, failWhen: 'status failed' }, NO_STREAK, rules(goal), moment),
        ),
      ).toBe('fail:fail-when');
    }
  });

  test('notBefore: holding too early fails; a first hold after it needs a miss seen just before the boundary', () => {
    expect(
      endKind(decide(value(true), NO_STREAK, rules('eventually', { notBefore: 500 }), { ...moment, at: 100 })),
    ).toBe('fail:too-early');
    expect(
      endKind(
        decide(value(true), NO_STREAK, rules('eventually', { notBefore: 50 }), { ...moment, at: 100, lastMiss: 49 }),
      ),
    ).toBe('pass:passed');
    expect(
      endKind(
        decide(value(true), NO_STREAK, rules('eventually', { notBefore: 50 }), { ...moment, at: 100, lastMiss: 20 }),
      ),
    ).toBe('fail:not-before-unseen');
    expect(
      endKind(decide(value(true), NO_STREAK, rules('eventually', { notBefore: 50 }), { ...moment, at: 100 })),
    ).toBe('fail:not-before-unseen');
    // In virtual time the sample is 1 ms before the boundary; in real time a timer may be late.
    expect(
      endKind(
        decide(
          value(true),
          NO_STREAK,
          rules('eventually', { notBefore: 50 }),
          { ...moment, at: 100, lastMiss: 48 },
          true,
        ),
      ),
    ).toBe('fail:not-before-unseen');
    expect(
      endKind(
        decide(
          value(true),
          NO_STREAK,
          rules('eventually', { notBefore: 50 }),
          { ...moment, at: 100, lastMiss: 49 },
          true,
        ),
      ),
    ).toBe('pass:passed');
  });

  test('a pass rests on a judged value: what the check throws decides whether it judged', () => {
    const assertion = Object.assign(new Error('expected 1 to be 2'), { name: 'AssertionError' });
    const jestAssertion = Object.assign(new Error('expect(received).toBe(expected)'), {
      matcherResult: { pass: false },
    });
    const judged = (checkError: unknown): Observation<string> => ({
      kind: 'value',
      value: 'v',
      held: false,
      checkError,
    });
    for (const e of [assertion, jestAssertion])
      expect(endKind(decide(judged(e), NO_STREAK, rules('eventually-fails'), moment))).toBe('pass:passed');
    expect(
      endKind(decide(judged(new TypeError('x.y is undefined')), NO_STREAK, rules('eventually-fails'), moment)),
    ).toBe('continue');
    expect(endKind(decide(judged(new TypeError('x.y is undefined')), NO_STREAK, rules('always'), moment))).toBe(
      'fail:stopped-holding',
    );
    expect(
      endKind(
        decide(judged(new TypeError('x.y is undefined')), NO_STREAK, rules('always', { ignore: () => true }), moment),
      ),
    ).toBe('continue');
  });

  test('retryAfter is a break of an "always" window unless ignore names it, a pause elsewhere', () => {
    const wait = error(new RetryAfterError(50, 'HTTP 503'));
    expect(decide(wait, NO_STREAK, rules('always'), moment)).toMatchObject({
      end: true,
      passed: false,
      reason: { kind: 'stopped-holding', broken: { by: 'retry-after', ms: 50 } },
    });
    expect(decide(wait, NO_STREAK, rules('always', { ignore: (e) => e instanceof RetryAfterError }), moment)).toEqual({
      end: false,
      streak: NO_STREAK,
      retryAfter: 50,
    });
    for (const goal of ['eventually', 'never', 'eventually-fails'] as Goal[])
      expect(decide(wait, NO_STREAK, rules(goal), moment)).toEqual({ end: false, streak: NO_STREAK, retryAfter: 50 });
  });

  test('settled() passes a window only after a judged value (or for the value its check judged)', () => {
    expect(
      endKind(decide(error(new SettledError('closed')), NO_STREAK, rules('never'), { ...moment, sawValue: true })),
    ).toBe('pass:settled');
    expect(endKind(decide(error(new SettledError('closed')), NO_STREAK, rules('never'), moment))).toBe(
      'fail:settled-unseen',
    );
    expect(
      endKind(
        decide(
          { kind: 'value', value: 1, held: false, checkError: new SettledError('final') },
          NO_STREAK,
          rules('always'),
          moment,
        ),
      ),
    ).toBe('pass:settled');
    // Found by the goal table: `ignore` judges errors, not the markers the probe threw on purpose.
    expect(
      endKind(
        decide(error(new SettledError('closed')), NO_STREAK, rules('always', { ignore: () => false }), {
          ...moment,
          sawValue: true,
        }),
      ),
    ).toBe('pass:settled');
  });

  test('markers are not read through a nested poll failure', () => {
    const nested = brand(new Error('eventually() failed', { cause: new SettledError('inner') }), 'PollError');
    expect(endKind(decide(error(nested), NO_STREAK, rules('never'), { ...moment, sawValue: true }))).toBe('continue');
    expect(
      endKind(
        decide(error(new Error('wrap', { cause: new SettledError('own') })), NO_STREAK, rules('never'), {
          ...moment,
          sawValue: true,
        }),
      ),
    ).toBe('pass:settled');
    const nestedStop = brand(new Error('eventually() failed', { cause: new StopError('inner') }), 'PollError');
    expect(endKind(decide(error(nestedStop), NO_STREAK, rules('eventually'), moment))).toBe('continue');
  });

  test('stableFor and passes build a streak; a miss resets it', () => {
    const first = decide(value(true), NO_STREAK, rules('eventually', { passes: 2 }), moment);
    expect(first).toEqual({ end: false, streak: { start: 100, count: 1 } });
    const second = decide(value(true), (first as { streak: Streak }).streak, rules('eventually', { passes: 2 }), {
      ...moment,
      now: 150,
    });
    expect(endKind(second)).toBe('pass:passed');
    expect(decide(value(false), { start: 100, count: 1 }, rules('eventually', { passes: 2 }), moment)).toEqual({
      end: false,
      streak: NO_STREAK,
    });
    const held = decide(value(true), { start: 100, count: 5 }, rules('eventually', { stableFor: 100 }), {
      ...moment,
      now: 150,
    });
    expect(endKind(held)).toBe('continue');
    expect(
      endKind(
        decide(value(true), { start: 100, count: 5 }, rules('eventually', { stableFor: 100 }), { ...moment, now: 200 }),
      ),
    ).toBe('pass:passed');
  });
});

describe('endOfWindow', () => {
  const timeout = { kind: 'timeout', limit: 'window', window: 300, windowName: 'for' } as const;
  const base = {
    cutByTest: false,
    byAttempts: false,
    sawValue: true,
    streak: NO_STREAK,
    now: 300,
    timeout,
    maxAttempts: undefined,
    stableFor: 0,
    passes: 1,
  };
  const outcome = (r: { passed: boolean; reason: { kind: string } }): string =>
    `${r.passed ? 'pass' : 'fail'}:${r.reason.kind}`;

  test.each([
    ['always', {}, 'pass:passed'],
    ['never', {}, 'pass:passed'],
    ['always', { sawValue: false }, 'fail:no-value'],
    ['never', { sawValue: false }, 'fail:no-value'],
    ['always', { cutByTest: true }, 'fail:timeout'],
    ['always', { inFlight: { final: true, error: new AttemptTimeoutError('x') } }, 'pass:passed'],
    ['always', { inFlight: { final: false, error: new AttemptTimeoutError('x') } }, 'fail:timeout'],
    ['never', { inFlight: { final: false, error: new AttemptTimeoutError('x') } }, 'fail:timeout'],
    ['never', { inFlight: { final: false, error: new AttemptTimeoutError('x') }, ignore: () => true }, 'pass:passed'],
    ['never', { byAttempts: true }, 'fail:timeout'],
    ['eventually', {}, 'fail:timeout'],
    ['eventually', { byAttempts: true, maxAttempts: 3 }, 'fail:max-attempts'],
    ['eventually', { streak: { start: 100, count: 2 }, stableFor: 500 }, 'fail:unstable'],
    ['eventually-fails', {}, 'fail:timeout'],
  ] as [Goal, Partial<typeof base>, string][])('%s, %j: %s', (goal, extra, expected) => {
    expect(outcome(endOfWindow({ goal, ...base, ...extra }))).toBe(expected);
  });
});

describe('planPause', () => {
  test.each([
    [
      { scheduled: 50, now: 0, deadline: 1000, lastDuration: 0 },
      { ms: 50, final: false },
    ],
    [
      { scheduled: 50, now: 980, deadline: 1000, lastDuration: 0 },
      { ms: 20, final: true },
    ],
    [
      { scheduled: 50, now: 940, deadline: 1000, lastDuration: 30 },
      { ms: 30, final: true },
    ],
    [
      { scheduled: 50, now: 1000, deadline: 1000, lastDuration: 10 },
      { ms: 0, final: true },
    ],
    [
      { scheduled: 50, now: 0, deadline: 1000, lastDuration: 0, streak: { start: 0, count: 1 }, stableFor: 20 },
      { ms: 20, final: false },
    ],
    // notBefore: one attempt ends just before the boundary (3 ms of slack in real time, 1 ms in virtual).
    [
      { scheduled: 200, now: 854, deadline: 5000, lastDuration: 0, notBefore: 1000, virtual: true },
      { ms: 145, final: false },
    ],
    [
      { scheduled: 200, now: 854, deadline: 5000, lastDuration: 10, notBefore: 1000 },
      { ms: 133, final: false },
    ],
    [
      { scheduled: 200, now: 999, deadline: 5000, lastDuration: 0, notBefore: 1000, virtual: true },
      { ms: 200, final: false },
    ],
  ])('%j → %j', (input, expected) => {
    expect(planPause({ streak: NO_STREAK, stableFor: 0, ...input })).toEqual(expected);
  });
});

describe('watchedToEnd: an attempt still running at the deadline', () => {
  test.each([
    [10, 8, 1000, true],
    [100, 8, 1000, true],
    [101, 8, 1000, false],
    [30, 20, 100, true],
    [41, 20, 100, false],
    [295, 0, 300, false],
  ])(
    'started %d ms before the deadline, after an attempt of %d ms, in a %d ms window: watched to the end %s',
    (tail, previous, window, expected) => {
      expect(watchedToEnd(tail, previous, window)).toBe(expected);
    },
  );
});
