/**
 * Issue 18, proof 3: the goal table of the poll engine. For every goal × every sequence of attempt
 * outcomes, the real engine (src/poll/poll.ts, on a TestClock: deterministic, one attempt per 10 virtual
 * ms) reaches the verdict of a tiny reference model written here from the rule "a pass rests on an
 * observed value". Exhaustive over every sequence of up to 2 attempts (1320 cases), then 2000 generated sequences of up
 * to 10, each with `ignore` absent, accepting everything, or refusing everything.
 */
import fc from 'fast-check';
import { eventually, retryAfter, settled, stop, type PollError } from '../../src/index.ts';
import { normalizeOptions } from '../../src/options/normalizeOptions.ts';
import { poll } from '../../src/poll/poll.ts';
import type { Goal } from '../../src/poll/goal.ts';
import { TestClock } from '../../clock/index.ts';
import { errorOf } from '../support/failure.ts';

const KINDS = [
  'holds',
  'fails',
  'assert',
  'probe-throws',
  'check-type-error',
  'retry',
  'hang',
  'stop',
  'settled',
  'nested',
] as const;
type Kind = (typeof KINDS)[number];
const GOALS: readonly Goal[] = ['eventually', 'never', 'always', 'eventually-fails'];
const IGNORES = ['absent', 'all', 'none'] as const;
type Ignore = (typeof IGNORES)[number];
type Verdict = 'pass' | 'fail';

const isWindow = (goal: Goal): boolean => goal === 'always' || goal === 'never';

/** The reference model: the rule, stated for one attempt at a time. */
function model(goal: Goal, outcomes: readonly Kind[], ignore: Ignore): Verdict {
  let sawValue = false;
  for (const outcome of outcomes) {
    if (outcome === 'stop') return 'fail';
    if (outcome === 'settled') return isWindow(goal) && sawValue ? 'pass' : 'fail';
    if (outcome === 'holds' || outcome === 'fails' || outcome === 'assert') {
      // A value the check judged: returned true/false, or failed an assertion (a "no").
      sawValue = true;
      const held = outcome === 'holds';
      if (goal === 'eventually' && held) return 'pass';
      if (goal === 'eventually-fails' && !held) return 'pass';
      if (goal === 'never' && held) return 'fail';
      if (goal === 'always' && !held) return 'fail';
      continue;
    }
    // A gap: nothing was judged. Never a pass; a probe error `ignore` refuses ends every goal; in an
    // "always" window every gap is a break unless `ignore` accepts it.
    if ((outcome === 'probe-throws' || outcome === 'nested') && ignore === 'none') return 'fail';
    if (goal === 'always' && ignore !== 'all') return 'fail';
  }
  return isWindow(goal) && sawValue ? 'pass' : 'fail';
}

let nested: PollError[] = [];
beforeAll(async () => {
  // Real nested failures, whose causes carry a marker meant for the inner poll only.
  nested = await Promise.all([
    errorOf<PollError>(eventually(() => settled('inner settled'), { timeout: 5 })),
    errorOf<PollError>(eventually(() => retryAfter(0, 'inner 503'), { timeout: 5, interval: 1 })),
    errorOf<PollError>(eventually(() => stop('inner stopped'), { timeout: 5 })),
  ]);
});

/** Runs the real engine on one sequence: attempt i has outcome outcomes[i-1]. */
async function engine(
  goal: Goal,
  outcomes: readonly Kind[],
  ignore: Ignore,
): Promise<{ verdict: Verdict; attempts: number }> {
  const clock = new TestClock();
  const eventual = goal === 'eventually' || goal === 'never';
  const window = 10 * (outcomes.length - 1);
  const options = {
    clock,
    [eventual ? 'timeout' : 'for']: window,
    interval: 10,
    attemptTimeout: 1,
    realFloor: 0,
    ...(ignore === 'absent' ? {} : { ignore: () => ignore === 'all' }),
  };
  const settings = normalizeOptions('goalTable', eventual ? 'eventually' : 'consistently', options, goal);
  const probe = ({ attempt }: { attempt: number }): unknown => {
    const outcome = outcomes[attempt - 1];
    switch (outcome) {
      case 'holds':
        return 'H';
      case 'fails':
        return 'F';
      case 'assert':
        return 'A';
      case 'check-type-error':
        return 'T';
      case 'probe-throws':
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      case 'retry':
        return retryAfter(0, 'HTTP 503');
      case 'hang':
        return new Promise(() => {});
      case 'stop':
        return stop('gone');
      case 'settled':
        return settled('final');
      case 'nested':
        throw nested[attempt % nested.length];
      default:
        throw new Error(`attempt ${attempt} was not planned: the engine made more attempts than the window holds`);
    }
  };
  const holds = (value: unknown): boolean => {
    if (value === 'A') expect(value).toBe('H'); // the runner's own assertion error: a "no"
    if (value === 'T') return (value as unknown as { body: { status: string } }).body.status === 'up'; // a TypeError
    return value === 'H';
  };
  const result = await poll({ probe, holds, goal, settings });
  return { verdict: result.passed ? 'pass' : 'fail', attempts: result.attempts };
}

async function agrees(goal: Goal, outcomes: readonly Kind[], ignore: Ignore): Promise<void> {
  const { verdict, attempts } = await engine(goal, outcomes, ignore);
  const expected = model(goal, outcomes, ignore);
  if (verdict !== expected)
    throw new Error(
      `${goal} over [${outcomes.join(', ')}] with ignore ${ignore}: the engine said ${verdict}, the model ${expected}`,
    );
  expect(attempts).toBeLessThanOrEqual(outcomes.length);
}

describe('the goal table: the engine agrees with the reference model', () => {
  const single = KINDS.map((k) => [k]);
  const pairs = KINDS.flatMap((a) => KINDS.map((b) => [a, b]));
  const sequences: Kind[][] = [...single, ...pairs];

  test.each(GOALS)('%s: every sequence of one or two attempts, with each ignore (330 cases)', async (goal) => {
    let cases = 0;
    for (const ignore of IGNORES) {
      for (const outcomes of sequences) {
        await agrees(goal, outcomes, ignore);
        cases++;
      }
    }
    expect(cases).toBe(330);
  });

  test('generated sequences of up to 10 attempts, every goal and ignore (2000 runs)', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GOALS),
        fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(...IGNORES),
        async (goal, outcomes, ignore) => {
          runs++;
          await agrees(goal, outcomes, ignore);
        },
      ),
      { numRuns: 2000 },
    );
    expect(runs).toBeGreaterThanOrEqual(2000);
  });

  test('a pass is never reached without a judged value, whatever the gaps (generated, 500 runs)', async () => {
    const gaps: Kind[] = ['probe-throws', 'check-type-error', 'retry', 'hang', 'nested'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GOALS),
        fc.array(fc.constantFrom(...gaps), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...IGNORES),
        async (goal, outcomes, ignore) => {
          expect((await engine(goal, outcomes, ignore)).verdict).toBe('fail');
        },
      ),
      { numRuns: 500 },
    );
  });
});
