/**
 * `setupFilesAfterEnv: ['unflake/jest']`: registers every matcher on Jest's `expect`, and types them
 * for `@jest/globals` and for the global `expect` of `@types/jest`.
 */
import { afterAll, afterEach, beforeEach, expect, it, test } from '@jest/globals';
import { matchers } from './index.ts';
import type { EventualMatchers } from './types.ts';
import { registerJestHooks } from './jestHooks.ts';

expect.extend(matchers);
registerJestHooks({
  beforeEach,
  afterEach,
  afterAll,
  test: test as never,
  it: it as never,
  currentTestName: () => expect.getState().currentTestName,
});

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends EventualMatchers<R, T> {}
}

declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends EventualMatchers<R, T> {}
  }
}

export type { EventualMatchers };
