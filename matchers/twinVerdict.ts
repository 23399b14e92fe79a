/**
 * Equality is the runner's: every eventual matcher judges a value with its immediate twin, the runner's own
 * matcher (`toEventuallyEqual` ≡ `toEqual`, `…StrictEqual` ≡ `toStrictEqual`, `…Be` ≡ `toBe`,
 * `…MatchObject` ≡ `toMatchObject`), custom equality testers and asymmetric matchers included. The one place
 * that knows how to reach each runner's twin; found once per matcher call, not per attempt.
 *
 * - Jest, the standalone `expect` package: the raw matcher functions in `$$jest-matchers-object`, called
 *   with the matcher's own context; they return `{ pass }` and count nothing.
 * - Vitest: its built-ins are chai methods on `Assertion.prototype`, run here on an assertion that is not
 *   made through `expect()` (so nothing is counted) and that hands back the verdict (see `chaiJudge`).
 * - Playwright: its raw matchers are out of reach (its `expect()` records a step per call), so its adapter
 *   lends a judge built from Playwright's own `equals` and testers (see `judgeFromParts`), proven equal to
 *   its `expect` by test/matchers/runnerEquality.properties.ts.
 */
import { isAsymmetricMatcher, type CheckJudging } from '../src/check.ts';
import {
  jestRawMatcher,
  vitestGlobalExpect,
  vitestLocalCountState,
  type VitestExpect,
} from '../src/adapters/runnerExpect.ts';
import { arrayBufferEquality, sparseArrayEquality, typeEquality } from './equalityTesters.ts';

export type Twin = 'toEqual' | 'toStrictEqual' | 'toBe' | 'toMatchObject';

/** Whether `received` passes the twin against `expected`. What the twin throws instead of a verdict (Jest's "received value must be a non-null object") is thrown. */
export type Judge = (received: unknown, expected: unknown) => boolean;

/** A context property through which an adapter lends its runner's judge (Playwright). */
export const LENT_JUDGE = Symbol.for('unflake.twinJudge');

type Tester = (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;

/** The part of a matcher context the twins read. */
export interface TwinContext {
  customTesters?: readonly unknown[];
  equals(a: unknown, b: unknown, customTesters?: never[], strictCheck?: boolean): boolean;
  utils: { iterableEquality: Tester; subsetEquality: Tester };
  [LENT_JUDGE]?: (twin: Twin) => Judge;
}

type AssertionClass = (new (received: unknown) => object) & { prototype: object };
const assertionClasses = new WeakMap<object, AssertionClass>();

// Vitest sets its global expect before any setup file loads and Jest never does, so whether this copy runs
// under Vitest is known at the first matcher call and kept: each look is a global read (under Jest a miss
// through the vm context, about 1 µs), and every eventual matcher call needed two.
let vitestSeen: VitestExpect | null | undefined;

/** Vitest's global expect when running under Vitest (looked up at the first call, then kept). */
export function runnerVitestExpect(): VitestExpect | undefined {
  if (vitestSeen === undefined) vitestSeen = vitestGlobalExpect() ?? null;
  return vitestSeen ?? undefined;
}

/** The runner's twin matcher as a judge, for the matcher context `context`. */
export function twinJudge(context: TwinContext, twin: Twin): Judge {
  const lent = context[LENT_JUDGE];
  if (lent) return lent(twin);
  const vitest = runnerVitestExpect();
  if (vitest) return chaiJudge(vitestAssertionClass(vitest), twin);
  const raw = jestRawMatcher(twin);
  if (raw) return (received, expected) => (raw.call(context, received, expected) as { pass: boolean }).pass === true;
  // An expect that is none of these (and keeps no raw matchers): its own equality, as its toEqual is written in Jest.
  return judgeFromParts(context, twin);
}

/** Vitest's chai `Assertion` class, taken from its global expect once; the `expect()` call that reveals it does not count. */
function vitestAssertionClass(vitest: VitestExpect): AssertionClass {
  let found = assertionClasses.get(vitest);
  if (!found) {
    const { assertionCalls } = vitest.getState();
    try {
      found = vitest(undefined).constructor as AssertionClass;
    } finally {
      vitest.setState({ assertionCalls });
    }
    assertionClasses.set(vitest, found);
  }
  return found;
}

/**
 * Runs Vitest's own matcher function (`Assertion.prototype[twin]`, its `def('toEqual', …)`) on an assertion
 * whose `assert` hands back the verdict instead of throwing it: no AssertionError and no message are built
 * for a "false", and chai makes no chained Assertion for a "true". A twin that throws its own
 * AssertionError (Vitest's toMatchObject) says "false" that way.
 */
function chaiJudge(Assertion: AssertionClass, twin: Twin): Judge {
  const method = (Assertion.prototype as Record<Twin, (this: object, expected: unknown) => unknown>)[twin];
  return (received, expected) => {
    const assertion = Object.create(Assertion.prototype) as { __flags: object; assert: (ok: unknown) => boolean };
    assertion.__flags = { object: received };
    assertion.assert = verdictOf;
    try {
      return method.call(assertion, expected) !== false;
    } catch (error) {
      if (error instanceof Error && error.name === 'AssertionError') return false;
      throw error;
    }
  };
}

/** chai's `assert(ok, …)`, reading the verdict (no `.not` flag is ever set on these assertions). */
function verdictOf(ok: unknown): boolean {
  return ok === true;
}

/**
 * The twins as Jest (and Playwright's copy of Jest's `expect`) write them, from a context's own `equals`
 * and testers: for a runner whose raw matchers cannot be called. Strict equality's extra testers are
 * nowhere on a context, so they come from equalityTesters.ts (copies of Jest's).
 */
export function judgeFromParts(context: TwinContext, twin: Twin): Judge {
  const custom = [...(context.customTesters ?? [])] as Tester[];
  const { iterableEquality, subsetEquality } = context.utils;
  const equals = (a: unknown, b: unknown, testers: Tester[], strict?: boolean): boolean =>
    context.equals(a, b, testers as never[], strict);
  switch (twin) {
    case 'toBe':
      return (received, expected) => Object.is(received, expected);
    case 'toEqual':
      return (received, expected) => equals(received, expected, [...custom, iterableEquality]);
    case 'toStrictEqual':
      return (received, expected) =>
        equals(
          received,
          expected,
          [...custom, iterableEquality, typeEquality, sparseArrayEquality, arrayBufferEquality],
          true,
        );
    case 'toMatchObject':
      return (received, expected) => {
        if (typeof received !== 'object' || received === null)
          throw new TypeError(
            `toMatchObject: received value must be a non-null object, got ${received === null ? 'null' : typeof received}`,
          );
        return equals(received, expected, [...custom, iterableEquality, subsetEquality]);
      };
  }
}

/** How `toEventually(check)` / `toConsistently(check)` judge: an asymmetric matcher as the runner's `toEqual` does; a function's assertions counted in the test's own `expect` too. */
export function checkJudging(context: TwinContext & { task?: unknown }, check: unknown): CheckJudging {
  if (!isAsymmetricMatcher(check)) return { localExpectState: vitestLocalCountState(context.task) };
  const judge = twinJudge(context, 'toEqual');
  return { equals: (value, matcher) => judge(value, matcher) };
}
