import type { ConsistentlyOptions } from '../src/options/types.ts';
import { twinJudge } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe until its value is recursively equal to `expected` on every attempt for `for` ms.
 * With `.not`: passes at the first attempt where it is not, fails if it is on every attempt.
 */
export function toConsistentlyEqual(
  this: MatcherContextLike,
  received: unknown,
  expected: unknown,
  options?: ConsistentlyOptions,
): Promise<MatcherResult> {
  const judge = twinJudge(this, 'toEqual');
  return runPollMatcher(this, {
    name: 'toConsistentlyEqual',
    kind: 'consistently',
    received,
    holds: (value) => judge(value, expected),
    expected: { value: expected },
    expectedLabel: 'expected',
    options,
  });
}
