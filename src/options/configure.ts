import type { ConfigurableOptions } from './types.ts';
import { validateConfigurable } from './normalizeOptions.ts';

/** Built-in defaults. The interval backoff is tuned by `bench/` (see docs/performance.md). */
export const builtInDefaults = Object.freeze({
  timeout: 4_000,
  for: 500,
  interval: Object.freeze({ initial: 2, factor: 2, max: 200, jitter: 0.1 }),
  testTimeoutMargin: 250,
});

// Kept on globalThis so the ESM and CJS builds, and every entry point, share one set of defaults.
const STATE_KEY = Symbol.for('unflake.configuredDefaults');

function store(): { current: ConfigurableOptions } {
  const g = globalThis as Record<symbol, { current: ConfigurableOptions } | undefined>;
  return (g[STATE_KEY] ??= { current: {} });
}

export function configuredDefaults(): ConfigurableOptions {
  return store().current;
}

/**
 * Sets defaults for every later eventual/consistent assertion in this test file (or process).
 * Returns a function that restores the previous defaults.
 *
 * @example configure({ timeout: 10_000, interval: { initial: 10, factor: 2, max: 500 } })
 */
export function configure(defaults: ConfigurableOptions): () => void {
  validateConfigurable(defaults);
  const state = store();
  const previous = state.current;
  state.current = { ...previous, ...defaults };
  return () => {
    state.current = previous;
  };
}
