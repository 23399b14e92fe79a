/** What a poll has seen so far, and the `PollResult` built from it when it ends. */
import { monotonicNow } from '../time/realTime.ts';
import type { TimeSource } from '../time/TimeSource.ts';
import type { AttemptSignal, Observation } from './attempt.ts';
import { NO_STREAK, outcomeOf, type Streak } from './decide.ts';
import type { EndReason, FailReason, PassReason, PollResult } from './PollResult.ts';
import { TimelineRecorder } from './timeline.ts';

export class Progress<T> {
  attempts = 0;
  streak: Streak = NO_STREAK;
  lastDuration = 0;
  /** ms since the start when the last judged attempt that did not reach the goal ended (for `notBefore`). */
  lastMiss: number | undefined;
  /** Virtual time: real monotonic ms at the start, and the real floor the window must watch. */
  realStart: number | undefined;
  realFloor: number | undefined;
  readonly #time: TimeSource;
  readonly #start: number;
  readonly #timeline = new TimelineRecorder();
  readonly #abandoned: AttemptSignal[] = [];
  #sawValue = false;
  #returnedValue = false;
  #lastValue: T | undefined;
  #lastError: unknown;
  #lastValueError: unknown;
  #atEnd: { attempt: number; error: unknown } | undefined;

  readonly #window: { ms: number; name: 'timeout' | 'for' };

  constructor(time: TimeSource, start: number, window: { ms: number; name: 'timeout' | 'for' }) {
    this.#time = time;
    this.#start = start;
    this.#window = window;
  }

  /**
   * Keeps what an attempt saw. A passing attempt is not put in the timeline: a passing assertion needs
   * none, and summarising the value is most of the cost of an already-true one. `reached`: whether the
   * attempt reached the goal's early end (a judged miss is remembered for `notBefore`).
   */
  observe(observation: Observation<T>, at: number, passing: boolean, reached: boolean, signal: AttemptSignal): void {
    switch (observation.kind) {
      case 'value': {
        // A value the check did not judge (it threw a TypeError) is not an observation: it counts for no window.
        const judged = outcomeOf(observation) !== 'gap';
        if (judged) this.#sawValue = true;
        this.#returnedValue = true;
        if (judged && !reached) this.lastMiss = this.#time.now() - this.#start;
        this.#lastValue = observation.value;
        this.#lastError = observation.checkError;
        this.#lastValueError = observation.checkError;
        if (!passing) this.#timeline.record(at, this.attempts, 'value', observation.value, observation.held);
        return;
      }
      case 'error':
        this.#lastError = observation.error;
        this.#timeline.record(at, this.attempts, 'error', observation.error, false);
        return;
      case 'unsettled':
        this.#abandoned.push(signal);
        // Abandoned at the deadline, it is a footnote: the headline stays the last completed attempt.
        if (observation.cause === 'deadline') this.#atEnd = { attempt: this.attempts, error: observation.error };
        else this.#lastError = observation.error;
        if (observation.cause !== 'interrupted')
          this.#timeline.record(at, this.attempts, 'unsettled', observation.error.message, false);
        return;
    }
  }

  /** Whether an attempt returned a value at all (the check may have thrown on it). */
  get returnedValue(): boolean {
    return this.#returnedValue;
  }

  /** Whether an attempt returned a value that the check judged. */
  get sawValue(): boolean {
    return this.#sawValue;
  }

  /** Aborts the signals of attempts that were given up on, so their work can stop. */
  /** Whether an attempt abandoned at a deadline is still running (it is told why when the poll ends). */
  get hasAbandoned(): boolean {
    return this.#abandoned.length > 0;
  }

  abandon(reason: unknown): void {
    for (const signal of this.#abandoned.splice(0)) signal.abort(reason);
  }

  finish(passed: boolean, reason: EndReason): PollResult<T> {
    // The pairing is the callers' (decide.ts, endOfWindow): a pass has a pass reason.
    const verdict = { passed, reason } as { passed: true; reason: PassReason } | { passed: false; reason: FailReason };
    return {
      ...verdict,
      window: this.#window.ms,
      windowName: this.#window.name,
      attempts: this.attempts,
      elapsed: this.#time.now() - this.#start,
      virtual: this.#time.virtual,
      timeline: this.#timeline.entries,
      droppedEntries: this.#timeline.dropped,
      hasValue: this.#returnedValue,
      lastValue: this.#lastValue,
      lastError: this.#lastError,
      lastValueError: this.#lastValueError,
      value: this.#lastValue,
      inFlightAtEnd: this.#atEnd !== undefined,
      abandonedAtEnd: this.#atEnd,
      ...(this.realStart === undefined
        ? {}
        : { realElapsed: monotonicNow() - this.realStart, realFloor: this.realFloor }),
    };
  }
}
