/**
 * What unflake reads of the runners' `expect` internals to judge and count as they do: Vitest's global
 * expect (`Symbol.for('expect-global')`), the matchers object Jest and the standalone `expect` package keep
 * (`Symbol.for('$$jest-matchers-object')`: raw matchers and the assertion-count state; under Vitest its
 * getter returns the global expect's state), and a Vitest test's own `expect` (its context's, once taken).
 * The only file that reads them (see also vitest.ts and jest.ts here).
 */

/** A runner's assertion-count state, as `expect.assertions(n)` reads it at the test's end. */
export interface CountState {
  assertionCalls: number;
  numPassingAsserts?: number;
}

/** Vitest's global `expect`: callable, with `getState`/`setState`. */
export interface VitestExpect {
  (received: unknown): object;
  getState(): { assertionCalls: number };
  setState(state: { assertionCalls: number }): void;
}

interface VitestTaskLike {
  context?: { _local?: boolean; expect?: { getState?: () => unknown } };
}

export function isCountState(value: unknown): value is CountState {
  return value !== null && typeof value === 'object' && typeof (value as CountState).assertionCalls === 'number';
}

/** Vitest's global expect, when running under Vitest. */
export function vitestGlobalExpect(): VitestExpect | undefined {
  const found = (globalThis as Record<symbol, unknown>)[Symbol.for('expect-global')];
  return typeof found === 'function' ? (found as VitestExpect) : undefined;
}

interface JestMatchersObject {
  matchers?: Record<string, unknown>;
  state?: unknown;
}

const JEST_MATCHERS_OBJECT = Symbol.for('$$jest-matchers-object');
let keptMatchersObject: JestMatchersObject | undefined;

/**
 * `$$jest-matchers-object`, kept once it can no longer change: Jest's `expect` defines it on the global as a
 * value neither writable nor configurable, and the global a module sees never changes, so the kept object
 * is the one every later read would find (Jest changes what is in it, its matchers and state, not the
 * object). Under Jest each read of the global was a lookup through the vm context (about 0.5 µs, per
 * matcher call). Vitest's is a configurable getter (a fresh object with the current expect's state): read
 * every time, as is anything else.
 */
function jestMatchersObject(): JestMatchersObject | undefined {
  if (keptMatchersObject) return keptMatchersObject;
  const found = (globalThis as Record<symbol, unknown>)[JEST_MATCHERS_OBJECT] as JestMatchersObject | undefined;
  if (found === null || typeof found !== 'object') return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, JEST_MATCHERS_OBJECT);
  if (descriptor && 'value' in descriptor && !descriptor.writable && !descriptor.configurable)
    keptMatchersObject = found;
  return found;
}

/** The raw matcher function `name` of Jest's (or the standalone `expect` package's) matchers object. */
export function jestRawMatcher(
  name: string,
): ((this: unknown, received: unknown, expected: unknown) => unknown) | undefined {
  const found = jestMatchersObject()?.matchers?.[name];
  return typeof found === 'function'
    ? (found as (this: unknown, received: unknown, expected: unknown) => unknown)
    : undefined;
}

/** The assertion-count state of Jest, the standalone `expect` package, or Vitest's global expect. */
export function globalCountState(): CountState | undefined {
  const state = jestMatchersObject()?.state;
  return isCountState(state) ? state : undefined;
}

/** The state of the `expect` a Vitest test took from its context, if it did (reading `expect` would create one). */
export function vitestLocalCountState(task: unknown): CountState | undefined {
  const context = (task as VitestTaskLike | undefined)?.context;
  if (context?._local !== true) return undefined;
  const state = context.expect?.getState?.();
  return isCountState(state) ? state : undefined;
}

/** The message given to Vitest's `expect(value, message)`, from the chai assertion on its matcher state (`assertion` in Vitest 5, `__vitest_assertion__` before). */
export function vitestCustomMessage(matcherState: unknown): string | undefined {
  const state = matcherState as {
    assertion?: { __flags?: { message?: unknown } };
    __vitest_assertion__?: { __flags?: { message?: unknown } };
  };
  const message = (state.assertion ?? state.__vitest_assertion__)?.__flags?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}
