import type { EventuallyOptions } from '../src/options/types.ts';
import { twinJudge } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe until its value is an object matching `subset` (as `toMatchObject`).
 * With `.not`: fails at the first attempt where it is, passes when the whole window passes without one.
 */
export function toEventuallyMatchObject(
  this: MatcherContextLike,
  received: unknown,
  expected: unknown,
  options?: EventuallyOptions,
): Promise<MatcherResult> {
  const judge = twinJudge(this, 'toMatchObject');
  return runPollMatcher(this, {
    name: 'toEventuallyMatchObject',
    kind: 'eventually',
    received,
    holds: (value) => judge(value, expected),
    expected: { value: expected },
    expectedLabel: 'subset',
    options,
  });
}
