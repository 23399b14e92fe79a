/**
 * "Resolve once at least `count` of something is there": the one waiter behind
 * `TestClock#waitForTimers` (pending timers) and `SharedClock#waitForFollowers` (attached followers).
 * Each wait is bounded by a real-time timeout and an optional signal, and leaves no timer or listener
 * behind whichever way it ends. Light on purpose (no socket code): TestClock loads it eagerly.
 */
import { argumentError, checkMs, describeValue } from '../../src/options/checkMs.ts';
import { checkOptions } from '../../src/options/checkOptions.ts';
import { clearRealTimeout, setRealTimeout } from '../../src/time/realTime.ts';

export interface CountWait {
  /** Names the waiting method in argument errors: `TestClock.waitForTimers()`. */
  where: string;
  count: unknown;
  /** `{ timeout?, signal? }` as the caller got it. */
  options: unknown;
  /** Real ms to wait when `options.timeout` is not given. */
  defaultTimeout: number;
  /** The error when the timeout passes first, told how many there are and how long it waited. */
  timedOut: (current: number, timeout: number) => Error;
}

/** Node fires a longer timer after 1 ms; a wait that long is "forever" anyway. */
const MAX_TIMER = 2 ** 31 - 1;

interface Wait {
  count: number;
  settle: (outcome: { error: unknown } | undefined) => void;
}

function checkWait(spec: CountWait): { count: number; timeout: number; signal: AbortSignal | undefined } {
  const { where, count } = spec;
  if (!Number.isInteger(count) || (count as number) < 1)
    throw argumentError(where, `\`count\` must be a whole number >= 1, got ${String(count)}.`);
  const o = checkOptions(where, spec.options, ['timeout', 'signal']) as { timeout?: unknown; signal?: unknown };
  const timeout = checkMs(where, 'timeout', o.timeout ?? spec.defaultTimeout);
  const { signal } = o;
  // By shape, not instanceof: Jest's test realm and Node's have different AbortSignal classes.
  const isSignal =
    typeof signal === 'object' &&
    signal !== null &&
    typeof (signal as AbortSignal).aborted === 'boolean' &&
    typeof (signal as AbortSignal).addEventListener === 'function';
  if (signal !== undefined && !isSignal)
    throw argumentError(where, `\`signal\` must be an AbortSignal or undefined, got ${describeValue(signal)}.`);
  return { count: count as number, timeout, signal: signal as AbortSignal | undefined };
}

export class CountWaiters {
  readonly #current: () => number;
  readonly #waits = new Set<Wait>();

  /** `current` reads how many there are now. */
  constructor(current: () => number) {
    this.#current = current;
  }

  /** Waits still open. */
  get size(): number {
    return this.#waits.size;
  }

  /** Resolves once `current()` reaches `count` (checked now and on every `notify()`); rejects on timeout or abort. */
  wait(spec: CountWait): Promise<void> {
    let checked: ReturnType<typeof checkWait>;
    try {
      checked = checkWait(spec);
    } catch (error) {
      return Promise.reject(error);
    }
    const { count, timeout, signal } = checked;
    if (this.#current() >= count) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => wait.settle({ error: signal!.reason });
      const timer = setRealTimeout(
        () => wait.settle({ error: spec.timedOut(this.#current(), timeout) }),
        Math.min(MAX_TIMER, timeout),
      );
      const wait: Wait = {
        count,
        settle: (outcome) => {
          clearRealTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.#waits.delete(wait);
          if (outcome) reject(outcome.error);
          else resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waits.add(wait);
    });
  }

  /** The count may have changed: resolves every wait it now satisfies. Cheap when nothing waits. */
  notify(): void {
    if (this.#waits.size === 0) return;
    const current = this.#current();
    for (const wait of [...this.#waits]) if (current >= wait.count) wait.settle(undefined);
  }

  /** Rejects every open wait with `error` (the clock closed). */
  failAll(error: Error): void {
    for (const wait of [...this.#waits]) wait.settle({ error });
  }
}
