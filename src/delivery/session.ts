/**
 * The bounds a delivery matcher runs within: the test's deadline (minus the margin its message
 * needs), the test's end, a limit per call, and a turn for the event loop every few ms. Every user
 * function (handler, reset, state) goes through `call`, so none is called after a stop, and a call
 * that never settles is abandoned instead of hanging the test.
 *
 * Real time only (realTime.ts): the test may have installed fake timers.
 */
import type { TestWindow } from '../runner/testWindow.ts';
import {
  clearRealTimeout,
  monotonicNow,
  setRealImmediate,
  setRealTimeout,
  type RealTimerHandle,
} from '../time/realTime.ts';

/** The per-call limit outside a test, where no deadline bounds a call. */
export const DEFAULT_CALL_LIMIT = 5_000;
/** The longest stretch of work between two turns of the event loop. */
export const SLICE_MS = 4;

export type StopReason =
  | { kind: 'deadline'; testTimeout: number; margin: number }
  | { kind: 'test-ended' }
  | { kind: 'hung'; limit: number; byOption: boolean };

export interface Stop<S> {
  reason: StopReason;
  /** The call that was running (`inFlight`) or about to start when the check stopped. */
  site: S | undefined;
  inFlight: boolean;
  /** Ms since the check started. */
  elapsed: number;
}

/** Thrown through the checks' own code when the session stops; never a user error. */
export class StopSignal extends Error {
  constructor() {
    super('unflake: the delivery check was stopped');
    this.name = 'StopSignal';
  }
}

export interface SessionInput {
  window: TestWindow | undefined;
  ended: AbortSignal | undefined;
  /** Ms kept free before the test's deadline for building the message. */
  margin: number;
  /** `deliveryTimeout`, when given. */
  callLimit: number | undefined;
}

export interface Session<S> {
  readonly started: number;
  /** Monotonic ms at which the check must stop (Infinity outside a test). */
  readonly deadline: number;
  readonly stopped: Stop<S> | undefined;
  /** Calls `fn` unless the check must stop; a thenable result is awaited within the call limit. */
  call<T>(site: S, fn: () => T, options?: { yield?: boolean }): T | Promise<Awaited<T>>;
  /** A turn for the event loop if the current slice is spent; throws StopSignal once stopped. */
  pause(): Promise<void>;
  /** Ms left before the deadline. */
  remaining(): number;
  /** Ends the session: pending calls are abandoned, its timers cleared. */
  close(): void;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function';

const turn = (): Promise<void> => new Promise((resolve) => setRealImmediate(resolve));

interface CallBound {
  limit: number;
  reason: StopReason;
}

/** `deliveryTimeout` when it comes before the deadline; else the deadline; outside a test, a default. */
function limitOfCall(
  deadline: number,
  deadlineReason: StopReason | undefined,
  callLimit: number | undefined,
): CallBound {
  const untilDeadline = deadline - monotonicNow();
  if (callLimit !== undefined && callLimit < untilDeadline)
    return { limit: callLimit, reason: { kind: 'hung', limit: callLimit, byOption: true } };
  if (deadlineReason) return { limit: untilDeadline, reason: deadlineReason };
  return { limit: DEFAULT_CALL_LIMIT, reason: { kind: 'hung', limit: DEFAULT_CALL_LIMIT, byOption: false } };
}

interface Settling {
  /** The session's running calls: each abandons itself (rejecting with StopSignal) when called. */
  pending: Set<() => void>;
  ended: AbortSignal | undefined;
  bound: CallBound;
  /** Stops the session for `reason` while this call runs. */
  stop: (reason: StopReason) => StopSignal;
}

// Settles with the call's own outcome, or rejects with StopSignal when its limit, the deadline or
// the test's end comes first; leaves no timer or listener behind either way.
function settleWithin<T>(result: PromiseLike<T>, { pending, ended, bound, stop }: Settling): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: RealTimerHandle | undefined;
    const finish = (then: () => void): void => {
      if (!pending.delete(abandon)) return;
      clearRealTimeout(timer);
      ended?.removeEventListener('abort', onEnded);
      then();
    };
    const abandon = (): void => finish(() => reject(new StopSignal()));
    const onEnded = (): void => finish(() => reject(stop({ kind: 'test-ended' })));
    pending.add(abandon);
    ended?.addEventListener('abort', onEnded, { once: true });
    timer = setRealTimeout(() => finish(() => reject(stop(bound.reason))), Math.max(1, bound.limit));
    result.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

export function openSession<S>(input: SessionInput): Session<S> {
  const started = monotonicNow();
  const deadline = input.window ? input.window.deadline - input.margin : Number.POSITIVE_INFINITY;
  const deadlineReason: StopReason | undefined = input.window
    ? { kind: 'deadline', testTimeout: input.window.timeout, margin: input.margin }
    : undefined;
  const pending = new Set<() => void>();
  let stopped: Stop<S> | undefined;
  let lastTurn = started;

  const stop = (reason: StopReason, site: S | undefined, running: boolean): StopSignal => {
    stopped ??= { reason, site, inFlight: running, elapsed: monotonicNow() - started };
    for (const abandon of [...pending]) abandon();
    return new StopSignal();
  };

  const checkBounds = (site: S): void => {
    if (stopped) throw new StopSignal();
    if (input.ended?.aborted) throw stop({ kind: 'test-ended' }, site, false);
    if (deadlineReason && monotonicNow() >= deadline) throw stop(deadlineReason, site, false);
  };

  const invoke = <T>(site: S, fn: () => T): T | Promise<Awaited<T>> => {
    checkBounds(site);
    const result = fn();
    if (!isThenable(result)) return result;
    return settleWithin(result as PromiseLike<Awaited<T>>, {
      pending,
      ended: input.ended,
      bound: limitOfCall(deadline, deadlineReason, input.callLimit),
      stop: (reason) => stop(reason, site, true),
    });
  };

  const pause = async (): Promise<void> => {
    if (stopped) throw new StopSignal();
    if (monotonicNow() - lastTurn < SLICE_MS) return;
    await turn();
    lastTurn = monotonicNow();
  };

  return {
    started,
    deadline,
    get stopped() {
      return stopped;
    },
    call(site, fn, options) {
      if (options?.yield === false || monotonicNow() - lastTurn < SLICE_MS) return invoke(site, fn);
      return pause().then(() => invoke(site, fn)) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    pause,
    remaining: () => deadline - monotonicNow(),
    close() {
      for (const abandon of [...pending]) abandon();
    },
  };
}
