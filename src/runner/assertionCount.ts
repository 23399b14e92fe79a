/**
 * The runner's count of `expect()` calls, which `expect.assertions(n)` / `expect.hasAssertions()` check at
 * the test's end. A check's own `expect()` calls run once per attempt: they tell whether the check asserted
 * anything, and then they are taken back out, so an eventual assertion counts once (as the runner counts
 * the outer `expect(probe).toEventually…()` itself), whatever it ran inside.
 *
 * Where the count lives: Jest and the standalone `expect` package keep it in `$$jest-matchers-object`'s
 * state; Vitest's getter of the same name returns its global expect's state, and a test that took
 * `expect` from its context (`test('…', ({ expect }) => …)`) has its own, found through the matcher's task.
 */
import { globalCountState, type CountState } from '../adapters/runnerExpect.ts';

function liveStates(local: CountState | undefined): CountState[] {
  const global = globalCountState();
  const states: CountState[] = [];
  if (global) states.push(global);
  if (local && local !== global) states.push(local);
  return states;
}

/** Counts the assertions made from its opening; `close()` says how many and takes them back out of the runner's count. */
export interface Tally {
  close(): number;
}

/** Opens a tally, or undefined when no runner's count is readable (no Jest-compatible or Vitest `expect` loaded). */
export function openTally(local?: CountState): Tally | undefined {
  const states = liveStates(local);
  if (states.length === 0) return undefined;
  const calls = states.map((state) => state.assertionCalls);
  const passing = states.map((state) => state.numPassingAsserts);
  return {
    close(): number {
      let made = 0;
      states.forEach((state, i) => {
        const delta = state.assertionCalls - calls[i]!;
        if (delta > 0) {
          made = Math.max(made, delta);
          state.assertionCalls -= delta;
        }
        const before = passing[i];
        if (
          typeof before === 'number' &&
          typeof state.numPassingAsserts === 'number' &&
          state.numPassingAsserts > before
        )
          state.numPassingAsserts = before;
      });
      return made;
    },
  };
}
