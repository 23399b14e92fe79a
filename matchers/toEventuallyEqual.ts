import type { EventuallyOptions } from '../src/options/types.ts';
import { twinJudge } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe until its value is recursively equal to `expected` (as `toEqual`).
 * With `.not`: fails at the first attempt where it is, passes when the whole window passes without one.
 */
export function toEventuallyEqual(
  this: MatcherContextLike,
  received: unknown,
  expected: unknown,
  options?: EventuallyOptions,
): Promise<MatcherResult> {
  const judge = twinJudge(this, 'toEqual');
  return runPollMatcher(this, {
    name: 'toEventuallyEqual',
    kind: 'eventually',
    received,
    holds: (value) => judge(value, expected),
    expected: { value: expected },
    expectedLabel: 'expected',
    options,
  });
}
