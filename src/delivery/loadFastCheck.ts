import { createRequire } from 'node:module';
import type * as FastCheck from 'fast-check';

let cached: typeof FastCheck | undefined;

/** fast-check loads on the first convergence check, not when the matchers are registered. */
export function loadFastCheck(): typeof FastCheck {
  if (cached) return cached;
  const load = typeof require === 'function' ? require : createRequire(import.meta.url);
  cached = load('fast-check') as typeof FastCheck;
  return cached;
}
