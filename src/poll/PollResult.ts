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
  | { by: 'probe-error' | 'check-error' | 'unsettled'; error: unknown }
  | { by: 'retry-after'; error: unknown; ms: number };

/** Why a poll passed. */
export type PassReason = { kind: 'passed' } | { kind: 'settled'; reason: string; attempt: number };

/** Why a poll ended. */
export type EndReason = PassReason | FailReason;

/** Why a poll failed. */
export type FailReason =
  | { kind: 'timeout'; limit: 'window'; window: number; windowName: 'timeout' | 'for' }
  | {
      kind: 'timeout';
      limit: 'test';
      window: number;
      windowName: 'timeout' | 'for';
      testTimeout: number;
      margin: number;
    }
  | { kind: 'max-attempts'; maxAttempts: number }
  | { kind: 'stopped'; reason: string; cause?: unknown }
  | { kind: 'misuse'; error: unknown }
  | { kind: 'callback-threw'; callback: 'onAttempt'; error: unknown; attempt: number }
  /** `unjudged`: the probe did return values, but the check threw on each an error that is not an assertion. */
  | { kind: 'no-value'; window: number; windowName: 'timeout' | 'for'; unjudged?: boolean }
  | { kind: 'fail-when'; reason: string }
  | { kind: 'not-ignorable'; error: unknown }
  | { kind: 'aborted'; reason: unknown }
  | { kind: 'test-ended' }
  | { kind: 'matched'; attempt: number }
  | { kind: 'stopped-holding'; attempt: number; broken?: Broken }
  | { kind: 'settled-unseen'; reason: string; attempt: number }
  | { kind: 'too-early'; at: number; notBefore: number }
  /** `from`: the condition held, but never after an attempt saw the starting state (poll/from.ts). */
  | { kind: 'held-before-from'; attempt: number; from: string }
  /** The first hold came after `notBefore`, but no judged attempt ended just before it: too early cannot be ruled out. */
  | { kind: 'not-before-unseen'; notBefore: number; lastMiss: number | undefined; at: number }
  | { kind: 'unstable'; heldFor: number; heldPasses: number; stableFor: number; passes: number };

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
  abandonedAtEnd?: { attempt: number; error: unknown } | undefined;
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
