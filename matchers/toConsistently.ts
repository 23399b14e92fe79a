import { checkToHolds, isAsymmetricMatcher } from '../src/check.ts';
import type { ConsistentlyOptions } from '../src/options/types.ts';
import { checkJudging } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe for `for` ms and requires `check` to pass on every attempt: a function that
 * returns true, or returns nothing after asserting with `expect()`; or an asymmetric matcher (as `toEqual`).
 * With `.not`: passes at the first attempt where `check` fails, fails if it passes throughout.
 */
export function toConsistently(
  this: MatcherContextLike,
  received: unknown,
  check: unknown,
  options?: ConsistentlyOptions,
): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toConsistently()`;
  return runPollMatcher(this, {
    name: 'toConsistently',
    kind: 'consistently',
    received,
    holds: checkToHolds(where, check, checkJudging(this, check)),
    ...(isAsymmetricMatcher(check) ? { expected: { value: check } } : {}),
    expectedLabel: 'check',
    options,
  });
}
