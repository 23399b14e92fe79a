/**
 * The already-true path (issue 20): the commonest eventual assertion is decided by its first attempt, run
 * synchronously inside the matcher call. When nothing but that attempt can change the verdict, the shell
 * runs it here, before any poll state is built (no limits, stop watcher, schedule, progress or timeline),
 * and a pass ends there. Anything else hands the attempt, already run, to the engine (poll.ts `first`),
 * which goes on exactly as if it had run it itself: the probe is never called twice for one attempt.
 *
 * The one rule, enforced here only: **an attempt decides at once only when the engine, given the same
 * observation, would end with a pass at attempt 1 with no other effect.** That needs
 * - the goal `eventually` (a window goal passes only at its end; `.not` makes `never`);
 * - no streak to build (`stableFor` 0, `passes` 1), no `notBefore`, no `from` (decide.ts);
 * - real time (a virtual clock's poll also watches a real floor and a real limit, deadline.ts);
 * - no `onAttempt` (it sees every attempt, and may throw), no `wakeOn` (subscribed for the poll's life);
 * - neither the poll's `signal` nor its test already ended (the engine checks both before attempt 1);
 * - no OpenTelemetry span to record it (pollSpan.ts), which the caller tells;
 * - and the observation: a value the check judged true, synchronously, with no check error and no
 *   `failWhen` reason (decide.ts: no terminal end, no marker, outcome `holds`).
 * Proven against the full engine by test/src/fastPath*.test.ts.
 */
import type { PollSettings } from '../options/normalizeOptions.ts';
import type { TimeSource } from '../time/TimeSource.ts';
import { isThenable } from '../check.ts';
import { AttemptSignal, evaluate, type AttemptSpec, type Observation } from './attempt.ts';
import type { Goal } from './goal.ts';

/** Attempt 1, run by the shell: the engine takes it over when it did not decide the assertion. */
export interface FirstAttempt<T> {
  /** Its observation, or the promise of it when the probe or the check is asynchronous. */
  pending: Observation<T> | Promise<Observation<T>>;
  signal: AttemptSignal;
  /** When it started, in the time source's ms: also the poll's start. */
  startedAt: number;
}

/** The settings a first attempt cannot decide alone (see the rule above); true when it can. */
export function canDecideAtOnce(
  goal: Goal,
  settings: PollSettings,
  testEnded: AbortSignal | undefined,
  traced: boolean,
): boolean {
  return (
    goal === 'eventually' &&
    !traced &&
    settings.stableFor === 0 &&
    settings.passes === 1 &&
    settings.notBefore === undefined &&
    settings.from === undefined &&
    settings.onAttempt === undefined &&
    settings.wakeOn.length === 0 &&
    !settings.time.virtual &&
    settings.signal?.aborted !== true &&
    testEnded?.aborted !== true
  );
}

/** Whether the observation alone is a pass of the goal `eventually` (decide.ts would say `passed` at once). */
export function passedAtOnce<T>(pending: Observation<T> | Promise<Observation<T>>): boolean {
  if (isThenable(pending)) return false;
  return pending.kind === 'value' && pending.held && pending.checkError === undefined && pending.failWhen === undefined;
}

/** Runs attempt 1 now. */
export function runFirstAttempt<T>(spec: AttemptSpec<T>, time: TimeSource): FirstAttempt<T> {
  const startedAt = time.now();
  const signal = new AttemptSignal();
  return { pending: evaluate(spec, signal, 1), signal, startedAt };
}
