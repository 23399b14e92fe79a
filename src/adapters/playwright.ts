/**
 * What unflake reads of Playwright Test's internals: the equality its `toEqual` uses. The only file
 * that reads them.
 *
 * Playwright gives custom matchers a context whose `equals` throws ("not compatible with Playwright"),
 * but its asymmetric matchers (`expect.anything()`, Jest's `AsymmetricMatcher`) carry a matcher
 * context with the real one, the same function its `toEqual` calls.
 */
type Equals = (a: unknown, b: unknown, customTesters?: never[], strictCheck?: boolean) => boolean;

interface AsymmetricLike {
  getMatcherContext?: () => { equals?: unknown };
}

/** Playwright's `equals`, from `expect.anything()`; undefined if a future version no longer has it there. */
export function playwrightEquals(expect: { anything(): unknown }): Equals | undefined {
  try {
    const equals = (expect.anything() as AsymmetricLike).getMatcherContext?.().equals;
    return typeof equals === 'function' ? (equals as Equals) : undefined;
  } catch {
    return undefined;
  }
}
