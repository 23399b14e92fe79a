import { checkToHolds, isAsymmetricMatcher } from '../src/check.ts';
import type { EventuallyOptions } from '../src/options/types.ts';
import { checkJudging } from './twinVerdict.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe until `check` passes: a function that returns true, or returns nothing after
 * asserting with `expect()`; or an asymmetric matcher (as `toEqual`).
 * With `.not`: fails at the first attempt where `check` passes ("never").
 */
export function toEventually(
  this: MatcherContextLike,
  received: unknown,
  check: unknown,
  options?: EventuallyOptions,
): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toEventually()`;
  return runPollMatcher(this, {
    name: 'toEventually',
    kind: 'eventually',
    received,
    holds: checkToHolds(where, check, checkJudging(this, check)),
    ...(isAsymmetricMatcher(check) ? { expected: { value: check } } : {}),
    expectedLabel: 'check',
    options,
  });
}
