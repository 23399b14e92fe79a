/** One distinct observation, run-length compressed over consecutive attempts. */
export interface TimelineEntry {
  /** ms since the poll started when this observation was first seen. */
  firstAt: number;
  /** ms since start of the last attempt that saw it. */
  lastAt: number;
  /** 1-based number of the first attempt that saw it. */
  firstAttempt: number;
  /** 1-based number of the last attempt that saw it. */
  lastAttempt: number;
  /** How many consecutive attempts saw it. */
  count: number;
  /** What the attempts saw: a returned value, a thrown error, or no answer before the attempt was abandoned. */
  kind: 'value' | 'error' | 'unsettled';
  /** A one-line rendering of the value or error. */
  summary: string;
  /** Whether the condition held for this observation. */
  held: boolean;
}

/** What broke an "always" window's watch: an attempt that judged no value. */
export type Broken =
  | {
      /** The probe threw, the check threw an error that is not an assertion, or the attempt did not settle. */
      by: 'probe-error' | 'check-error' | 'unsettled';
      /** What was thrown (or the attempt-timeout error). */
      error: unknown;
    }
  | {
      /** The probe asked to be retried later (`retryAfter()`). */
      by: 'retry-after';
      /** The `retryAfter()` error. */
      error: unknown;
      /** The pause it asked for, in ms. */
      ms: number;
    };

/** Why a poll passed. */
export type PassReason =
  | {
      /** The condition held as required. */
      kind: 'passed';
    }
  | {
      /** The probe or check called `settled()`: the outcome is final. */
      kind: 'settled';
      /** The reason given to `settled()`. */
      reason: string;
      /** 1-based number of the attempt that settled. */
      attempt: number;
    };

/** Why a poll ended. */
export type EndReason = PassReason | FailReason;

/** Why a poll failed. */
export type FailReason =
  | {
      /** The window ran out. */
      kind: 'timeout';
      /** `window`: the poll's own window ended. */
      limit: 'window';
      /** The window in ms. */
      window: number;
      /** The option that set it. */
      windowName: 'timeout' | 'for';
    }
  | {
      /** The window ran out. */
      kind: 'timeout';
      /** `test`: it was stopped early so the running test's own timeout would not cut it off. */
      limit: 'test';
      /** The window in ms. */
      window: number;
      /** The option that set it. */
      windowName: 'timeout' | 'for';
      /** The running test's timeout in ms. */
      testTimeout: number;
      /** How many ms before that timeout the poll ended (`testTimeoutMargin`). */
      margin: number;
    }
  | {
      /** `maxAttempts` attempts ran out. */
      kind: 'max-attempts';
      /** The `maxAttempts` option. */
      maxAttempts: number;
    }
  | {
      /** The probe or check called `stop()`. */
      kind: 'stopped';
      /** The reason given to `stop()`. */
      reason: string;
      /** The cause given to `stop()`, if any. */
      cause?: unknown;
    }
  | {
      /** unflake's API was misused inside the probe or check: a mistake in the test, never retried. */
      kind: 'misuse';
      /** The misuse error. */
      error: unknown;
    }
  | {
      /** A callback option threw; its errors end the wait. */
      kind: 'callback-threw';
      /** Which callback. */
      callback: 'onAttempt';
      /** What it threw. */
      error: unknown;
      /** 1-based number of the attempt that it threw after. */
      attempt: number;
    }
  | {
      /** The window ended and no value was judged: every attempt threw or did not settle. */
      kind: 'no-value';
      /** The window in ms. */
      window: number;
      /** The option that set it. */
      windowName: 'timeout' | 'for';
      /** The probe did return values, but the check threw on each an error that is not an assertion. */
      unjudged?: boolean;
    }
  | {
      /** `failWhen` returned a reason: a terminal state. */
      kind: 'fail-when';
      /** The reason it returned. */
      reason: string;
    }
  | {
      /** The probe threw an error that `ignore` does not accept as "not yet". */
      kind: 'not-ignorable';
      /** That error. */
      error: unknown;
    }
  | {
      /** The `signal` was aborted. */
      kind: 'aborted';
      /** The signal's abort reason. */
      reason: unknown;
    }
  | {
      /** The test ended while the poll was still running (a forgotten await?). */
      kind: 'test-ended';
    }
  | {
      /** A "never" window (`.not.toEventually*`) saw the condition hold. */
      kind: 'matched';
      /** 1-based number of the attempt that matched. */
      attempt: number;
    }
  | {
      /** A "consistently" window saw the condition stop holding. */
      kind: 'stopped-holding';
      /** 1-based number of the attempt that did not hold. */
      attempt: number;
      /** Set when that attempt judged no value (it threw or did not settle). */
      broken?: Broken;
    }
  | {
      /** `settled()` was called before any value was seen and checked: nothing was watched. */
      kind: 'settled-unseen';
      /** The reason given to `settled()`. */
      reason: string;
      /** 1-based number of the attempt that settled. */
      attempt: number;
    }
  | {
      /** The condition held before `notBefore`: too early is a bug too. */
      kind: 'too-early';
      /** Ms since the start when it held. */
      at: number;
      /** The `notBefore` option, in ms. */
      notBefore: number;
    }
  | {
      /** The condition held, but never after an attempt saw the starting state (`from`). */
      kind: 'held-before-from';
      /** 1-based number of the attempt that held. */
      attempt: number;
      /** The `from` option, rendered. */
      from: string;
    }
  | {
      /** It held after `notBefore`, but no judged attempt ended just before it: too early cannot be ruled out. */
      kind: 'not-before-unseen';
      /** The `notBefore` option, in ms. */
      notBefore: number;
      /** When the last attempt that saw it not hold ended (ms since the start), if any. */
      lastMiss: number | undefined;
      /** Ms since the start when it held. */
      at: number;
    }
  | {
      /** It held, but not for as long or as many attempts in a row as `stableFor` / `passes` ask. */
      kind: 'unstable';
      /** The longest it held, in ms. */
      heldFor: number;
      /** How many attempts in a row that was. */
      heldPasses: number;
      /** The `stableFor` option, in ms. */
      stableFor: number;
      /** The `passes` option. */
      passes: number;
    };

/** What every ended poll carries, passed or failed: everything its report needs, and nothing else. */
export interface PollFacts<T = unknown> {
  /** How many attempts ran (including one still in flight at the end). */
  attempts: number;
  /** Ms from the first attempt to the end: real time, or the TestClock's time when `virtual`. */
  elapsed: number;
  /** Whether the window was measured on a TestClock (the `clock` option). */
  virtual: boolean;
  /** The window in ms, and the option that set it. */
  window: number;
  /** The option that set `window`: `timeout` (eventual) or `for` (consistent). */
  windowName: 'timeout' | 'for';
  /** What the attempts saw, in order, one entry per run of equal observations. */
  timeline: TimelineEntry[];
  /** Distinct observations left out of `timeline` (it keeps the first and the most recent ones). */
  droppedEntries: number;
  /** Whether any attempt produced a value (as opposed to an error). */
  hasValue: boolean;
  /** The value of the last attempt that returned one. */
  lastValue: T | undefined;
  /** The error of the last completed attempt, if it threw (undefined when it returned a value): never the one abandoned at the deadline. */
  lastError: unknown;
  /** Why the check rejected `lastValue`: what it threw, or undefined when it returned false. */
  lastValueError: unknown;
  /** The value that passed (eventually) or the last value seen (consistently). */
  value: T | undefined;
  /** Whether an attempt was still running when the poll ended. */
  inFlightAtEnd: boolean;
  /** That attempt, abandoned at the deadline: a footnote to the report, whose headline is the last completed attempt. */
  abandonedAtEnd?:
    | {
        /** Its 1-based number. */
        attempt: number;
        /** The error that abandoned it. */
        error: unknown;
      }
    | undefined;
  /** Virtual time: the real ms the poll watched, and the `realFloor` it had to watch at least. */
  realElapsed?: number | undefined;
  /** Virtual time: the least real ms the poll had to watch (the `realFloor` option). */
  realFloor?: number | undefined;
  /** The run fingerprint (`Run: …`), stamped by the shell that reports the failure. */
  fingerprint?: string | undefined;
}

/** The data a poll returns; the failure message is built from it (and a printer) alone, once, at the end. */
export type PollResult<T = unknown> = PollFacts<T> &
  (
    | {
        /** The poll passed. */
        passed: true;
        /** Why it passed. */
        reason: PassReason;
      }
    | {
        /** The poll failed. */
        passed: false;
        /** Why it failed; the failure message's headline comes from it. */
        reason: FailReason;
      }
  );
