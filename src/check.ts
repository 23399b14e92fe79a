import { usageError } from './errors.ts';
import { argumentError } from './options/normalizeOptions.ts';
import { describeValue } from './options/checkMs.ts';
import { openTally, type Tally } from './runner/assertionCount.ts';
import type { CountState } from './adapters/runnerExpect.ts';

/** An asymmetric matcher such as `expect.objectContaining({...})`. */
export interface AsymmetricMatcherLike {
  /** True when `other` matches. */
  asymmetricMatch(other: unknown): boolean;
}

/** What a check returns: true or false (or a promise of one), or nothing after asserting with expect(). */
export type CheckResult = boolean | void | PromiseLike<boolean | void>;

/** A function that returns (or resolves to) true or false, or returns nothing after asserting with expect(); or an asymmetric matcher. */
export type Check<T> = ((value: T) => CheckResult) | AsymmetricMatcherLike;

export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcherLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as AsymmetricMatcherLike).asymmetricMatch === 'function'
  );
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** How a check is judged beyond its own return: the runner's equality for an asymmetric matcher, and the test's local `expect` state (Vitest). */
export interface CheckJudging {
  /** Whether a value equals an asymmetric-matcher check (a matcher passes its runner's `toEqual`); default: `asymmetricMatch`. */
  equals?: (value: unknown, matcher: AsymmetricMatcherLike) => boolean;
  /** A Vitest test's own `expect` state, whose count the check's `expect()` calls also go to. */
  localExpectState?: CountState | undefined;
}

/**
 * A check says true or false: it returns `true`/`false` (or a promise of one), or returns nothing after
 * asserting with `expect()`. Any other return, and a nothing with no assertion made (a forgotten `return`),
 * is a usage error, which ends the poll at once. The check's own `expect()` calls are taken back out of the
 * runner's count (see assertionCount.ts). Outside any runner (no readable count) a check that returns
 * nothing passes when it did not throw, as with `node:assert`.
 */
export function checkToHolds<T>(
  where: string,
  check: unknown,
  judging: CheckJudging = {},
): (value: T) => boolean | PromiseLike<boolean> {
  if (typeof check === 'function') {
    const local = judging.localExpectState;
    return (value) => {
      const tally = openTally(local);
      let verdict: unknown;
      try {
        verdict = check(value);
      } catch (error) {
        tally?.close();
        throw error;
      }
      if (!isThenable(verdict)) return verdictOf(where, verdict, tally);
      return Promise.resolve(verdict).then(
        (resolved) => verdictOf(where, resolved, tally),
        (error: unknown) => {
          tally?.close();
          throw error;
        },
      );
    };
  }
  if (isAsymmetricMatcher(check)) {
    const equals = judging.equals ?? ((value, matcher) => matcher.asymmetricMatch(value));
    return (value) => equals(value, check);
  }
  throw argumentError(
    where,
    `\`check\` must be a function (value) => boolean, or (value) => void that asserts with expect(), or an asymmetric matcher such as expect.objectContaining({...}), got ${check === null ? 'null' : typeof check}.`,
  );
}

function verdictOf(where: string, returned: unknown, tally: Tally | undefined): boolean {
  const asserted = tally ? tally.close() > 0 : undefined;
  if (returned === true || returned === false) return returned;
  if (returned !== undefined && !isAssertionChain(returned)) {
    throw usageError(
      where,
      `the check returned ${describeReturn(returned)}. A check returns true or false (or a promise of one), or returns nothing after asserting with expect(): write a comparison, e.g. (q) => q.length > 0.`,
    );
  }
  if (asserted === false) {
    throw usageError(
      where,
      'the check returned undefined and made no expect() assertion, so it checked nothing: did you forget `return`? Return true or false (e.g. (o) => o.status === "accepted"), or assert inside it with expect().',
    );
  }
  return true;
}

/**
 * What an `expect()` chain returns where the runner's matchers return something (Vitest's chai
 * `Assertion`, which keeps its flags in `__flags`): `(o) => expect(o.status).toBe('x')` returns nothing.
 */
function isAssertionChain(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, '__flags');
}

const SHOWN = 40;

/** The value a check returned, named and bounded. */
function describeReturn(value: unknown): string {
  if (typeof value === 'string')
    return `a string ${JSON.stringify(value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint')
    return `the ${typeof value} ${String(value)}${typeof value === 'bigint' ? 'n' : ''}`;
  if (value === null) return 'null';
  if (isThenable(value)) return 'a promise-like object';
  return describeValue(value);
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
  const received =
    probe === null
      ? 'null'
      : Array.isArray(probe)
        ? 'an array'
        : typeof probe === 'object'
          ? 'an object'
          : `${typeof probe} ${JSON.stringify(probe)}`;
  throw argumentError(
    where,
    `expected a probe function (context: { signal, attempt }) => value, but received ${received}. Wrap what you want polled in a function, e.g. ${example}.`,
  );
}
