/**
 * Issue 20: the already-true path (src/poll/atOnce.ts). Its rule, as a table (which settings a first attempt
 * decides alone), and its proof: for generated probes, values, matchers and options, an assertion through
 * it and the same assertion forced through the full engine (`forceEngine`) end the same way: pass or
 * fail, the same message, the same probe calls, `onAttempt` calls and assertion count.
 */
import fc from 'fast-check';
import { normalizeOptions } from '../../src/options/normalizeOptions.ts';
import { canDecideAtOnce, passedAtOnce } from '../../src/poll/atOnce.ts';
import type { Observation } from '../../src/poll/attempt.ts';
import type { Goal } from '../../src/poll/goal.ts';
import { forceEngine } from '../../matchers/runPollMatcher.ts';
import { TestClock } from '../../clock/index.ts';
import { currentTestState } from '../../src/runner/testState.ts';
import { stripAnsi } from '../support/failure.ts';

const WHERE = '.toEventuallyEqual()';
const settingsOf = (options: unknown, goal: Goal = 'eventually') =>
  normalizeOptions(
    WHERE,
    goal === 'always' || goal === 'eventually-fails' ? 'consistently' : 'eventually',
    options,
    goal,
  );

describe('canDecideAtOnce: the settings under which a first attempt alone decides', () => {
  const live = new AbortController().signal;
  test.each([
    ['no options', undefined, 'eventually', true],
    [
      'a timeout, an interval, maxAttempts, ignore, failWhen',
      { timeout: 50, interval: 1, maxAttempts: 2, ignore: () => true, failWhen: () => false },
      'eventually',
      true,
    ],
    ['stableFor 0, passes 1 given explicitly', { stableFor: 0, passes: 1 }, 'eventually', true],
    ['a signal not aborted', { signal: live }, 'eventually', true],
    ['an empty wakeOn', { wakeOn: [] }, 'eventually', true],
    ['.not (the goal never: a window)', undefined, 'never', false],
    ['toConsistently (always)', undefined, 'always', false],
    ['.not.toConsistently (eventually-fails)', undefined, 'eventually-fails', false],
    ['stableFor', { stableFor: 5 }, 'eventually', false],
    ['passes', { passes: 2 }, 'eventually', false],
    ['notBefore', { notBefore: 0 }, 'eventually', false],
    ['from (even undefined)', { from: undefined }, 'eventually', false],
    ['onAttempt', { onAttempt: () => {} }, 'eventually', false],
    ['a wakeOn source', { wakeOn: [() => () => {}] }, 'eventually', false],
    ['a virtual clock', { clock: new TestClock() }, 'eventually', false],
    ['an aborted signal', { signal: AbortSignal.abort() }, 'eventually', false],
  ] as const)('%s → %s', (_, options, goal, expected) => {
    expect(canDecideAtOnce(goal, settingsOf(options, goal), undefined, false)).toBe(expected);
  });

  test('not when its test has ended, nor when a poll span would record it', () => {
    expect(canDecideAtOnce('eventually', settingsOf(undefined), AbortSignal.abort(), false)).toBe(false);
    expect(canDecideAtOnce('eventually', settingsOf(undefined), new AbortController().signal, false)).toBe(true);
    expect(canDecideAtOnce('eventually', settingsOf(undefined), undefined, true)).toBe(false);
  });
});

describe('passedAtOnce: the observations that are a pass by themselves', () => {
  const assertion = Object.assign(new Error('expected'), { name: 'AssertionError' });
  test.each([
    ['a value that held', { kind: 'value', value: 1, held: true }, true],
    ['a value that did not hold', { kind: 'value', value: 1, held: false }, false],
    ['a value with a failWhen reason', { kind: 'value', value: 1, held: false, failWhen: 'broken' }, false],
    ['a value whose check threw', { kind: 'value', value: 1, held: false, checkError: assertion }, false],
    ['a probe error', { kind: 'error', error: new Error('down'), held: false }, false],
  ] as const)('%s → %s', (_, observation, expected) => {
    expect(passedAtOnce(observation as Observation<unknown>)).toBe(expected);
  });

  test('never an observation still pending', () => {
    expect(passedAtOnce(Promise.resolve({ kind: 'value', value: 1, held: true } as Observation<unknown>))).toBe(false);
  });
});

const FAIL_MARK = 'broken-state';
const VALUES = [1, 2, 'a', FAIL_MARK, { a: 1 }, { a: 1, b: undefined }, { a: 2 }, [1, 2], null];
const MATCHERS = [
  'toEventuallyEqual',
  'toEventuallyStrictEqual',
  'toEventuallyBe',
  'toEventuallyMatchObject',
  'toEventually',
] as const;
const SHAPES = ['sync', 'async', 'throwsFirst', 'readsSignal', 'thenable'] as const;

interface Case {
  matcher: (typeof MATCHERS)[number];
  shape: (typeof SHAPES)[number];
  flipAt: number;
  before: unknown;
  after: unknown;
  expected: unknown;
  options: Record<string, unknown> | undefined;
}

/** `true` one time in `1 + odds`: the settings that keep an assertion off the already-true path stay rare enough for it to be taken often. */
const sometimes = (odds: number): fc.Arbitrary<boolean> =>
  fc.oneof({ arbitrary: fc.constant(false), weight: odds }, { arbitrary: fc.constant(true), weight: 1 });

const optionsArb = fc.option(
  fc
    .record({
      maxAttempts: fc.constantFrom(1, 2, 3),
      stableFor: sometimes(2),
      passes: fc.constantFrom(undefined, 1, 2),
      failWhen: sometimes(2),
      onAttempt: sometimes(3),
      signal: sometimes(4),
    })
    .map(({ stableFor, failWhen, ...rest }) => ({
      ...rest,
      interval: 1,
      ...(stableFor ? { stableFor: 0 } : {}),
      ...(failWhen ? { failWhen: (value: unknown) => (value === FAIL_MARK ? 'the state broke' : false) } : {}),
    })),
  { nil: undefined, freq: 4 },
);

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    matcher: fc.constantFrom(...MATCHERS),
    shape: fc.oneof({ arbitrary: fc.constant('sync' as const), weight: 3 }, fc.constantFrom(...SHAPES)),
    flipAt: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, fc.integer({ min: 1, max: 2 })),
    before: fc.constantFrom(...VALUES),
    after: fc.constantFrom(...VALUES),
    expected: fc.constantFrom(...VALUES),
    options: optionsArb,
    reached: fc.boolean(),
  })
  // Half the probes reach the expected value. With no options the window is the default one: the value holds
  // by the second attempt, so no case waits it out.
  .map(({ reached, ...c }) => {
    // toMatchObject refuses an expected value that is not an object: no attempt is ever judged.
    const judged = c.matcher !== 'toEventuallyMatchObject' || (typeof c.expected === 'object' && c.expected !== null);
    if (c.options === undefined && !judged) return { ...c, options: { maxAttempts: 2, interval: 1 } };
    if (c.options === undefined) return { ...c, flipAt: Math.min(c.flipAt, 1), after: c.expected };
    return reached ? { ...c, after: c.expected } : c;
  });

interface Seen {
  pass: boolean;
  message?: string;
  attempts: number[];
  onAttempt: number;
  assertions: number;
  kept: number | undefined;
}

/**
 * Elapsed times differ between two runs; everything else in a message must not, but for the stack of a
 * probe's error: through the shell's first attempt it has three engine frames fewer, so within V8's ten
 * frames it reaches further into the test's own code.
 */
const normalize = (text: string): string =>
  stripAnsi(text)
    .replace(/ *\d+(\.\d+)? ?ms\b/g, ' N ms')
    .replace(/\n\s+at .*/g, '');

function probeOf(c: Case, attempts: number[]): (context: { attempt: number; signal: AbortSignal }) => unknown {
  let calls = 0;
  const next = (): unknown => (++calls > c.flipAt ? c.after : c.before);
  return (context) => {
    attempts.push(context.attempt);
    switch (c.shape) {
      case 'sync':
        return next();
      case 'async':
        return Promise.resolve().then(next);
      case 'throwsFirst':
        if (calls++ === 0) throw new Error('connection refused');
        return next();
      case 'readsSignal':
        return context.signal.aborted ? 'aborted' : next();
      case 'thenable': {
        const value = next();
        return { then: (resolve: (v: unknown) => void) => resolve(value) };
      }
    }
  };
}

function optionsOf(c: Case, seen: Seen): Record<string, unknown> | undefined {
  if (!c.options) return undefined;
  const { onAttempt, signal, ...rest } = c.options;
  return {
    ...rest,
    ...(onAttempt === true ? { onAttempt: () => void seen.onAttempt++ } : {}),
    ...(signal === true ? { signal: AbortSignal.abort('stop') } : {}),
  };
}

function assertionOf(c: Case, probe: unknown, options: unknown): Promise<unknown> {
  const e = expect(probe) as unknown as Record<string, (expected: unknown, options?: unknown) => Promise<unknown>>;
  if (c.matcher === 'toEventually')
    return e.toEventually!((value: unknown) => {
      expect(value).toEqual(c.expected);
    }, options);
  return e[c.matcher]!(c.expected, options);
}

async function observe(c: Case, engine: boolean): Promise<Seen> {
  const seen: Seen = { pass: false, attempts: [], onAttempt: 0, assertions: 0, kept: undefined };
  const probe = probeOf(c, seen.attempts);
  const options = optionsOf(c, seen);
  const before = expect.getState().assertionCalls;
  let running: Promise<unknown>;
  forceEngine.value = engine;
  try {
    running = assertionOf(c, probe, options);
  } finally {
    forceEngine.value = false;
  }
  await running.then(
    () => (seen.pass = true),
    (error: unknown) => (seen.message = normalize(error instanceof Error ? error.message : String(error))),
  );
  seen.assertions = expect.getState().assertionCalls - before;
  seen.kept = currentTestState()?.work.size;
  return seen;
}

describe('the already-true path and the full engine give the same verdicts', () => {
  test('for generated probes, values, matchers and options (pass, message, attempts, onAttempt, assertions)', async () => {
    let atOnce = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        // From one line: a probe error's stack, in the message, names the line that called it.
        const seen: Seen[] = [];
        for (const engine of [false, true]) seen.push(await observe(c, engine));
        const [fast, full] = seen;
        expect(fast).toEqual(full);
        if (fast!.pass && fast!.attempts.length === 1) atOnce++;
      }),
      { numRuns: 500 },
    );
    // The property is not vacuous: many cases were decided by their first attempt.
    expect(atOnce).toBeGreaterThan(100);
  });

  test('an already-true assertion settles in fewer promise jobs than through the engine (no poll was built)', async () => {
    const jobsToSettle = async (engine: boolean): Promise<number> => {
      forceEngine.value = engine;
      let settled = false;
      let assertion: Promise<unknown>;
      try {
        assertion = expect(() => 1)
          .toEventuallyEqual(1)
          .then(() => (settled = true));
      } finally {
        forceEngine.value = false;
      }
      let jobs = 0;
      while (!settled && jobs < 100) {
        await null;
        jobs++;
      }
      await assertion;
      return jobs;
    };
    expect(await jobsToSettle(false)).toBeLessThan(await jobsToSettle(true));
  });
});
