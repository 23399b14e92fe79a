/**
 * Defaults: the built-in ones and those set with configure(). Its own module so that configure.ts and
 * normalizeOptions.ts both import it and not each other.
 */
import type { ConfigurableOptions } from './types.ts';

/** Built-in defaults. The interval backoff is tuned by `bench/` (see docs/performance.md). */
export const builtInDefaults = Object.freeze({
  timeout: 4_000,
  for: 500,
  interval: Object.freeze({ initial: 2, factor: 2, max: 200, jitter: 0.1 }),
  testTimeoutMargin: 250,
});

// Kept on globalThis so the ESM and CJS builds, and every entry point, share one set of defaults.
const STATE_KEY = Symbol.for('unflake.configuredDefaults');

interface Store {
  current: ConfigurableOptions;
  /** What the running test file started with: configure() calls in a file end with it. */
  atFileStart: ConfigurableOptions;
}

export function store(): Store {
  const g = globalThis as Record<symbol, Store | undefined>;
  const s = (g[STATE_KEY] ??= { current: {}, atFileStart: {} });
  s.atFileStart ??= s.current;
  return s;
}

/** A test file starts (the setup entries call this when they load for it). */
export function markFileStart(): void {
  const s = store();
  s.atFileStart = s.current;
}

/** A test file ends: its configure() defaults end with it, also under Vitest `isolate: false`. */
export function restoreFileDefaults(): void {
  const s = store();
  s.current = s.atFileStart;
}

export function configuredDefaults(): ConfigurableOptions {
  return store().current;
}
