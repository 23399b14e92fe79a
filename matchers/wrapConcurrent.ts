/**
 * Jest's `test.concurrent`: jest-circus starts these tests early, side by side, and runs no
 * beforeEach/afterEach for them, and its `expect` state names whichever test ran last. So each
 * concurrent test's function is wrapped to run in its own test state (async context), which also
 * ends it and fails that test for a forgotten `await`.
 */
import type { TestStart } from '../src/runner/testState.ts';
import { jestConfiguredTimeout } from '../src/adapters/jest.ts';

type Fn = (...args: unknown[]) => unknown;
type Register = (name: unknown, fn?: Fn, timeout?: number) => unknown;

export interface TestFn {
  concurrent?: Register & { only?: Register & { each?: Each }; skip?: unknown; each?: Each; failing?: unknown };
}
type Each = (...table: unknown[]) => Register;

type RunWrapped = (start: TestStart, run: () => unknown) => Promise<unknown>;

const WRAPPED = Symbol.for('unflake.wrappedConcurrent');

function wrapFn(name: unknown, fn: Fn | undefined, timeout: number | undefined, runWrapped: RunWrapped): Fn | undefined {
  if (typeof fn !== 'function') return fn;
  const start = (): TestStart => ({ runner: 'jest', name: typeof name === 'string' ? name : String(name), timeout: timeout ?? jestConfiguredTimeout() ?? 5_000 });
  return function (this: unknown, ...args: unknown[]) {
    return runWrapped(start(), () => fn.apply(this, args));
  };
}

function wrapRegister(original: Register, runWrapped: RunWrapped): Register {
  return function (this: unknown, name, fn, timeout) {
    return original.call(this, name, wrapFn(name, fn, timeout, runWrapped), timeout);
  };
}

function wrapEach(original: Each, runWrapped: RunWrapped): Each {
  return function (this: unknown, ...table: unknown[]) {
    const register = original.apply(this, table);
    return (name, fn, timeout) => register(name, wrapFn(name, fn, timeout, runWrapped), timeout);
  };
}

/** Replaces `test.concurrent` (and `.only`, `.each`, `.only.each`) on Jest's test function, once. */
export function wrapConcurrent(test: TestFn | undefined, runWrapped: RunWrapped): void {
  const original = test?.concurrent;
  if (!test || typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[WRAPPED]) return;
  const wrapped = Object.assign(wrapRegister(original, runWrapped), original) as NonNullable<TestFn['concurrent']>;
  if (typeof original.each === 'function') wrapped.each = wrapEach(original.each, runWrapped);
  if (typeof original.only === 'function') {
    const only = Object.assign(wrapRegister(original.only, runWrapped), original.only);
    if (typeof original.only.each === 'function') only.each = wrapEach(original.only.each, runWrapped);
    wrapped.only = only;
  }
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  test.concurrent = wrapped;
}
