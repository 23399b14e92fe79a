import type { ConfigurableOptions } from './types.ts';
import { validateConfigurable } from './normalizeOptions.ts';
import { store } from './defaults.ts';

export { builtInDefaults, configuredDefaults, markFileStart, restoreFileDefaults } from './defaults.ts';

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
