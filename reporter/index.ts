/**
 * `unflake/reporter`, imported (ESM): the Vitest reporter by default, both by name.
 * `require('unflake/reporter')` (how Jest loads reporters) gets the Jest one by default: see jest-entry.ts.
 */
import { VitestFlakeReporter } from './vitest.ts';

export { VitestFlakeReporter } from './vitest.ts';
export { JestFlakeReporter } from './jest.ts';
export { PlaywrightFlakeReporter } from './playwright.ts';
export * from './api.ts';
export default VitestFlakeReporter;
