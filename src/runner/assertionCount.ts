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

interface CountState {
  assertionCalls: number;
  numPassingAsserts?: number;
}

const JEST_MATCHERS = Symbol.for('$$jest-matchers-object');

interface VitestTaskLike {
  context?: { _local?: boolean; expect?: { getState?: () => unknown } };
}

function isCountState(value: unknown): value is CountState {
  return value !== null && typeof value === 'object' && typeof (value as CountState).assertionCalls === 'number';
}

/** The state of the `expect` a Vitest test took from its context, if it did (reading `expect` would create one). */
export function localExpectState(task: unknown): object | undefined {
  const context = (task as VitestTaskLike | undefined)?.context;
  if (context?._local !== true) return undefined;
  const state = context.expect?.getState?.();
  return isCountState(state) ? state : undefined;
}

function liveStates(local: object | undefined): CountState[] {
  const global = ((globalThis as Record<symbol, unknown>)[JEST_MATCHERS] as { state?: unknown } | undefined)?.state;
  const states: CountState[] = [];
  if (isCountState(global)) states.push(global);
  if (isCountState(local) && local !== global) states.push(local);
  return states;
}

/** Counts the assertions made from its opening; `close()` says how many and takes them back out of the runner's count. */
export interface Tally {
  close(): number;
}

/** Opens a tally, or undefined when no runner's count is readable (no Jest-compatible or Vitest `expect` loaded). */
export function openTally(local?: object): Tally | undefined {
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
        if (typeof before === 'number' && typeof state.numPassingAsserts === 'number' && state.numPassingAsserts > before) state.numPassingAsserts = before;
      });
      return made;
    },
  };
}
