/**
 * `expect(promise).resolves.toEventually…(…)` under Jest: Jest calls the matcher later, inside its own
 * `promise.then(…)`, and hands the test that outer promise, not unflake's. Returning unflake's promise
 * from the callback adopts it, which looks exactly like an `await`, and whether the test awaited Jest's
 * outer promise cannot be seen. So an unflake matcher after `.resolves` / `.rejects` is refused: nothing
 * is polled, and the test fails when it ends, whether or not it awaited the call, with a message saying
 * what to write instead. The call itself resolves, so a test that did not await it leaves no unhandled
 * rejection behind (Jest 29 pins one on whichever test runs next).
 */
import { jestMatchersRegistry } from '../src/adapters/jest.ts';
import { currentTestState, type TestState } from '../src/runner/testState.ts';
import { matchers } from './index.ts';

const KEY = 'jest.promiseModifiers';
const GUARDED = Symbol.for('unflake.promiseModifierGuard');

type Matcher = (this: { promise?: string; isNot?: boolean }, ...args: unknown[]) => unknown;

function refusal(via: string, name: string, isNot: boolean): string {
  return (
    `\`expect(…).${via}.${isNot ? 'not.' : ''}${name}(…)\` is not supported: Jest hands the test its own promise for \`.${via}\`, ` +
    'so unflake cannot tell whether the assertion was awaited, and nothing was checked. Give the probe itself: ' +
    `\`await expect(() => probe()).${name}(…)\` (a probe may return a promise; it is awaited at every attempt).`
  );
}

function guard(name: string, matcher: Matcher): Matcher {
  const guarded: Matcher = function (...args) {
    const via = this?.promise;
    if (via !== 'resolves' && via !== 'rejects') return matcher.apply(this, args);
    const isNot = this.isNot === true;
    const message = refusal(via, name, isNot);
    const test = currentTestState();
    if (!test) return { pass: isNot, message: () => message };
    const refused = (test.values.get(KEY) as string[] | undefined) ?? [];
    refused.push(message);
    test.values.set(KEY, refused);
    // A pass here; the test fails when it ends (promiseModifierProblem).
    return { pass: !isNot, message: () => message };
  };
  Object.defineProperty(guarded, GUARDED, { value: true });
  return guarded;
}

/** Replaces unflake's matchers in Jest's registry (after expect.extend) with the guarded ones. */
export function guardPromiseModifiers(): void {
  const registry = jestMatchersRegistry();
  if (!registry) return;
  for (const [name, matcher] of Object.entries(matchers)) {
    const registered = registry[name];
    if (registered === matcher) registry[name] = guard(name, matcher as unknown as Matcher);
  }
}

/** The error to fail the test with when it used `.resolves`/`.rejects` before an unflake matcher. */
export function promiseModifierProblem(state: TestState): Error | undefined {
  const refused = state.values.get(KEY) as string[] | undefined;
  if (!refused?.length) return undefined;
  state.values.delete(KEY);
  const shown = refused.slice(0, 5).map((m) => `  ${m}`);
  if (refused.length > 5) shown.push(`  … and ${refused.length - 5} more`);
  const error = new Error(
    `unflake: ${refused.length === 1 ? 'an assertion was' : `${refused.length} assertions were`} not checked:\n${shown.join('\n')}`,
  );
  // Its frames would be unflake's hooks; the message says which matcher and what to write.
  error.stack = `Error: ${error.message}`;
  return error;
}
