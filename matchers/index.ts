/** The plain matcher object, for `expect.extend(matchers)` on any Jest-compatible `expect`. */
import { toBeIdempotent } from './toBeIdempotent.ts';
import { toConsistently } from './toConsistently.ts';
import { toConvergeInAnyOrder } from './toConvergeInAnyOrder.ts';
import { toConsistentlyEqual } from './toConsistentlyEqual.ts';
import { toEventually } from './toEventually.ts';
import { toEventuallyBe } from './toEventuallyBe.ts';
import { toEventuallyEqual } from './toEventuallyEqual.ts';
import { toEventuallyMatchObject } from './toEventuallyMatchObject.ts';
import { toEventuallyStrictEqual } from './toEventuallyStrictEqual.ts';

export {
  toBeIdempotent,
  toConvergeInAnyOrder,
  toConsistently,
  toConsistentlyEqual,
  toEventually,
  toEventuallyBe,
  toEventuallyEqual,
  toEventuallyMatchObject,
  toEventuallyStrictEqual,
};
export type { EventualMatchers, ProbeValue } from './types.ts';
export type { MatcherContextLike, MatcherResult } from './runPollMatcher.ts';

export const matchers = {
  toEventually,
  toEventuallyEqual,
  toEventuallyStrictEqual,
  toEventuallyBe,
  toEventuallyMatchObject,
  toConsistently,
  toConsistentlyEqual,
  toBeIdempotent,
  toConvergeInAnyOrder,
};
export default matchers;
