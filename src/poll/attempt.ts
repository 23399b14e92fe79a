/**
 * One attempt: probe → failWhen → check, raced against its budget. Never throws; what happened comes
 * back as an `Observation`.
 */
import { isThenable } from '../check.ts';
import { AttemptTimeoutError, usageError } from '../errors.ts';
import { describeValue } from '../options/checkMs.ts';
import { clearRealTimeout, setRealTimeout } from '../time/realTime.ts';
import type { Probe } from '../options/types.ts';

export type Observation<T> =
  | { kind: 'value'; value: T; held: boolean; checkError?: unknown; failWhen?: string }
  | { kind: 'error'; error: unknown; held: false }
  | {
      kind: 'unsettled';
      cause: 'attempt-timeout' | 'deadline' | 'interrupted';
      error: AttemptTimeoutError;
      held: false;
    };

export interface AttemptSpec<T> {
  probe: Probe<T>;
  holds: (value: T) => boolean | PromiseLike<boolean>;
  failWhen: ((value: unknown) => unknown) | undefined;
}

/** An attempt's AbortController, created only if the probe reads `signal` (most never do). */
export class AttemptSignal {
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

function judge<T>(spec: AttemptSpec<T>, value: T): Observation<T> | Promise<Observation<T>> {
  try {
    const terminal = spec.failWhen?.(value);
    if (typeof terminal === 'string' && terminal !== '')
      return { kind: 'value', value, held: false, failWhen: terminal };
    if (terminal !== undefined && terminal !== null && terminal !== false && terminal !== '') {
      // A mistake in the test, not a "not yet": the engine fails at once on a usage error.
      return {
        kind: 'error',
        error: usageError(
          'failWhen',
          `must return a string (the reason to fail now) or false, but returned ${describeValue(terminal)}.`,
        ),
        held: false,
      };
    }
    const verdict = spec.holds(value);
    if (!isThenable(verdict)) return { kind: 'value', value, held: verdict !== false };
    return Promise.resolve(verdict).then(
      (held): Observation<T> => ({ kind: 'value', value, held: held !== false }),
      (checkError: unknown): Observation<T> => ({ kind: 'value', value, held: false, checkError }),
    );
  } catch (checkError) {
    return { kind: 'value', value, held: false, checkError };
  }
}

// Kept: under Jest each read of the global name `Object` is a lookup through the vm context (about 0.5 µs).
const { freeze } = Object;

/** Runs one attempt, synchronously when everything is synchronous. */
export function evaluate<T>(
  spec: AttemptSpec<T>,
  signal: AttemptSignal,
  attempt: number,
): Observation<T> | Promise<Observation<T>> {
  const onError = (error: unknown): Observation<T> => ({ kind: 'error', error, held: false });
  try {
    const context = freeze({
      attempt,
      get signal(): AbortSignal {
        return signal.signal;
      },
    });
    const produced = spec.probe(context);
    if (isThenable(produced)) return Promise.resolve(produced).then((value) => judge(spec, value as T), onError);
    return judge(spec, produced);
  } catch (error) {
    return onError(error);
  }
}

export interface AttemptBudget {
  /** Real ms the attempt may run. */
  ms: number;
  /** Whether the limit is `attemptTimeout` (a "not yet") rather than the deadline (the end). */
  byAttemptTimeout: boolean;
  /** The message of the AttemptTimeoutError when the budget runs out. */
  message: string;
}

/** Races a pending attempt against its budget and the poll's interrupt. */
export function raceAttempt<T>(
  work: Promise<Observation<T>>,
  signal: AttemptSignal,
  budget: AttemptBudget,
  interrupt: AbortSignal,
): Promise<Observation<T>> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setRealTimeout> | undefined;
    const settle = (observation: Observation<T>): void => {
      clearRealTimeout(timer);
      interrupt.removeEventListener('abort', onInterrupt);
      resolve(observation);
    };
    const giveUp = (cause: 'attempt-timeout' | 'deadline' | 'interrupted', message: string): void => {
      const error = new AttemptTimeoutError(message);
      signal.abort(error);
      settle({ kind: 'unsettled', cause, error, held: false });
    };
    const onInterrupt = (): void => giveUp('interrupted', 'the attempt was abandoned: the poll was interrupted');
    if (interrupt.aborted) return onInterrupt();
    interrupt.addEventListener('abort', onInterrupt, { once: true });
    timer = setRealTimeout(
      () => giveUp(budget.byAttemptTimeout ? 'attempt-timeout' : 'deadline', budget.message),
      budget.ms,
    );
    // `evaluate` never rejects; a settle after giving up is ignored by the resolved promise.
    void work.then(settle);
  });
}
