/**
 * The poll engine: a short loop on one deadline. Each turn runs one attempt, lets `decide` say whether
 * that ends the poll, and pauses as the schedule says. The decisions (decide.ts), the limits
 * (deadline.ts), the attempt race (attempt.ts) and the record of what was seen (progress.ts) live in
 * their own modules; this file only sequences them. It formats nothing: `report/` builds the message
 * from the returned `PollResult`, once.
 */
import type { PollSettings } from '../options/normalizeOptions.ts';
import type { Probe } from '../options/types.ts';
import type { TestWindow } from '../runner/testWindow.ts';
import { isThenable } from '../check.ts';
import { AttemptTimeoutError } from '../errors.ts';
import { AttemptSignal, evaluate, raceAttempt, type AttemptSpec, type Observation } from './attempt.ts';
import { decide, endOfWindow, type Rules, type WindowEnd } from './decide.ts';
import {
  attemptBudget,
  planLimits,
  planPause,
  reachedRealLimit,
  REAL_FLOOR_STEP,
  timeoutReason,
  virtualStride,
  watchedToEnd,
  type Limits,
} from './deadline.ts';
import { isWindowGoal, type Goal } from './goal.ts';
import { monotonicNow, pauseReal } from '../time/realTime.ts';
import type { PollResult } from './PollResult.ts';
import { Progress } from './progress.ts';
import { createSchedule } from './schedule.ts';
import { watchStops, type Stops } from './stops.ts';
import { watchWake } from './wake.ts';
import { pollSpanFor } from '../otel/pollSpan.ts';
import type { FirstAttempt } from './atOnce.ts';

export { CONTEXT_BUDGET } from './deadline.ts';

export interface PollSpec<T> {
  probe: Probe<T>;
  /** Whether the condition holds for a value; throwing means it does not (the error is kept). */
  holds: (value: T) => boolean | PromiseLike<boolean>;
  goal: Goal;
  settings: PollSettings;
  testWindow?: TestWindow | undefined;
  /** Aborted when the test that started the poll ends: the poll stops, and that is never a pass. */
  testEnded?: AbortSignal | undefined;
  /** Names its OpenTelemetry span (`unflake.poll <name>`): the matcher or helper; the goal when not given. */
  name?: string | undefined;
  /**
   * Attempt 1, already run by the shell (atOnce.ts) and not a pass it could decide alone: the poll starts
   * when it started and takes its observation as its own, with no checks before it (they were made).
   */
  first?: FirstAttempt<T> | undefined;
}

/** Polls; inside a test that has an OpenTelemetry span, as a child span of it (src/otel/pollSpan.ts). */
export function poll<T>(spec: PollSpec<T>): Promise<PollResult<T>> {
  const span = pollSpanFor(spec.name ?? spec.goal, spec.goal);
  if (!span) return pollUntraced(spec);
  return span
    .run(() => pollUntraced(spec))
    .then(
      (result) => (span.end(result), result),
      (error: unknown) => {
        span.fail(error);
        throw error;
      },
    );
}

async function pollUntraced<T>(spec: PollSpec<T>): Promise<PollResult<T>> {
  const { settings } = spec;
  const time = settings.time;
  const limits = planLimits(settings, spec.testWindow, spec.first ? spec.first.startedAt : time.now());
  const rules = rulesOf(spec);
  const attemptSpec: AttemptSpec<T> = { probe: spec.probe, holds: spec.holds, failWhen: settings.failWhen };
  const progress = startProgress<T>(settings, limits);
  // Made at the first pause (a poll whose first attempt passes needs none). No jitter in virtual time: it
  // only desynchronises real pollers, and would make runs differ.
  let scheduled: (() => number) | undefined;
  const stops = watchStops(settings.signal, spec.testEnded);
  const wake = watchWake(settings.wakeOn);
  const windowEnd = (byAttempts: boolean, inFlight?: WindowEnd['inFlight']): PollResult<T> =>
    endWindow(progress, rules, limits, settings, byAttempts, inFlight);
  try {
    for (let final = false; ;) {
      // The shell's attempt 1 (atOnce.ts) was run after these checks: it is not checked again.
      const given = progress.attempts === 0 ? spec.first : undefined;
      if (!given && (stops.reason() || reachedRealLimit(limits))) return endBefore(stops, progress, windowEnd);
      const attempt = ++progress.attempts;
      const { startedAt, signal } = given ?? { startedAt: time.now(), signal: new AttemptSignal() };
      const at = startedAt - limits.start;
      const pending = attemptOnce(attemptSpec, signal, attempt, limits, settings, stops, startedAt, given?.pending);
      const observation = isThenable(pending) ? await pending : pending;
      const previousDuration = progress.lastDuration;
      progress.lastDuration = time.now() - startedAt;
      if (observation.kind === 'unsettled' && observation.cause !== 'attempt-timeout') {
        progress.observe(observation, at, false, false, signal);
        if (observation.cause === 'interrupted') return progress.finish(false, stops.reason()!);
        const watched = final || watchedToEnd(limits.deadline - startedAt, previousDuration, settings.window);
        return windowEnd(false, { final: watched, error: observation.error });
      }
      const moment = momentOf(progress, attempt, startedAt, at, time.now());
      const decision = decide(observation, progress.streak, rules, moment, time.virtual);
      const counted = decision.end || decision.streak.count > 0;
      progress.observe(observation, at, decision.end && decision.passed, counted, signal);
      const callbackFailure = reportAttempt(settings, observation, attempt, at);
      if (callbackFailure) return progress.finish(false, { kind: 'callback-threw', ...callbackFailure, attempt });
      if (decision.end) return progress.finish(decision.passed, decision.reason);
      progress.streak = decision.streak;
      if (settings.maxAttempts !== undefined && attempt >= settings.maxAttempts) return windowEnd(true);
      if (final || time.now() >= limits.deadline) {
        // Virtual time: a window also watches a real floor, for state that real I/O changes.
        const left = isWindowGoal(rules.goal) ? realFloorLeft(progress) : 0;
        if (left <= 0) return windowEnd(false);
        await wake.during(pauseReal(Math.min(REAL_FLOOR_STEP, left), stops.signal));
        continue;
      }
      scheduled ??= createSchedule(settings.interval, time.virtual ? noJitter : jitter);
      const scheduledMs = wake.take() ? 0 : scheduled();
      const pause = nextPause(progress, settings, limits, Math.max(scheduledMs, decision.retryAfter ?? 0));
      final = pause.final;
      await wake.during(pause.real ? pauseReal(pause.ms, stops.signal) : time.pause(pause.ms, stops.signal));
      // A wake-up during the final pause means the system changed: that attempt is not the last.
      if (wake.woken()) final = false;
    }
  } finally {
    release(stops, wake, progress);
  }
}

/** Stopped (its signal or its test), or past its real limit, before an attempt. */
function endBefore<T>(stops: Stops, progress: Progress<T>, windowEnd: (byAttempts: boolean) => PollResult<T>) {
  return stops.reason() ? progress.finish(false, stops.reason()!) : windowEnd(false);
}

/** The poll's end, however it ends: its listeners go, and an attempt still running is abandoned. */
function release<T>(stops: Stops, wake: { dispose(): void }, progress: Progress<T>): void {
  stops.dispose();
  wake.dispose();
  // Built only when an attempt is still running: an Error's stack on every poll end was ~10 % of a pass.
  if (progress.hasAbandoned) progress.abandon(new AttemptTimeoutError('the poll ended'));
}

// Math is read when a pause is drawn, not at every poll's start: under Jest each read of a global name is a
// lookup through the vm context (about 0.5 µs), and a poll whose first attempt passes draws no pause.
const jitter = (): number => Math.random();
const noJitter = (): number => 0.5;

/** What decides each attempt: the goal and the options that shape it. */
function rulesOf<T>({ goal, settings }: PollSpec<T>): Rules {
  const { stableFor, passes, notBefore, ignore, from } = settings;
  return { goal, stableFor, passes, notBefore, ignore, from };
}

/** The record of what the poll sees; in virtual time it also watches real time (`realFloor`). */
function startProgress<T>(settings: PollSettings, limits: Limits): Progress<T> {
  const progress = new Progress<T>(settings.time, limits.start, { ms: settings.window, name: settings.windowName });
  if (settings.time.virtual) [progress.realStart, progress.realFloor] = [monotonicNow(), settings.realFloor];
  return progress;
}

/** What `decide` needs to know of this attempt besides its observation. */
function momentOf<T>(progress: Progress<T>, attempt: number, startedAt: number, at: number, now: number) {
  return { attempt, startedAt, at, now, sawValue: progress.sawValue, lastMiss: progress.lastMiss };
}

/** Virtual time: real ms the poll must still watch (its `realFloor`), else 0. */
function realFloorLeft<T>(progress: Progress<T>): number {
  if (progress.realStart === undefined || !progress.realFloor) return 0;
  return Math.max(0, progress.realFloor - (monotonicNow() - progress.realStart));
}

/** The window (or maxAttempts) is over without an early end. */
function endWindow<T>(
  progress: Progress<T>,
  rules: Rules,
  limits: Limits,
  settings: PollSettings,
  byAttempts: boolean,
  inFlight: WindowEnd['inFlight'],
): PollResult<T> {
  const { passed, reason } = endOfWindow({
    ...rules,
    inFlight,
    cutByTest: limits.cutByTest,
    byAttempts,
    sawValue: progress.sawValue,
    returnedValue: progress.returnedValue,
    streak: progress.streak,
    now: settings.time.now(),
    timeout: timeoutReason(limits),
    maxAttempts: settings.maxAttempts,
  });
  return progress.finish(passed, reason);
}

/**
 * The pause before the next attempt: the schedule's (or retryAfter's), stretched in virtual time, cut at
 * the deadline and placed to sample just before `notBefore`. Virtual time does not cross `notBefore`
 * before the real floor is watched: until then the pause is real (`real`), and the clock stands still.
 */
function nextPause<T>(
  progress: Progress<T>,
  settings: PollSettings,
  limits: Limits,
  scheduled: number,
): { ms: number; final: boolean; real?: boolean } {
  const time = settings.time;
  const now = time.now();
  const stride = time.untilNextTimer ? virtualStride(now - limits.start, time.untilNextTimer()) : undefined;
  const notBefore = settings.notBefore === undefined ? undefined : limits.start + settings.notBefore;
  const pause = planPause({
    scheduled,
    stride,
    streak: progress.streak,
    stableFor: settings.stableFor,
    now,
    deadline: limits.deadline,
    lastDuration: progress.lastDuration,
    notBefore,
    virtual: time.virtual,
  });
  if (notBefore !== undefined && now < notBefore && now + pause.ms >= notBefore) {
    const left = realFloorLeft(progress);
    if (left > 0) return { ms: Math.min(REAL_FLOOR_STEP, left), final: false, real: true };
  }
  return pause;
}

/**
 * The observation itself when the attempt settled synchronously (no microtask spent awaiting it), else its
 * promise, raced against its budget. `evaluated`: the attempt was already run (the shell's attempt 1).
 */
function attemptOnce<T>(
  spec: AttemptSpec<T>,
  signal: AttemptSignal,
  attempt: number,
  limits: Limits,
  settings: PollSettings,
  stops: Stops,
  startedAt: number,
  evaluated?: Observation<T> | Promise<Observation<T>>,
): Observation<T> | Promise<Observation<T>> {
  const pending = evaluated ?? evaluate(spec, signal, attempt);
  if (!isThenable(pending)) return pending;
  return raceAttempt(pending, signal, attemptBudget(limits, settings, startedAt, attempt), stops.signal);
}

/** `onAttempt`: live progress. Its own error ends the poll (reported, never a "not yet"). */
function reportAttempt<T>(
  settings: PollSettings,
  observation: Observation<T>,
  attempt: number,
  at: number,
): { callback: 'onAttempt'; error: unknown } | undefined {
  if (!settings.onAttempt) return undefined;
  const info =
    observation.kind === 'value'
      ? {
          attempt,
          at,
          value: observation.value,
          held: observation.held,
          ...(observation.checkError === undefined ? {} : { error: observation.checkError }),
        }
      : { attempt, at, error: observation.error, held: false };
  try {
    settings.onAttempt(Object.freeze(info));
    return undefined;
  } catch (error) {
    return { callback: 'onAttempt', error };
  }
}
