/**
 * The poll engine: one monotonic deadline, sequential attempts raced against it, data out.
 * It formats nothing; `report/` builds the message from the returned `PollResult`, once.
 */
import type { PollSettings } from '../options/normalizeOptions.ts';
import type { Probe } from '../options/types.ts';
import type { TestWindow } from '../runner/testWindow.ts';
import { isThenable } from '../check.ts';
import { AttemptTimeoutError, StopError } from '../errors.ts';
import { clearRealTimeout, monotonicNow, setRealTimeout } from '../time/realTime.ts';
import type { EndReason, PollResult } from './PollResult.ts';
import { createSchedule } from './schedule.ts';
import { TimelineRecorder } from './timeline.ts';
import { subscribeWake } from './wake.ts';
import { trackPoll } from '../runner/activePolls.ts';

/** Time reserved before the test's deadline for gathering `context`. */
export const CONTEXT_BUDGET = 500;

/** In virtual time, nothing moves while an attempt runs: bound it in real time instead. */
const VIRTUAL_ATTEMPT_REAL_LIMIT = 5_000;

export interface PollSpec<T> {
  probe: Probe<T>;
  /** Whether the condition holds for a value; throwing means it does not (the error is kept). */
  holds: (value: T) => boolean | PromiseLike<boolean>;
  /** Stop when the condition first holds ('hold') or first fails ('miss'). */
  target: 'hold' | 'miss';
  /** What reaching the target means; the end of the window means the opposite. */
  onTarget: 'pass' | 'fail';
  settings: PollSettings;
  testWindow?: TestWindow | undefined;
  /** Names the poll if the test forgets to await it; called only then. */
  label: () => string;
}

type Observation<T> =
  | { kind: 'value'; value: T; held: boolean; checkError?: unknown; failWhen?: string }
  | { kind: 'error'; error: unknown; held: false }
  | { kind: 'unsettled'; cause: 'attempt-timeout' | 'deadline' | 'interrupted'; error: AttemptTimeoutError; held: false };

/** An attempt's AbortController, created only if the probe reads `signal` (most never do). */
class AttemptSignal {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted && !this.#controller.signal.aborted) this.#controller.abort(this.#reason);
    return this.#controller.signal;
  }
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/** Runs probe → failWhen → holds, synchronously when everything is synchronous. Never throws. */
function evaluate<T>(spec: PollSpec<T>, attemptSignal: AttemptSignal, attempt: number): Observation<T> | Promise<Observation<T>> {
  const onValue = (value: T): Observation<T> | Promise<Observation<T>> => {
    try {
      const terminal = spec.settings.failWhen?.(value);
      if (typeof terminal === 'string' && terminal !== '') return { kind: 'value', value, held: false, failWhen: terminal };
      const verdict = spec.holds(value);
      if (isThenable(verdict)) {
        return Promise.resolve(verdict).then(
          (held) => ({ kind: 'value', value, held: held !== false }) as Observation<T>,
          (checkError: unknown) => ({ kind: 'value', value, held: false, checkError }) as Observation<T>,
        );
      }
      return { kind: 'value', value, held: verdict !== false };
    } catch (checkError) {
      return { kind: 'value', value, held: false, checkError };
    }
  };
  const onError = (error: unknown): Observation<T> => ({ kind: 'error', error, held: false });
  try {
    const context = Object.freeze({
      attempt,
      get signal(): AbortSignal {
        return attemptSignal.signal;
      },
    });
    const produced = spec.probe(context);
    if (isThenable(produced)) return Promise.resolve(produced).then((value) => onValue(value as T), onError);
    return onValue(produced);
  } catch (error) {
    return onError(error);
  }
}

export async function poll<T>(spec: PollSpec<T>): Promise<PollResult<T>> {
  const { settings } = spec;
  const time = settings.time;
  const start = time.now();
  let deadline = start + settings.window;
  let limitedByTest = false;
  // Real monotonic ms past which the poll must end whatever its (virtual) window says.
  let realLimit: number | undefined;
  if (spec.testWindow) {
    const testLimit = spec.testWindow.deadline - settings.testTimeoutMargin - (settings.context ? CONTEXT_BUDGET : 0);
    if (time.virtual) realLimit = testLimit;
    else if (testLimit < deadline) {
      deadline = Math.max(start, testLimit);
      limitedByTest = true;
    }
  }

  const timeline = new TimelineRecorder();
  // No jitter in virtual time: it only desynchronises real pollers, and would make runs differ.
  const nextPause = createSchedule(settings.interval, time.virtual ? () => 0.5 : Math.random);
  const interrupt = new AbortController();
  let interruptReason: EndReason | undefined;
  const interruptWith = (reason: EndReason): void => {
    if (interruptReason) return;
    interruptReason = reason;
    interrupt.abort();
  };
  const onAbort = (): void => interruptWith({ kind: 'aborted', reason: settings.signal?.reason });
  settings.signal?.addEventListener('abort', onAbort, { once: true });
  if (settings.signal?.aborted) onAbort();
  const untrack = trackPoll(spec.label, () => interruptWith({ kind: 'test-ended' }));
  let woken = false;
  let wakePause: (() => void) | undefined;
  const unsubscribeWake = subscribeWake(settings.wakeOn, () => {
    woken = true;
    wakePause?.();
  });

  let attempts = 0;
  let hasValue = false;
  let lastValue: T | undefined;
  let lastError: unknown;
  let inFlightAtEnd = false;
  let streakStart: number | undefined;
  let streakCount = 0;
  let lastDuration = 0;
  let finalAttempt = false;
  const abandoned: AttemptSignal[] = [];

  const finish = (passed: boolean, reason: EndReason): PollResult<T> => ({
    passed,
    reason,
    attempts,
    elapsed: time.now() - start,
    virtual: time.virtual,
    timeline: timeline.entries,
    hasValue,
    lastValue,
    lastError,
    value: lastValue,
    inFlightAtEnd,
  });
  const windowEnd = (): EndReason =>
    limitedByTest && spec.testWindow
      ? { kind: 'timeout', limit: 'test', window: settings.window, windowName: settings.windowName, testTimeout: spec.testWindow.timeout, margin: settings.testTimeoutMargin }
      : { kind: 'timeout', limit: 'window', window: settings.window, windowName: settings.windowName };
  /** The window (or maxAttempts) is over without the target being reached. */
  const endOfWindow = (byAttempts: boolean): PollResult<T> => {
    if (spec.onTarget === 'fail') {
      // "never"/"always" pass only when the whole window was watched, not when the test cut it short.
      return limitedByTest && !byAttempts ? finish(false, windowEnd()) : finish(true, { kind: 'passed' });
    }
    if (streakStart !== undefined) {
      return finish(false, { kind: 'unstable', heldFor: time.now() - streakStart, heldPasses: streakCount, stableFor: settings.stableFor, passes: settings.passes });
    }
    return finish(false, byAttempts ? { kind: 'max-attempts', maxAttempts: settings.maxAttempts! } : windowEnd());
  };

  try {
    for (;;) {
      if (interruptReason) return finish(false, interruptReason);
      if (realLimit !== undefined && monotonicNow() >= realLimit) {
        limitedByTest = true;
        return endOfWindow(false);
      }
      attempts++;
      const attemptStart = time.now();
      const at = attemptStart - start;
      const controller = new AttemptSignal();
      const pending = evaluate(spec, controller, attempts);
      const observation: Observation<T> = isThenable(pending) ? await raceAttempt(pending, controller, attemptStart) : pending;
      lastDuration = time.now() - attemptStart;

      switch (observation.kind) {
        case 'value':
          hasValue = true;
          lastValue = observation.value;
          lastError = observation.checkError;
          // Recorded below, unless this attempt passes: a passing assertion needs no timeline,
          // and summarising the value is most of the cost of an already-true one.
          break;
        case 'error':
          lastError = observation.error;
          timeline.record(at, attempts, 'error', observation.error, false);
          break;
        case 'unsettled':
          lastError = observation.error;
          abandoned.push(controller);
          if (observation.cause === 'interrupted') return finish(false, interruptReason!);
          timeline.record(at, attempts, 'unsettled', observation.error.message, false);
          if (observation.cause === 'deadline') {
            inFlightAtEnd = true;
            return endOfWindow(false);
          }
          break;
      }

      const reached = spec.target === 'hold' ? observation.held : !observation.held;
      const passesNow =
        reached && spec.onTarget === 'pass' && !(settings.notBefore !== undefined && at < settings.notBefore) && settings.stableFor === 0 && streakCount + 1 >= settings.passes;
      if (observation.kind === 'value' && !passesNow) timeline.record(at, attempts, 'value', observation.value, observation.held);

      const thrown = observation.kind === 'error' ? observation.error : observation.kind === 'value' ? observation.checkError : undefined;
      if (thrown instanceof StopError) return finish(false, { kind: 'stopped', reason: thrown.reason });
      if (observation.kind === 'error' && settings.ignore && !safeIgnore(settings.ignore, observation.error)) {
        return finish(false, { kind: 'not-ignorable', error: observation.error });
      }
      if (observation.kind === 'value' && observation.failWhen) return finish(false, { kind: 'fail-when', reason: observation.failWhen });

      if (reached && spec.onTarget === 'fail') {
        return finish(false, spec.target === 'hold' ? { kind: 'matched', attempt: attempts } : { kind: 'stopped-holding', attempt: attempts });
      }
      if (reached) {
        if (settings.notBefore !== undefined && at < settings.notBefore) return finish(false, { kind: 'too-early', at, notBefore: settings.notBefore });
        streakStart ??= attemptStart;
        streakCount++;
        if (time.now() - streakStart >= settings.stableFor && streakCount >= settings.passes) return finish(true, { kind: 'passed' });
      } else {
        streakStart = undefined;
        streakCount = 0;
      }

      if (settings.maxAttempts !== undefined && attempts >= settings.maxAttempts) return endOfWindow(true);
      const now = time.now();
      if (finalAttempt || now >= deadline) return endOfWindow(false);

      let pause = woken ? 0 : nextPause();
      woken = false;
      if (streakStart !== undefined && settings.stableFor > 0) pause = Math.min(pause, Math.max(0, streakStart + settings.stableFor - now));
      // The last attempt runs at the deadline (finishing about when it ends), not one interval before it.
      const latestStart = deadline - lastDuration;
      if (now + pause >= latestStart) {
        pause = Math.max(0, latestStart - now);
        finalAttempt = true;
      }
      const { done, wake } = time.pause(pause, interrupt.signal);
      wakePause = wake;
      await done;
      wakePause = undefined;
      if (woken) finalAttempt = false;
    }
  } finally {
    settings.signal?.removeEventListener('abort', onAbort);
    unsubscribeWake();
    untrack();
    for (const controller of abandoned) controller.abort(new AttemptTimeoutError('the poll ended'));
  }

  function raceAttempt(work: Promise<Observation<T>>, controller: AttemptSignal, attemptStart: number): Promise<Observation<T>> {
    // Budgets are real ms: in virtual time the clock stands still while an attempt runs.
    const untilDeadline = time.virtual ? Math.max(1, realLimit === undefined ? VIRTUAL_ATTEMPT_REAL_LIMIT : Math.min(VIRTUAL_ATTEMPT_REAL_LIMIT, realLimit - monotonicNow())) : Math.max(1, deadline - attemptStart);
    const byAttemptTimeout = settings.attemptTimeout !== undefined && settings.attemptTimeout < untilDeadline;
    const budget = byAttemptTimeout ? settings.attemptTimeout! : untilDeadline;
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setRealTimeout> | undefined;
      const settle = (observation: Observation<T>): void => {
        clearRealTimeout(timer);
        interrupt.signal.removeEventListener('abort', onInterrupt);
        resolve(observation);
      };
      const giveUp = (cause: 'attempt-timeout' | 'deadline' | 'interrupted', message: string): void => {
        const error = new AttemptTimeoutError(message);
        controller.abort(error);
        settle({ kind: 'unsettled', cause, error, held: false });
      };
      const onInterrupt = (): void => giveUp('interrupted', `attempt ${attempts} was abandoned: the poll was interrupted`);
      if (interrupt.signal.aborted) return onInterrupt();
      interrupt.signal.addEventListener('abort', onInterrupt, { once: true });
      timer = setRealTimeout(
        () =>
          byAttemptTimeout
            ? giveUp('attempt-timeout', `attempt did not settle within ${settings.attemptTimeout} ms (attemptTimeout)`)
            : giveUp('deadline', time.virtual ? `attempt ${attempts} did not settle within ${Math.round(untilDeadline)} ms of real time (virtual time does not move while an attempt runs)` : `attempt ${attempts} was still running at the deadline`),
        budget,
      );
      // `evaluate` never rejects; a late settle after giving up is ignored by the resolved promise.
      void work.then(settle);
    });
  }
}

function safeIgnore(ignore: (error: unknown) => boolean, error: unknown): boolean {
  try {
    return ignore(error) !== false;
  } catch {
    return false;
  }
}
