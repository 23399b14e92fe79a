import { createRequire } from 'node:module';
import type * as FakeTimers from '@sinonjs/fake-timers';

let cached: typeof FakeTimers | undefined;

/**
 * Loads @sinonjs/fake-timers on first use, so importing `unflake/clock` in production code (for
 * `Clock` and `systemClock`) loads no fake-timer code. It is CommonJS, so require works from both builds.
 */
export function loadFakeTimers(): typeof FakeTimers {
  if (cached) return cached;
  // Not a bare `require`: the ESM build's bundler shim for it throws. tsup's `shims` gives the CJS
  // build an import.meta.url, so this one line serves both.
  const load = createRequire(import.meta.url);
  cached = load('@sinonjs/fake-timers') as typeof FakeTimers;
  return cached;
}
