/**
 * The engine's decisions as pure functions: an observation and the streak so far in, "go on" or an end
 * reason out. No timers, no clocks: tested as tables (test/src/decide.test.ts) and against a reference
 * model over generated attempt sequences (test/src/goalTable.test.ts).
 *
 * The rule enforced here, and only here: **a pass rests on an observed value.** Each attempt is first
 * reduced to one outcome:
 *
 * - `holds` / `fails`: the probe returned a value and the check judged it: it returned true / false, or
 *   threw an assertion error (`expect()`, `assert`), which is a "no";
 * - `gap`: nothing was judged: the probe threw, the check threw something that is not an assertion (a
 *   TypeError), the probe asked for `retryAfter`, or the attempt did not settle.
 *
 * | outcome            | eventually      | eventually-fails | never (.not.toEventually) | always (toConsistently) |
 * |--------------------|-----------------|------------------|---------------------------|-------------------------|
 * | holds              | pass (streak)   | go on            | fail: matched             | go on, counts           |
 * | fails              | go on           | pass             | go on, counts             | fail: stopped holding   |
 * | gap                | go on           | go on            | go on, does not count     | fail: the watch broke,  |
 * |                    |                 |                  |                           | unless `ignore` names it|
 * | stop()             | fail            | fail             | fail                      | fail                    |
 * | settled()          | usage error     | usage error      | pass if a value was judged, else fail             |
 * | window ends        | fail            | fail             | pass if a value was judged and the end was watched  |
 *
 * A probe error that `ignore` refuses fails every goal at once; `ignore` never judges the markers.
 * `notBefore` (eventually): a hold that started before it is too early; the first hold after it passes
 * only if a judged miss ended just before the boundary (the engine places one there), else the failure
 * says it could not see the boundary. `from` (eventually): until an attempt's value is the starting state
 * (from.ts) nothing passes; a hold before it is remembered, and a window that ends with no hold after the
 * starting state fails saying so (`held-before-from`), not "it never held". Markers (`stop`, `settled`, `retryAfter`, usage errors) are read
 * from the thrown error and its own `cause` chain only, never through a nested unflake poll failure
 * (runtime/brand.ts).
 */
import { usageError } from '../errors.ts';
import { findBranded } from '../runtime/brand.ts';
import type { Observation } from './attempt.ts';
import { isAssertionError } from './assertion.ts';
import type { Broken, EndReason } from './PollResult.ts';
import { isWindowGoal, reaches, type Goal } from './goal.ts';
import type { FromRule } from './from.ts';
import { safeIgnore } from './decideWindow.ts';
import { NO_STREAK, type Streak } from './streak.ts';

export { endOfWindow, type HeldBeforeFrom, type WindowEnd } from './decideWindow.ts';
export { NO_STREAK, type Streak };

export interface Rules {
  goal: Goal;
  stableFor: number;
  passes: number;
  notBefore: number | undefined;
  ignore: ((error: unknown) => boolean) | undefined;
  /** "It must change first" (from.ts): only with the `eventually` goal. */
  from?: FromRule | undefined;
}

export interface Moment {
  attempt: number;
  /** When the attempt started, in time-source ms, and relative to the poll's start. */
  startedAt: number;
  at: number;
  /** Now, in time-source ms. */
  now: number;
  /** Whether an earlier attempt returned a value the check judged. */
  sawValue?: boolean;
  /** When (ms since the start) the last judged attempt that did not reach the goal ended: `notBefore` needs one at its boundary. */
  lastMiss?: number | undefined;
}

/** `retryAfter`: the probe asked for the next attempt to wait at least this many ms. */
export type Decision =
  { end: false; streak: Streak; retryAfter?: number } | { end: true; passed: boolean; reason: EndReason };

/** What one attempt amounts to. */
export type Outcome = 'holds' | 'fails' | 'gap';

/**
 * How far before the `notBefore` boundary (ms since the start) the last judged miss may end for a pass
 * after it to count: the engine samples just before the boundary (deadline.ts), so only a timer's
 * lateness separates them; in virtual time that sample is 1 ms before it.
 */
export const NOT_BEFORE_BLIND = { real: 25, virtual: 1 } as const;

export function outcomeOf<T>(observation: Observation<T>): Outcome {
  if (observation.kind !== 'value') return 'gap';
  if (observation.checkError !== undefined && !isAssertionError(observation.checkError)) return 'gap';
  return observation.held ? 'holds' : 'fails';
}

function thrownBy<T>(observation: Observation<T>): unknown {
  return observation.kind === 'value' ? observation.checkError : observation.error;
}

/** `settled()`: a window ends at once, a pass if it judged a value; anywhere else it is a usage error. */
function settledEnd<T>(observation: Observation<T>, rules: Rules, moment: Moment): Decision | undefined {
  const settled = findBranded(thrownBy(observation), 'settled') as { reason?: unknown } | undefined;
  if (!settled) return undefined;
  const reason = String(settled.reason);
  if (isWindowGoal(rules.goal)) {
    // From the check, it judged this attempt's value; from the probe, only earlier values count.
    if (observation.kind === 'value' || moment.sawValue === true)
      return { end: true, passed: true, reason: { kind: 'settled', reason, attempt: moment.attempt } };
    return { end: true, passed: false, reason: { kind: 'settled-unseen', reason, attempt: moment.attempt } };
  }
  const error = usageError(
    'settled()',
    'only ends a window assertion (toConsistently*, .not.toEventually*, consistently()): there it means the state can no longer change. To fail at once here, use stop(reason).',
  );
  return { end: true, passed: false, reason: { kind: 'misuse', error } };
}

function isMarker(error: unknown): boolean {
  return findBranded(error, 'retry-after') !== undefined || findBranded(error, 'settled') !== undefined;
}

/** Endings that do not depend on the goal: stop(), a usage error, an error `ignore` refuses, failWhen. */
function terminal<T>(observation: Observation<T>, rules: Rules): EndReason | undefined {
  const thrown = thrownBy(observation);
  const stopped = findBranded(thrown, 'stop') as { reason?: unknown; cause?: unknown } | undefined;
  if (stopped) return { kind: 'stopped', reason: String(stopped.reason), cause: stopped.cause };
  const misuse = findBranded(thrown, 'usage');
  if (misuse) return { kind: 'misuse', error: misuse };
  // `ignore` judges errors, not the markers the probe threw on purpose (retryAfter, settled).
  if (
    observation.kind === 'error' &&
    rules.ignore &&
    !isMarker(observation.error) &&
    !safeIgnore(rules.ignore, observation.error)
  )
    return { kind: 'not-ignorable', error: observation.error };
  if (observation.kind === 'value' && observation.failWhen) return { kind: 'fail-when', reason: observation.failWhen };
  return undefined;
}

function brokenBy<T>(observation: Observation<T>, retryAfter: number | undefined): Broken {
  if (observation.kind === 'unsettled') return { by: 'unsettled', error: observation.error };
  if (observation.kind === 'value') return { by: 'check-error', error: observation.checkError };
  return retryAfter === undefined
    ? { by: 'probe-error', error: observation.error }
    : { by: 'retry-after', error: observation.error, ms: retryAfter };
}

/** An attempt that judged nothing: never a pass; in an "always" window a break, unless `ignore` names it. */
function gap<T>(observation: Observation<T>, rules: Rules, attempt: number, rest: Streak): Decision {
  const wait = findBranded(thrownBy(observation), 'retry-after') as { ms?: number } | undefined;
  const retryAfter = wait ? Number(wait.ms) || 0 : undefined;
  if (rules.goal === 'always') {
    const broken = brokenBy(observation, retryAfter);
    if (!rules.ignore || !safeIgnore(rules.ignore, broken.error))
      return { end: true, passed: false, reason: { kind: 'stopped-holding', attempt, broken } };
  }
  return retryAfter === undefined ? { end: false, streak: rest } : { end: false, streak: rest, retryAfter };
}

/** `notBefore`: a hold before the boundary is too early; a first hold after it needs a miss seen just before it. */
function notBeforeEnd(rules: Rules, streak: Streak, moment: Moment, virtual: boolean): EndReason | undefined {
  const notBefore = rules.notBefore;
  if (notBefore === undefined) return undefined;
  if (moment.at < notBefore) return { kind: 'too-early', at: moment.at, notBefore };
  if (streak.start !== undefined) return undefined;
  const blind = virtual ? NOT_BEFORE_BLIND.virtual : NOT_BEFORE_BLIND.real;
  if (moment.lastMiss === undefined || notBefore - moment.lastMiss > blind)
    return { kind: 'not-before-unseen', notBefore, lastMiss: moment.lastMiss, at: moment.at };
  return undefined;
}

/** No streak, keeping what `from` has seen (the streak is the only state that goes from one decision to the next). */
function restOf(streak: Streak): Streak {
  if (streak.armed === undefined && streak.heldBeforeFrom === undefined) return NO_STREAK;
  return { start: undefined, count: 0, armed: streak.armed, heldBeforeFrom: streak.heldBeforeFrom };
}

/**
 * `from`, before the starting state was seen: this attempt never passes. It arms the wait when its value
 * is the starting state, and a hold is remembered (the failure says why it did not count).
 */
function beforeFrom(from: FromRule, value: unknown, held: boolean, streak: Streak, attempt: number): Decision {
  let armed: boolean;
  try {
    armed = from.matches(value);
  } catch (error) {
    return { end: true, passed: false, reason: { kind: 'misuse', error } };
  }
  const heldBeforeFrom = held ? (streak.heldBeforeFrom ?? attempt) : streak.heldBeforeFrom;
  return { end: false, streak: { start: undefined, count: 0, armed, heldBeforeFrom } };
}

/** After one attempt: end now (and how), or go on with the updated streak. `virtual`: the poll runs on a TestClock. */
export function decide<T>(
  observation: Observation<T>,
  streak: Streak,
  rules: Rules,
  moment: Moment,
  virtual = false,
): Decision {
  const early = terminal(observation, rules);
  if (early) return { end: true, passed: false, reason: early };
  const settled = settledEnd(observation, rules, moment);
  if (settled) return settled;
  const outcome = outcomeOf(observation);
  if (outcome === 'gap') return gap(observation, rules, moment.attempt, restOf(streak));
  if (rules.from && rules.goal === 'eventually' && streak.armed !== true) {
    return beforeFrom(
      rules.from,
      (observation as Observation<T> & { kind: 'value' }).value,
      outcome === 'holds',
      streak,
      moment.attempt,
    );
  }
  if (!reaches(rules.goal, outcome === 'holds')) return { end: false, streak: restOf(streak) };
  if (isWindowGoal(rules.goal)) {
    return {
      end: true,
      passed: false,
      reason:
        rules.goal === 'never'
          ? { kind: 'matched', attempt: moment.attempt }
          : { kind: 'stopped-holding', attempt: moment.attempt },
    };
  }
  const tooEarly = notBeforeEnd(rules, streak, moment, virtual);
  if (tooEarly) return { end: true, passed: false, reason: tooEarly };
  const next: Streak = { ...streak, start: streak.start ?? moment.startedAt, count: streak.count + 1 };
  if (moment.now - next.start! >= rules.stableFor && next.count >= rules.passes)
    return { end: true, passed: true, reason: { kind: 'passed' } };
  return { end: false, streak: next };
}
