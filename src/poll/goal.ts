/**
 * What the assertion demands, in one name. Everything else follows from it: which observation ends the
 * poll early, whether that is a pass or a failure, and what the end of the window means.
 *
 * - `eventually`       the condition holds at some attempt (`toEventually*`, `eventually()`)
 * - `never`            it holds at no attempt of the whole window (`.not.toEventually*`)
 * - `always`           it holds at every attempt of the whole window (`toConsistently*`, `consistently()`)
 * - `eventually-fails` it fails at some attempt (`.not.toConsistently*`)
 */
export type Goal = 'eventually' | 'never' | 'always' | 'eventually-fails';

/** "always" and "never" pass only at the end of a window that was watched whole (SPEC section 0). */
export function isWindowGoal(goal: Goal): boolean {
  return goal === 'always' || goal === 'never';
}

/** Whether an observation with this `held` reaches the goal's early end. */
export function reaches(goal: Goal, held: boolean): boolean {
  return goal === 'eventually' || goal === 'never' ? held : !held;
}
