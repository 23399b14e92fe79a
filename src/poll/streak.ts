/** The only state that goes from one decision (decide.ts) to the next. */

/** Consecutive attempts that reached the goal (for `stableFor` / `passes`). */
export interface Streak {
  /** When the streak's first attempt started (time-source ms), or undefined with no streak. */
  start: number | undefined;
  count: number;
  /** `from`: an earlier attempt saw the starting state, so a hold now counts. */
  armed?: boolean;
  /** `from`: the first attempt whose hold did not count, because the starting state had not been seen yet. */
  heldBeforeFrom?: number;
}

export const NO_STREAK: Streak = Object.freeze({ start: undefined, count: 0 });
