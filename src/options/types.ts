import type { WAKE_SOURCE } from '../poll/wakeSource.ts';

/** What a probe receives on every attempt. */
export interface ProbeContext {
  /** Aborted when this attempt is abandoned (attemptTimeout, deadline, abort, or the test ended). */
  readonly signal: AbortSignal;
  /** 1-based attempt number. */
  readonly attempt: number;
}

/** The received value of every eventual matcher: called once per attempt. */
export type Probe<T = unknown> = (context: ProbeContext) => T | PromiseLike<T>;

/** Exponential backoff: `initial`, then ×`factor` per attempt, capped at `max`, each pause ±`jitter` (a fraction). */
export interface Backoff {
  /** The first pause, in ms. */
  initial: number;
  /** Each later pause is the previous one times this. Default 2. */
  factor?: number;
  /** No pause is longer than this many ms. Default: no cap. */
  max?: number;
  /** Each pause varies by up to this fraction either way (0.1 is ±10 %), so parallel waits do not poll in step. Default 0; none in virtual time. */
  jitter?: number;
}

/** A fixed pause, a list of pauses (the last one repeats), or a backoff. */
export type Interval = number | readonly number[] | Backoff;

/** A source that wakes a poll on its own, such as a `record()` recording: each emission re-checks. */
export interface WakeSubscriber {
  /** Subscribes `recheck` (called on each change) and returns the function that unsubscribes it. */
  readonly [WAKE_SOURCE]: (recheck: () => void) => () => void;
}

/** An EventEmitter-like or EventTarget-like source plus the event name that means "something changed". */
export type WakeSource =
  | WakeSubscriber
  | readonly [
      emitter: {
        /** Adds a listener for the event (EventEmitter style). */
        on(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
        /** Removes the listener when the wait ends (used when present). */
        off?(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
        /** Removes the listener when the wait ends, on emitters without `off`. */
        removeListener?(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
      },
      eventName: string | symbol,
    ]
  | readonly [
      target: {
        /** Adds a listener for the event (EventTarget style). */
        addEventListener(type: string, listener: () => void): void;
        /** Removes the listener when the wait ends. */
        removeEventListener(type: string, listener: () => void): void;
      },
      eventName: string,
    ]
  | ((recheck: () => void) => (() => void) | void);

/** What `onAttempt` is told after each attempt. */
export interface AttemptInfo<T = unknown> {
  /** 1-based attempt number. */
  attempt: number;
  /** Ms since the wait started when the attempt started. */
  at: number;
  /** The probe's value, when it returned one. */
  value?: T;
  /** What the probe or check threw, if it did. */
  error?: unknown;
  /** Whether the condition held for this attempt. */
  held: boolean;
}

/** Options shared by every eventual and consistent assertion. */
export interface CommonOptions<T = unknown> {
  /** Pause between attempts in ms: a number, a list (last repeats) or a backoff. The default is a short exponential backoff. */
  interval?: Interval;
  /** An attempt not settled within this many ms is abandoned (its signal aborted) and counts as "not yet". */
  attemptTimeout?: number;
  /** Bound the wait by attempts as well as by time. */
  maxAttempts?: number;
  /** A terminal state: return a reason string to fail at once, or `false` to go on. */
  failWhen?: (value: T) => string | false | null | undefined;
  /** Which thrown errors mean "not yet" (default: all). An error it rejects fails at once. */
  ignore?: (error: unknown) => boolean;
  /** Called after each attempt, for live progress of long waits. Its errors end the wait and are reported. */
  onAttempt?: (info: AttemptInfo<T>) => void;
  /** Ends the wait (as a failure) when aborted. With a signal, `timeout` may be `Infinity`. */
  signal?: AbortSignal;
  /** A description shown first in the failure. */
  message?: string | (() => string);
  /** Evidence gathered once, at failure (queue lag, last log lines, …). May be async; bounded to 500 ms. */
  context?: () => unknown;
  /** Re-check at once when the system says something changed. */
  wakeOn?: WakeSource | readonly WakeSource[];
  /**
   * A `TestClock`: the wait runs in virtual time. Each pause advances the clock (firing the app's
   * timers) instead of waiting, and the window is measured on the clock: deterministic and instant.
   */
  clock?: {
    /** Ms on the clock, moved only by advancing. */
    monotonic(): number;
    /** Moves the clock on by `ms`, firing the timers due, and settles their promises. */
    advanceAsync(ms: number): Promise<void>;
  };
  /**
   * With `clock` only: a window (`toConsistently*`, `.not.toEventually*`, `consistently()`) and the approach
   * to `notBefore` also watch at least this many ms of real time, so a value that real I/O changes is
   * seen before the verdict. Default 100 (a change 50 ms of real I/O away is seen); 0 turns it off.
   */
  realFloor?: number;
}

/** Options of `eventually` and the `toEventually*` matchers. */
export interface EventuallyOptions<T = unknown> extends CommonOptions<T> {
  /** The window in ms. Default 4000, and never past the running test's own timeout. */
  timeout?: number;
  /** Success needs the condition to hold continuously for this many ms. */
  stableFor?: number;
  /** Success needs the condition to hold on this many attempts in a row. */
  passes?: number;
  /** Fail if the condition already holds before this many ms (too early is a bug too). */
  notBefore?: number;
  /**
   * "It must change first": a hold counts only after an earlier attempt saw the value in this starting
   * state, so the wait cannot pass on a state that held before the system did anything. A value (compared
   * with deep strict equality; `from: undefined` is the value undefined), or a check: a function returning
   * true for the starting state (synchronously), or an asymmetric matcher.
   */
  from?:
    | ((value: T) => boolean)
    | {
        /** True when `other` is in the starting state. */
        asymmetricMatch(other: unknown): boolean;
      }
    // The starting value itself. Not `T`: that would make the options invariant in `T`, and a shared
    // `EventuallyOptions` (of `unknown`) could no longer be passed to a typed matcher.
    | string
    | number
    | bigint
    | boolean
    | symbol
    | null
    | object;
}

/** Options of `consistently` and the `toConsistently*` matchers. */
export interface ConsistentlyOptions<T = unknown> extends CommonOptions<T> {
  /** How long the condition must hold, in ms. Default 500. */
  for?: number;
}

/** Defaults settable with `configure()`. */
export interface ConfigurableOptions {
  /** Default window of eventual assertions, in ms (see EventuallyOptions.timeout). */
  timeout?: number;
  /** Default window of consistent assertions, in ms (see ConsistentlyOptions.for). */
  for?: number;
  /** Default pause between attempts (see CommonOptions.interval). */
  interval?: Interval;
  /** Default per-attempt time limit in ms (see CommonOptions.attemptTimeout). */
  attemptTimeout?: number;
  /** Default bound on attempts (see CommonOptions.maxAttempts). */
  maxAttempts?: number;
  /** Default filter of which thrown errors mean "not yet" (see CommonOptions.ignore). */
  ignore?: (error: unknown) => boolean;
  /** Default evidence gathered at failure (see CommonOptions.context). */
  context?: () => unknown;
  /** How long before the running test's own timeout a poll ends, so its diagnostics are what you see. Default 250. */
  testTimeoutMargin?: number;
  /** With `clock`: real ms a window also watches (see CommonOptions.realFloor). Default 100. */
  realFloor?: number;
  /**
   * Report each eventual assertion that passes at its first attempt within INSTANT_PASS_MS (10 ms): a wait
   * that checked a state that was already true (add `from` if it must change first). `true` prints the line
   * with console.warn; a function receives it instead. Default off.
   */
  warnInstantPass?: boolean | ((line: string) => void);
  /**
   * Fields added to the "Run:" fingerprint of every failure, e.g. `{ region: 'eu-west-1', image: process.env.IMAGE_TAG }`
   * (string, number or boolean; undefined leaves a field out). A later configure() replaces the whole object.
   */
  fingerprint?: Record<string, string | number | boolean | null | undefined>;
}
