/** What a poll has seen so far, and the `PollResult` built from it when it ends. */
import type { TimeSource } from '../time/TimeSource.ts';
import type { AttemptSignal, Observation } from './attempt.ts';
import { NO_STREAK, type Streak } from './decide.ts';
import type { EndReason, FailReason, PassReason, PollResult } from './PollResult.ts';
import { TimelineRecorder } from './timeline.ts';

export class Progress<T> {
  attempts = 0;
  streak: Streak = NO_STREAK;
  lastDuration = 0;
  readonly #time: TimeSource;
  readonly #start: number;
  readonly #timeline = new TimelineRecorder();
  readonly #abandoned: AttemptSignal[] = [];
  #sawValue = false;
  #lastValue: T | undefined;
  #lastError: unknown;
  #lastValueError: unknown;
  #inFlightAtEnd = false;

  readonly #window: { ms: number; name: 'timeout' | 'for' };

  constructor(time: TimeSource, start: number, window: { ms: number; name: 'timeout' | 'for' }) {
    this.#time = time;
    this.#start = start;
    this.#window = window;
  }

  /**
   * Keeps what an attempt saw. A passing attempt is not put in the timeline: a passing assertion needs
   * none, and summarising the value is most of the cost of an already-true one.
   */
  observe(observation: Observation<T>, at: number, passing: boolean, signal: AttemptSignal): void {
    switch (observation.kind) {
      case 'value':
        this.#sawValue = true;
        this.#lastValue = observation.value;
        this.#lastError = observation.checkError;
        this.#lastValueError = observation.checkError;
        if (!passing) this.#timeline.record(at, this.attempts, 'value', observation.value, observation.held);
        return;
      case 'error':
        this.#lastError = observation.error;
        this.#timeline.record(at, this.attempts, 'error', observation.error, false);
        return;
      case 'unsettled':
        this.#lastError = observation.error;
        this.#abandoned.push(signal);
        if (observation.cause === 'deadline') this.#inFlightAtEnd = true;
        if (observation.cause !== 'interrupted') this.#timeline.record(at, this.attempts, 'unsettled', observation.error.message, false);
        return;
    }
  }

  get sawValue(): boolean {
    return this.#sawValue;
  }

  /** Aborts the signals of attempts that were given up on, so their work can stop. */
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
      hasValue: this.#sawValue,
      lastValue: this.#lastValue,
      lastError: this.#lastError,
      lastValueError: this.#lastValueError,
      value: this.#lastValue,
      inFlightAtEnd: this.#inFlightAtEnd,
    };
  }
}
