/** How a window (or maxAttempts) ends when no attempt ended it early: the last of the decisions (decide.ts). */
import type { EndReason } from './PollResult.ts';
import { isWindowGoal, type Goal } from './goal.ts';
import type { FromRule } from './from.ts';
import type { Streak } from './streak.ts';

/** `ignore`, whose own error means "not named" (never thrown through the engine). */
export function safeIgnore(ignore: (error: unknown) => boolean, error: unknown): boolean {
  try {
    return ignore(error) !== false;
  } catch {
    return false;
  }
}

export interface WindowEnd {
  goal: Goal;
  /** The window was cut short by the test's deadline. */
  cutByTest: boolean;
  /** It ended by `maxAttempts`, not by time. */
  byAttempts: boolean;
  /** At least one attempt returned a value the check judged. */
  sawValue: boolean;
  /** At least one attempt returned a value at all (judged or not). */
  returnedValue?: boolean;
  streak: Streak;
  now: number;
  timeout: EndReason & { kind: 'timeout' };
  maxAttempts: number | undefined;
  stableFor: number;
  passes: number;
  /** An attempt still running at the deadline; `final`: the window was watched up to it (poll.ts, watchedToEnd). */
  inFlight?: { final: boolean; error: unknown } | undefined;
  ignore?: ((error: unknown) => boolean) | undefined;
  from?: FromRule | undefined;
}

/**
 * `from`: the condition held, but never after the starting state was seen. Its own reason (PollResult.ts,
 * describeEnd.ts), so the failure says why a hold did not count instead of "it never held".
 */
export interface HeldBeforeFrom {
  kind: 'held-before-from';
  /** The first attempt that held without counting. */
  attempt: number;
  /** The `from` option, as one line. */
  from: string;
}

function fromEnd(w: WindowEnd): EndReason | undefined {
  if (!w.from || w.streak.heldBeforeFrom === undefined) return undefined;
  const reason: HeldBeforeFrom = { kind: 'held-before-from', attempt: w.streak.heldBeforeFrom, from: w.from.describe };
  return reason;
}

/**
 * The window (or maxAttempts) is over without an early end. "always"/"never" pass only when the window
 * was watched whole and at least one attempt returned a judged value: a window of errors proves nothing,
 * and neither does one whose end an attempt hung through (the planned final attempt, started one
 * attempt's duration before the deadline, may still be running: the end was watched up to its start).
 */
export function endOfWindow(w: WindowEnd): { passed: boolean; reason: EndReason } {
  if (isWindowGoal(w.goal)) {
    if (w.cutByTest || w.byAttempts) return { passed: false, reason: w.timeout };
    if (!w.sawValue) {
      const reason = { kind: 'no-value', window: w.timeout.window, windowName: w.timeout.windowName } as const;
      return { passed: false, reason: w.returnedValue ? { ...reason, unjudged: true } : reason };
    }
    if (w.inFlight && !w.inFlight.final && !(w.ignore && safeIgnore(w.ignore, w.inFlight.error)))
      return { passed: false, reason: w.timeout };
    return { passed: true, reason: { kind: 'passed' } };
  }
  if (w.streak.start !== undefined) {
    return {
      passed: false,
      reason: {
        kind: 'unstable',
        heldFor: w.now - w.streak.start,
        heldPasses: w.streak.count,
        stableFor: w.stableFor,
        passes: w.passes,
      },
    };
  }
  const unseenFrom = fromEnd(w);
  if (unseenFrom) return { passed: false, reason: unseenFrom };
  if (w.byAttempts) return { passed: false, reason: { kind: 'max-attempts', maxAttempts: w.maxAttempts! } };
  return { passed: false, reason: w.timeout };
}
