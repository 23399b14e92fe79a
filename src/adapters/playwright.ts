/**
 * What unflake reads of Playwright Test's internals: the equality and testers its `toEqual` uses. The only file
 * that reads them.
 *
 * Playwright gives custom matchers a context whose `equals` throws ("not compatible with Playwright"),
 * but its asymmetric matchers (`expect.anything()`, Jest's `AsymmetricMatcher`) carry a matcher
 * context with the real one, the same function its `toEqual` calls.
 */
type Equals = (a: unknown, b: unknown, customTesters?: never[], strictCheck?: boolean) => boolean;

type Tester = (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;

/** What Playwright's own `toEqual`, `toStrictEqual` and `toMatchObject` are made of. */
export interface PlaywrightEquality {
  equals: Equals;
  utils: { iterableEquality: Tester; subsetEquality: Tester };
}

interface AsymmetricLike {
  getMatcherContext?: () => { equals?: unknown; utils?: { iterableEquality?: unknown; subsetEquality?: unknown } };
}

/** Playwright's `equals` and testers, from `expect.anything()`; undefined if a future version no longer has them there. */
export function playwrightEquality(expect: { anything(): unknown }): PlaywrightEquality | undefined {
  try {
    const context = (expect.anything() as AsymmetricLike).getMatcherContext?.();
    const { equals, utils } = context ?? {};
    if (
      typeof equals !== 'function' ||
      typeof utils?.iterableEquality !== 'function' ||
      typeof utils.subsetEquality !== 'function'
    )
      return undefined;
    return {
      equals: equals as Equals,
      utils: { iterableEquality: utils.iterableEquality as Tester, subsetEquality: utils.subsetEquality as Tester },
    };
  } catch {
    return undefined;
  }
}
