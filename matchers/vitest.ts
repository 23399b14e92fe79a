/**
 * `import 'unflake/vitest'` in a Vitest `setupFiles` entry: registers every matcher, and types them.
 * ESM only, so TypeScript resolves the augmentation against the module tests import.
 */
import * as vitest from 'vitest';
import { matchers } from './index.ts';
import type { EventualMatchers } from './types.ts';
import { registerVitestHooks } from './vitestHooks.ts';

vitest.expect.extend(matchers);
// A namespace import: `aroundEach` is missing before Vitest 4.1, and a named import of it would not link.
registerVitestHooks(vitest as never);

// No type parameters on purpose: Vitest 4 declares Matchers<T = any>, Vitest 5 Matchers<R = …, T = unknown>,
// and a declaration may omit defaulted parameters, so this one merges with both (TS2428 otherwise).
declare module 'vitest' {
  interface Matchers extends EventualMatchers {}
}

export type { EventualMatchers };
