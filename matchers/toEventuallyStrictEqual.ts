import type { EventuallyOptions } from '../src/options/types.ts';
import { twinJudge } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe until its value is strictly equal to `expected` (as `toStrictEqual`: types, undefined properties and sparseness count).
 * With `.not`: fails at the first attempt where it is, passes when the whole window passes without one.
 */
export function toEventuallyStrictEqual(
  this: MatcherContextLike,
  received: unknown,
  expected: unknown,
  options?: EventuallyOptions,
): Promise<MatcherResult> {
  const judge = twinJudge(this, 'toStrictEqual');
  return runPollMatcher(this, {
    name: 'toEventuallyStrictEqual',
    kind: 'eventually',
    received,
    holds: (value) => judge(value, expected),
    expected: { value: expected },
    expectedLabel: 'expected',
    options,
  });
}
