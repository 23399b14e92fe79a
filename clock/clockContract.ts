/**
 * The argument rules every Clock shares (systemClock, TestClock, a follower), so a test on a virtual
 * clock accepts and rejects exactly what production does. Timers follow Node's timers, sleep follows
 * `timers/promises`; every method works detached. Light: unflake/clock uses it. docs/clock-contract.md states the rules.
 */
import type { Clock } from './Clock.ts';
import { argumentError, describeValue } from '../src/options/checkMs.ts';
import { checkOptions } from '../src/options/checkOptions.ts';

/** Node's largest timer delay; a larger one (or anything below 1 ms, or NaN) is 1 ms. */
export const TIMEOUT_MAX = 2 ** 31 - 1;

function describeArg(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  return describeValue(value);
}

/** A TypeError with the code Node gives its own (`ERR_INVALID_ARG_TYPE`), so code that checks either works. */
function invalidArgType(where: string, message: string): TypeError {
  return Object.assign(argumentError(where, message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** Node's `validateFunction(callback, 'callback')`. */
export function checkCallback(where: string, callback: unknown): void {
  if (typeof callback !== 'function')
    throw invalidArgType(where, `\`callback\` must be a function, got ${describeArg(callback)}.`);
}

/**
 * Node's conversion of a timer delay, before its range check: `after * 1` (undefined is 1). A bigint or
 * a symbol cannot be converted: a TypeError, as in Node, but one that names the function and argument.
 */
export function convertDelay(where: string, ms: unknown): number {
  if (ms === undefined) return 1;
  if (typeof ms === 'bigint' || typeof ms === 'symbol') {
    throw invalidArgType(
      where,
      `\`ms\` must be a number of milliseconds (or a value Node's timers convert to one with \`* 1\`), got ${describeArg(ms)}.`,
    );
  }
  return (ms as number) * 1;
}

/** The delay a Node timer actually gets: outside [1, TIMEOUT_MAX] (NaN included) it is 1 ms. */
export function effectiveDelay(after: number): number {
  return after >= 1 && after <= TIMEOUT_MAX ? after : 1;
}

/** `checkCallback` and `convertDelay` then `effectiveDelay`: the delay a virtual clock schedules at. */
export function timerDelay(where: string, callback: unknown, ms: unknown): number {
  checkCallback(where, callback);
  return effectiveDelay(convertDelay(where, ms));
}

function isAbortSignal(value: unknown): value is AbortSignal {
  // Duck-typed like Node's validateAbortSignal, plus the listener methods sleep uses (a signal from another realm works).
  return (
    value !== null &&
    typeof value === 'object' &&
    'aborted' in value &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

/**
 * `sleep(ms, options)`, as `timers/promises`' setTimeout: `ms` undefined (1 ms) or any number (the
 * clock's timer makes it 1 ms when out of range), options an object with only `signal`, `signal` an
 * AbortSignal. A TypeError otherwise.
 */
export function sleepArgs(
  where: string,
  ms: unknown,
  options: unknown,
): { after: number; signal: AbortSignal | undefined } {
  if (ms !== undefined && typeof ms !== 'number')
    throw invalidArgType(where, `\`ms\` must be a number of milliseconds or undefined, got ${describeArg(ms)}.`);
  const { signal } = checkOptions(where, options, ['signal']);
  if (signal !== undefined && !isAbortSignal(signal))
    throw invalidArgType(where, `\`signal\` must be an AbortSignal or undefined, got ${describeArg(signal)}.`);
  return { after: ms ?? 1, signal };
}

/**
 * The number a timer id stands for (fake-timers keeps its timers by it, and a Timeout converts to it),
 * or undefined for a value that cannot be a timer id. Never throws: clear* ignores what is not a timer.
 */
export function timerKey(id: unknown): number | undefined {
  if (typeof id === 'number') return id;
  if (typeof id === 'string') return Number(id);
  if (id === null || (typeof id !== 'object' && typeof id !== 'function')) return undefined;
  try {
    return Number(id);
  } catch {
    return undefined;
  }
}

/** The methods of `Clock`, in one list: every virtual clock (TestClock, a follower) binds them, and more of its own. */
export const CLOCK_METHODS = [
  'now',
  'monotonic',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'sleep',
  'timeoutSignal',
] as const satisfies readonly (keyof Clock)[];

// A method added to Clock and not to the list above fails here: `true` is not assignable to `never`.
const everyClockMethod: Exclude<keyof Clock, (typeof CLOCK_METHODS)[number]> extends never ? true : never = true;
void everyClockMethod;

/** The timer functions a fake-timers clock schedules through: what `install()` can fake, and what a follower watches. */
export const TIMER_METHODS = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
] as const;

/**
 * Binds `names` on `target` as own, non-enumerable properties, so each works detached
 * (`const { setTimeout } = clock`) and a clock still prints and compares as before.
 */
export function bindMethods<T extends object>(target: T, names: readonly (keyof T & string)[]): void {
  for (const name of names) {
    const method = target[name];
    if (typeof method === 'function')
      Object.defineProperty(target, name, { value: method.bind(target), writable: true, configurable: true });
  }
}

/** The largest delay `AbortSignal.timeout` takes (Node's `validateUint32`). */
export const TIMEOUT_SIGNAL_MAX = 2 ** 32 - 1;

/**
 * `timeoutSignal(ms)`, as Node's `AbortSignal.timeout(delay)` validates it: a number (else a TypeError)
 * that is an integer from 0 to 2^32 - 1 (else a RangeError, `ERR_OUT_OF_RANGE`, as Node throws). Returns
 * the delay its timer gets: Node's timer rule then makes 0 and anything above 2^31 - 1 fire after 1 ms.
 */
export function timeoutSignalDelay(where: string, ms: unknown): number {
  if (typeof ms !== 'number')
    throw invalidArgType(
      where,
      `\`ms\` must be a number of milliseconds (an integer from 0 to 2^32 - 1, as AbortSignal.timeout takes), got ${describeArg(ms)}.`,
    );
  if (!Number.isInteger(ms) || ms < 0 || ms > TIMEOUT_SIGNAL_MAX) {
    throw Object.assign(
      new RangeError(
        `${where}: \`ms\` must be an integer from 0 to 2^32 - 1 (as AbortSignal.timeout takes), got ${describeArg(ms)}.`,
      ),
      {
        code: 'ERR_OUT_OF_RANGE',
      },
    );
  }
  return effectiveDelay(ms);
}

/** The reason a timeout signal aborts with: what `AbortSignal.timeout` gives. */
export function timeoutError(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}
