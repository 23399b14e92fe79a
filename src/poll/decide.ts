/**
 * The engine's decisions as pure functions: an observation and the streak so far in, "go on" or an end
 * reason out. No timers, no clocks: tested as tables (test/src/decide.test.ts).
 */
import { usageError } from '../errors.ts';
import { findBranded } from '../runtime/brand.ts';
import type { Observation } from './attempt.ts';
import type { EndReason } from './PollResult.ts';
import { isWindowGoal, reaches, type Goal } from './goal.ts';

/** Consecutive attempts that reached the goal (for `stableFor` / `passes`). */
export interface Streak {
  /** When the streak's first attempt started (time-source ms), or undefined with no streak. */
  start: number | undefined;
  count: number;
}

export const NO_STREAK: Streak = Object.freeze({ start: undefined, count: 0 });

export interface Rules {
  goal: Goal;
  stableFor: number;
  passes: number;
  notBefore: number | undefined;
  ignore: ((error: unknown) => boolean) | undefined;
}

export interface Moment {
  attempt: number;
  /** When the attempt started, in time-source ms, and relative to the poll's start. */
  startedAt: number;
  at: number;
  /** Now, in time-source ms. */
  now: number;
}

/** `retryAfter`: the probe asked for the next attempt to wait at least this many ms. */
export type Decision = { end: false; streak: Streak; retryAfter?: number } | { end: true; passed: boolean; reason: EndReason };

function safeIgnore(ignore: (error: unknown) => boolean, error: unknown): boolean {
  try {
    return ignore(error) !== false;
  } catch {
    return false;
  }
}

function thrownBy<T>(observation: Observation<T>): unknown {
  return observation.kind === 'error' ? observation.error : observation.kind === 'value' ? observation.checkError : undefined;
}

/** `settled()`: a window passes at once; anywhere else it is a usage error. */
function settledEnd(thrown: unknown, rules: Rules, attempt: number): Decision | undefined {
  const settled = findBranded(thrown, 'settled') as { reason?: unknown } | undefined;
  if (!settled) return undefined;
  if (isWindowGoal(rules.goal)) return { end: true, passed: true, reason: { kind: 'settled', reason: String(settled.reason), attempt } };
  const error = usageError(
    'settled()',
    'only ends a window assertion (toConsistently*, .not.toEventually*, consistently()): there it means the state can no longer change. To fail at once here, use stop(reason).',
  );
  return { end: true, passed: false, reason: { kind: 'misuse', error } };
}

/** Endings that do not depend on the goal: stop(), a usage error, an error `ignore` refuses, failWhen. */
function terminal<T>(observation: Observation<T>, rules: Rules): EndReason | undefined {
  const thrown = thrownBy(observation);
  const stopped = findBranded(thrown, 'stop') as { reason?: unknown; cause?: unknown } | undefined;
  if (stopped) return { kind: 'stopped', reason: String(stopped.reason), cause: stopped.cause };
  const misuse = findBranded(thrown, 'usage');
  if (misuse) return { kind: 'misuse', error: misuse };
  if (observation.kind === 'error' && !findBranded(observation.error, 'retry-after') && rules.ignore && !safeIgnore(rules.ignore, observation.error))
    return { kind: 'not-ignorable', error: observation.error };
  if (observation.kind === 'value' && observation.failWhen) return { kind: 'fail-when', reason: observation.failWhen };
  return undefined;
}

/** After one attempt: end now (and how), or go on with the updated streak. */
export function decide<T>(observation: Observation<T>, streak: Streak, rules: Rules, moment: Moment): Decision {
  const early = terminal(observation, rules);
  if (early) return { end: true, passed: false, reason: early };
  const thrown = thrownBy(observation);
  const settled = settledEnd(thrown, rules, moment.attempt);
  if (settled) return settled;
  const wait = findBranded(thrown, 'retry-after') as { ms?: number } | undefined;
  // "Not yet, and not before ms": for "always" it is a pause, not a miss.
  if (wait) return { end: false, streak: NO_STREAK, retryAfter: Number(wait.ms) || 0 };
  if (!reaches(rules.goal, observation.held)) return { end: false, streak: NO_STREAK };
  if (isWindowGoal(rules.goal)) {
    return { end: true, passed: false, reason: rules.goal === 'never' ? { kind: 'matched', attempt: moment.attempt } : { kind: 'stopped-holding', attempt: moment.attempt } };
  }
  if (rules.notBefore !== undefined && moment.at < rules.notBefore) return { end: true, passed: false, reason: { kind: 'too-early', at: moment.at, notBefore: rules.notBefore } };
  const next: Streak = { start: streak.start ?? moment.startedAt, count: streak.count + 1 };
  if (moment.now - next.start! >= rules.stableFor && next.count >= rules.passes) return { end: true, passed: true, reason: { kind: 'passed' } };
  return { end: false, streak: next };
}

/** Whether this attempt is the one that passes (a passing attempt is not recorded in the timeline). */
export function passesNow<T>(observation: Observation<T>, streak: Streak, rules: Rules, at: number): boolean {
  if (observation.kind !== 'value' || !reaches(rules.goal, observation.held) || isWindowGoal(rules.goal)) return false;
  if (rules.notBefore !== undefined && at < rules.notBefore) return false;
  return rules.stableFor === 0 && streak.count + 1 >= rules.passes;
}

export interface WindowEnd {
  goal: Goal;
  /** The window was cut short by the test's deadline. */
  cutByTest: boolean;
  /** It ended by `maxAttempts`, not by time. */
  byAttempts: boolean;
  /** At least one attempt returned a value. */
  sawValue: boolean;
  streak: Streak;
  now: number;
  timeout: EndReason & { kind: 'timeout' };
  maxAttempts: number | undefined;
  stableFor: number;
  passes: number;
}

/**
 * The window (or maxAttempts) is over without an early end. "always"/"never" pass only when the window
 * was watched whole and at least one attempt returned a value: a window of errors proves nothing.
 */
export function endOfWindow(w: WindowEnd): { passed: boolean; reason: EndReason } {
  if (isWindowGoal(w.goal)) {
    if (w.cutByTest || w.byAttempts) return { passed: false, reason: w.timeout };
    if (!w.sawValue) return { passed: false, reason: { kind: 'no-value', window: w.timeout.window, windowName: w.timeout.windowName } };
    return { passed: true, reason: { kind: 'passed' } };
  }
  if (w.streak.start !== undefined) {
    return { passed: false, reason: { kind: 'unstable', heldFor: w.now - w.streak.start, heldPasses: w.streak.count, stableFor: w.stableFor, passes: w.passes } };
  }
  if (w.byAttempts) return { passed: false, reason: { kind: 'max-attempts', maxAttempts: w.maxAttempts! } };
  return { passed: false, reason: w.timeout };
}
