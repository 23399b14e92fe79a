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

/** Every unflake matcher by name, for `expect.extend(matchers)`. */
export const matchers = {
  /** `expect(probe).toEventually(check)`: the check eventually holds on the probe's value. */
  toEventually,
  /** `expect(probe).toEventuallyEqual(expected)`: the value eventually equals `expected` (the runner's `toEqual`). */
  toEventuallyEqual,
  /** `expect(probe).toEventuallyStrictEqual(expected)`: eventually equal as `toStrictEqual` judges. */
  toEventuallyStrictEqual,
  /** `expect(probe).toEventuallyBe(expected)`: eventually the same value (`Object.is`, as `toBe`). */
  toEventuallyBe,
  /** `expect(probe).toEventuallyMatchObject(subset)`: eventually matches the subset (as `toMatchObject`). */
  toEventuallyMatchObject,
  /** `expect(probe).toConsistently(check)`: the check holds on every attempt for the whole window. */
  toConsistently,
  /** `expect(probe).toConsistentlyEqual(expected)`: the value equals `expected` for the whole window. */
  toConsistentlyEqual,
  /** `expect(system).toBeIdempotent(event)`: redelivering the event leaves the state unchanged and repeats no effect. */
  toBeIdempotent,
  /** `expect(system).toConvergeInAnyOrder(events, options)`: every explored delivery order ends in the in-order, once-only state. */
  toConvergeInAnyOrder,
};
export default matchers;
