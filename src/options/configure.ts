import type { ConfigurableOptions } from './types.ts';
import { validateConfigurable } from './normalizeOptions.ts';
import { addDefaults } from './defaults.ts';

export { builtInDefaults, configuredDefaults, markFileStart, restoreFileDefaults } from './defaults.ts';

/**
 * Sets defaults for every later eventual/consistent assertion: inside a test, for the rest of that test
 * only (a concurrent sibling is unaffected); outside one, for the rest of the test file (or process).
 * Returns a function that undoes this call's change, and only it, whatever was configured since.
 *
 * @example configure({ timeout: 10_000, interval: { initial: 10, factor: 2, max: 500 } })
 */
export function configure(defaults: ConfigurableOptions): () => void {
  validateConfigurable(defaults);
  return addDefaults(defaults);
}
