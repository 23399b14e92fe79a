import type { EventuallyOptions } from '../src/options/types.ts';
import { twinJudge } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe until its value is `Object.is` the `expected` value (as `toBe`).
 * With `.not`: fails at the first attempt where it is, passes when the whole window passes without one.
 */
export function toEventuallyBe(
  this: MatcherContextLike,
  received: unknown,
  expected: unknown,
  options?: EventuallyOptions,
): Promise<MatcherResult> {
  const judge = twinJudge(this, 'toBe');
  return runPollMatcher(this, {
    name: 'toEventuallyBe',
    kind: 'eventually',
    received,
    holds: (value) => judge(value, expected),
    expected: { value: expected },
    expectedLabel: 'expected',
    options,
  });
}
