import { checkToHolds, isAsymmetricMatcher } from '../src/check.ts';
import type { ConsistentlyOptions } from '../src/options/types.ts';
import { runPollMatcher, type MatcherContextLike, type MatcherResult } from './runPollMatcher.ts';

/**
 * Polls the probe for `for` ms and requires `check` to pass on every attempt: a function that
 * returns without throwing and not `false` (use `expect()` inside it), or an asymmetric matcher.
 * With `.not`: passes at the first attempt where `check` fails, fails if it passes throughout.
 */
export function toConsistently(this: MatcherContextLike, received: unknown, check: unknown, options?: ConsistentlyOptions): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toConsistently()`;
  return runPollMatcher(this, {
    name: 'toConsistently',
    kind: 'consistently',
    received,
    holds: checkToHolds(where, check, (value, matcher) => this.equals(value, matcher)),
    ...(isAsymmetricMatcher(check) ? { expected: { value: check } } : {}),
    expectedLabel: 'check',
    options,
  });
}
