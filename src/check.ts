import { argumentError } from './options/normalizeOptions.ts';

/** An asymmetric matcher such as `expect.objectContaining({...})`. */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
}

/** A function (passes unless it throws or returns/resolves to `false`) or an asymmetric matcher. */
export type Check<T> = ((value: T) => unknown) | AsymmetricMatcherLike;

export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcherLike {
  return value !== null && typeof value === 'object' && typeof (value as AsymmetricMatcherLike).asymmetricMatch === 'function';
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Turns a check into the engine's `holds`, validating it at the call. */
export function checkToHolds<T>(
  where: string,
  check: unknown,
  equals: (a: unknown, b: unknown) => boolean = (a, b) => (b as AsymmetricMatcherLike).asymmetricMatch(a),
): (value: T) => boolean | PromiseLike<boolean> {
  if (typeof check === 'function') {
    return (value) => {
      const verdict: unknown = check(value);
      if (isThenable(verdict)) return Promise.resolve(verdict).then((resolved) => resolved !== false);
      return verdict !== false;
    };
  }
  if (isAsymmetricMatcher(check)) return (value) => equals(value, check);
  throw argumentError(
    where,
    `\`check\` must be a function (value) => boolean | void (it may throw, e.g. with expect()) or an asymmetric matcher such as expect.objectContaining({...}), got ${check === null ? 'null' : typeof check}.`,
  );
}

/** The probe must be a function: say what was passed and what to pass instead. */
export function assertProbe(where: string, probe: unknown, example: string): void {
  if (typeof probe === 'function') return;
  if (probe !== null && typeof probe === 'object' && typeof (probe as PromiseLike<unknown>).then === 'function') {
    throw argumentError(
      where,
      `expected a probe function, but received a Promise. A promise settles once and cannot be polled: pass a function that starts a fresh call on every attempt, e.g. ${example}.`,
    );
  }
  const received = probe === null ? 'null' : Array.isArray(probe) ? 'an array' : typeof probe === 'object' ? 'an object' : `${typeof probe} ${JSON.stringify(probe)}`;
  throw argumentError(
    where,
    `expected a probe function (context: { signal, attempt }) => value, but received ${received}. Wrap what you want polled in a function, e.g. ${example}.`,
  );
}
