import { createRequire } from 'node:module';
import type * as FastCheck from 'fast-check';

let cached: typeof FastCheck | undefined;

/** fast-check loads on the first convergence check, not when the matchers are registered. */
export function loadFastCheck(): typeof FastCheck {
  if (cached) return cached;
  // Not a bare `require`: the ESM build's bundler shim for it throws. tsup's `shims` gives the CJS
  // build an import.meta.url, so this one line serves both.
  const load = createRequire(import.meta.url);
  cached = load('fast-check') as typeof FastCheck;
  return cached;
}
